"""What the spider yields: one HTTP exchange, on its way to the archive."""

from __future__ import annotations

from dataclasses import dataclass

from broadsheet.records import FetchedPage


@dataclass(frozen=True)
class CrawledExchange:
    page: FetchedPage
    request_headers: dict[str, str]
