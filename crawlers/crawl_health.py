"""A crawl that went wrong says so: the CrawlHealth extension stops the crawl at the first error that loses
pages (an archive write that failed, a disk full under Scrapy's job folder, an exception in the spider) with
finish reason `failed: ...`, instead of carrying on and reporting `finished` with pages missing or hanging
until the crawl timeout; and it marks a job folder that was closed cleanly, so that a crawl killed outright
(SIGKILL, a lost machine) is known by the missing mark and restarted from the archive instead of from a
queue it may have left half written (crawlers/resume.py).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
CLEAN_STOP_MARK = "broadsheet-closed-cleanly"


class _ErrorWatch(logging.Handler):
    """Sees every ERROR record of Scrapy's engine, scheduler and item pipelines, and of the asyncio reactor,
    which logs an exception escaping a scheduled call ("Exception in callback"): a disk queue that cannot be
    read on a full disk fails there, and the engine would otherwise retry it until the crawl timeout."""

    def __init__(self, health: CrawlHealth) -> None:
        super().__init__(level=logging.ERROR)
        self.health = health

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(("scrapy.core", "scrapy.utils.signal", "crawlers", "twisted", "asyncio")):
            error = record.exc_info[1] if record.exc_info else None
            what = f"{type(error).__name__}: {error}" if error is not None else record.getMessage()
            self.health.fail(f"{record.name}: {what[:300]}")


class CrawlHealth:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.job_dir = Path(crawler.settings["JOBDIR"]) if crawler.settings.get("JOBDIR") else None
        self.failure: str | None = None
        self._watch = _ErrorWatch(self)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        health = cls(crawler)
        crawler.signals.connect(health.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(health.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(health.item_error, signal=signals.item_error)
        crawler.signals.connect(health.spider_error, signal=signals.spider_error)
        return health

    def spider_opened(self, spider: Any) -> None:
        logging.getLogger().addHandler(self._watch)
        if self.job_dir is not None:
            (self.job_dir / CLEAN_STOP_MARK).unlink(missing_ok=True)

    def spider_closed(self, spider: Any, reason: str) -> None:
        logging.getLogger().removeHandler(self._watch)
        if self.job_dir is not None and self.job_dir.is_dir():
            (self.job_dir / CLEAN_STOP_MARK).write_text(reason, encoding="utf-8")

    def item_error(self, item: Any, response: Any, spider: Any, failure: Any) -> None:
        self.fail(f"archiving {getattr(response, 'url', '?')} failed: {failure.getErrorMessage()}")

    def spider_error(self, failure: Any, response: Any, spider: Any) -> None:
        self.fail(f"the spider failed on {getattr(response, 'url', '?')}: {failure.getErrorMessage()}")

    def fail(self, why: str) -> None:
        """Stop the crawl (once) with finish reason `failed: <why>`."""
        if self.failure is not None:
            return
        self.failure = why
        assert self.crawler.stats is not None
        self.crawler.stats.set_value("failure", why)
        logger.error("crawl stopped: %s", why)
        from twisted.internet import reactor  # here: importing it at module level would install the wrong reactor

        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            reactor.callFromThread(engine.close_spider, engine.spider, f"failed: {why}"[:200])
