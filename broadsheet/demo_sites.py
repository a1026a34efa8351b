"""Serve the bundled demo news sites (tests/sites/<site_key>/public) over real HTTP on 127.0.0.1.

Each site gets its own port. Fixture files write absolute URLs as `{{origin}}`; the server substitutes the
origin it really listens on, so the same files work on any port.
"""

from __future__ import annotations

import logging
import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from broadsheet.settings import PROJECT_ROOT

logger = logging.getLogger(__name__)

DEMO_SITES_DIR = PROJECT_ROOT / "tests" / "sites"
ORIGIN_PLACEHOLDER = b"{{origin}}"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".pdf": "application/pdf",
}


def demo_site_keys(sites_dir: Path = DEMO_SITES_DIR) -> list[str]:
    """The bundled demo sites: every folder of tests/sites with a public/ document root."""
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


def _handler_for(document_root: Path) -> type[BaseHTTPRequestHandler]:
    class SiteHandler(BaseHTTPRequestHandler):
        server_version = "BroadsheetDemo/1.0"

        def do_GET(self) -> None:
            self._respond(include_body=True)

        def do_HEAD(self) -> None:
            self._respond(include_body=False)

        def _respond(self, include_body: bool) -> None:
            path = _resolve(document_root, self.path)
            if path is None:
                body = b"<!DOCTYPE html><html><head><title>Not found</title></head><body><h1>404</h1></body></html>"
                status, content_type = HTTPStatus.NOT_FOUND, CONTENT_TYPES[".html"]
            else:
                body = path.read_bytes()
                status = HTTPStatus.OK
                content_type = CONTENT_TYPES.get(path.suffix) or (
                    mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                )
            if content_type.startswith(("text/", "application/xml", "application/rss", "application/atom")):
                host, port = self.server.server_address[:2]
                body = body.replace(ORIGIN_PLACEHOLDER, f"http://{host}:{port}".encode())
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if include_body:
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            logger.debug("demo site %s: " + format, document_root.parent.name, *args)

    return SiteHandler


@dataclass(frozen=True)
class RunningSite:
    site_key: str
    origin: str


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
            server = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(site_dir / "public"))
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, name=f"demo-{site_dir.name}", daemon=True).start()
            servers.append(server)
            host, bound_port = server.server_address[:2]
            running[site_dir.name] = RunningSite(site_dir.name, f"http://{host}:{bound_port}")
        yield running
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
