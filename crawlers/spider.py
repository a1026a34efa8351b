"""One generic news spider; a site's registry entry decides what it crawls.

Discovery, in order of preference: robots.txt `Sitemap:` lines and sitemap indexes (nested, gzipped), Google
News sitemaps, RSS/Atom feeds, then links from section pages (up to the site's max_depth). Only URLs matching
the site's article patterns and none of its skip patterns are fetched, each once per run under its normalised
spelling, and, where the sitemap or feed dates them, only those published or changed in the run's window
[window_start, window_end). Politeness, retries and conditional requests are middlewares (middlewares.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, DownloadCancelledError, IgnoreRequest
from scrapy.http import Response
from scrapy.spiders import SitemapSpider
from scrapy.utils.sitemap import sitemap_urls_from_robots
from twisted.internet.defer import CancelledError
from twisted.python.failure import Failure

from broadsheet.records import FetchedPage
from broadsheet.sites import SiteConfig
from broadsheet.urls import absolute_url, clean_url, url_identity
from crawlers.address_guard import ForbiddenDestination, origin_refusal
from crawlers.discovery import parse_feed, sitemap_discovery, sitemap_index_entries
from crawlers.items import CrawledExchange

# Statuses handed to parse_page to be archived (redirects are followed; 304 answers a conditional request).
ARCHIVED_STATUSES = [304, *range(400, 600)]


def parse_date(value: str | None) -> datetime | None:
    """A sitemap or feed date (W3C/ISO 8601); naive dates are read as UTC."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class NewsSpider(SitemapSpider):
    name = "news"

    def __init__(
        self,
        site: SiteConfig,
        window_end: datetime | None = None,
        window_start: datetime | None = None,
        max_pages: int | None = None,
        archived_urls: set[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.site = site
        self.window_start = window_start
        self.window_end = window_end
        self.max_pages = max_pages
        self.allowed_domains = site.allowed_domains
        self.sitemap_urls = [site.absolute(path) for path in (*site.sitemaps, *site.news_sitemaps)]
        self.download_errors: list[tuple[str, str, str]] = []  # (url, reason, detail)
        # url_identity of every article requested this run; a resumed crawl starts with what its archive holds
        self._requested: set[str] = {url_identity(url) for url in archived_urls or ()}
        self.pages_requested = len(self._requested)
        self._fallbacks_started = False
        self._sitemap_backlog: list[list] = []
        self._sitemaps_requested = 0
        self._ledger: dict[str, list[str]] = {}

    # --- the crawl's books: every article URL discovered, with what became of it ---------------------------

    @property
    def discovered(self) -> dict[str, list[str]]:
        """url_identity -> [URL, crawl outcome] of every article URL this crawl discovered, for the run's books
        (broadsheet/accounting.py): requested (not answered yet), fetched, not_modified (a 304), failed (a
        download error: a crawl reject), outside_window, over_page_cap, forbidden_by_robots, not_followed. In
        Scrapy's persisted spider state with a JOBDIR, so a resumed crawl keeps the books of the attempt it
        resumes."""
        state = getattr(self, "state", None)
        return state.setdefault("discovered", {}) if isinstance(state, dict) else self._ledger

    def _note(self, url: str, outcome: str, *, replace: bool = True) -> None:
        identity = url_identity(url)
        entry = self.discovered.get(identity)
        if entry is None:
            self.discovered[identity] = [url, outcome]
        elif replace:
            entry[1] = outcome

    def _article_url(self, url: str | None) -> str | None:
        """The clean URL if it is an article URL of the site, else None."""
        if url is None:  # a link that is not a URL
            return None
        url = clean_url(url)
        return url if self._allowed(url) and self.site.is_article_url(url) else None

    def note_outside_window(self, url: str | None) -> None:
        """An article URL the sitemap or feed dates outside the run's window: skipped, with that reason."""
        url = self._article_url(url)
        if url is not None:
            self._note(url, "outside_window", replace=False)

    # --- which URLs belong to the run -------------------------------------------------------------------

    def in_window(self, *dates: datetime | None) -> bool:
        """Undated URLs are fetched; dated ones if any date (published, last modified) is in the window."""
        known = [d for d in dates if d is not None]
        if not known:
            return True
        return any(
            (self.window_start is None or d >= self.window_start) and (self.window_end is None or d < self.window_end)
            for d in known
        )

    def _allowed(self, url: str) -> bool:
        """On the site: its scheme, hosts and ports (a link to another port of its own host is not)."""
        return origin_refusal(url, self.site) is None

    def article_request(self, url: str | None, discovery: dict[str, str]) -> scrapy.Request | None:
        """The request for an article URL, or None if it is not one, is skipped, was requested, or the cap is hit."""
        url = self._article_url(url)
        if url is None:
            return None
        identity = url_identity(url)
        if identity in self._requested:
            # archived by an earlier attempt, or the target of a redirect already fetched
            entry = self.discovered.get(identity)
            if entry is None or entry[1] == "outside_window":
                self.discovered[identity] = [url, "fetched"]
            return None
        if self.max_pages is not None and self.pages_requested >= self.max_pages:
            if self.pages_requested == self.max_pages:
                self.logger.warning("site=%s reached max_pages=%d: rest left", self.site.key, self.max_pages)
                self.pages_requested += 1
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("broadsheet/articles_over_page_cap")
            self._note(url, "over_page_cap")
            return None
        self._note(url, "requested")
        self._requested.add(identity)
        self.pages_requested += 1
        return scrapy.Request(
            url,
            callback=self.parse_page,
            errback=self.on_error,
            meta={
                "handle_httpstatus_list": ARCHIVED_STATUSES,
                "discovery": discovery,
                "is_article": True,
                "requested_url": url,
            },
        )

    # --- discovery --------------------------------------------------------------------------------------

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._on_idle, signal=signals.spider_idle)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        for url in self.sitemap_urls:  # robots.txt and sitemaps first: they say the most about each URL
            yield self._sitemap_request(url, depth=0)

    @property
    def _pending_sitemaps(self) -> list[list]:
        """Child sitemaps not read yet; in Scrapy's persisted spider state when the crawl has a JOBDIR."""
        state = getattr(self, "state", None)  # set by Scrapy's SpiderState extension, restored on resume
        return state.setdefault("pending_sitemaps", []) if isinstance(state, dict) else self._sitemap_backlog

    def _on_idle(self) -> None:
        """Nothing left to fetch: read the next child sitemap; after the last, feeds and section pages.

        One sitemap at a time keeps the queue to one sitemap's URLs (at most 50,000), however large the site.
        """
        assert self.crawler.engine is not None
        if self._pending_sitemaps:
            url, depth = self._pending_sitemaps.pop(0)
            self.crawler.engine.crawl(self._sitemap_request(url, depth))
            raise DontCloseSpider
        if self._fallbacks_started:
            return
        self._fallbacks_started = True
        requests = [
            *(scrapy.Request(self.site.absolute(feed), callback=self.parse_feed, errback=self.on_error, priority=1)
              for feed in self.site.feeds),
            *(self._listing_request(self.site.absolute(section), depth=0) for section in self.site.sections),
        ]  # fmt: skip
        if not requests:
            return
        for request in requests:
            self.crawler.engine.crawl(request)
        raise DontCloseSpider

    def on_sitemap_error(self, failure: Failure) -> None:
        """A missing robots.txt or sitemap is logged, not a reject: it is not a page of the site's news. One
        that was refused (too large, off the site) is a reject: what it listed is lost, and the run says so."""
        request = getattr(failure, "request", None)
        reason, message = self._failure_reason(failure)
        if reason in ("too_large", "off_site_redirect", "forbidden_address") and request is not None:
            self.download_errors.append((request.url, reason, f"sitemap not read: {message}"))
        self.logger.warning(
            "site=%s sitemap %s unavailable: %s", self.site.key, request and request.url, failure.getErrorMessage()
        )

    def _sitemap_request(self, url: str, depth: int) -> scrapy.Request:
        self._sitemaps_requested += 1
        return scrapy.Request(
            url,
            callback=self._parse_sitemap,
            errback=self.on_sitemap_error,
            meta={"sitemap_depth": depth, "download_maxsize": self.settings.getint("BROADSHEET_MAX_SITEMAP_BYTES")},
        )

    def _sitemap_limit(self, url: str, detail: str) -> None:
        self.download_errors.append((url, "sitemap_limit", detail))
        self.logger.warning("site=%s %s: %s", self.site.key, detail, url)

    def _queue_child_sitemaps(self, response: Response, index: list[tuple[str, str | None]]) -> None:
        """Child sitemaps of an index, within the depth and count limits; what is over them is a reject."""
        depth = response.meta.get("sitemap_depth", 0) + 1
        max_depth = self.settings.getint("BROADSHEET_MAX_SITEMAP_DEPTH")
        max_count = self.settings.getint("BROADSHEET_MAX_SITEMAPS")
        over_count = 0
        for loc, lastmod in index:  # a child sitemap last changed before the window has nothing for it
            url = absolute_url(response.url, loc)
            in_window = self.window_start is None or (parse_date(lastmod) or self.window_start) >= self.window_start
            if url is None or not in_window:
                continue
            if depth > max_depth:
                self._sitemap_limit(url, f"sitemap nested {depth} deep, beyond max_sitemap_depth={max_depth}")
                continue
            if self._sitemaps_requested + len(self._pending_sitemaps) >= max_count:
                over_count += 1
                continue
            self._pending_sitemaps.append([url, depth])
        if over_count:
            self._sitemap_limit(
                response.url, f"{over_count} child sitemaps not read: max_sitemaps_per_site={max_count} reached"
            )

    def _parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        depth = response.meta.get("sitemap_depth", 0)
        if response.url.endswith("/robots.txt"):
            for url in sitemap_urls_from_robots(response.text, base_url=response.url):
                yield self._sitemap_request(url, depth)
            return
        body = self._get_sitemap_body(response)  # Scrapy's: gunzips .gz sitemaps, within the size cap
        if not body:
            if response.body[:2] == b"\x1f\x8b":  # gzip that Scrapy would not unpack: over the size cap
                cap = response.meta.get("download_maxsize")
                self.download_errors.append(
                    (response.url, "too_large", f"sitemap not read: larger than {cap} bytes once decompressed")
                )
            self.logger.warning("site=%s ignoring a sitemap that is not XML: %s", self.site.key, response.url)
            return
        index = sitemap_index_entries(body)
        if index is not None:
            self._queue_child_sitemaps(response, index)
            return
        for loc, info in sitemap_discovery(body).items():
            published = parse_date(info.get("news_publication_date"))
            if self.in_window(published, parse_date(info.get("lastmod"))):
                request = self.article_request(absolute_url(response.url, loc), info)
                if request is not None:
                    yield request
            else:
                self.note_outside_window(absolute_url(response.url, loc))

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        for entry in parse_feed(response.body):
            if not self.in_window(entry.published_at):
                self.note_outside_window(absolute_url(response.url, entry.url))
                continue
            discovery = {"source": "feed"}
            if entry.published_raw:
                discovery["feed_published"] = entry.published_raw
            request = self.article_request(absolute_url(response.url, entry.url), discovery)
            if request is not None:
                yield request

    def _listing_request(self, url: str, depth: int) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_listing, errback=self.on_error, meta={"listing_depth": depth})

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        """A section or pagination page: its article links, and its listing links while depth allows."""
        if not hasattr(response, "css"):
            return
        depth = response.meta.get("listing_depth", 0) + 1
        if depth > self.site.limits.max_depth:
            return
        for href in response.css("a::attr(href)").getall():
            url = absolute_url(response.url, href)
            if url is None:
                continue
            url = clean_url(url)
            if not self._allowed(url):
                continue
            if self.site.is_article_url(url):
                request = self.article_request(url, {"source": "section", "section_url": response.url})
                if request is not None:
                    yield request
            elif self.site.is_listing_url(url) and depth < self.site.limits.max_depth:
                yield self._listing_request(url, depth)

    # --- what is archived -------------------------------------------------------------------------------

    def parse_page(self, response: Response) -> Iterator[CrawledExchange]:
        redirects = response.request.meta.get("redirect_urls") or [response.request.url]
        self._requested.add(url_identity(response.url))  # a redirect's target is not requested again
        if response.request.meta.get("is_article"):
            fetched = "not_modified" if response.status == 304 else "fetched"
            self._note(response.request.meta.get("requested_url", redirects[0]), fetched)
        page = FetchedPage(
            site_key=self.site.key,
            requested_url=response.request.meta.get("requested_url", redirects[0]),
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

    def _failure_reason(self, failure: Failure) -> tuple[str | None, str]:
        """The reject reason of a failed request (None: not a reject, e.g. robots.txt) and its message."""
        message = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        if failure.check(ForbiddenDestination):
            return failure.value.reason, failure.value.detail
        if failure.check(DownloadCancelledError, CancelledError):
            # Scrapy cancels a body that grows past the cap while streaming (no Content-Length to refuse it on)
            request = getattr(failure, "request", None)
            cap = request.meta.get("download_maxsize") if request is not None else None
            cap = cap or self.settings.getint("DOWNLOAD_MAXSIZE")
            return "too_large", f"{message} (body grew past the download max size ({cap}) while downloading)"
        too_large = "max size" in message or "DOWNLOAD_MAXSIZE" in message  # on the wire or once decompressed
        redirect_loop = "redirect loop" in message or "max redirections reached" in message
        if failure.check(IgnoreRequest) and not (too_large or redirect_loop):  # robots.txt, a skip pattern
            return None, message
        return ("too_large" if too_large else "redirect_loop" if redirect_loop else "http_error"), message

    def on_error(self, failure: Failure) -> None:
        reason, message = self._failure_reason(failure)
        if reason is None:
            assert self.crawler.stats is not None
            robots = "robots.txt" in message
            self.crawler.stats.inc_value("broadsheet/forbidden_by_robots" if robots else "broadsheet/skipped")
            request = getattr(failure, "request", None)
            if request is not None and request.meta.get("is_article"):
                self._note(request.meta["requested_url"], "forbidden_by_robots" if robots else "not_followed")
            return
        request = getattr(failure, "request", None)
        url = request.meta.get("requested_url", request.url) if request is not None else "?"
        if request is not None and request.meta.get("is_article"):
            self._note(url, "failed")
        self.download_errors.append((url, reason, message))
        self.logger.warning("site=%s could not fetch %s: %s", self.site.key, url, message)
