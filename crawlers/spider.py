"""One generic news spider; a site's registry entry decides what it crawls.

Discovery: robots.txt `Sitemap:` lines and sitemap indexes (Scrapy's SitemapSpider), then RSS/Atom feeds.
Only URLs matching the site's article patterns are fetched, and only those whose sitemap `lastmod` or feed
date is before the end of the run's data interval (a backfill does not load tomorrow's news).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar

import scrapy
from broadsheet.crawlers.discovery import parse_feed, sitemap_discovery
from broadsheet.crawlers.items import CrawledExchange
from broadsheet.crawlers.registry import SiteConfig
from scrapy.http import Response
from scrapy.spiders import SitemapSpider
from twisted.python.failure import Failure

from broadsheet.records import FetchedPage


def _parse_lastmod(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class NewsSpider(SitemapSpider):
    name = "news"
    # every sitemap entry that passes sitemap_filter is a page to fetch
    sitemap_rules: ClassVar[list[tuple[str, str]]] = [("", "parse_page")]

    def __init__(self, site: SiteConfig, window_end: datetime | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.site = site
        self.window_end = window_end
        self.allowed_domains = [site.base_url.split("://", 1)[1].split(":")[0]]
        self.sitemap_urls = [site.absolute(path) for path in site.sitemaps]
        self.download_errors: list[tuple[str, str]] = []
        # what discovery said about each article URL, handed on in FetchedPage.discovery
        self.discovered: dict[str, dict[str, str]] = {}

    def _in_window(self, published_at: datetime | None) -> bool:
        return self.window_end is None or published_at is None or published_at < self.window_end

    async def start(self) -> AsyncIterator[Any]:
        async for request in super().start():
            yield request
        for feed in self.site.feeds:
            yield scrapy.Request(self.site.absolute(feed), callback=self.parse_feed, errback=self.on_error)

    def sitemap_filter(self, entries: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        if getattr(entries, "type", None) == "sitemapindex":
            yield from entries  # nested sitemaps are always read
            return
        for entry in entries:
            if self.site.is_article_url(entry["loc"]) and self._in_window(_parse_lastmod(entry.get("lastmod"))):
                yield entry

    def _build_request(self, url: str, discovery: dict[str, str] | None = None) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse_page,
            errback=self.on_error,
            meta={"handle_httpstatus_all": True, "discovery": discovery or {}},
        )

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        for entry in parse_feed(response.body):
            url = response.urljoin(entry.url)
            if self.site.is_article_url(url) and self._in_window(entry.published_at):
                discovery = {"source": "feed"}
                if entry.published_raw:
                    discovery["feed_published"] = entry.published_raw
                yield self._build_request(url, discovery)

    def _parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        # Scrapy's own method, with article requests made by us so that HTTP errors reach parse_page.
        found: dict[str, dict[str, str]] | None = None
        for request in super()._parse_sitemap(response):
            if request.callback == self.parse_page:
                if found is None:
                    found = sitemap_discovery(self._get_sitemap_body(response) or b"")
                yield self._build_request(request.url, found.get(request.url, {"source": "sitemap"}))
            else:
                yield request

    def parse_page(self, response: Response) -> Iterator[CrawledExchange]:
        redirects = response.request.meta.get("redirect_urls") or [response.request.url]
        page = FetchedPage(
            site_key=self.site.key,
            requested_url=redirects[0],
            final_url=response.url,
            status=response.status,
            headers={
                key.decode("latin-1").lower(): b", ".join(values).decode("latin-1")
                for key, values in response.headers.items()
            },
            body=response.body,
            fetched_at=datetime.now(UTC),
            discovery=dict(response.request.meta.get("discovery") or {}),
        )
        request_headers = {
            key.decode("latin-1"): b", ".join(values).decode("latin-1")
            for key, values in response.request.headers.items()
        }
        yield CrawledExchange(page=page, request_headers=request_headers)

    def on_error(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        self.download_errors.append((url, f"{failure.type.__name__}: {failure.getErrorMessage()}"))
        self.logger.warning("site=%s could not fetch %s: %s", self.site.key, url, failure.getErrorMessage())
