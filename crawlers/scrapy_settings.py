"""Scrapy settings for one site's crawl, derived from Broadsheet's settings (not configured twice)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from broadsheet.settings import Settings


def scrapy_settings(settings: Settings, archive_path: Path) -> dict[str, Any]:
    return {
        "USER_AGENT": settings.user_agent,
        "ROBOTSTXT_OBEY": True,
        "DOWNLOAD_DELAY": settings.download_delay_seconds,
        "CONCURRENT_REQUESTS_PER_DOMAIN": settings.concurrent_requests_per_domain,
        "DOWNLOAD_TIMEOUT": settings.download_timeout_seconds,
        "DOWNLOAD_MAXSIZE": settings.max_response_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "CLOSESPIDER_PAGECOUNT": settings.max_pages_per_site,
        "CLOSESPIDER_TIMEOUT": settings.crawl_timeout_seconds,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": max(settings.download_delay_seconds, 0.1),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(settings.concurrent_requests_per_domain),
        "RETRY_ENABLED": True,
        "RETRY_TIMES": 2,
        "REDIRECT_MAX_TIMES": 10,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "ITEM_PIPELINES": {"broadsheet.crawlers.pipelines.ArchivePipeline": 100},
        "BROADSHEET_ARCHIVE_PATH": str(archive_path),
    }
