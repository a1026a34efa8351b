"""Extraction on pages nobody tuned for (issue 14): each known failure mode on a page we wrote in its shape.

Short and non-Latin articles, tree rules that would delete the article, titles with entities or a kicker,
and dates that other CreativeWork types, guarded JSON-LD, naive times or a page-wide "sidebar" class hid.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lxml import html

from broadsheet.records import DateCandidate, ExtractedArticle, FetchedPage, Reject, RejectReason
from transforms import boilerplate
from transforms.article_metadata import read_article_metadata
from transforms.body_length import body_words
from transforms.date_candidates import html_date_candidates, page_date_candidates
from transforms.dates import DateContext, normalise_article_dates
from transforms.extract import extract_article

FETCHED_AT = datetime(2026, 3, 10, tzinfo=UTC)
NEWS_ARTICLE = '<script type="application/ld+json">{"@type":"NewsArticle","headline":"%s"}</script>'
ENGLISH = (
    "The harbour authority confirmed on Tuesday that the night ferry between the east quay and the island will run "
    "again from Monday, after six weeks of repairs to the hull and the loading ramp. "
)


def _page(body: str, head: str = "", lang: str = "en") -> str:
    return f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


def _extract(page: str, url: str = "https://news.example/2026/03/09/story") -> ExtractedArticle | Reject:
    return extract_article(
        FetchedPage("fixture", url, url, 200, {"content-type": "text/html; charset=utf-8"}, page.encode(), FETCHED_AT)
    )


# --- short and non-Latin articles ------------------------------------------------------------------------------

CHINESE = (
    "港务局周二表示，连接东码头和岛屿的夜间渡轮将于下周一恢复运行。此前，渡轮船体和装卸坡道进行了为期六周的维修。"
    "港务局局长在记者会上说，维修费用低于预算，新的坡道可以让货车更快上下船。"
    "岛上居民对恢复夜班渡轮表示欢迎，许多人在维修期间不得不乘坐最后一班下午的渡轮回家。"
    "当地商会也表示，夜间渡轮对岛上餐馆和酒店的生意十分重要，希望今后不再长时间停运。"
)
THAI = (
    "การท่าเรือยืนยันเมื่อวันอังคารว่าเรือข้ามฟากกลางคืนระหว่างท่าเรือฝั่งตะวันออกและเกาะจะกลับมาให้บริการอีกครั้ง"
    "ตั้งแต่วันจันทร์หน้า หลังจากการซ่อมแซมตัวเรือและทางลาดขนถ่ายสินค้าเป็นเวลาหกสัปดาห์ "
    "ผู้อำนวยการการท่าเรือกล่าวว่าค่าใช้จ่ายในการซ่อมแซมต่ำกว่างบประมาณ และทางลาดใหม่ช่วยให้รถบรรทุกขึ้นลงเรือได้เร็วขึ้น "
    "ชาวเกาะยินดีที่เรือกลางคืนกลับมา เพราะระหว่างการซ่อมหลายคนต้องกลับบ้านด้วยเรือเที่ยวบ่ายเที่ยวสุดท้าย"
)


def test_a_chinese_article_is_long_enough_counted_in_characters():
    assert len(CHINESE.split()) < 5 and body_words(CHINESE) >= 60
    page = _page(
        f"<article><h1>夜间渡轮下周一恢复</h1><p>{CHINESE}</p></article>", NEWS_ARTICLE % "夜间渡轮下周一恢复", "zh"
    )
    article = _extract(page)
    assert isinstance(article, ExtractedArticle), article
    assert "港务局周二表示" in article.body_text
    assert article.metadata_sources["body"] != "baseline", "the fallback was chosen for a CJK page by word count"
    assert article.extraction_flags == []


def test_a_thai_article_is_not_rejected_for_having_few_spaces():
    page = _page(f"<article><h1>เรือข้ามฟากกลางคืนกลับมา</h1><p>{THAI}</p></article>", NEWS_ARTICLE % "เรือ", "th")
    article = _extract(page)
    assert isinstance(article, ExtractedArticle), article
    assert "การท่าเรือยืนยัน" in article.body_text


def test_a_short_news_brief_loads_with_a_flag():
    brief = ENGLISH + "Tickets bought for the cancelled crossings will be valid until the end of April."
    assert 30 <= len(brief.split()) < 60
    page = _page(
        f"<article><h1>Night ferry returns on Monday</h1><p>{brief}</p></article>",
        NEWS_ARTICLE % "Night ferry returns on Monday",
    )
    article = _extract(page)
    assert isinstance(article, ExtractedArticle), article
    assert article.extraction_flags == ["short_body"]


def test_a_short_listing_page_is_still_rejected():
    links = "".join(f"<li><a href='/story/{i}'>Ferry news item number {i} of this week</a></li>" for i in range(5))
    page = _page(f"<h1>Ferry news</h1><ul>{links}</ul>", '<meta property="og:type" content="website">')
    rejected = _extract(page, "https://news.example/topics/ferry")
    assert isinstance(rejected, Reject) and rejected.reason == RejectReason.NO_ARTICLE_BODY


# --- tree rules must not delete the article ----------------------------------------------------------------------


FOOTER = (
    "<footer><ul>"
    + "<li>Other news from the harbour and the island, every day of the week</li>" * 40
    + "</ul></footer>"
)


def _kept_after_rules(markup: str) -> str:
    """The page's text after the tree rules; a long footer list puts the article under half of the page's text."""
    tree = html.document_fromstring(_page(markup + FOOTER))
    boilerplate.apply_tree_rules(tree)
    return tree.text_content()


def test_a_wrapper_classed_comments_enabled_article_keeps_the_article():
    text = _kept_after_rules(
        "<div class='comments-enabled article'><h1>Ferry</h1>" + f"<p>{ENGLISH}</p>" * 4 + "</div>"
        "<div class='comments'><p>Great news!</p></div>"
    )
    assert "night ferry between the east quay" in text
    assert "Great news!" not in text


def test_a_share_container_wrapping_the_post_keeps_the_post():
    text = _kept_after_rules(
        "<div class='share-container'><div class='post'>" + f"<p>{ENGLISH}</p>" * 4 + "</div>"
        "<a href='https://social.example/share'>Share</a></div><div class='sidebar'>"
        + "<p>Other news.</p>" * 30
        + "</div>"
    )
    assert "night ferry between the east quay" in text


def test_a_class_that_switches_a_widget_off_does_not_mark_the_post_as_that_widget():
    """A theme classes the post "no-share" (sharing off for it); the sidebar beside it holds more paragraphs."""
    sidebar = "<div class='sidebar'>" + "<p>Harbour notices: tide tables, berth rotas and ferry timetables.</p>" * 30
    text = _kept_after_rules(
        "<div class='no-share post type-post hide-comments'><h1>Ferry</h1>"
        + f"<p>{ENGLISH}</p>" * 3
        + "</div>"
        + sidebar
        + "</div><div class='share-bar'><a href='https://social.example/share'>Share this</a></div>"
    )
    assert "night ferry between the east quay" in text
    assert "Share this" not in text


def test_live_blog_entries_classed_as_comments_are_not_all_removed():
    entries = "".join(
        f"<div class='live-comment'><span>{minute}'</span> {ENGLISH}</div>" for minute in (10, 25, 40, 60)
    )
    text = _kept_after_rules(f"<main><h1>Live</h1><div class='live-comments'>{entries}</div></main>")
    assert text.count("night ferry between the east quay") == 4


# --- trafilatura's options --------------------------------------------------------------------------------------

ESSAY_LEAD = (
    "Universities are to be funded by a single number, the count of citations. The essay argues that the count "
    "measures the habits of a field rather than the quality of its research, and that a ranking built on it "
    "rewards the disciplines that publish often and cite each other. Its author, an economist who sat on the "
    "ministry's own review panel, explains why she voted against the plan and what the panel proposed instead."
)
ESSAY = [
    "The ministry's plan ties a fifth of every university's budget to the citations its staff collect. Officials "
    "say the measure is objective, cheap to compute and already used by the ranking agencies that students read.",
    "Historians publish books, which the citation databases barely index; chemists publish many short papers, "
    "each citing dozens of others. A historian's life's work can collect fewer citations than a chemist's month.",
    "A ranking of departments by citations therefore ranks the disciplines before it ranks anyone's work. The "
    "panel's own simulation moved every humanities department into the bottom third, whatever its reputation.",
    "The same count also rewards self-citation, which several journals have begun to police on their own. "
    "Citation cartels, groups of authors who cite each other by agreement, have already been found in two fields.",
    "Funding agencies in two neighbouring countries dropped the measure after reviews found the same bias. One "
    "returned to peer review of a sample of publications; the other now asks each department for five works.",
    "Peer review costs more, the author concedes, but a number that cannot be read is not cheaper. The panel "
    "estimated the cost of reviewing five works per department at less than a tenth of one percent of the budget.",
    "The reform is due before parliament in the autumn, with the first budgets set by it a year later. The "
    "opposition has asked for the panel's report to be published in full before the vote, which the ministry refused.",
    "Until then, the essay ends, departments will learn to write for the counter rather than for readers. "
    "Young researchers, who need the numbers most, will be the first to change what they work on and how they write.",
]


@pytest.mark.parametrize(
    "teaser_titles",
    [
        pytest.param(("Ferry timetable", "Harbour budget", "Dredging resumes", "Quay repairs"), id="with a sidebar"),
        pytest.param((), id="alone on its page: the standfirst is a ninth of the page's text"),
    ],
)
def test_an_article_split_after_its_standfirst_is_read_whole_not_just_the_standfirst(teaser_titles: tuple[str, ...]):
    """trafilatura's fast pass takes the first "entry-content" container (the standfirst, long enough not to
    look empty) and stops; its defaults, asked because that is a small part of the page, find the essay in the
    container after it."""
    paragraphs = "".join(f"<p>{text} {ENGLISH}</p>" for text in ESSAY)
    teasers = "".join(f"<div class='teaser'><h3>{title}</h3><p>{ENGLISH}</p></div>" for title in teaser_titles)
    page = _page(
        "<div id='content_article'><h1>The ranking of research</h1>"
        f"<div class='entry-content chapo'><p>{ESSAY_LEAD}</p></div>"
        f"<div class='texte_wrapper'><div class='entry-content texte'>{paragraphs}</div></div></div>"
        f"<div class='sidebar'>{teasers}</div>",
        NEWS_ARTICLE % "The ranking of research",
    )
    article = _extract(page)
    assert isinstance(article, ExtractedArticle)
    for text in ESSAY:
        assert text in article.body_text


# --- titles ---------------------------------------------------------------------------------------------------


def _metadata(head: str, body: str = ""):
    return read_article_metadata(html.document_fromstring(_page(body, head)))


def test_html_entities_in_the_json_ld_headline_are_decoded():
    meta = _metadata(NEWS_ARTICLE % "&#8216;We had some issues&#8217;: F&ouml;hn &quot;warning&quot;")
    assert meta.title == '‘We had some issues’: Föhn "warning"'


def test_a_kicker_glued_before_the_headline_is_left_out_when_the_h1_gives_the_headline_alone():
    meta = _metadata(
        '<meta property="og:title" content="Opinion | Republicans are following the leader">'
        + NEWS_ARTICLE % "Opinion | Republicans are following the leader",
        "<h1>Republicans are following the leader</h1>",
    )
    assert meta.title == "Republicans are following the leader"


def test_an_h1_no_other_source_supports_yields_to_the_headline_the_sources_agree_on():
    meta = _metadata(
        '<meta property="og:title" content="Ferry returns on Monday - Harbour Herald">'
        '<meta property="og:site_name" content="Harbour Herald">' + NEWS_ARTICLE % "Ferry returns on Monday",
        "<h1>Harbour Herald</h1><h2>Ferry returns on Monday</h2>",
    )
    assert meta.title == "Ferry returns on Monday"


# --- dates ----------------------------------------------------------------------------------------------------


def _published(head: str, body: str = "") -> list[DateCandidate]:
    return html_date_candidates(html.document_fromstring(_page(body, head))).published


def test_other_creative_work_types_give_the_articles_date():
    for kind in ("ClaimReview", "LiveBlogPosting", "ReportageNewsArticle", "BackgroundNewsArticle"):
        head = (
            f'<script type="application/ld+json">{{"@type":"{kind}","datePublished":"2024-03-15T14:30:00Z"}}</script>'
        )
        assert DateCandidate("2024-03-15T14:30:00Z", "json-ld") in _published(head), kind


def test_json_ld_wrapped_in_cdata_or_an_html_comment_is_read():
    data = '{"@type":"NewsArticle","datePublished":"2024-03-15T14:30:00+01:00"}'
    for wrapped in (f"//<![CDATA[\n{data}\n//]]>", f"<!--\n{data}\n-->"):
        head = f'<script type="application/ld+json">{wrapped}</script>'
        assert DateCandidate("2024-03-15T14:30:00+01:00", "json-ld") in _published(head), wrapped


def test_a_naive_json_ld_time_takes_the_offset_another_source_gives_the_same_wall_clock():
    context = DateContext.for_site("America/New_York", ["en"], FETCHED_AT)
    dates = normalise_article_dates(
        [DateCandidate("2024-03-15T14:30:00", "json-ld"), DateCandidate("2024-03-15T14:30:00+01:00", "meta:date")],
        [],
        context,
    )
    assert dates.published.at == datetime(2024, 3, 15, 13, 30, tzinfo=UTC)
    assert not dates.published.is_timezone_assumed


def test_a_page_wide_sidebar_class_does_not_hide_the_articles_own_time():
    body = (
        "<div class='site-wrapper has-sidebar'><article><h1>Ferry returns</h1>"
        "<time itemprop='datePublished' datetime='2024-03-15T14:30:00+01:00'>15 March</time><p>Text.</p></article>"
        "<aside class='sidebar'><time datetime='2024-03-01T08:00:00+01:00'>1 March</time></aside></div>"
    )
    tree = html.document_fromstring(_page(body).replace("<body>", "<body class='with-sidebar'>"))
    published = html_date_candidates(tree).published
    assert published[0] == DateCandidate("2024-03-15T14:30:00+01:00", "microdata:datePublished")
    assert all("2024-03-01" not in candidate.raw for candidate in published)


def test_a_coarse_url_date_never_outranks_a_finer_one_that_agrees_with_it():
    context = DateContext.for_site("Europe/Berlin", ["de"], FETCHED_AT)
    dates = normalise_article_dates(
        [DateCandidate("2024/03", "url-path"), DateCandidate("2024-03-15T14:30:00+01:00", "htmldate")], [], context
    )
    assert dates.published.at == datetime(2024, 3, 15, 13, 30, tzinfo=UTC)


def test_a_url_month_folder_yields_to_a_day_in_the_month_after_it_but_not_to_one_long_before():
    # a press office files its releases in /2021/10/; the release went out on 10 November
    body = "<h1>Lagebild</h1><p>Stand: 10. November 2021. Die Lage an der Grenze bleibt angespannt.</p>"
    chosen = _chosen_published(body, lang="de", url="https://amt.example/meldungen/2021/10/lagebild.html")
    assert chosen.at == datetime(2021, 11, 10, tzinfo=UTC) and chosen.source == "htmldate"
    context = DateContext.for_site("UTC", ["de"], FETCHED_AT)
    dates = normalise_article_dates(
        [DateCandidate("2011/12", "url-path"), DateCandidate("2010-06-01", "htmldate")], [], context
    )
    assert dates.published.at == datetime(2011, 12, 1, tzinfo=UTC) and dates.published.precision == "month"


def test_a_quoted_post_or_a_suggested_article_does_not_date_the_article():
    embed = (
        "<blockquote class='social-embed'><p>Beach day!</p><p>A post shared by Sam "
        "<time datetime='2018-03-12T19:30:12+00:00'>Mar 12, 2018</time></p></blockquote>"
    )
    suggested = (
        "<section class='suggestion-articles'><article><a href='/other'>Other story "
        "<time datetime='2019-02-03T08:00:00Z'>3 Feb</time></a></article></section>"
    )
    body = (
        "<div class='article-date'>Dienstag, 29. Januar 2019</div><h1>Was sich ändert</h1>"
        f"<div class='article-body'><p>Text.</p>{embed}<p>Mehr Text.</p></div>{suggested}"
    )
    published = html_date_candidates(html.document_fromstring(_page(body, lang="de"))).published
    assert published[0] == DateCandidate("Dienstag, 29. Januar 2019", "byline")
    assert all(candidate.source in ("byline", "htmldate") for candidate in published), published


def test_a_bem_meta_line_is_a_byline_and_a_wrapper_round_the_headline_is_not():
    body = (
        "<article><header class='article__header'><h1>What is the value of drugs at the border?</h1>"
        "<p class='article__meta'>By Dana Whitlock on Monday, November 18th, 2019 at 11:08 a.m.</p></header>"
        "<p>Text.</p></article>"
    )
    assert _published("", body)[0].raw == "By Dana Whitlock on Monday, November 18th, 2019 at 11:08 a.m."
    wrapped = (
        "<div class='theme_post_meta_wrapper'><h1>Results: regional meeting, 19.5.2007</h1>"
        "<p class='post-meta'>von Marc Roth | <span class='published'>20. Mai 2007</span> | Ergebnisse</p></div>"
    )
    assert "19.5.2007" not in " ".join(candidate.raw for candidate in _published("", wrapped))


def test_a_join_date_or_a_forums_last_post_is_not_a_publication_date():
    body = (
        "<div class='profile-header-card'><b>Harbour News</b> <span class='join-date'>Joined March 2007</span></div>"
        "<h1>Ferry returns</h1><ul class='thread-meta'><li class='thread-date'>Erstellt 21.02.2011 · Antworten: 6 "
        "Letzter Beitrag: 18.10.2012, 23:08</li></ul><p>Text.</p>"
    )
    raws = [candidate.raw for candidate in _published("", body) if candidate.source == "byline"]
    assert raws == ["Erstellt 21.02.2011 · Antworten: 6"]


def _chosen_published(
    body: str, head: str = "", lang: str = "en", url: str = "https://blog.example/post", zone: str = "UTC"
) -> datetime:
    tree = html.document_fromstring(_page(body, head, lang))
    found = html_date_candidates(tree)
    extra = page_date_candidates(FetchedPage("fixture", url, url, 200, {}, b"", FETCHED_AT))
    context = DateContext.for_site(zone, [lang], FETCHED_AT, lang)
    return normalise_article_dates([*found.published, *extra.published], found.modified, context).published


def test_a_year_less_date_badge_does_not_outrank_the_dated_post_meta():
    # a blog theme's badge shows "13 Aug" (read as this year's 13 August); the post meta gives the year
    body = (
        "<article><div class='post-date'><span>13 Aug</span></div><h1>About bugs</h1>"
        "<div class='entry-meta'>August 13, 2018 Posted by Vortex</div><p>Text.</p></article>"
    )
    chosen = _chosen_published(body)
    assert chosen.at == datetime(2018, 8, 13, tzinfo=UTC) and not chosen.is_relative


def test_a_relative_byline_on_an_old_page_yields_to_an_absolute_date():
    # "Gestern um 02:12" counts back from the fetch; the page's own 6 October 2017 is absolute
    body = (
        "<div class='post-time'>Gestern um 02:12</div><h1>Herbst in den Bergen</h1>"
        "<p>Veröffentlicht am 6. Oktober 2017. Der erste Schnee liegt schon.</p>"
    )
    chosen = _chosen_published(body, lang="de", url="https://social.example/2017/10/06/herbst")
    assert chosen.at.date().isoformat() == "2017-10-06"
    assert not chosen.is_relative


def test_a_relative_byline_still_dates_a_page_that_states_nothing_else():
    chosen = _chosen_published("<h1>Eilmeldung</h1><div class='byline'>vor 3 Stunden</div><p>Text.</p>", lang="de")
    assert chosen.at == datetime(2026, 3, 9, 21, 0, tzinfo=UTC) and chosen.is_relative


def test_a_json_ld_time_with_the_wrong_offset_yields_to_the_byline_and_meta_tag_that_agree():
    # the CMS wrote the UTC wall time with the local offset into JSON-LD; the meta tag and the byline agree
    json_ld = '<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"%s"}</script>'
    meta = '<meta property="article:published_time" content="2024-03-15T04:31:13+00:00">'
    body = "<h1>A wagon with a secret</h1><div class='byline'>Chris Doe - Mar 14, 2024, 10:31 pm CST</div><p>Text.</p>"
    chosen = _chosen_published(body, json_ld % "2024-03-15T04:31:13-06:00" + meta)
    assert chosen.at == datetime(2024, 3, 15, 4, 31, 13, tzinfo=UTC)
    assert chosen.source == "meta:article:published_time"
    # without a second machine-readable source that agrees with the byline, the JSON-LD stands
    alone = _chosen_published(body, json_ld % "2024-03-15T04:31:13-06:00")
    assert alone.at == datetime(2024, 3, 15, 10, 31, 13, tzinfo=UTC)


def test_an_ambiguous_zone_abbreviation_is_read_at_the_offset_the_page_states():
    # "IST" is India, Israel and Ireland; the page's own ISO dates say +05:30
    json_ld = (
        '<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"01:38:07 PM IST Nov 20, 2019",'
        '"dateModified":"2019-11-20T13:41:20+05:30"}</script>'
    )
    chosen = _chosen_published("<h1>Markets on a high</h1><p>Text.</p>", json_ld)
    assert chosen.at == datetime(2019, 11, 20, 8, 8, 7, tzinfo=UTC)
    assert not chosen.is_timezone_assumed


def test_machine_readable_dates_that_disagree_are_settled_by_the_date_the_page_shows():
    # JSON-LD keeps the day the draft was made; the meta tag and the byline say when it went out
    head = (
        '<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2023-11-03T10:25:56+00:00"}'
        '</script><meta property="article:published_time" content="2023-11-06T14:25:00+00:00">'
    )
    body = "<h1>Eisberge</h1><div class='post-meta'>Von Kim Roth · 6. November 2023, 15:25 Uhr</div><p>Text.</p>"
    chosen = _chosen_published(body, head, lang="de")
    assert chosen.at == datetime(2023, 11, 6, 14, 25, tzinfo=UTC)
    # the byline's 15:25 is the meta tag's 14:25 UTC at the page's +01:00: the wall clock the reader is shown
    assert chosen.raw.endswith("15:25 Uhr") and not chosen.is_timezone_assumed
    # the page's own JSON-LD stands when the byline names neither (a teaser's date) ...
    teaser = body.replace("6. November 2023", "1. Oktober 2023")
    assert _chosen_published(teaser, head, lang="de").at == datetime(2023, 11, 3, 10, 25, 56, tzinfo=UTC)
    # ... and when the machine-readable dates are a list of posts, not two statements about one article
    listing = head + '<meta name="date" content="2023-10-20T09:00:00+00:00">'
    assert _chosen_published(body, listing, lang="de").at == datetime(2023, 11, 3, 10, 25, 56, tzinfo=UTC)


def test_a_published_date_after_the_modified_date_yields_to_the_time_the_page_shows():
    json_ld = (
        '<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"19 Nov 2019 07:09 GMT",'
        '"dateModified":"19 Nov 2019 05:44 GMT"}</script>'
    )
    shown = "<h1>Moon shot</h1><time datetime='Tue Nov 19 2019 05:44:06 GMT+0000'>19 Nov 2019</time><p>Text.</p>"
    assert _chosen_published(shown, json_ld).at == datetime(2019, 11, 19, 5, 44, tzinfo=UTC)
    # a publication scheduled after the last edit, and the <time> says so: the later date stands
    scheduled = shown.replace("Tue Nov 19 2019 05:44:06", "Tue Nov 19 2019 07:09:00")
    assert _chosen_published(scheduled, json_ld).at == datetime(2019, 11, 19, 7, 9, tzinfo=UTC)


# --- authors ------------------------------------------------------------------------------------------------------


def test_a_wordpress_account_only_the_json_ld_graph_names_is_not_credited_as_the_author():
    # trafilatura's metadata follows the @id to the Person; the page shows no byline
    graph = (
        '<script type="application/ld+json">{"@context":"https://schema.org","@graph":['
        '{"@type":"BlogPosting","headline":"Night ferry returns","author":{"@id":"https://b.example/#/person/1"}},'
        '{"@type":"Person","@id":"https://b.example/#/person/1","name":"Dana Whitlock"}]}</script>'
    )
    article = _extract(_page(f"<article><h1>Night ferry returns</h1><p>{ENGLISH * 3}</p></article>", graph))
    assert isinstance(article, ExtractedArticle), article
    assert article.authors == []
    shown = _page(
        "<article><h1>Night ferry returns</h1><p>Posted in Harbour by Dana Whitlock.</p>"
        f"<p>{ENGLISH * 3}</p></article>",
        graph,
    )
    assert _extract(shown).authors == ["Dana Whitlock"]


def test_the_only_date_a_page_shows_labelled_updated_is_the_date_the_reader_is_told():
    # the published instant is hidden in JSON-LD; the one visible line says "Updated" a few minutes later
    json_ld = (
        '<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2019-11-20T06:35:39Z",'
        '"dateModified":"2019-11-20T06:39:54Z"}</script>'
    )
    body = (
        "<h1>Electric vans at the motor show</h1><div class='byline'>By Sam Doe, Associated Press</div>"
        "<div class='article-time'>Updated 1:39 am EST, Wednesday, November 20, 2019</div><p>Text.</p>"
    )
    chosen = _chosen_published(body, json_ld)
    assert chosen.at == datetime(2019, 11, 20, 6, 39, tzinfo=UTC) and chosen.source == "byline"
    # a page that also shows when it was published keeps the published date it shows
    both = body.replace(
        "<div class='article-time'>", "<div class='article-time'>Published 1:35 am EST, November 20, 2019 | "
    )
    assert _chosen_published(both, json_ld).at == datetime(2019, 11, 20, 6, 35, 39, tzinfo=UTC)
    # months later, the page still dates itself by the update it shows ("Updated Mar 4, 2020" on a 2019 page)
    later = body.replace("1:39 am EST, Wednesday, November 20, 2019", "Mar 4, 2020")
    assert _chosen_published(later, json_ld).at == datetime(2020, 3, 4, tzinfo=UTC)
    # a shown update without zone on the hidden date's own day adds only a guessed zone: the hidden instant stands
    same_day = body.replace("1:39 am EST, Wednesday, November 20, 2019", "20.11.2019 09:35")
    assert _chosen_published(same_day, json_ld).at == datetime(2019, 11, 20, 6, 35, 39, tzinfo=UTC)


def test_a_time_stated_in_utc_is_kept_as_the_page_states_it_at_its_own_offset():
    # JSON-LD and the meta tag say 06:35:29Z (the next day in UTC); the <time> says 22:35:29-08:00, the same instant
    head = (
        '<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2023-11-09T06:35:29Z"}</script>'
        '<meta property="article:published_time" content="2023-11-09T06:35:29+00:00">'
    )
    body = "<h1>Arrest after the fire</h1><p>Posted: <time datetime='2023-11-08T22:35:29-08:00'>Nov 8</time></p>"
    chosen = _chosen_published(body, head)
    assert chosen.at == datetime(2023, 11, 9, 6, 35, 29, tzinfo=UTC)
    assert chosen.raw == "2023-11-08T22:35:29-08:00"
    # another instant at a local offset (a later edit's <time>) leaves the UTC statement as it is
    edited = body.replace("22:35:29", "23:55:47")
    assert _chosen_published(edited, head).raw == "2023-11-09T06:35:29Z"


@pytest.mark.parametrize(
    "local",
    [
        pytest.param('{"@type":"NewsArticle","dateCreated":"2023-11-08 17:49:09"}', id="naive JSON-LD"),
        pytest.param('{"@type":"WebPage","datePublished":"2023-11-08T17:49"}', id="a naive time to the minute"),
    ],
)
def test_a_utc_statement_is_kept_at_the_wall_clock_the_page_writes_without_an_offset(local: str):
    """A US page states 01:49:09Z on the 9th and writes the same instant as its own wall clock, 17:49:09 on the
    8th, without an offset. In a site zone that is not the page's (UTC here) that wall clock falls eight whole
    hours away: the UTC statement gives the instant, the wall clock the day the reader sees."""
    head = (
        '<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2023-11-09T01:49:09Z"}'
        f'</script><script type="application/ld+json">{local}</script>'
    )
    body = "<h1>Fentanyl deaths</h1><p>Text.</p>"
    chosen = _chosen_published(body, head)
    assert chosen.at == datetime(2023, 11, 9, 1, 49, 9, tzinfo=UTC)
    assert chosen.raw.startswith("2023-11-08T17:49" if "T17" in local else "2023-11-08 17:49")
    assert not chosen.is_timezone_assumed
    # in the page's own zone the two agree to the second: the UTC statement stands as it is
    assert _chosen_published(body, head, zone="America/Los_Angeles").raw == "2023-11-09T01:49:09Z"
    # a wall clock on another minute is another time (a later edit), not this instant written locally
    other = _chosen_published(body, head.replace("17:49", "17:52"))
    assert other.raw == "2023-11-09T01:49:09Z"


def test_a_naive_shown_time_takes_the_offset_the_pages_modified_date_gives_the_same_wall_clock():
    # the byline shows 6:38 AM without a zone; the page's (never edited) modified date says 06:38:32-05:00
    body = (
        "<h1>Six arrested in drug inquiry</h1><div class='byline'>Staff report | 11/20/19 6:38 AM</div>"
        "<meta itemprop='dateModified' content='2019-11-20T06:38:32-05:00'><p>Text.</p>"
    )
    chosen = _chosen_published(body)
    assert chosen.at.replace(second=0) == datetime(2019, 11, 20, 11, 38, tzinfo=UTC)
    assert not chosen.is_timezone_assumed
    # a modified date at another wall clock says nothing about the shown time's zone
    other = body.replace("06:38:32-05:00", "09:12:00-05:00")
    assert _chosen_published(other).at == datetime(2019, 11, 20, 6, 38, tzinfo=UTC)


def test_a_page_that_shows_the_day_of_its_last_change_is_dated_by_its_modified_time():
    # the hidden published time is a month older than the one date the post shows, which is its last revision
    head = (
        '<meta property="article:published_time" content="2018-10-07T09:00:35-08:00">'
        '<meta property="article:modified_time" content="2018-11-12T17:36:26-08:00">'
    )
    body = "<h1>Meal prep for a busy week</h1><div class='post-meta'>November 12, 2018 | BY: Kim Doe</div><p>Text.</p>"
    chosen = _chosen_published(body, head)
    assert chosen.at == datetime(2018, 11, 13, 1, 36, 26, tzinfo=UTC) and chosen.source == "meta:article:modified_time"
    # a shown date that names neither (a teaser's) leaves the published time
    teaser = body.replace("November 12, 2018", "December 3, 2018")
    assert _chosen_published(teaser, head).at == datetime(2018, 10, 7, 17, 0, 35, tzinfo=UTC)


def test_a_shown_day_is_the_day_in_the_sites_zone_not_its_utc_day():
    # a site at +01:00 published at 00:40 local (23:40 UTC the day before) and shows that local day: its
    # published time stays; the modified time twelve minutes later names the same local day and is not chosen
    head = (
        '<meta property="article:published_time" content="2024-03-08T23:40:00+00:00">'
        '<meta property="article:modified_time" content="2024-03-08T23:52:00+00:00">'
        '<script type="application/ld+json">{"@type":"NewsArticle","headline":"Rerun date fixed",'
        '"datePublished":"2024-03-09T00:40:00+01:00","dateModified":"2024-03-09T00:52:00+01:00"}</script>'
    )
    body = (
        "<h1>Rerun date fixed</h1><span class='td-post-date'><time class='entry-date updated td-module-date' "
        "datetime='2024-03-09T00:40:00+01:00'>March 9, 2024</time></span>"
    )
    chosen = _chosen_published(body + "<p>Text.</p>", head, zone="Africa/Lagos")
    assert chosen.at == datetime(2024, 3, 8, 23, 40, tzinfo=UTC) and chosen.source == "json-ld"


def test_a_lone_time_element_whose_text_names_another_day_is_read_as_its_text():
    # no JSON-LD or meta dates; the one <time>'s attribute is when the entry was last saved
    body = (
        "<h1>Les grenades</h1><div class='time'><time datetime='2019-07-03T10:18:46Z'>Publié le 29 juin 2019</time>"
        "</div><p>Texte.</p>"
    )
    assert _chosen_published(body, lang="fr").at == datetime(2019, 6, 29, tzinfo=UTC)
    # a meta tag that backs the attribute keeps it
    meta = '<meta property="article:published_time" content="2019-07-03T10:18:46Z">'
    assert _chosen_published(body, meta, lang="fr").at == datetime(2019, 7, 3, 10, 18, 46, tzinfo=UTC)


def test_a_shown_day_settles_machine_dates_that_name_two_days_hours_apart():
    # microdata keeps the evening the draft was saved, the meta tag and the dateline the day it went out
    head = '<meta name="dcterms.date" content="2021-10-28T13:21:30+01:00">'
    body = (
        "<h1>More people need help as the climate changes</h1>"
        "<meta itemprop='datePublished' content='2021-10-27T20:35:36+01:00'>"
        "<p class='article__meta'>Hamburg, 28.10.2021, 058/21</p><p>Text.</p>"
    )
    chosen = _chosen_published(body, head, lang="de")
    assert chosen.at == datetime(2021, 10, 28, 12, 21, 30, tzinfo=UTC) and chosen.source == "meta:dcterms.date"


def test_a_published_date_that_is_the_last_save_yields_to_the_earlier_time_the_page_shows():
    # the CMS wrote its last save into datePublished and dateModified; the page's <time> and byline say the 18th
    json_ld = (
        '<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2019-11-19 19:31:39",'
        '"dateModified":"2019-11-19 19:31:39"}</script>'
    )
    body = (
        "<h1>The best gadgets of the year</h1><div class='byline'>By Jo Doe | November 18, 2019 -- 19:14 GMT</div>"
        "<time datetime='2019-11-18 19:14:00'></time><p>Text.</p>"
    )
    assert _chosen_published(body, json_ld).at == datetime(2019, 11, 18, 19, 14, tzinfo=UTC)
    # a published date with a later dateModified is not the last save: it is kept
    edited = json_ld.replace('"dateModified":"2019-11-19 19:31:39"', '"dateModified":"2019-11-20 08:00:00"')
    assert _chosen_published(body, edited).at == datetime(2019, 11, 19, 19, 31, 39, tzinfo=UTC)


def test_the_last_save_rule_compares_days_in_the_sites_zone():
    # a site at +01:00: the <time> (01:30 local, 00:30 UTC) and the shown "March 9, 2024" (midnight local, 23:00
    # UTC on the 8th) name the same local day, so the earlier <time> wins over the last save
    json_ld = (
        '<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2024-03-10T10:00:00+01:00",'
        '"dateModified":"2024-03-10T10:00:00+01:00"}</script>'
    )
    body = (
        "<h1>Rerun date fixed</h1><div class='byline'>By Jo Doe | March 9, 2024</div>"
        "<time datetime='2024-03-09T01:30:00+01:00'></time><p>Text.</p>"
    )
    assert _chosen_published(body, json_ld, zone="Africa/Lagos").at == datetime(2024, 3, 9, 0, 30, tzinfo=UTC)


def test_a_zoned_byline_time_beats_a_later_generic_meta_date():
    # <meta name="date"> is when the page was last generated; the byline states when the story went out, with its zone
    head = '<meta name="date" content="2019-11-19T01:48:03.835Z">'
    body = "<h1>Water vapour on a moon</h1><div class='byline'>By HNN Staff | November 18, 2019 at 2:26 PM HST</div>"
    chosen = _chosen_published(body + "<p>Text.</p>", head)
    assert chosen.at == datetime(2019, 11, 19, 0, 26, tzinfo=UTC) and chosen.source == "byline"
    # an article meta tag (article:published_time) names the publication itself: it is kept
    named = head.replace('name="date"', 'property="article:published_time"')
    assert _chosen_published(body + "<p>Text.</p>", named).at == datetime(2019, 11, 19, 1, 48, 3, 835000, tzinfo=UTC)


def test_the_one_day_a_page_shows_settles_it_against_a_generic_json_ld_date_the_day_before():
    # a WebPage object's datePublished is the evening before the day the author line and dateModified name
    json_ld = (
        '<script type="application/ld+json">{"@graph":[{"@type":"WebPage","datePublished":"2018-09-15T10:15:48+02:00",'
        '"dateModified":"2018-09-16T10:22:22+02:00"}]}</script>'
    )
    body = "<h1>Light festival</h1><p class='post-text-author'>By <a href='/author/kim'>Kim</a> - 2018-09-16</p>"
    chosen = _chosen_published(body + "<p>Text.</p>", json_ld)
    assert chosen.at == datetime(2018, 9, 16, 8, 22, 22, tzinfo=UTC)
    # a page that shows several days (a masthead's today above a list of posts) keeps the published date
    listing = body + "<div class='post-meta'>2018-08-02</div><div class='post-meta'>2018-07-21</div>"
    assert _chosen_published(listing, json_ld).at == datetime(2018, 9, 15, 8, 15, 48, tzinfo=UTC)
