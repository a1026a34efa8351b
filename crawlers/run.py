"""Run one site's crawl in its own process and return what it did.

Scrapy runs on Twisted's reactor, which cannot be restarted inside a process; an Airflow worker runs many
tasks, so each crawl gets a fresh interpreter (`python -m crawlers.run`), fed its job on stdin.
With a job folder (Scrapy's JOBDIR) a crawl stopped half way resumes where it stopped: what it already
fetched is not fetched again, and its WARC file is appended to.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from broadsheet.secret_masking import mask_secrets
from broadsheet.settings import Settings
from broadsheet.sites import SiteConfig
from crawlers.resume import prepare_resume, stop_with_parent

logger = logging.getLogger(__name__)


class CrawlFailed(RuntimeError):
    """The crawl process itself failed (not a page: pages that fail become rejects)."""


@dataclass(frozen=True)
class CrawlResult:
    site_key: str
    archive_path: str
    pages_archived: int
    pages_not_modified: int = 0
    # (url, reason, detail): reason is a RejectReason value ("http_error", "too_large")
    download_errors: list[tuple[str, str, str]] = field(default_factory=list)
    finish_reason: str = ""
    # figures from Scrapy's stats: responses, elapsed_seconds, retries, retry_wait_seconds,
    # robots_crawl_delay_seconds, forbidden_by_robots, articles_over_page_cap
    stats: dict[str, float] = field(default_factory=dict)
    # (url, crawl outcome) of every article URL discovered: the crawl's books (broadsheet/accounting.py)
    discovered: list[tuple[str, str]] = field(default_factory=list)

    @property
    def answered_nothing(self) -> bool:
        """Not one request succeeded: the site is down or unreachable, which is not an empty night."""
        return self.pages_archived == 0 and bool(self.download_errors)


@dataclass(frozen=True)
class CrawlJob:
    """Everything the crawl process needs, as JSON on its stdin."""

    site: SiteConfig
    archive_path: str | Path  # a local path or an object store URL
    window_start: datetime | None = None
    window_end: datetime | None = None
    job_dir: Path | None = None  # Scrapy JOBDIR: keep it to resume a stopped crawl
    validators_path: Path | None = None  # JSONL of {url, etag, last_modified} for conditional requests
    progress_path: Path | None = None  # the crawl rewrites "<pages archived>" here as it goes (CLI progress)

    def to_json(self, settings: Settings) -> str:
        return json.dumps(
            {
                "settings": {**settings.model_dump(mode="json"), "database_url": None},
                "site": self.site.model_dump(mode="json"),
                "archive_path": str(self.archive_path),
                "window_start": self.window_start.isoformat() if self.window_start else None,
                "window_end": self.window_end.isoformat() if self.window_end else None,
                "job_dir": str(self.job_dir) if self.job_dir else None,
                "validators_path": str(self.validators_path) if self.validators_path else None,
                "progress_path": str(self.progress_path) if self.progress_path else None,
            }
        )


def start_crawl(settings: Settings, job: CrawlJob) -> subprocess.Popen[str]:
    """Start the crawl process; `finish_crawl` waits for it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "crawlers.run"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=stop_with_parent,  # a killed task must not leave its crawl running beside the retry's
    )
    assert process.stdin is not None
    process.stdin.write(job.to_json(settings))
    process.stdin.close()
    process.stdin = None  # written and closed: communicate() must not flush it again
    return process


def finish_crawl(settings: Settings, job: CrawlJob, process: subprocess.Popen[str]) -> CrawlResult:
    timeout = settings.crawl_timeout_seconds + 120
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as error:
        process.kill()
        process.communicate()
        raise CrawlFailed(f"crawl of {job.site.key} did not finish within {timeout:.0f}s") from error
    for line in (stderr or "").splitlines()[-200:]:
        logger.info("site=%s scrapy: %s", job.site.key, line)
    if process.returncode != 0 or not stdout.strip():
        raise CrawlFailed(
            mask_secrets(f"crawl of {job.site.key} exited with {process.returncode}: {(stderr or '').strip()[-2000:]}")
        )
    result = json.loads(stdout.strip().splitlines()[-1])
    crawled = CrawlResult(
        **{
            **result,
            "download_errors": [tuple(e) for e in result["download_errors"]],
            "discovered": [tuple(e) for e in result.get("discovered", [])],
        }
    )
    if crawled.finish_reason != "finished":  # a timeout, a failed archive write, a full disk: pages are missing
        raise CrawlFailed(
            mask_secrets(
                f"crawl of {job.site.key} did not finish normally ({crawled.finish_reason}); "
                f"{crawled.pages_archived} pages archived. Its job folder is kept: a retry resumes it."
            )
        )
    return crawled


def crawl_site(
    settings: Settings,
    site: SiteConfig,
    archive_path: str | Path,
    window_end: datetime | None,
    window_start: datetime | None = None,
    job_dir: Path | None = None,
    validators_path: Path | None = None,
    progress_path: Path | None = None,
) -> CrawlResult:
    """Crawl one site into `archive_path` (a WARC file), in a child process."""
    job = CrawlJob(site, archive_path, window_start, window_end, job_dir, validators_path, progress_path)
    return finish_crawl(settings, job, start_crawl(settings, job))


def _optional_path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _optional_datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _run_in_this_process(job: dict) -> CrawlResult:
    from scrapy.crawler import CrawlerProcess

    from crawlers.scrapy_settings import scrapy_settings
    from crawlers.spider import NewsSpider

    settings = Settings.model_validate(job["settings"])
    site = SiteConfig.model_validate(job["site"])
    archive_path = job["archive_path"]
    job_dir = _optional_path(job.get("job_dir"))
    archived = prepare_resume(archive_path, job_dir)
    values = scrapy_settings(settings, archive_path, site, job_dir, _optional_path(job.get("validators_path")))
    if job.get("progress_path"):
        values["BROADSHEET_PROGRESS_PATH"] = job["progress_path"]
    max_pages = site.limits.max_pages or settings.max_pages_per_site  # the site's own cap wins, either way

    process = CrawlerProcess(values, install_root_handler=True)
    crawler = process.create_crawler(NewsSpider)
    process.crawl(
        crawler,
        site=site,
        window_start=_optional_datetime(job.get("window_start")),
        window_end=_optional_datetime(job.get("window_end")),
        max_pages=max_pages,
        archived_urls=archived,
    )
    process.start()
    spider: NewsSpider = crawler.spider  # type: ignore[assignment]
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return CrawlResult(
        site_key=site.key,
        archive_path=str(archive_path),
        pages_archived=int(stats.get("item_scraped_count", 0)),
        pages_not_modified=int(stats.get("broadsheet/pages_not_modified", 0)),
        download_errors=spider.download_errors,
        finish_reason=str(stats.get("finish_reason", "")),
        discovered=[(url, outcome) for url, outcome in spider.discovered.values()],
        stats={
            "retries": float(stats.get("retry/count", 0)),
            "responses": float(stats.get("response_received_count", 0)),
            "elapsed_seconds": float(stats.get("elapsed_time_seconds", 0)),
            **{
                key.removeprefix("broadsheet/"): float(value)
                for key, value in stats.items()
                if key.startswith("broadsheet/") and isinstance(value, int | float)
            },
        },
    )


if __name__ == "__main__":
    result = _run_in_this_process(json.loads(sys.stdin.read()))
    print(json.dumps(asdict(result)))
