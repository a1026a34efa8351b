"""Pages as servers really send them: wrong or missing charsets, byte-order marks, broken markup, binary bodies.
A readable article is extracted with its letters intact; what cannot be read becomes a reject saying why."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from broadsheet.records import ExtractedArticle, FetchedPage, Reject, RejectReason
from transforms.extract import extract_article

URL = "http://127.0.0.1:8803/lokales/strassenbahn-linie-4-faehrt-wieder-9120.html"
PARAGRAPHS = [
    "Nach acht Monaten Bauzeit fährt die Straßenbahnlinie 4 ab Montag wieder durch die Münchner Straße. "
    "Die Verkehrsbetriebe haben auf 1,2 Kilometern die Gleise erneuert und drei Haltestellen barrierefrei "
    "umgebaut.",
    "„Wir sind zwei Wochen früher fertig als geplant“, sagte Betriebsleiterin Jürgen-Maria Öztürk am Freitag. "
    "Die Kosten von 14,5 Millionen Euro teilen sich Stadt, Land und Bund.",
    "Anwohner hatten über Lärm in den Nachtschichten geklagt. Der Ortsbeirat will nun prüfen, ob für künftige "
    "Baustellen strengere Ruhezeiten gelten sollen, und lädt am 12. März zu einer Bürgerversammlung ein.",
    "Während der Bauzeit fuhren Ersatzbusse im Zehn-Minuten-Takt. Sie werden ab Sonntagabend eingestellt; "
    "die Nachtlinie N4 bleibt dagegen bis Ende März auf ihrer Umleitung über den Güterbahnhof.",
]


def _html(meta_charset: str | None = None, *, broken: bool = False) -> str:
    head = f'<meta charset="{meta_charset}">' if meta_charset else ""
    body = "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    if broken:  # unclosed containers and paragraphs, a stray end tag, the page cut off inside a tag
        body = "<div class=entry><div>" + body.replace("</p>", "") + "</span><div class='footer' data-x=\"cut"
    return (
        f"<!DOCTYPE html><html lang='de'><head>{head}<title>Linie 4 fährt wieder – Rheinblick</title></head>"
        f"<body><article><h1>Linie 4 fährt wieder</h1>{body}</article></body></html>"
    )


def _page(body: bytes, content_type: str = "text/html") -> FetchedPage:
    return FetchedPage(
        "rheinblick", URL, URL, 200, {"content-type": content_type}, body, datetime(2024, 3, 9, 8, tzinfo=UTC)
    )


def _assert_every_paragraph_intact(result: ExtractedArticle | Reject) -> None:
    assert isinstance(result, ExtractedArticle), result
    assert "\ufffd" not in result.body_text
    for paragraph in PARAGRAPHS:
        assert paragraph in result.body_text
    assert result.title == "Linie 4 fährt wieder"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param(_html("iso-8859-1").encode("cp1252"), "text/html", id="latin-1 declared only in <meta>"),
        pytest.param(_html().encode("cp1252"), "text/html; charset=utf-8", id="header says UTF-8, body is cp1252"),
        pytest.param(_html("utf-8").encode("cp1252"), "text/html", id="<meta> says UTF-8, body is cp1252"),
        pytest.param(b"\xef\xbb\xbf" + _html().encode(), "text/html", id="UTF-8 with a byte-order mark"),
        pytest.param(_html().encode("utf-16"), "text/html", id="UTF-16 with a byte-order mark"),
        pytest.param(_html().encode(), "text/html; charset=klingon-8", id="an unknown charset name"),
    ],
)
def test_a_page_in_a_wrong_or_undeclared_encoding_keeps_its_letters(body: bytes, content_type: str):
    _assert_every_paragraph_intact(extract_article(_page(body, content_type)))


@pytest.mark.parametrize(
    "page_html",
    [
        pytest.param(_html(broken=True), id="unclosed containers, a stray end tag, cut off inside a tag"),
        # past 256 levels libxml2 drops the rest of the page unless told not to
        pytest.param(_html().replace("<article>", "<article>" + "<font size=2>" * 400), id="400 unclosed tags"),
        pytest.param(
            _html().replace("Bauzeit", "Bau\x0bzeit\x1b").replace("<h1>", "\x00<h1>"), id="stray control characters"
        ),
        pytest.param("<?xml version='1.0' encoding='utf-8'?>\n" + _html(), id="an XML declaration"),
        pytest.param(
            _html().replace("Bauzeit", "Bau&shy;zeit").replace("Straßenbahnlinie", "Stra\xadßen&#173;bahn&#xAD;linie"),
            id="soft hyphens (hyphenation hints), as characters and as references",
        ),
        pytest.param(
            _html().replace("<h1>", "<div><script>track()</script>&#xFFFF;&#65534;&#xD800;\ufffe&#0;</div><h1>"),
            id="references to characters no document may hold",
        ),
    ],
)
def test_broken_markup_still_gives_the_whole_article(page_html: str):
    _assert_every_paragraph_intact(extract_article(_page(page_html.encode())))


def test_letters_written_as_a_base_and_a_combining_mark_are_stored_in_one_spelling():
    """A letter written as its base and a combining mark ("ä" as a + U+0308, as macOS and some editors write it)
    looks the same to a reader; stored as written, a search for "fährt" would miss the article. Stored in NFC."""
    decomposed = _html().replace("ä", "a\u0308").replace("Ö", "O\u0308").replace("ü", "u\u0308")
    assert "fährt" not in decomposed
    _assert_every_paragraph_intact(extract_article(_page(decomposed.encode())))


def test_a_binary_body_served_as_html_is_rejected_as_undecodable():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    result = extract_article(_page(png))
    assert isinstance(result, Reject)
    assert result.reason == RejectReason.UNDECODABLE
    assert "binary" in result.detail


@pytest.mark.parametrize("body", [b"", b"   \n", b"<html><head></head><body></body></html>"])
def test_an_empty_page_is_rejected_with_its_reason(body: bytes):
    result = extract_article(_page(body))
    assert isinstance(result, Reject)
    assert result.reason in {RejectReason.UNDECODABLE, RejectReason.NO_TITLE, RejectReason.NO_ARTICLE_BODY}
    assert result.detail


def test_metadata_that_is_not_a_url_or_not_json_costs_only_itself():
    broken_metadata = (
        '<link rel="canonical" href="http://[broken-ipv6"><meta property="og:image" content="https://[::1/x.jpg">'
        '<script type="application/ld+json">' + '{"@graph":' * 5000 + "[]" + "}" * 5000 + "</script></head>"
    )
    result = extract_article(_page(_html().replace("</head>", broken_metadata).encode()))
    _assert_every_paragraph_intact(result)
    assert (result.canonical_url, result.image_url) == (URL, None)
