"""Descriptive metadata from the page's own evidence, in order of trust, with the source of each field."""

from __future__ import annotations

import pytest
from lxml import html

from transforms.article_metadata import people, read_article_metadata, strip_site_name


def _meta(head: str, body: str = "", lang: str = "en"):
    page = f"<html lang='{lang}'><head>{head}</head><body>{body}</body></html>"
    return read_article_metadata(html.document_fromstring(page))


def test_json_ld_graph_wins_over_opengraph_and_records_its_source():
    meta = _meta(
        '<meta property="og:title" content="OG headline | Site"><meta property="og:site_name" content="OG Site">'
        '<script type="application/ld+json">{"@context":"https://schema.org","@graph":['
        '{"@type":"WebSite","name":"The Harbour Herald"},'
        '{"@type":["NewsArticle"],"headline":"Dredging budget doubled","description":"Nine votes to two.",'
        '"author":[{"@type":"Person","name":"Kofi Mensah"},{"@type":"Organization","name":"Reuters"}],'
        '"articleSection":["Politics","Local"],"keywords":"budget, harbour","image":[{"url":"https://h.example/a.jpg"}],'
        '"inLanguage":"en-GB"}]}</script>'
    )
    assert meta.title == "Dredging budget doubled"
    assert meta.authors == ["Kofi Mensah", "Reuters"]  # "Reuters and Kofi Mensah": the agency is a credit too
    assert meta.author_kinds == ["person", "organisation"]
    assert meta.section == "Politics"
    assert meta.tags == ["budget", "harbour"]
    assert meta.image_url == "https://h.example/a.jpg"
    assert meta.site_name == "The Harbour Herald"
    assert meta.sources["title"] == meta.sources["authors"] == meta.sources["site_name"] == "json-ld"


def test_opengraph_and_meta_fill_what_json_ld_lacks():
    meta = _meta(
        "<title>Brücke kommt | Rheinufer Rundschau</title>"
        '<meta property="og:site_name" content="Rheinufer Rundschau">'
        '<meta property="og:description" content="Der Stadtrat hat entschieden.">'
        '<meta property="og:image" content="https://r.example/b.jpg">'
        '<meta property="article:section" content="Lokales">'
        '<meta property="article:tag" content="Verkehr"><meta property="article:tag" content="Rad">'
        '<meta name="author" content="Von Anna Brenner und Jonas Keller">',
        "<p>Von Anna Brenner und Jonas Keller</p>",  # shown on the page, in no byline class
        lang="de-DE",
    )
    assert meta.title == "Brücke kommt"
    assert meta.sources["title"] == "title"
    assert meta.description == "Der Stadtrat hat entschieden."
    assert meta.sources["description"] == "og:description"
    assert meta.tags == ["Verkehr", "Rad"]
    assert meta.section == "Lokales"
    assert meta.authors == ["Anna Brenner", "Jonas Keller"]
    assert meta.language == "de"


def test_an_opengraph_title_is_recorded_as_og_title_not_og_og_title():
    meta = _meta('<meta property="og:title" content="Ferry back">')
    assert (meta.title, meta.sources["title"]) == ("Ferry back", "og:title")
    twitter = _meta('<meta name="twitter:title" content="Ferry back">')
    assert twitter.sources["title"] == "meta:twitter:title"


def test_microdata_and_the_visible_byline_are_used_when_nothing_else_says():
    meta = _meta(
        "",
        "<article itemscope itemtype='https://schema.org/NewsArticle'><h1 itemprop='headline'>Terminal solar</h1>"
        "<span itemprop='articleSection'>Economía</span>"
        "<span itemprop='author' itemscope><span itemprop='name'>Ana Ruiz</span></span></article>",
        lang="es",
    )
    assert (meta.title, meta.section, meta.authors) == ("Terminal solar", "Economía", ["Ana Ruiz"])
    assert meta.sources["authors"] == "microdata:author"
    tagged = _meta("", "<h1>Fähre</h1><a rel='tag' href='/t/f'>Fähren</a><a rel='tag' href='/t/h'>Hafen</a>")
    assert (tagged.tags, tagged.sources["tags"]) == (["Fähren", "Hafen"], "link:rel=tag")
    byline = _meta("", "<h1>Terminal</h1><div class='byline'>Por Ana Ruiz y Luis Gómez | Corresponsales</div>")
    assert byline.authors == ["Ana Ruiz", "Luis Gómez"]
    assert byline.sources["authors"] == "byline"


@pytest.mark.parametrize(
    ("bylines", "expected"),
    [
        (["By Jane Doe and John Roe, Staff Writers"], ["Jane Doe", "John Roe"]),
        (["Associated Press"], ["Associated Press"]),
        (["The Associated Press"], ["The Associated Press"]),  # one agency, not "The" and "Associated Press"
        (["By ERIC TUCKER Associated Press"], ["ERIC TUCKER", "Associated Press"]),
        (["TOM KRISHER, AP Auto Writer"], ["TOM KRISHER"]),
        (["News Nation Bureau"], ["News Nation Bureau"]),
        (["dpa", "Redaktion"], ["dpa", "Redaktion"]),
        (["Reuters and Jane Doe"], ["Reuters", "Jane Doe"]),
        (["Staff"], ["Staff"]),
        (["王小明"], ["王小明"]),
        (["山田太郎, 佐藤花子"], ["山田太郎", "佐藤花子"]),
        (["example.de"], ["example.de"]),
        (["Text: Anna Brenner (abr)"], ["Anna Brenner"]),
        (["Foto: Jonas Keller"], []),
        (["Фото из Инстаграма Ивана Петрова"], []),  # "Photo from Ivan Petrov's Instagram"
        (["Written by: Dana Whitlock"], ["Dana Whitlock"]),
        (["Interview: Julia Brandt"], ["Julia Brandt"]),
        (["Autor: Piotr Nowak"], ["Piotr Nowak"]),
        (["admin"], []),
        (["HNN Staff", "By", "Lisa Kubota"], ["HNN Staff", "Lisa Kubota"]),  # "By" in an element of its own
        (["Гость"], []),  # a guest account (Russian), as "guest" is
        (["Claire Dubois, envoyée spéciale"], ["Claire Dubois"]),
        (["Jane Doe is a reporter who has covered the port for a decade."], []),
        (["https://h.example/author/jane"], []),
        (["José Ortega y Gasset"], ["José Ortega y Gasset"]),
    ],
)
def test_authors_are_credits_as_written_without_prefixes_roles_decorations_or_bios(bylines, expected):
    assert people(bylines) == expected


def test_the_site_name_from_a_generic_meta_author_is_dropped_when_a_person_is_credited():
    meta = _meta(
        '<meta property="og:site_name" content="Harbour Herald"><meta name="author" content="Harbour Herald">',
        "<h1>Terminal opens</h1><div class='byline'>By Kofi Mensah, Harbour Herald</div>",
    )
    assert meta.authors == ["Kofi Mensah"]
    alone = _meta(
        '<meta property="og:site_name" content="Wire Desk"><meta name="author" content="Reuters">',
        "<p>LONDON (Reuters) - The harbour authority said on Tuesday that the night ferry would run again.</p>",
    )
    assert alone.authors == ["Reuters"] and alone.author_kinds == ["organisation"]


def test_the_author_of_a_recommended_article_is_not_the_pages_author():
    meta = _meta(
        "",
        "<article><h1>Terminal opens</h1><p>Text.</p></article><aside class='related'>"
        "<div itemscope><span itemprop='author'>Ruth Abernethy</span></div></aside>",
    )
    assert meta.authors == []


def test_the_site_name_is_stripped_from_either_end_of_the_title_but_a_real_colon_stays():
    assert strip_site_name("Fähre startet früher | Rheinblick", "Rheinblick") == "Fähre startet früher"
    assert strip_site_name("Harbour Herald - Council approves budget", "Harbour Herald") == "Council approves budget"
    assert strip_site_name("Budget: what changes for you", None) == "Budget: what changes for you"
    assert strip_site_name("Ferry returns - Harbourmedia", "harbourmedia.example") == "Ferry returns"
    assert strip_site_name("Budget approved - HH Online", None, headline="Budget approved") == "Budget approved"


LEDE = "<h1>Night ferry returns on Monday</h1><p>The harbour authority confirmed the night ferry will run again.</p>"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # the bylines of other stories further down the page are not this article's
        (
            f"<article><div class='meta'><span class='byline'>By Kofi Mensah</span></div>{LEDE}"
            "<div class='more-stories'><div class='card'><span class='byline'>By Ruth Abernethy</span></div>"
            "<div class='card'><span class='byline'>By Lena Ortiz</span></div></div></article>",
            ["Kofi Mensah"],
        ),
        # a line break between the name and the date is not "Jane DoeMonday"
        (f"<article><h3 class='byline'>by Jane Doe<br>Monday, March 9, 2026</h3>{LEDE}</article>", ["Jane Doe"]),
        # co-authors each in a link of their own, a date in the same line
        (
            "<article><p class='byline'>By <a rel='author' href='/a/ana'>Ana Ruiz</a>, "
            f"<a rel='author' href='/a/luis'>Luis Gómez</a> <time>2026-03-09T10:00Z</time> Harbour</p>{LEDE}</article>",
            ["Ana Ruiz", "Luis Gómez"],
        ),
        # a class word ending in "byline"; the author's bio in a byline class at the end is not a credit
        (
            f"<article><p class='content__meta content__meta-byline'>By Ana Ruiz, Luis Gómez, Kofi Mensah</p>{LEDE}"
            "<p class='byline'>Ana Ruiz (ana@herald.example) is the editor of the Harbour Herald, and a senior "
            "writer with the Coast Weekly. She also runs the Harbour Watch blog, and lives on the island with two "
            "cats and a boat called Views.</p></article>",
            ["Ana Ruiz", "Luis Gómez", "Kofi Mensah"],
        ),
        # a BEM author-name element; an agency in the byline's block beside the name
        (
            "<article><div class='story-author'><h3 class='story-author__name'><a href='/author/kofi'>Kofi Mensah"
            f"</a></h3><p class='story-author__role'>News reporter</p></div>{LEDE}</article>",
            ["Kofi Mensah"],
        ),
        (
            "<article><div class='attribution'><span class='author'>Tom Ferris</span>"
            f"<span class='publication'>Associated Press</span></div>{LEDE}</article>",
            ["Tom Ferris", "Associated Press"],
        ),
    ],
)
def test_the_byline_is_read_from_the_articles_own_byline_block(body, expected):
    assert _meta("", body).authors == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a page-wide "sidebar" class does not hide the byline; the categories beside the name are no credits
        (
            "<div class='site-content right-sidebar'><article><header class='entry-header'><div class='entry-byline'>"
            "<a rel='author' href='/author/carla'>Carla Nunes</a> 27/09/2026 Comente! <a href='/c/a'>Alfabetização"
            f"</a> , <a href='/c/b'>Brinquedos e Brincadeiras</a> , <a href='/c/m'>Música</a></div></header>{LEDE}"
            "</article><aside class='widget'>Sobre o blog</aside></div>",
            ["Carla Nunes"],
        ),
        # the agency in the byline's text around the linked name
        (
            f"<article><p class='byline'>By <a rel='author' href='/a/jane'>Jane Doe</a>, Associated Press</p>{LEDE}"
            "</article>",
            ["Jane Doe", "Associated Press"],
        ),
    ],
)
def test_the_names_are_read_from_the_innermost_byline_elements(body, expected):
    assert _meta("", body).authors == expected


@pytest.mark.parametrize(
    ("bylines", "expected"),
    [
        (["By Ana Ruiz and Luis Gómez Monday, March 9, 2026, 04:05 pm PT (07:05 pm ET)"], ["Ana Ruiz", "Luis Gómez"]),
        (["By Kofi Mensah , Lena Ortiz on Monday, March 9th, 2026 at 11:08 a.m."], ["Kofi Mensah", "Lena Ortiz"]),
        (["Tom Ferris Associated Press Published 11:34 PM EST Mar 9, 2026"], ["Tom Ferris", "Associated Press"]),
        (["By April Ward"], ["April Ward"]),  # a month name that is a first name
        (["Von Tomas Berger Fr, 18. Oktober 2026"], ["Tomas Berger"]),  # a weekday's abbreviation
        (["By Mo Farah, Di Natale"], ["Mo Farah", "Di Natale"]),  # ... is a name without the comma and the day
    ],
)
def test_a_date_after_the_names_in_a_byline_is_not_part_of_a_name(bylines, expected):
    assert people(bylines) == expected


def _article_json_ld(author: str, publisher: str = "Harbour Herald") -> str:
    return (
        '<meta property="og:site_name" content="Harbour Herald"><script type="application/ld+json">'
        f'{{"@type":"NewsArticle","headline":"Night ferry returns on Monday","author":{author},'
        f'"publisher":{{"@type":"Organization","name":"{publisher}"}}}}</script>'
    )


def test_the_visible_byline_adds_the_co_authors_the_json_ld_leaves_out():
    meta = _meta(
        _article_json_ld('{"@type":"Person","name":"Ana Ruiz"}'),
        f"<article><p class='byline'>By Ana Ruiz, Luis Gómez and Kofi Mensah</p>{LEDE}</article>",
    )
    assert (meta.authors, meta.sources["authors"]) == (["Ana Ruiz", "Luis Gómez", "Kofi Mensah"], "byline")


def test_a_byline_that_adds_a_section_or_a_link_word_does_not_replace_the_json_ld_author():
    meta = _meta(
        _article_json_ld('{"@type":"Person","name":"Ana Ruiz"}'),
        "<article><div class='byline'>By <a rel='author' href='/a/ana'>Ana Ruiz</a> <time>2026-03-09T10:00Z</time>"
        " Science &amp; Space <div class='author'>Ana Ruiz Ana Ruiz <a class='author bio' href='/bio/ana'>Biography"
        f"</a></div></div>{LEDE}</article>",
    )
    assert (meta.authors, meta.sources["authors"]) == (["Ana Ruiz"], "json-ld")


@pytest.mark.parametrize("generic", ["Harbour Herald", "Harbour Herald staff"])
def test_a_json_ld_author_that_is_the_site_or_its_newsroom_yields_to_a_person_in_the_byline(generic):
    meta = _meta(
        _article_json_ld(f'{{"@type":"Person","name":"{generic}"}}'),
        f"<article><p class='byline'>By Ana Ruiz and Kofi Mensah</p>{LEDE}</article>",
    )
    assert meta.authors == ["Ana Ruiz", "Kofi Mensah"]


def test_an_agency_credited_after_people_stays_when_it_is_also_named_as_the_publisher():
    meta = _meta(
        _article_json_ld(
            '[{"@type":"Person","name":"By TOM FERRIS and LENA ORTIZ, Associated Press"}]', "Associated Press"
        ),
        f"<article>{LEDE}</article>",
    )
    assert meta.authors == ["TOM FERRIS", "LENA ORTIZ", "Associated Press"]
    assert meta.author_kinds == ["person", "person", "organisation"]


def test_a_meta_or_microdata_author_the_page_never_shows_is_not_a_credit():
    head = '<meta name="author" content="HHWEBTEAM">'
    assert _meta(head, f"<article>{LEDE}</article>").authors == []
    hidden = _meta(
        "",
        "<article itemscope itemtype='https://schema.org/NewsArticle'><meta itemprop='author' content='Kevin Roe'>"
        f"<span class='single-header-byline'>By David Jeans</span>{LEDE}</article>",
    )
    assert (hidden.authors, hidden.sources["authors"]) == (["David Jeans"], "byline")


def test_an_author_among_several_itemprop_words_is_read_without_its_label():
    meta = _meta(
        "",
        "<article itemscope itemtype='https://schema.org/Article'><h1>Паром снова ходит</h1>"
        "<p class='article-info'><span itemprop='author creator' class='article-info__authors'>Текст: Ольга Петрова"
        "</span><span class='article-info__divider'>·</span>9 марта 2026</p></article>",
        lang="ru",
    )
    assert (meta.authors, meta.sources["authors"]) == (["Ольга Петрова"], "microdata:author")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "<p class='article__meta'>By <a class='link' href='/staff/ana-ruiz/'>Ana Ruiz</a> , <a class='link' "
            "href='/staff/luis-gomez/'>Luis Gómez</a> <span>on Monday, March 9th, 2026 at 11:08 a.m.</span></p>",
            ["Ana Ruiz", "Luis Gómez"],
        ),
        (
            "<div class='css-12r7hj0'> <!-- -->Written by <a href='/nutrition-team'>Ana Ruiz, MS, RD</a> on "
            "March 9, 2026</div>",
            ["Ana Ruiz"],
        ),
        (
            "<small class='text-muted'><b>09/03/2026</b> - Publicado por: Ana Ruiz - Categoria: "
            "<a href='/noticias?cat=19'>Saúde</a></small>",
            ["Ana Ruiz"],
        ),
        ("<h2>Von Hamburg nach Berlin</h2><p>By clicking Accept you agree to cookies.</p><h3>By Land and Sea</h3>", []),
    ],
)
def test_a_line_of_text_that_says_by_is_the_byline_when_no_element_is_marked_as_one(body, expected):
    meta = _meta("", f"<article>{LEDE}{body}<p>The new ramp lets lorries board faster.</p></article>")
    assert meta.authors == expected
    assert meta.sources.get("authors") == ("byline:text" if expected else None)


@pytest.mark.parametrize(
    ("opening", "expected"),
    [
        ("[하버미디어=김민준의 문화읽기] 항구의 밤배가 다음 주 월요일부터 다시 다닌다.", ["김민준"]),  # a column
        ("[하버미디어=소설가 이서연의 옆구리tv] 주말 밤 9시 두 방송사는 같은 시간에 맞붙는다.", ["이서연"]),
        ("[하버뉴스=박지훈 기자] 항만청은 화요일 야간 여객선 운항을 재개한다고 밝혔다.", ["박지훈"]),  # reporter
        ("[서울=하버뉴스] 항만청은 화요일 야간 여객선 운항을 재개한다고 밝혔다.", []),  # a city and the agency
        ("[사진=하버뉴스] 항만청은 화요일 야간 여객선 운항을 재개한다고 밝혔다.", []),  # a photo credit
    ],
)
def test_a_korean_credit_in_brackets_opening_the_article_names_the_author(opening, expected):
    meta = _meta(
        "", f"<h1>밤배 다시 뜬다</h1><div id='article'>{opening}<br>항만청장은 기자회견에서 말했다.</div>", lang="ko"
    )
    assert meta.authors == expected
    assert meta.author_kinds == ["person"] * len(expected)


def test_an_affiliation_ending_in_the_sites_short_domain_is_not_a_credit():
    meta = _meta(
        '<link rel="canonical" href="https://www.hh.com/2026/03/ferry.html"><script type="application/ld+json">'
        '{"@type":"NewsArticle","headline":"Night ferry returns on Monday",'
        '"author":[{"@type":"Person","name":"Ana Ruiz | Harbour Advance Media for HH.com"}]}</script>',
        f"<article>{LEDE}</article>",
    )
    assert meta.authors == ["Ana Ruiz"]


def test_a_meta_author_that_adds_to_the_bylines_name_adds_an_affiliation_not_a_credit():
    meta = _meta(
        '<meta name="author" content="Ana Ruiz. Harbour International">',
        f"<article>{LEDE}<div class='article__refs-author'>by <a rel='author' href='/authors/ana'>Ana Ruiz</a></div>"
        "<footer>© 2026 Harbour International</footer></article>",
    )
    assert (meta.authors, meta.sources["authors"]) == (["Ana Ruiz"], "byline")


def test_an_author_link_in_the_head_does_not_hide_the_byline_in_the_body():
    meta = _meta(
        '<link rel="author" href="https://plus.example/jane">',
        f"<article>{LEDE}<p>Posted by <a rel='author' href='/author/blackswan'>Blackswan</a></p></article>",
    )
    assert meta.authors == ["Blackswan"]
