"""Gathering date candidates: every source a page offers, each with its raw string and its named source."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lxml import html

from broadsheet.records import DateCandidate, FetchedPage
from transforms.date_candidates import (
    html_date_candidates,
    page_date_candidates,
    split_byline,
    url_date,
)
from transforms.dates import DateContext, normalise_article_dates

FETCHED_AT = datetime(2025, 3, 15, 12, tzinfo=UTC)


def _candidates(body: str, head: str = ""):
    tree = html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")
    return html_date_candidates(tree)


def _bylines(candidates: list[DateCandidate]) -> list[DateCandidate]:
    return [c for c in candidates if c.source == "byline"]  # htmldate follows bylines, as a lower source


def _page(url: str, discovery: dict[str, str] | None = None, headers: dict[str, str] | None = None) -> FetchedPage:
    return FetchedPage(
        site_key="demo",
        requested_url=url,
        final_url=url,
        status=200,
        headers=headers or {"content-type": "text/html"},
        body=b"<html></html>",
        fetched_at=datetime(2025, 3, 15, 12, tzinfo=UTC),
        discovery=discovery or {},
    )


def test_json_ld_in_a_graph_gives_published_and_modified_and_epoch_numbers_are_kept_as_strings():
    head = """<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "Example", "datePublished": "2001-01-01"},
        {"@type": "NewsArticle", "headline": "H", "datePublished": 1710509400, "dateModified": "2024-03-16T08:00:00Z"}
    ]}</script>"""
    found = _candidates("<p>x</p>", head)
    assert found.published[0] == DateCandidate("1710509400", "json-ld")
    assert DateCandidate("2001-01-01", "json-ld") not in found.published  # a WebSite is not the article
    assert found.modified[0] == DateCandidate("2024-03-16T08:00:00Z", "json-ld")


def test_an_article_that_is_a_web_page_s_main_entity_is_found_and_a_date_in_a_list_is_read():
    head = """<script type="application/ld+json">{"@type": "WebPage", "datePublished": "2024-01-01",
        "mainEntity": {"@type": "NewsArticle", "datePublished": ["2024-03-15T14:30:00+01:00"]}}</script>"""
    found = _candidates("<p>x</p>", head)
    assert found.published[0] == DateCandidate("2024-03-15T14:30:00+01:00", "json-ld")
    assert DateCandidate("2024-01-01", "json-ld:WebPage") in found.published


def test_named_meta_tags_are_matched_whatever_their_case_and_attribute():
    head = """
        <meta property="article:published_time" content="2024-03-15T14:30:00+01:00">
        <meta name="DC.date" content="2024-03-15">
        <meta name="parsely-pub-date" content="2024-03-15T13:30:00Z">
        <meta name="sailthru.date" content="2024-03-15 13:30:00">
        <meta property="og:updated_time" content="2024-03-16T09:00:00+01:00">"""
    found = _candidates("<p>x</p>", head)
    assert [c.source for c in found.published] == [
        "meta:article:published_time",
        "meta:parsely-pub-date",
        "meta:sailthru.date",
        "meta:dc.date",
    ]
    assert found.modified == [DateCandidate("2024-03-16T09:00:00+01:00", "meta:og:updated_time")]


def test_microdata_and_time_elements_are_read_but_not_those_of_related_articles():
    body = """
        <article><span itemprop="datePublished" content="2024-03-15T14:30:00+01:00">15 March</span>
        <p>Posted <time datetime="2024-03-15T14:30:00+01:00">15 March</time>,
        updated <time datetime="2024-03-16T10:00:00+01:00">16 March</time></p></article>
        <aside class="related"><time datetime="2023-01-01T00:00:00Z">1 Jan 2023</time></aside>
        <div class="teaser-list"><time datetime="2022-01-01T00:00:00Z">2022</time></div>"""
    found = _candidates(body)
    assert DateCandidate("2024-03-15T14:30:00+01:00", "microdata:datePublished") in found.published
    assert DateCandidate("2024-03-15T14:30:00+01:00", "time[datetime]") in found.published
    assert DateCandidate("2024-03-16T10:00:00+01:00", "time[datetime]") in found.modified
    raws = {c.raw for c in found.published + found.modified}
    assert "2023-01-01T00:00:00Z" not in raws and "2022-01-01T00:00:00Z" not in raws


def test_today_s_date_in_the_site_masthead_is_not_the_article_s_date():
    body = """
        <header><a href="/">The Daily</a><span class="date">Wednesday, November 25, 2026</span></header>
        <div class="masthead"><time datetime="2026-11-25">25 Nov 2026</time></div>
        <article><header><h1>Headline</h1><p class="byline">By A. Writer, March 5, 2024</p></header></article>"""
    found = _candidates(body)
    assert found.published[0] == DateCandidate("By A. Writer, March 5, 2024", "byline")
    assert not [c for c in found.published + found.modified if "2026" in c.raw and c.source != "htmldate"]


@pytest.mark.parametrize(
    "clock",
    ["Aktuelle Zeit: 14.10.2020, 12:18", "It is currently Tue Oct 13, 2020 7:22 pm", "Nous sommes le 13 oct. 2020"],
)
def test_a_forum_s_clock_in_a_date_styled_element_is_not_the_post_s_date(clock):
    body = f"""
        <div class="navbar"><span class="date-time">{clock}</span></div>
        <div class="post"><h1>Regeln</h1><p class="postdate">Verfasst am 21.01.2009, 18:40</p></div>"""
    found = _bylines(_candidates(body).published)
    assert found == [DateCandidate("Verfasst am 21.01.2009, 18:40", "byline")]


def test_a_time_element_without_datetime_gives_its_text():
    found = _candidates("<article><h1>H</h1><p>Posted <time>5 March 2024</time></p></article>")
    assert found.published[0] == DateCandidate("5 March 2024", "time")


def test_an_author_line_gives_its_date_but_not_a_teaser_s_author_line_inside_a_link():
    body = (
        "<article><h1>Light festival</h1><p class='post-text-author'>By <a href='/author/kim'>Kim</a> - 2018-09-16</p>"
        "<ul class='more-articles'><li><a href='/other'><span class='item-author'>09.10.2021</span> Dive fair</a></li>"
        "</ul></article>"
    )
    assert _bylines(_candidates(body).published) == [DateCandidate("By Kim - 2018-09-16", "byline")]


def test_a_byline_with_published_and_updated_gives_one_candidate_for_each():
    found = _candidates('<div class="byline">Published 5 March 2024 10:00 | Updated 6 March 2024 18:30</div>')
    assert _bylines(found.published) == [DateCandidate("Published 5 March 2024 10:00", "byline")]
    assert found.modified == [DateCandidate("Updated 6 March 2024 18:30", "byline")]


def test_a_byline_that_puts_updated_before_published_is_split_the_right_way_round():
    found = _candidates('<p class="post-meta">Updated 6 March 2024 18:30 · Published 5 March 2024 10:00</p>')
    assert _bylines(found.published) == [DateCandidate("Published 5 March 2024 10:00", "byline")]
    assert found.modified == [DateCandidate("Updated 6 March 2024 18:30", "byline")]
    assert split_byline("Aktualisiert: 06.03.2024, 18:30 Uhr | Erstellt: 05.03.2024, 10:00 Uhr") == (
        "Erstellt: 05.03.2024, 10:00 Uhr",
        "Aktualisiert: 06.03.2024, 18:30 Uhr",
    )


def test_split_byline_handles_several_languages():
    assert split_byline("Veröffentlicht am 5.3.2024 · Aktualisiert am 6.3.2024") == (
        "Veröffentlicht am 5.3.2024",
        "Aktualisiert am 6.3.2024",
    )
    assert split_byline("Publicado: 05/03/2024 - Actualizado: 06/03/2024")[1] == "Actualizado: 06/03/2024"
    assert split_byline("Mis à jour le 6 mars 2024") == (None, "Mis à jour le 6 mars 2024")
    assert split_byline("Par Léa Martin, le 5 mars 2024") == ("Par Léa Martin, le 5 mars 2024", None)


def test_url_paths_give_their_date_as_found():
    assert url_date("https://example.com/2024/03/05/council-budget/") == "2024/03/05"
    assert url_date("https://example.com/news/2024-03-05/council-budget") == "2024/03/05"
    assert url_date("https://example.com/politik/haushalt-20240305-story.html") == "2024/03/05"
    assert url_date("https://example.com/2024/03/council-budget") == "2024/03"
    assert url_date("https://example.com/news/council-budget-512104.html") is None
    assert url_date("https://example.com/news/item?date=2024/03/05") is None


def test_discovery_url_and_http_header_become_candidates_after_the_page_s_own():
    page = _page(
        "https://example.com/2024/03/05/council-budget/",
        discovery={
            "source": "news-sitemap",
            "news_publication_date": "2024-03-05T09:00:00+01:00",
            "lastmod": "2024-03-06T10:00:00+01:00",
        },
        headers={"content-type": "text/html", "last-modified": "Wed, 06 Mar 2024 09:00:00 GMT"},
    )
    found = page_date_candidates(page)
    assert [c.source for c in found.published] == ["news-sitemap", "url-path", "sitemap:lastmod", "http:last-modified"]
    assert found.published[1].raw == "2024/03/05"
    assert [c.source for c in found.modified] == ["sitemap:lastmod", "http:last-modified"]


def test_htmldate_supplies_a_date_only_when_the_page_states_none_of_its_own():
    found = _candidates("<h1>Headline</h1><p>Text of the article.</p><p>Copyright 2024. Posted on 2024-03-05.</p>")
    assert [c.source for c in found.published] == ["htmldate"]
    assert found.published[0].raw == "2024-03-05"
    found = _candidates('<p>x</p><time datetime="2024-03-07">7 March</time>')
    assert "htmldate" not in {c.source for c in found.published}
    # a byline is no machine-readable date, and may hold none at all: htmldate still has its say, after it
    found = _candidates('<p class="post-meta">3 comments</p><p>Posted on 2024-03-05.</p>')
    assert [c.source for c in found.published] == ["byline", "htmldate"]


def test_an_embedded_video_s_upload_date_is_not_the_article_s_date():
    head = """<script type="application/ld+json">[
        {"@type": "VideoObject", "name": "Clip", "uploadDate": "2019-10-11T14:59:54Z"},
        {"@type": "NewsArticle", "headline": "H", "datePublished": "2019-11-19T02:34:30Z"}]</script>"""
    found = _candidates("<p>x</p>", head).published
    assert found == [
        DateCandidate("2019-11-19T02:34:30Z", "json-ld"),
        DateCandidate("2019-10-11T14:59:54Z", "json-ld:VideoObject"),
    ]
    with_meta = head.replace('"datePublished": "2019-11-19T02:34:30Z"', '"name": "no date"') + (
        '<meta property="article:published_time" content="2019-11-19T02:34:30Z">'
    )
    dates = normalise_article_dates(
        _candidates("<p>x</p>", with_meta).published, [], DateContext.for_site("UTC", ["en"], FETCHED_AT)
    )
    assert dates.published.source == "meta:article:published_time"
