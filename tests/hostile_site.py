"""A scriptable news site for fault tests: a real HTTP server on a free port of a loopback address that
answers each path as the test says (any status, headers and body, or raw bytes on the socket: a reset
mid-body, a body without Content-Length), and records every request it received, with the time it arrived,
so tests observe what the crawler really did (which URLs, how far apart) rather than its own statistics.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from broadsheet.sites import SiteConfig


@dataclass(frozen=True)
class Answer:
    """What a path answers: status, headers, body (Content-Length is added unless `chunked_raw` is set)."""

    body: bytes | str = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    content_length: bool = True  # False: no Content-Length, the body ends when the connection closes


Route = Answer | Callable[[BaseHTTPRequestHandler], None]


@dataclass(frozen=True)
class Hit:
    path: str
    at: float  # time.monotonic() when the request arrived
    headers: dict[str, str]


class HostileSite:
    """Routes and the log of requests of one running server."""

    def __init__(self, host: str) -> None:
        self.host = host
        self.routes: dict[str, Route] = {}
        self.fallback: Callable[[str], Route | None] = lambda path: None  # paths computed on demand
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def origin(self) -> str:
        assert self.server is not None
        return f"http://{self.host}:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.origin + path

    def paths(self) -> list[str]:
        with self._lock:
            return [hit.path for hit in self.hits]

    def times(self, path: str) -> list[float]:
        with self._lock:
            return [hit.at for hit in self.hits if hit.path == path]

    def record(self, hit: Hit) -> None:
        with self._lock:
            self.hits.append(hit)


def _handler(site: HostileSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            path = urlsplit(self.path).path + (f"?{urlsplit(self.path).query}" if urlsplit(self.path).query else "")
            site.record(Hit(path, time.monotonic(), {k.lower(): v for k, v in self.headers.items()}))
            route = site.routes.get(path) or site.fallback(path)
            if route is None:
                route = Answer("<html><body><h1>Not found</h1></body></html>", status=404)
            if callable(route):
                route(self)
                return
            body = route.body.encode() if isinstance(route.body, str) else route.body
            body = body.replace(b"{{origin}}", site.origin.encode())
            self.send_response(route.status)
            for name, value in route.headers.items():
                self.send_header(name, value.replace("{{origin}}", site.origin))
            if route.content_length:
                self.send_header("Content-Length", str(len(body)))
            else:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up on a bomb or a slow answer is part of the test, not an error to print."""


@contextmanager
def serve_hostile_site(host: str = "127.0.0.1") -> Iterator[HostileSite]:
    """Serve a HostileSite on a free port of `host` until the block ends."""
    site = HostileSite(host)
    server = _QuietServer((host, 0), _handler(site))
    site.server = server
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


SENTENCES = [
    "The harbour commission met on Tuesday evening to discuss the new ferry timetable.",
    "Councillors heard from residents who cross the bay each morning to reach the mainland.",
    "A spokesperson for the operator said the changes would take effect at the start of next month.",
    "Fares for season ticket holders will not change before the end of the year, she added.",
    "Local businesses near the terminal welcomed the later sailings on Friday and Saturday nights.",
    "The commission will publish a full report on passenger numbers after its spring meeting.",
]


def article_html(title: str, body_words: int = 120, extra_head: str = "", extra_body: str = "") -> str:
    """A plain news article page we wrote: a title, a dated byline and about `body_words` words in
    paragraphs that differ from each other (identical paragraphs read as boilerplate)."""
    paragraphs = []
    for n in range(max(2, body_words // 45)):
        sentences = " ".join(SENTENCES[(n + k) % len(SENTENCES)] for k in range(3))
        paragraphs.append(f"<p>Paragraph {n + 1}. {sentences}</p>")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title}</title><meta property='article:published_time' content='2024-03-13T09:00:00Z'>"
        f"{extra_head}</head><body><article><h1>{title}</h1>"
        "<p class='byline'>By Ada Lovelace</p>"
        f"{''.join(paragraphs)}{extra_body}</article></body></html>"
    )


def hostile_site_config(site: HostileSite, key: str = "hostile_times", **update: object) -> SiteConfig:
    """A registry entry for the served site: article paths under /news/, robots.txt first, 127.0.0.1 allowed."""
    values: dict[str, object] = {
        "key": key,
        "name": "Hostile Times",
        "base_url": site.origin,
        "sitemaps": ["/robots.txt"],
        "article_patterns": [r"^/news/[a-z0-9-]+$"],
        "timezone": "UTC",
        "languages": ["en"],
        "allowed_addresses": ["127.0.0.1"],
    }
    values.update(update)
    return SiteConfig.model_validate(values)


def sitemap_xml(origin: str, paths: list[str], lastmod: str | None = "2024-03-13") -> str:
    date = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
    entries = "".join(f"<url><loc>{origin}{path}</loc>{date}</url>" for path in paths)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'


def robots_txt(sitemap_path: str = "/sitemap.xml", extra: str = "") -> Answer:
    return Answer(
        f"User-agent: *\n{extra}\nSitemap: {{{{origin}}}}{sitemap_path}\n", headers={"Content-Type": "text/plain"}
    )


def xml(body: str | bytes) -> Answer:
    return Answer(body, headers={"Content-Type": "application/xml"})
