"""Item pipelines: every exchange the spider yields is written to the run's WARC file."""

from __future__ import annotations

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

    def __init__(self, path: str, gzip_level: int = DEFAULT_GZIP_LEVEL) -> None:
        self.path = path
        self.gzip_level = gzip_level
        self.writer: ArchiveWriter | None = None
        self.pages_archived = 0
        self._thread = ThreadPool(minthreads=1, maxthreads=1, name="warc-writer")

    @classmethod
    def from_crawler(cls, crawler: scrapy.crawler.Crawler) -> ArchivePipeline:
        settings = crawler.settings
        return cls(
            settings["BROADSHEET_ARCHIVE_PATH"], settings.getint("BROADSHEET_ARCHIVE_GZIP_LEVEL", DEFAULT_GZIP_LEVEL)
        )

    def open_spider(self, spider: scrapy.Spider | None = None) -> None:
        self.writer = ArchiveWriter(self.path, self.gzip_level)
        self._thread.start()

    @defer.inlineCallbacks
    def close_spider(self, spider: scrapy.Spider | None = None):
        if self.writer is not None:  # queued behind every pending write: the file is complete when it returns
            yield threads.deferToThreadPool(reactor, self._thread, self.writer.close)
        self._thread.stop()

    def process_item(self, item: CrawledExchange, spider: scrapy.Spider | None = None) -> defer.Deferred:
        assert self.writer is not None
        self.pages_archived += 1
        written = threads.deferToThreadPool(reactor, self._thread, self.writer.write, item.page, item.request_headers)
        return written.addCallback(lambda _location: item)
