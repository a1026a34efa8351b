"""The bad inputs of the faults suite: each a page (or sitemap) a hostile or broken news site serves, with
the outcome the pipeline must give it: the article loaded (and how), or a reject with its stage and reason.

All pages are our own writing. Paths match the hostile site's article pattern `^/news/[a-z0-9-]+$`.
"""

from __future__ import annotations

import gzip
import os
import socket
import struct
import time
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

import brotli
from hostile_site import Answer, Route, article_html

UNRESOLVABLE_DOMAIN = "broadsheet-test.invalid"  # .invalid never resolves (RFC 2606)


@dataclass(frozen=True)
class Case:
    kind: str
    path: str
    route: Route | None  # None: not served by the site (listed in a sitemap only)
    outcome: str  # "loaded" or "rejected"
    stage: str = ""
    reason: str = ""
    title: str | None = None  # the exact title expected in the warehouse
    flagged: tuple[str, str] | None = None  # a loaded article's flag: (stage, reason) of its reject row
    extra_routes: dict[str, Route] = field(default_factory=dict)
    listed_url: str | None = None  # what the sitemap lists instead of the site's own path
    undated_listing: bool = False  # listed without a lastmod (which would otherwise date the article)


def _html(body: str | bytes, content_type: str = "text/html; charset=utf-8", **headers: str) -> Answer:
    return Answer(body, headers={"Content-Type": content_type, **headers})


def _json_ld(headline_json: str) -> str:
    return (
        '<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",'
        f'"headline":"{headline_json}","datePublished":"2024-03-13T08:00:00Z"}}</script>'
    )


def _gzip_bomb() -> Answer:
    return Answer(gzip.compress(b" " * 60_000_000), headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})


def _brotli_bomb() -> Answer:
    return Answer(brotli.compress(b" " * 60_000_000), headers={"Content-Type": "text/html", "Content-Encoding": "br"})


def _deflate_bomb() -> Answer:
    return Answer(
        zlib.compress(b" " * 60_000_000, 9), headers={"Content-Type": "text/html", "Content-Encoding": "deflate"}
    )


def _truncated_gzip() -> Answer:
    whole = gzip.compress(article_html("Ferry fares frozen for another year", body_words=600).encode())
    return Answer(whole[: len(whole) * 2 // 3], headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})


def _reset_mid_body(handler: BaseHTTPRequestHandler) -> None:
    body = article_html("Never arrives whole", body_words=2000).encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body[:3000])
    handler.wfile.flush()
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST, not FIN
    handler.connection.close()
    handler.close_connection = True


def _slow(handler: BaseHTTPRequestHandler) -> None:
    time.sleep(4)  # longer than the night's download timeout
    handler.send_response(200)
    handler.send_header("Content-Length", "0")
    handler.end_headers()


class _UnavailableOnce:
    """503 with Retry-After on the first request, the article afterwards."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.answered = False

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        body, status, headers = article_html(self.title).encode(), 200, {"Content-Type": "text/html; charset=utf-8"}
        if not self.answered:
            self.answered = True
            body, status, headers = b"busy", 503, {"Retry-After": "1", "Content-Type": "text/plain"}
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


JA_TITLE = "横浜港に新しいフェリー航路が開設される"
JA_TEXT = (
    "横浜市は火曜日、港の新しいフェリー航路について発表した。市長は記者会見で、この航路が地域の経済と観光に"
    "大きな効果をもたらすと述べた。運航は来月から始まり、毎日六便が予定されている。"
)
ZH_TITLE = "上海港口开通新的渡轮航线"
ZH_TEXT = (
    "上海市政府周二宣布开通新的渡轮航线。市长在新闻发布会上表示，这条航线将为当地经济和旅游业带来巨大的推动作用。"
    "该航线将于下个月开始运营，每天计划六个班次。"
)


def _cjk_page(title: str, text: str, encoding: str) -> Answer:
    paragraphs = "".join(f"<p>{text}</p>" for _ in range(4))
    page = (
        f"<!DOCTYPE html><html><head><title>{title}</title>"
        "<meta property='article:published_time' content='2024-03-13T09:00:00Z'></head>"
        f"<body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    )
    return Answer(page.encode(encoding), headers={"Content-Type": "text/html"})  # no charset anywhere


RTL_TITLE = "ميناء المدينة يفتتح رصيفا جديدا للعبارات"
EMOJI_TITLE = "Harbour festival 🎉🚢 draws a record crowd"
SQL_TITLE = "Robert'); DROP TABLE warehouse.articles;-- wins the regatta"
LONG_WORDS = 200_000


def _long_article() -> Answer:
    word = "harbour "
    paragraphs = "".join(f"<p>Section {n}: {'ferry ' * 97}{word}</p>" for n in range(LONG_WORDS // 100))
    return _html(article_html("The longest report ever filed", body_words=50, extra_body=paragraphs))


CASES: list[Case] = [
    Case(
        "lone surrogate in JSON-LD",
        "/news/surrogate-headline",
        _html(article_html("Harbour tolls rise", extra_head=_json_ld("Harbour tolls \\ud800rise"))),
        "loaded",
        title="Harbour tolls rise",
    ),
    Case(
        "NUL in JSON-LD",
        "/news/nul-headline",
        _html(article_html("Dock strike ends", extra_head=_json_ld("Dock strike \\u0000ends"))),
        "loaded",
        title="Dock strike ends",
    ),
    Case(
        "canonical of another publisher",
        "/news/borrowed-canonical",
        _html(
            article_html(
                "Lighthouse restored",
                extra_head=('<link rel="canonical" href="https://www.other-publisher.example/news/their-story">'),
            )
        ),
        "loaded",
        title="Lighthouse restored",
        flagged=("extract", "foreign_canonical"),
    ),
    Case(
        "javascript: URL as og:url",
        "/news/script-canonical",
        _html(article_html("Pier repairs begin", extra_head='<meta property="og:url" content="javascript:alert(1)">')),
        "loaded",
        title="Pier repairs begin",
        flagged=("extract", "foreign_canonical"),
    ),
    Case("title of 5,000 characters", "/news/endless-title", _html(article_html("Tide " * 1000)), "loaded"),
    Case("200,000-word article", "/news/longest-report", _long_article(), "loaded", flagged=("extract", "too_large")),
    Case(
        "body over the size cap with Content-Length",
        "/news/huge-declared",
        _html(article_html("Huge", body_words=500_000)),
        "rejected",
        "crawl",
        "too_large",
    ),
    Case(
        "body over the size cap without Content-Length",
        "/news/huge-streamed",
        Answer(article_html("Huge", body_words=500_000), content_length=False),
        "rejected",
        "crawl",
        "too_large",
    ),
    Case("gzip bomb", "/news/gzip-bomb", _gzip_bomb(), "rejected", "crawl", "too_large"),
    Case("brotli bomb", "/news/brotli-bomb", _brotli_bomb(), "rejected", "crawl", "too_large"),
    Case("deflate bomb", "/news/deflate-bomb", _deflate_bomb(), "rejected", "crawl", "too_large"),
    Case(
        "truncated gzip body",
        "/news/truncated-gzip",
        _truncated_gzip(),
        "loaded",  # as much as a browser shows
        title="Ferry fares frozen for another year",
    ),
    Case(
        "Shift-JIS page without a declared charset",
        "/news/shift-jis",
        _cjk_page(JA_TITLE, JA_TEXT, "shift_jis"),
        "loaded",
        title=JA_TITLE,
    ),
    Case(
        "GB2312 page without a declared charset",
        "/news/gb2312",
        _cjk_page(ZH_TITLE, ZH_TEXT, "gb2312"),
        "loaded",
        title=ZH_TITLE,
    ),
    Case(
        "DNS name that does not resolve",
        "/news/unresolvable",
        None,
        "rejected",
        "crawl",
        "dns_error",
        listed_url=f"http://news.{UNRESOLVABLE_DOMAIN}/news/unresolvable",
    ),
    Case(
        "410 Gone",
        "/news/withdrawn",
        Answer("<html><body>Gone</body></html>", status=410),
        "rejected",
        "extract",
        "http_error",
    ),
    Case(
        "404 Not Found",
        "/news/missing",
        Answer("<html><body>Not here</body></html>", status=404),
        "rejected",
        "extract",
        "http_error",
    ),
    Case(
        "503 with Retry-After, then the page",
        "/news/busy-once",
        _UnavailableOnce("Ferry timetable changes"),
        "loaded",
        title="Ferry timetable changes",
    ),
    Case("connection reset mid-body", "/news/reset-mid-body", _reset_mid_body, "rejected", "crawl", "http_error"),
    Case("server slower than the download timeout", "/news/mute-server", _slow, "rejected", "crawl", "http_error"),
    Case("right-to-left title", "/news/rtl-title", _html(article_html(RTL_TITLE)), "loaded", title=RTL_TITLE),
    Case("emoji in the title", "/news/emoji-title", _html(article_html(EMOJI_TITLE)), "loaded", title=EMOJI_TITLE),
    Case(
        "SQL injection text in the title", "/news/sql-title", _html(article_html(SQL_TITLE)), "loaded", title=SQL_TITLE
    ),
    Case(
        "HTML injection in the title",
        "/news/html-title",
        _html(article_html("&lt;script&gt;alert(1)&lt;/script&gt; Council votes")),
        "loaded",
        title="alert(1) Council votes",  # stored as text: the markup is not kept
    ),
    Case(
        "redirect loop",
        "/news/loop-a",
        Answer(status=301, headers={"Location": "/news/loop-b"}),
        "rejected",
        "crawl",
        "redirect_loop",
        extra_routes={"/news/loop-b": Answer(status=301, headers={"Location": "/news/loop-a"})},
    ),
    Case(
        "redirect to another address",
        "/news/moved-away",
        Answer(status=301, headers={"Location": "http://127.0.0.2:9/news/moved-away"}),
        "rejected",
        "crawl",
        "off_site_redirect",
    ),
    Case(
        "redirect to another port of the site's host",
        "/news/moved-port",
        Answer(status=302, headers={"Location": "http://127.0.0.1:9/news/moved-port"}),
        "rejected",
        "crawl",
        "off_site_redirect",
    ),
    Case(
        "PDF",
        "/news/annual-report",
        Answer(b"%PDF-1.7\n" + os.urandom(2000), headers={"Content-Type": "application/pdf"}),
        "rejected",
        "extract",
        "not_html",
    ),
    Case(
        "binary junk served as HTML",
        "/news/binary-junk",
        Answer(bytes(range(256)) * 20),
        "rejected",
        "extract",
        "undecodable",
    ),
    Case("empty body", "/news/empty", Answer(b""), "rejected", "extract", "undecodable"),
    Case(
        "no date anywhere",
        "/news/undated",
        _html(
            article_html("Undated notes from the quay").replace(
                "<meta property='article:published_time' content='2024-03-13T09:00:00Z'>", ""
            )
        ),
        "loaded",
        title="Undated notes from the quay",
        flagged=("normalise", "no_date"),
        undated_listing=True,
    ),
    Case(
        "implausible date (1970)",
        "/news/epoch-date",
        _html(article_html("Epoch of the harbour").replace("2024-03-13T09:00:00Z", "1970-01-01T00:00:00Z")),
        "loaded",
        title="Epoch of the harbour",
        flagged=("normalise", "no_date"),
        undated_listing=True,
    ),
    Case(
        "broken markup",
        "/news/broken-markup",
        _html(article_html("Broken markup survives").replace("</p>", "").replace("<article>", "<article><div><span>")),
        "loaded",
        title="Broken markup survives",
    ),
    Case(
        "malformed JSON-LD",
        "/news/broken-json-ld",
        _html(
            article_html(
                "Broken JSON-LD survives",
                extra_head='<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>',
            )
        ),
        "loaded",
        title="Broken JSON-LD survives",
    ),
]

SAME_ARTICLE_COPIES = 50  # the same article under 50 URLs, each naming the original as canonical
GOOD_ARTICLES = [f"/news/good-story-{n}" for n in range(8)]
ORIGINAL = "/news/original-story"
XXE_SITEMAP = (
    '<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    "<url><loc>{{origin}}/news/&xxe;</loc></url><url><loc>{{origin}}/news/after-xxe</loc></url></urlset>"
)
LAUGHS_SITEMAP = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 2 else "")) * 10}">' for i in range(2, 10))
    + ']><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    "<url><loc>&lol9;</loc></url><url><loc>{{origin}}/news/after-laughs</loc></url></urlset>"
)
SITEMAP_CASES = {  # bad sitemaps: the article listed after the bad entry must load
    "XXE entity in a sitemap": ("/sitemap-xxe.xml", XXE_SITEMAP, "/news/after-xxe"),
    "billion-laughs sitemap": ("/sitemap-laughs.xml", LAUGHS_SITEMAP, "/news/after-laughs"),
}
