"""Downloader middlewares for politeness and incremental crawling, each switched on in scrapy_settings.

- CrawlDelayMiddleware: honours robots.txt `Crawl-delay` (Scrapy reads the rules but not the delay).
- RetryAfterMiddleware: Scrapy's retries on 5xx/429, but waiting first: the server's `Retry-After` when it
  gives one, exponential backoff otherwise (Scrapy's own retries are immediate).
- SkipPatternMiddleware: a redirect to a URL the site's skip_patterns exclude is not followed.
- RedirectLoopMiddleware: a redirect back to a URL of its own chain is a loop, reported as one (Scrapy would
  drop the looping request as a duplicate, silently).
- ConditionalRequestMiddleware: sends If-None-Match / If-Modified-Since for article URLs fetched before, so an
  unchanged page costs the site a 304 and no body.
"""

from __future__ import annotations

import json
import logging
import time
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.response import response_status_message
from twisted.internet import reactor, task

from broadsheet.urls import absolute_url, url_identity

logger = logging.getLogger(__name__)


async def _sleep(seconds: float) -> None:
    if seconds > 0:
        await maybe_deferred_to_future(task.deferLater(reactor, seconds))


class CrawlDelayMiddleware:
    """Space requests to a host by its robots.txt Crawl-delay for our User-Agent (placed after RobotsTxtMiddleware)."""

    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured
        self.crawler = crawler
        self.user_agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get("USER_AGENT")
        self._next_slot_at: dict[str, float] = {}  # per host: when the next request may start

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def _robots(self, netloc: str) -> RobotParser | None:
        assert self.crawler.engine is not None
        for middleware in self.crawler.engine.downloader.middleware.middlewares:
            if isinstance(middleware, RobotsTxtMiddleware):
                parser = middleware._parsers.get(netloc)
                return parser if isinstance(parser, RobotParser) else None
        return None

    async def process_request(self, request: Request) -> None:
        if request.meta.get("dont_obey_robotstxt"):
            return
        netloc = request.url.split("://", 1)[-1].split("/", 1)[0]
        parser = self._robots(netloc)
        delay = parser.crawl_delay(self.user_agent) if parser is not None else None
        if not delay:
            return
        now = time.monotonic()
        start_at = max(now, self._next_slot_at.get(netloc, now))
        self._next_slot_at[netloc] = start_at + delay  # reserve the slot before waiting
        assert self.crawler.stats is not None
        self.crawler.stats.max_value("broadsheet/robots_crawl_delay_seconds", delay)
        await _sleep(start_at - now)


def retry_after_seconds(response: Response) -> float | None:
    """Retry-After as seconds: either a number or an HTTP date (RFC 9110 section 10.2.3)."""
    value = response.headers.get(b"Retry-After")
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        return max(0.0, parsedate_to_datetime(text).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def retry_wait_seconds(retry_after: float | None, attempt: int, backoff_seconds: float, max_seconds: float) -> float:
    """How long to wait before retry number `attempt` (1, 2, ...): the server's Retry-After if it gave one,
    else `backoff_seconds` doubling per attempt; never more than `max_seconds`."""
    wait = retry_after if retry_after is not None else backoff_seconds * 2 ** (attempt - 1)
    return min(wait, max_seconds)


class RetryAfterMiddleware(RetryMiddleware):
    """Retries 5xx/429 after waiting: Retry-After if given (capped), else backoff doubling per attempt."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.backoff_seconds = settings.getfloat("BROADSHEET_RETRY_BACKOFF_SECONDS", 0.5)
        self.max_wait_seconds = settings.getfloat("BROADSHEET_RETRY_AFTER_MAX_SECONDS", 120.0)

    async def process_response(self, request: Request, response: Response, spider: Any = None) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        attempt = retry.meta.get("retry_times", 1)
        wait = retry_wait_seconds(retry_after_seconds(response), attempt, self.backoff_seconds, self.max_wait_seconds)
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("broadsheet/retry_wait_seconds", wait)
        logger.info("retrying %s after %.1fs (status %d, attempt %d)", request.url, wait, response.status, attempt)
        await _sleep(wait)
        return retry


class SkipPatternMiddleware:
    """Article requests (redirect targets included) whose URL the site skips are dropped before download."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        site = getattr(self.crawler.spider, "site", None)
        if site is not None and request.meta.get("is_article") and site.is_skipped(request.url):
            raise IgnoreRequest(f"{request.url} matches a skip pattern of site {site.key}")


class RedirectLoopMiddleware:
    """Sees each redirect before Scrapy's RedirectMiddleware (placed after it, nearer the downloader): one that
    leads back into its own chain fails the request with "redirect loop", which the spider records as a reject
    with that reason."""

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get(b"Location")
        if not (300 <= response.status < 400 and location):
            return response
        chain = [*request.meta.get("redirect_urls", []), request.url]
        target = absolute_url(request.url, location.decode("latin-1"))
        if target is not None and url_identity(target) in {url_identity(url) for url in chain}:
            raise IgnoreRequest(f"redirect loop: {' -> '.join([*chain, target])}")
        return response


class ConditionalRequestMiddleware:
    """Adds If-None-Match / If-Modified-Since from the seen-URL store to article requests; counts 304s."""

    def __init__(self, crawler: Crawler, validators: dict[str, dict[str, str]]) -> None:
        self.crawler = crawler
        self.validators = validators

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        path = crawler.settings.get("BROADSHEET_VALIDATORS_PATH")
        if not path:
            raise NotConfigured
        validators = {}
        with Path(path).open(encoding="utf-8") as stream:
            for line in stream:
                row = json.loads(line)
                validators[row["url"]] = row
        return cls(crawler, validators)

    def process_request(self, request: Request) -> None:
        if not request.meta.get("is_article"):
            return
        known = self.validators.get(request.meta.get("requested_url", request.url))
        if not known:
            return
        if known.get("etag"):
            request.headers.setdefault(b"If-None-Match", known["etag"].encode("latin-1"))
        if known.get("last_modified"):
            request.headers.setdefault(b"If-Modified-Since", known["last_modified"].encode("latin-1"))

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status == 304:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("broadsheet/pages_not_modified")
        return response
