"""Item pipelines: every exchange the spider yields is written to the run's WARC file."""

from __future__ import annotations

import contextlib
from pathlib import Path

import scrapy
from twisted.internet import defer, reactor, threads
from twisted.python.threadpool import ThreadPool

from broadsheet.archive import DEFAULT_GZIP_LEVEL, ArchiveWriter
from crawlers.items import CrawledExchange


class ArchivePipeline:
    """Writes each CrawledExchange to the WARC file named by the BROADSHEET_ARCHIVE_PATH Scrapy setting.

    Gzipping a 100-200 KB page costs milliseconds; on the reactor thread that time is taken from every
    download. The writes run on one thread of their own instead (zlib releases the GIL, so on two cores they
    overlap the crawl), one at a time and in the order the items came, so the file is the same.
    """

    def __init__(self, path: str, gzip_level: int = DEFAULT_GZIP_LEVEL, progress_path: str | None = None) -> None:
        self.path = path
        self.progress_path = Path(progress_path) if progress_path else None
        self.gzip_level = gzip_level
        self.writer: ArchiveWriter | None = None
        self.pages_archived = 0
        self._thread = ThreadPool(minthreads=1, maxthreads=1, name="warc-writer")

    @classmethod
    def from_crawler(cls, crawler: scrapy.crawler.Crawler) -> ArchivePipeline:
        settings = crawler.settings
        return cls(
            settings["BROADSHEET_ARCHIVE_PATH"],
            settings.getint("BROADSHEET_ARCHIVE_GZIP_LEVEL", DEFAULT_GZIP_LEVEL),
            settings.get("BROADSHEET_PROGRESS_PATH"),
        )

    def open_spider(self, spider: scrapy.Spider | None = None) -> None:
        self.writer = ArchiveWriter(self.path, self.gzip_level)
        self._thread.start()

    @defer.inlineCallbacks
    def close_spider(self, spider: scrapy.Spider | None = None):
        """Close the WARC file after every pending write. The writer thread is stopped even when closing fails
        (a full disk fails the final flush again): a thread left running keeps the crawl process alive until
        its timeout, and the failure, which Scrapy logs and CrawlHealth turns into the finish reason, is lost."""
        try:
            if self.writer is not None:  # queued behind every pending write: the file is complete when it returns
                yield threads.deferToThreadPool(reactor, self._thread, self.writer.close)
        finally:
            self._thread.stop()
            if self.progress_path is not None:
                with contextlib.suppress(OSError):  # progress is for display; a full disk must not hide the failure
                    self.progress_path.write_text(str(self.pages_archived), encoding="ascii")

    def process_item(self, item: CrawledExchange, spider: scrapy.Spider | None = None) -> defer.Deferred:
        assert self.writer is not None
        self.pages_archived += 1
        written = threads.deferToThreadPool(reactor, self._thread, self._write, item, self.pages_archived)
        return written.addCallback(lambda _location: item)

    def _write(self, item: CrawledExchange, count: int) -> str:
        assert self.writer is not None
        location = self.writer.write(item.page, item.request_headers)
        if self.progress_path is not None and count % 10 == 1:  # whoever shows progress polls this small file
            self.progress_path.write_text(str(count), encoding="ascii")
        return location
