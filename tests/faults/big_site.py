"""A site of a few hundred articles, each answered after a short pause so a crawl of it can be stopped at a
chosen point, and helpers to stop it: wait until the archive holds k pages, kill a process."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import psutil
from hostile_site import Answer, HostileSite, article_html, hostile_site_config, serve_hostile_site, sitemap_xml, xml

from broadsheet.sites import SiteConfig
from crawlers.resume import repair_archive

ARTICLES = [f"/news/story-{n:03d}" for n in range(240)]


class _SlowArticle:
    def __init__(self, path: str) -> None:
        self.body = article_html(f"Story {path[-3:]}").encode()

    def __call__(self, handler) -> None:
        time.sleep(0.05)
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(self.body)))
        handler.end_headers()
        handler.wfile.write(self.body)


@contextmanager
def serve_big_site():
    with serve_hostile_site() as site:
        site.routes["/robots.txt"] = Answer(
            f"Sitemap: {site.origin}/sitemap.xml\n", headers={"Content-Type": "text/plain"}
        )
        site.routes["/sitemap.xml"] = xml(sitemap_xml(site.origin, ARTICLES))
        for path in ARTICLES:
            site.routes[path] = _SlowArticle(path)
        yield site


def big_site_config(site: HostileSite) -> SiteConfig:
    return hostile_site_config(site, "big_gazette", limits={"concurrency": 4})


def article_requests(site: HostileSite) -> Counter[str]:
    return Counter(path for path in site.paths() if path.startswith("/news/"))


def archived_urls(archive_dir: Path) -> set[str]:
    """Requested URLs of the complete responses in every WARC file under `archive_dir` (read-only copy)."""
    urls: set[str] = set()
    for path in archive_dir.rglob("*.warc.gz"):
        with tempfile.TemporaryDirectory() as scratch:  # elsewhere: the archive's own disk may be full
            copy = Path(scratch) / path.name
            copy.write_bytes(path.read_bytes())
            urls |= repair_archive(copy)
    return urls


def wait_until_archived(archive_dir: Path, count: int, timeout: float = 240) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = len(archived_urls(archive_dir)) if archive_dir.exists() else 0
        if found >= count:
            return found
        time.sleep(0.2)
    raise AssertionError(f"the crawl archived fewer than {count} pages in {timeout:.0f}s")


def crawl_children(parent_pid: int | None = None) -> list[psutil.Process]:
    """The running crawl processes (python -m crawlers.run) started by `parent_pid` (default: this process)."""
    parent = psutil.Process(parent_pid or os.getpid())
    return [child for child in parent.children(recursive=True) if "crawlers.run" in " ".join(child.cmdline())]


def wait_for_crawl_child(parent_pid: int | None = None, timeout: float = 120) -> psutil.Process:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = crawl_children(parent_pid)
        if children:
            return children[0]
        time.sleep(0.1)
    raise AssertionError("no crawl process started")


def wait_until_gone(process: psutil.Process, timeout: float = 60) -> bool:
    try:
        process.wait(timeout)
    except psutil.TimeoutExpired:
        return False
    return True


def run_python(script: str, env: dict[str, str]) -> subprocess.Popen:
    """`script` in a new interpreter that can import the tests' helpers."""
    tests = Path(__file__).resolve().parent
    path = os.pathsep.join([str(tests), str(tests.parent)])
    return subprocess.Popen([sys.executable, "-c", script], env={**os.environ, **env, "PYTHONPATH": path})
