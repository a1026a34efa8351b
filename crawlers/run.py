"""Run one site's crawl in its own process and return what it did.

Scrapy runs on Twisted's reactor, which cannot be restarted inside a process; an Airflow worker runs many
tasks, so each crawl gets a fresh interpreter (`python -m broadsheet.crawlers.run`), fed its job on stdin.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from broadsheet.crawlers.registry import SiteConfig

from broadsheet.settings import Settings

logger = logging.getLogger(__name__)


class CrawlFailed(RuntimeError):
    """The crawl process itself failed (not a page: pages that fail become rejects)."""


@dataclass(frozen=True)
class CrawlResult:
    site_key: str
    archive_path: str
    pages_archived: int
    download_errors: list[tuple[str, str]] = field(default_factory=list)


def crawl_site(settings: Settings, site: SiteConfig, archive_path: Path, window_end: datetime | None) -> CrawlResult:
    """Crawl one site into `archive_path` (a WARC file), in a child process."""
    job = {
        "settings": {**settings.model_dump(mode="json"), "database_url": None},
        "site": site.model_dump(mode="json"),
        "archive_path": str(archive_path),
        "window_end": window_end.isoformat() if window_end else None,
    }
    timeout = settings.crawl_timeout_seconds + 120
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "broadsheet.crawlers.run"],
            input=json.dumps(job),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise CrawlFailed(f"crawl of {site.key} did not finish within {timeout:.0f}s") from error
    if completed.stderr:
        for line in completed.stderr.splitlines()[-200:]:
            logger.info("site=%s scrapy: %s", site.key, line)
    if completed.returncode != 0:
        raise CrawlFailed(f"crawl of {site.key} exited with {completed.returncode}: {completed.stderr.strip()[-2000:]}")
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    return CrawlResult(**{**result, "download_errors": [tuple(e) for e in result["download_errors"]]})


def _run_in_this_process(job: dict) -> CrawlResult:
    from broadsheet.crawlers.scrapy_settings import scrapy_settings
    from broadsheet.crawlers.spider import NewsSpider
    from scrapy.crawler import CrawlerProcess

    settings = Settings.model_validate(job["settings"])
    site = SiteConfig.model_validate(job["site"])
    archive_path = Path(job["archive_path"])
    window_end = datetime.fromisoformat(job["window_end"]) if job["window_end"] else None

    process = CrawlerProcess(scrapy_settings(settings, archive_path), install_root_handler=True)
    crawler = process.create_crawler(NewsSpider)
    process.crawl(crawler, site=site, window_end=window_end)
    process.start()
    spider: NewsSpider = crawler.spider  # type: ignore[assignment]
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return CrawlResult(
        site_key=site.key,
        archive_path=str(archive_path),
        pages_archived=int(stats.get("item_scraped_count", 0)),
        download_errors=spider.download_errors,
    )


if __name__ == "__main__":
    result = _run_in_this_process(json.loads(sys.stdin.read()))
    print(json.dumps(asdict(result)))
