"""Item pipelines: every exchange the spider yields is written to the run's WARC file."""

from __future__ import annotations

import scrapy

from broadsheet.archive import ArchiveWriter
from crawlers.items import CrawledExchange


class ArchivePipeline:
    """Writes each CrawledExchange to the WARC file named by the BROADSHEET_ARCHIVE_PATH Scrapy setting."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.writer: ArchiveWriter | None = None
        self.pages_archived = 0

    @classmethod
    def from_crawler(cls, crawler: scrapy.crawler.Crawler) -> ArchivePipeline:
        return cls(crawler.settings["BROADSHEET_ARCHIVE_PATH"])

    def open_spider(self, spider: scrapy.Spider | None = None) -> None:
        self.writer = ArchiveWriter(self.path)

    def close_spider(self, spider: scrapy.Spider | None = None) -> None:
        if self.writer is not None:
            self.writer.close()

    def process_item(self, item: CrawledExchange, spider: scrapy.Spider | None = None) -> CrawledExchange:
        assert self.writer is not None
        self.writer.write(item.page, item.request_headers)
        self.pages_archived += 1
        return item
