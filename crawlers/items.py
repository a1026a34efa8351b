"""What the spider yields: one HTTP exchange, on its way to the archive."""

from __future__ import annotations

from dataclasses import dataclass

from broadsheet.records import FetchedPage


@dataclass(frozen=True, repr=False)
class CrawledExchange:
    page: FetchedPage
    request_headers: dict[str, str]

    def __repr__(self) -> str:
        """Short: Scrapy logs an item that failed, and a page body has no place in a log line."""
        return f"CrawledExchange({self.page.status} {self.page.final_url}, {len(self.page.body)} bytes)"
