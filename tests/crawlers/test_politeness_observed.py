"""Politeness as the site sees it: the gaps between requests measured at the server, not the crawler's own
statistics (which are recorded before the wait, so deleting the wait would not show there)."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from hostile_site import Answer, article_html, hostile_site_config, serve_hostile_site, sitemap_xml, xml
from test_crawl_limits import _crawl

from broadsheet.settings import Settings
from crawlers.run import crawl_site

STORIES = [f"/news/story-{n}" for n in range(4)]


class _RefuseOnce:
    """Answers `status` (with Retry-After when given) to the first request, the article afterwards."""

    def __init__(self, status: int, retry_after: str | None) -> None:
        self.status, self.retry_after, self.answered = status, retry_after, False

    def __call__(self, handler) -> None:
        body, status = article_html("Retried story").encode(), 200
        if not self.answered:
            self.answered, body, status = True, b"busy", self.status
        handler.send_response(status)
        if status != 200 and self.retry_after:
            handler.send_header("Retry-After", self.retry_after)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


def test_the_crawl_delay_of_robots_txt_spaces_requests_at_the_server(tmp_path: Path):
    with serve_hostile_site() as site:
        site.routes.update(
            {
                "/robots.txt": Answer(
                    f"User-agent: *\nCrawl-delay: 1\nSitemap: {site.origin}/sitemap.xml\n",
                    headers={"Content-Type": "text/plain"},
                ),
                "/sitemap.xml": xml(sitemap_xml(site.origin, STORIES)),
                **{path: Answer(article_html(f"Story {path[-1]}")) for path in STORIES},
            }
        )
        config = hostile_site_config(site, limits={"concurrency": 4})
        result = crawl_site(
            Settings(data_dir=tmp_path, autothrottle_enabled=False), config, tmp_path / "a.warc.gz", window_end=None
        )
        arrivals = sorted(t for path in STORIES for t in site.times(path))
    assert result.pages_archived == 4
    gaps = [later - earlier for earlier, later in pairwise(arrivals)]
    assert min(gaps) >= 0.9, gaps  # Crawl-delay: 1, although four requests were allowed at once


def test_429_and_503_are_retried_only_after_the_wait_the_server_asked_for(tmp_path: Path):
    with serve_hostile_site() as site:
        site.routes.update(
            {
                "/robots.txt": Answer(f"Sitemap: {site.origin}/sitemap.xml\n", headers={"Content-Type": "text/plain"}),
                "/sitemap.xml": xml(sitemap_xml(site.origin, ["/news/throttled", "/news/unavailable"])),
                "/news/throttled": _RefuseOnce(429, "2"),
                "/news/unavailable": _RefuseOnce(503, None),
            }
        )
        result, fetched = _crawl(site, tmp_path, autothrottle_enabled=False)
        throttled, unavailable = site.times("/news/throttled"), site.times("/news/unavailable")
    assert fetched == {"/news/throttled", "/news/unavailable"} and result.download_errors == []
    assert len(throttled) == 2 and throttled[1] - throttled[0] >= 1.9  # Retry-After: 2
    assert len(unavailable) == 2 and unavailable[1] - unavailable[0] >= 0.45  # backoff: 0.5 s first
