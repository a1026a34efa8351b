"""The pipeline's stages for one site and one data interval, as the DAG's tasks call them.

Each stage reads the previous stage's output from files, writes its own, and returns a small reference
(paths and counts) for Airflow's XCom: page bodies never travel through the scheduler. Every stage can be
re-run: it rewrites its own output whole.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, TypeVar

from pydantic import TypeAdapter

from broadsheet.archive import archive_path, latest_pages, read_archive
from broadsheet.database import connect, site_crawl_lock, warehouse_url
from broadsheet.loader import LoadSummary, RunContext, index_for_search, load_site_run, record_failed_run
from broadsheet.migrations import apply_migrations
from broadsheet.page_guard import guarded_extract
from broadsheet.records import ArchivedPage, Article, ExtractedArticle, FetchedPage, Reject, RejectReason
from broadsheet.seen_urls import record_fetches, record_load, write_validators
from broadsheet.settings import Settings
from broadsheet.sites import SiteConfig, load_registry, scan_registry
from crawlers.run import crawl_site
from transforms.date_candidates import with_page_date_candidates
from transforms.dates import DateContext, NormalisedDate, normalise_article_dates
from transforms.extract import extract_article

logger = logging.getLogger(__name__)
Record = TypeVar("Record")


@dataclass(frozen=True)
class SiteRun:
    """Which site, which run, which interval: what every stage of one mapped task group shares."""

    site_key: str
    run_id: str
    interval_start: datetime
    interval_end: datetime

    @property
    def slug(self) -> str:
        return re.sub(r"[^A-Za-z0-9_.-]+", "_", self.run_id)

    def work_dir(self, settings: Settings) -> Path:
        path = settings.work_dir / self.slug / self.site_key
        path.mkdir(parents=True, exist_ok=True)
        return path


class JsonlOutput:
    """A stage's output file, written record by record so a site's run is never held in memory.

    The records go to a temporary file that replaces the output only when the stage completes: a stage that
    fails or is killed leaves the previous output (or none), never half a file.
    """

    def __init__(self, path: Path, record_type: type[Record]) -> None:
        self.path = path
        self.count = 0
        self._adapter = TypeAdapter(record_type)
        self._temporary = path.with_suffix(".tmp")
        self._stream: BinaryIO | None = None

    def __enter__(self) -> JsonlOutput:
        self._stream = self._temporary.open("wb")
        return self

    def write(self, record: Record) -> None:
        assert self._stream is not None, "write inside `with JsonlOutput(...)`"
        self._stream.write(self._adapter.dump_json(record) + b"\n")
        self.count += 1

    def __exit__(self, error_type: type[BaseException] | None, *_: object) -> None:
        assert self._stream is not None
        self._stream.close()
        if error_type is None:
            self._temporary.replace(self.path)
        else:
            self._temporary.unlink(missing_ok=True)


def _write_jsonl(path: Path, records: Iterable[Record], record_type: type[Record]) -> int:
    with JsonlOutput(path, record_type) as output:
        for record in records:
            output.write(record)
    return output.count


def _read_jsonl(path: Path, record_type: type[Record]) -> Iterator[Record]:
    adapter = TypeAdapter(record_type)
    if not path.exists():
        return
    with path.open("rb") as stream:
        for line in stream:
            yield adapter.validate_json(line)


def _site(settings: Settings, site_key: str) -> SiteConfig:
    scan = scan_registry(settings.sites_dir, settings.site_origins)
    if site_key in scan.errors:
        raise scan.errors[site_key]
    if site_key not in scan.sites:
        raise KeyError(f"site '{site_key}' is not in the registry at {settings.sites_dir}")
    return scan.sites[site_key]


def enabled_site_keys(settings: Settings) -> list[str]:
    return [key for key, site in load_registry(settings.sites_dir, settings.site_origins).items() if site.enabled]


def prepare_warehouse(settings: Settings) -> list[str]:
    """Apply pending SQL migrations; returns the ones applied now."""
    with warehouse_url(settings) as url, connect(url) as conn:
        return apply_migrations(conn, settings.sql_dir)


def crawl(settings: Settings, run: SiteRun, *, window_start: datetime | None = None, conditional: bool = True) -> dict:
    """Crawl the site into this run's WARC file; download failures become crawl-stage rejects.

    URLs whose sitemap or feed date falls after the interval's end are left for a later run; with
    `window_start` (a backfill), so are those dated before it. `conditional` sends the validators of earlier
    fetches (If-None-Match / If-Modified-Since); a backfill does not, because a 304 is only useful where the
    earlier body is archived in the same interval's folder.
    """
    site = _site(settings, run.site_key)
    work = run.work_dir(settings)
    path = archive_path(settings.archive_dir, site.key, run.interval_start, run.slug)
    job_dir = work / "crawl-job"  # Scrapy JOBDIR: left behind by a crawl that was stopped, which then resumes
    if not job_dir.exists():
        path.unlink(missing_ok=True)  # a retried crawl that had finished starts its archive file again
    # One crawl of a site at a time: a run that waited sends the validators the other run just recorded.
    with warehouse_url(settings) as url, site_crawl_lock(url, site.key):
        validators = work / "validators.jsonl" if conditional else None
        if validators is not None:
            with connect(url) as conn:
                write_validators(conn, site.key, run.run_id, validators)
        result = crawl_site(
            settings,
            site,
            path,
            run.interval_end,
            window_start=window_start,
            job_dir=job_dir,
            validators_path=validators,
        )
        shutil.rmtree(job_dir, ignore_errors=True)
        with connect(url) as conn:
            fetched = (ArchivedPage.of(page) for page in (read_archive(path) if path.exists() else ()))
            outcome = record_fetches(conn, site.key, run.run_id, fetched)
    summary = {"pages_not_modified": outcome.pages_not_modified, "unchanged": sorted(outcome.unchanged_locations)}
    (work / "crawl_summary.json").write_text(json.dumps(summary), encoding="utf-8")
    rejects = [
        Reject(site.key, url, "crawl", RejectReason(reason), detail, "")
        for url, reason, detail in result.download_errors
    ]
    _write_jsonl(run.work_dir(settings) / "crawl_rejects.jsonl", rejects, Reject)
    logger.info(
        "site=%s run=%s stage=crawl archived=%d not_modified=%d unchanged=%d errors=%d",
        site.key,
        run.run_id,
        result.pages_archived,
        outcome.pages_not_modified,
        len(outcome.unchanged_locations),
        len(rejects),
    )
    return {
        "archive_path": str(path),
        "pages_archived": result.pages_archived,
        "pages_not_modified": outcome.pages_not_modified,
        "answered_nothing": result.answered_nothing,
    }


def _crawl_summary(work: Path) -> dict:
    path = work / "crawl_summary.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"pages_not_modified": 0, "unchanged": []}


def _extract_with_dates(page: FetchedPage) -> ExtractedArticle | Reject:
    result = extract_article(page)
    if isinstance(result, Reject):
        return result
    return with_page_date_candidates(result, page)  # news sitemap, feed, URL, HTTP header


def extract(settings: Settings, run: SiteRun, archive_file: str | list[str], *, force: bool = False) -> dict:
    """Extract every archived page of the run (one WARC file, or several: the latest fetch of a URL wins):
    articles to one file, rejects to another. Pages whose body is the one last loaded are skipped unless
    `force` (after a rule improved, say)."""
    work = run.work_dir(settings)
    site = _site(settings, run.site_key)
    limits = {"max_title_chars": settings.max_title_chars, "max_body_chars": settings.max_body_chars}
    paths = [Path(archive_file)] if isinstance(archive_file, str) else [Path(name) for name in archive_file]
    # same body as last loaded: nothing new to extract, unless forced
    unchanged = set() if force else set(_crawl_summary(work)["unchanged"])
    with (
        JsonlOutput(work / "pages.jsonl", ArchivedPage) as pages,
        JsonlOutput(work / "extracted.jsonl", ExtractedArticle) as extracted,
        JsonlOutput(work / "extract_rejects.jsonl", Reject) as rejects,
    ):
        for reject in _read_jsonl(work / "crawl_rejects.jsonl", Reject):
            rejects.write(reject)
        for page in latest_pages([path for path in paths if path.exists()]):
            pages.write(ArchivedPage.of(page))
            if page.status == 304 or page.archive_location in unchanged:
                continue
            # one page that cannot be extracted is a reject, never a failed stage (broadsheet/page_guard.py)
            for record in guarded_extract(page, site, _extract_with_dates, **limits):
                (rejects if isinstance(record, Reject) else extracted).write(record)
    logger.info(
        "site=%s run=%s stage=extract pages=%d articles=%d rejects=%d",
        run.site_key,
        run.run_id,
        pages.count,
        extracted.count,
        rejects.count,
    )
    return {"pages_fetched": pages.count, "articles": extracted.count, "rejects": rejects.count}


def _date_columns(kind: str, chosen: NormalisedDate | None) -> dict[str, object]:
    """An article's columns for its published or modified date: all None when no date was chosen."""
    return {
        f"{kind}_at": chosen.at if chosen else None,
        f"{kind}_raw": chosen.raw if chosen else None,
        f"{kind}_source": chosen.source if chosen else None,
        f"{kind}_precision": chosen.precision if chosen else None,
        f"is_{kind}_timezone_assumed": chosen.is_timezone_assumed if chosen else None,
    }


def dated_article(item: ExtractedArticle, site: SiteConfig) -> tuple[Article, Reject | None]:
    """The extracted article with its UTC dates chosen, and a reject row when no plausible publication date
    is left (the article is still loaded, with a null published_at, so nothing valid is lost)."""
    context = DateContext.for_site(site.timezone, site.languages, item.fetched_at, item.language)
    dates = normalise_article_dates(item.published_candidates, item.modified_candidates, context)
    published, modified = dates.published, dates.modified
    reject = None
    if published is None:
        tried = "; ".join(dates.skipped) or "the page offers no date"
        reject = Reject(
            site.key,
            item.url,
            "normalise",
            RejectReason.NO_DATE,
            f"no plausible publication date ({tried}); loaded with a null published_at",
            item.archive_location,
        )
    article = Article(
        site_key=item.site_key,
        url=item.url,
        canonical_url=item.canonical_url,
        title=item.title,
        authors=item.authors,
        body_text=item.body_text,
        language=item.language,
        fetched_at=item.fetched_at,
        archive_location=item.archive_location,
        **_date_columns("published", published),
        **_date_columns("modified", modified),
        date_flags=dates.flags,
        section=item.section,
        tags=item.tags,
        body_markup=item.body_markup,
        description=item.description,
        image_url=item.image_url,
        publisher_name=item.site_name,
        metadata_sources=item.metadata_sources,
    )
    return article, reject


def normalise(settings: Settings, run: SiteRun) -> dict:
    """Give every extracted article its UTC dates, with where each came from (one article at a time)."""
    site = _site(settings, run.site_key)
    work = run.work_dir(settings)
    undated = flagged = 0
    with (
        JsonlOutput(work / "articles.jsonl", Article) as articles,
        JsonlOutput(work / "rejects.jsonl", Reject) as rejects,
    ):
        for reject in _read_jsonl(work / "extract_rejects.jsonl", Reject):
            rejects.write(reject)
        for item in _read_jsonl(work / "extracted.jsonl", ExtractedArticle):
            article, reject = dated_article(item, site)
            articles.write(article)
            if reject is not None:
                rejects.write(reject)
            undated += article.published_at is None
            flagged += bool(article.date_flags)
    logger.info(
        "site=%s run=%s stage=normalise articles=%d undated=%d with_date_flags=%d",
        site.key,
        run.run_id,
        articles.count,
        undated,
        flagged,
    )
    return {"articles": articles.count, "rejects": rejects.count}


def load(settings: Settings, run: SiteRun, pages_not_modified: int = 0) -> LoadSummary:
    """Load the run's articles and rejects into the warehouse in one transaction."""
    site = _site(settings, run.site_key)
    work = run.work_dir(settings)
    context = RunContext(run.run_id, site, run.interval_start, run.interval_end)
    with warehouse_url(settings) as url, connect(url) as conn:
        try:
            summary = load_site_run(
                conn,
                context,
                _read_jsonl(work / "articles.jsonl", Article),
                _read_jsonl(work / "rejects.jsonl", Reject),
                pages=_read_jsonl(work / "pages.jsonl", ArchivedPage),
                pages_not_modified=pages_not_modified or _crawl_summary(work)["pages_not_modified"],
            )
            pages = _read_jsonl(work / "pages.jsonl", ArchivedPage)
            seen_again = record_load(conn, site.key, run.run_id, pages, set(_crawl_summary(work)["unchanged"]))
            summary = replace(summary, articles_unchanged=summary.articles_unchanged + seen_again)
        except Exception as error:
            record_failed_run(conn, context, f"{type(error).__name__}: {error}")
            raise
        index_for_search(conn, site.key)
        return summary
