"""Serve the bundled demo news sites (demo/sites/<site_key>/public) over real HTTP on 127.0.0.1.

Each site gets its own port. Fixture files write absolute URLs as `{{origin}}`; the server substitutes the
origin it really listens on, so the same files work on any port. It behaves like a production web server
where crawling is concerned (see demo_site_rules.py for what a site's optional server.toml can ask for):
ETag and Last-Modified with 304s, gzip, `.gz` variants of XML files, redirects, and 429 with Retry-After.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from demo.site_rules import SiteRules, load_site_rules

logger = logging.getLogger(__name__)

DEMO_SITES_DIR = Path(__file__).resolve().parent / "sites"
ORIGIN_PLACEHOLDER = b"{{origin}}"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".pdf": "application/pdf",
    ".gz": "application/gzip",
}
NOT_FOUND = b"<!DOCTYPE html><html><head><title>Not found</title></head><body><h1>404</h1></body></html>"
GZIP_MIN_BYTES = 1024  # like nginx's gzip_min_length: small bodies are sent as they are


def demo_site_keys(sites_dir: Path = DEMO_SITES_DIR) -> list[str]:
    """The bundled demo sites: every folder of demo/sites with a public/ document root."""
    return sorted(p.name for p in sites_dir.iterdir() if (p / "public").is_dir())


def _resolve(document_root: Path, url_path: str) -> Path | None:
    """Map a URL path to a file under the document root, the way a static web server does."""
    relative = unquote(urlsplit(url_path).path).lstrip("/")
    candidate = (document_root / relative).resolve()
    if document_root.resolve() not in (candidate, *candidate.parents):
        return None
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def _is_text(content_type: str) -> bool:
    return content_type.startswith(("text/", "application/xml", "application/rss", "application/atom"))


def _handler_for(document_root: Path, rules: SiteRules) -> type[BaseHTTPRequestHandler]:
    answered_once: set[str] = set()  # paths this server has answered before (for the *_once rules)
    lock = threading.Lock()

    class SiteHandler(BaseHTTPRequestHandler):
        server_version = "BroadsheetDemo/1.0"

        def do_GET(self) -> None:
            self._respond(include_body=True)

        def do_HEAD(self) -> None:
            self._respond(include_body=False)

        @property
        def origin(self) -> str:
            host, port = self.server.server_address[:2]
            return f"http://{host}:{port}"

        def _respond(self, include_body: bool) -> None:
            path = urlsplit(self.path).path
            if path in rules.redirects:
                self._send(HTTPStatus.MOVED_PERMANENTLY, b"", {"Location": self.origin + rules.redirects[path]})
                return
            with lock:
                first_time = path not in answered_once
                answered_once.add(path)
            if first_time and path in rules.throttle_once:
                headers = {"Retry-After": str(rules.retry_after_seconds), "Content-Type": CONTENT_TYPES[".txt"]}
                self._send(HTTPStatus.TOO_MANY_REQUESTS, b"Slow down.\n", headers, include_body)
                return
            if first_time and path in rules.unavailable_once:
                headers = {"Content-Type": CONTENT_TYPES[".txt"]}
                self._send(HTTPStatus.SERVICE_UNAVAILABLE, b"Back soon.\n", headers, include_body)
                return
            status, body, content_type = self._content(path)
            headers = {"Content-Type": content_type}
            if status == HTTPStatus.OK:
                etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
                last_modified = rules.last_modified_for(path)
                headers["ETag"] = etag
                if last_modified is not None:  # dynamic CMS pages often send none
                    headers["Last-Modified"] = format_datetime(last_modified, usegmt=True)
                if rules.conditional_requests and self._not_modified(etag, last_modified):
                    self._send(HTTPStatus.NOT_MODIFIED, b"", headers, include_body=False)
                    return
                if _is_text(content_type) and len(body) >= GZIP_MIN_BYTES and self._accepts_gzip():
                    body = gzip.compress(body, mtime=0)
                    headers |= {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
            self._send(status, body, headers, include_body)

        def _content(self, path: str) -> tuple[HTTPStatus, bytes, str]:
            file = _resolve(document_root, path)
            compress = False
            if file is None and path.endswith(".gz"):  # sitemap.xml.gz from sitemap.xml, like a CMS does
                file, compress = _resolve(document_root, path[:-3]), True
            if file is None:
                return HTTPStatus.NOT_FOUND, NOT_FOUND, CONTENT_TYPES[".html"]
            body = file.read_bytes()
            content_type = CONTENT_TYPES.get(file.suffix) or (
                mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            )
            if _is_text(content_type):
                body = body.replace(ORIGIN_PLACEHOLDER, self.origin.encode())
            if compress:
                return HTTPStatus.OK, gzip.compress(body, mtime=0), CONTENT_TYPES[".gz"]
            return HTTPStatus.OK, body, content_type

        def _not_modified(self, etag: str, last_modified: datetime | None) -> bool:
            if_none_match = self.headers.get("If-None-Match")
            if if_none_match is not None:  # RFC 9110: If-Modified-Since is ignored when If-None-Match is sent
                return etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*"
            if_modified_since = self.headers.get("If-Modified-Since")
            if if_modified_since and last_modified is not None:
                try:
                    return last_modified <= parsedate_to_datetime(if_modified_since)
                except (TypeError, ValueError):
                    return False
            return False

        def _accepts_gzip(self) -> bool:
            return "gzip" in (self.headers.get("Accept-Encoding") or "")

        def _send(self, status: HTTPStatus, body: bytes, headers: dict[str, str], include_body: bool = True) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if include_body and body:
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            logger.debug("demo site %s: " + format, document_root.parent.name, *args)

    return SiteHandler


@dataclass(frozen=True)
class RunningSite:
    site_key: str
    origin: str


def start_demo_site(site_dir: Path, port: int = 0) -> ThreadingHTTPServer:
    """Serve one demo site (its public/ folder, with its server.toml rules) on 127.0.0.1 in a background
    thread; port 0 picks a free port. The caller shuts the server down."""
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(site_dir / "public", load_site_rules(site_dir)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name=f"demo-{site_dir.name}", daemon=True).start()
    return server


def demo_site_port(origin: str) -> int:
    """The port of a demo site's origin; the demo serves its sites only on 127.0.0.1."""
    port = urlsplit(origin).port
    if urlsplit(origin).hostname not in ("127.0.0.1", "localhost") or port is None:
        raise SystemExit(f"the demo serves its sites on 127.0.0.1:<port>; {origin!r} is not such an origin")
    return port


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether nothing listens on host:port now (another `make airflow`, a test suite's sites)."""
    import socket

    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


@contextmanager
def serve_demo_sites(
    ports: dict[str, int] | None = None, sites_dir: Path = DEMO_SITES_DIR
) -> Iterator[dict[str, RunningSite]]:
    """Serve every demo site until the block ends; port 0 (the default) picks a free port."""
    servers: list[ThreadingHTTPServer] = []
    running: dict[str, RunningSite] = {}
    try:
        for site_dir in sorted(p for p in sites_dir.iterdir() if (p / "public").is_dir()):
            port = (ports or {}).get(site_dir.name, 0)
            server = start_demo_site(site_dir, port)
            servers.append(server)
            host, bound_port = server.server_address[:2]
            running[site_dir.name] = RunningSite(site_dir.name, f"http://{host}:{bound_port}")
        yield running
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
