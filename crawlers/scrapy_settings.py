"""Scrapy settings for one site's crawl, derived from Broadsheet's settings and the site's registry limits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from broadsheet.settings import Settings
from broadsheet.sites import SiteConfig

MIDDLEWARES = "crawlers.middlewares"


def scrapy_settings(
    settings: Settings,
    archive_path: str | Path,
    site: SiteConfig | None = None,
    job_dir: Path | None = None,
    validators_path: Path | None = None,
) -> dict[str, Any]:
    limits = site.limits if site is not None else None
    delay = limits.delay_seconds if limits and limits.delay_seconds is not None else settings.download_delay_seconds
    concurrency = limits.concurrency if limits and limits.concurrency else settings.concurrent_requests_per_domain
    max_pages = (limits.max_pages if limits else None) or settings.max_pages_per_site  # the site's cap wins, either way
    values: dict[str, Any] = {
        "USER_AGENT": settings.user_agent,
        "ROBOTSTXT_OBEY": True,
        "DOWNLOAD_DELAY": delay,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "CONCURRENT_REQUESTS": concurrency,  # one site per crawl process
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "DOWNLOAD_TIMEOUT": settings.download_timeout_seconds,
        "DOWNLOAD_MAXSIZE": settings.max_response_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        # Pages per run are capped exactly by the spider (max_pages); these are backstops.
        "CLOSESPIDER_ITEMCOUNT": max_pages + 1,
        "CLOSESPIDER_TIMEOUT": settings.crawl_timeout_seconds,
        "AUTOTHROTTLE_ENABLED": settings.autothrottle_enabled,
        "AUTOTHROTTLE_START_DELAY": max(delay, 0.1),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(concurrency),
        "RETRY_ENABLED": True,
        "RETRY_TIMES": settings.retry_times,
        "RETRY_HTTP_CODES": [429, 500, 502, 503, 504, 522, 524, 408],
        "BROADSHEET_RETRY_AFTER_MAX_SECONDS": settings.retry_after_max_seconds,
        "REDIRECT_MAX_TIMES": 10,
        "DEPTH_LIMIT": 0,  # section depth is the spider's (registry max_depth), not counted through sitemaps
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "BROADSHEET_MAX_SITEMAP_BYTES": settings.max_sitemap_bytes,
        "BROADSHEET_MAX_SITEMAP_DEPTH": settings.max_sitemap_depth,
        "BROADSHEET_MAX_SITEMAPS": settings.max_sitemaps_per_site,
        "DOWNLOADER_MIDDLEWARES": {
            # First of all: nothing is sent to another host or port, or a non-public address (not even robots.txt)
            "crawlers.address_guard.AddressGuardMiddleware": 40,
            # Scrapy's own filter drops off-site requests when scheduled, silently and by host name only;
            # the guard refuses them with a reject and compares ports too.
            "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            f"{MIDDLEWARES}.RetryAfterMiddleware": 550,
            f"{MIDDLEWARES}.CrawlDelayMiddleware": 110,
            f"{MIDDLEWARES}.SkipPatternMiddleware": 120,
            f"{MIDDLEWARES}.RedirectLoopMiddleware": 610,  # after Scrapy's RedirectMiddleware (600)
            f"{MIDDLEWARES}.ConditionalRequestMiddleware": 560,
        },
        "ITEM_PIPELINES": {"crawlers.pipelines.ArchivePipeline": 100},
        "EXTENSIONS": {"crawlers.crawl_health.CrawlHealth": 0},
        "BROADSHEET_ARCHIVE_PATH": str(archive_path),
        "BROADSHEET_ARCHIVE_GZIP_LEVEL": settings.archive_gzip_level,
    }
    if job_dir is not None:
        values["JOBDIR"] = str(job_dir)
    if validators_path is not None:
        values["BROADSHEET_VALIDATORS_PATH"] = str(validators_path)
    return values
