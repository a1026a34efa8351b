"""The pipeline's stage contract: what each stage of one site's run takes, what it gives back, which files it owns.

    crawl(settings, run)                                  -> Crawled     the interval's archive, crawl rejects
    extract(settings, run, archive)                       -> Extracted   pages, extracted articles, rejects
    normalise(settings, run, extracted)                   -> Normalised  articles with UTC dates, rejects
    load(settings, run, pages, articles, rejects, ...)    -> Loaded      what changed in the warehouse

`load_run` (what the DAG's load task calls) then checks the run's books (broadsheet/accounting.py): every URL
the run discovered must end in exactly one recorded outcome, or the task fails naming the URLs lost.

A stage is a function from a `SiteRun` (which site, run, interval and choices) and typed references to its
input files (`Records[T]`, a path and a count) to a typed result: references to the files it wrote, and its
counts. Each stage writes only into its own folder of the run's work directory (`<work>/<run>/<site>/<stage>/`),
rewrites its outputs whole when re-run (a retried task is safe), and reads another stage's file only through
a reference it was handed. Results are frozen pydantic models that round-trip through XCom JSON
(`to_xcom` / `from_xcom`): dags/broadsheet_nightly.py passes them from task to task, never page bodies.

The stages' logic lives in their packages: crawling in `crawlers`, extraction and dates in `transforms`, the
warehouse in `broadsheet.loader`. Those are imported inside the stage functions, because the DAG file imports
this module (through broadsheet.orchestration) and must not load Scrapy, trafilatura or warcio to be parsed.

To add a stage: write `def <stage>(settings, run, <inputs as Records[...]>) -> <Result>` here, its result a
`StageResult` naming its files and counts; then a task in the DAG that reads its inputs with
`<Result>.from_xcom(...)`, calls it and returns `.to_xcom()`.
"""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from itertools import chain
from pathlib import Path
from typing import Any, Self

from pydantic import BaseModel, ConfigDict

from broadsheet.accounting import DiscoveredUrl, LoadedArticle, RunBooks
from broadsheet.loader import LoadOutcomes, LoadSummary
from broadsheet.record_files import Record, Records, RecordWriter
from broadsheet.records import ArchivedPage, Article, ExtractedArticle, Reject, RejectReason
from broadsheet.settings import Settings
from broadsheet.sites import SiteConfig, scan_registry

logger = logging.getLogger(__name__)

MODES = {
    "crawl": "Crawl the sites, then process what the archive holds for the interval",
    "reprocess": "Re-process the interval's archived pages only: no request is sent to any site",
}


class InvalidRunParams(ValueError):
    """A run's params name something that does not exist; the message says what is valid."""


class SiteUnreachable(RuntimeError):
    """Not one request to the site succeeded: the task fails, so Airflow retries it and names the site."""


@dataclass(frozen=True)
class RunOptions:
    """A run's choices: crawl or only re-process the archive, extract unchanged pages again, a backfill."""

    mode: str = "crawl"
    force_reextract: bool = False
    is_backfill: bool = False

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise InvalidRunParams(f"mode {self.mode!r} is not one of {sorted(MODES)}")

    @classmethod
    def of(cls, params: dict | None, run_type: str | None) -> RunOptions:
        """The choices of a DAG run, from its Params and its run type."""
        params = params or {}
        return cls(
            mode=params.get("mode") or "crawl",
            force_reextract=bool(params.get("force_reextract", False)),
            is_backfill=str(run_type or "").lower().endswith("backfill"),
        )


@dataclass(frozen=True)
class SiteRun:
    """Which site, which run, which interval, which choices: the first input of every stage."""

    site_key: str
    run_id: str
    interval_start: datetime
    interval_end: datetime
    options: RunOptions = field(default_factory=RunOptions)

    @property
    def slug(self) -> str:
        return re.sub(r"[^A-Za-z0-9_.-]+", "_", self.run_id)

    def work_dir(self, settings: Settings) -> Path:
        path = settings.work_dir / self.slug / self.site_key
        path.mkdir(parents=True, exist_ok=True)
        return path

    def stage_dir(self, settings: Settings, stage: str) -> Path:
        """The folder a stage owns for this site and run: only that stage writes into it."""
        path = self.work_dir(settings) / stage
        path.mkdir(parents=True, exist_ok=True)
        return path


class StageResult(BaseModel):
    """What a stage hands on: references to the files it wrote and its counts, as XCom JSON."""

    model_config = ConfigDict(frozen=True)

    run: SiteRun

    def to_xcom(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    @classmethod
    def from_xcom(cls, value: dict[str, Any]) -> Self:
        return cls.model_validate(value)


class Archive(BaseModel):
    """The WARC files a run extracts from, and the pages among them whose body is the one last loaded."""

    model_config = ConfigDict(frozen=True)

    files: list[str]  # local paths or object store URLs; oldest first, this run's own crawl last: latest wins
    unchanged: Records[str] | None = None  # archive locations not to extract again (None: extract all)


class Crawled(StageResult):
    archive: Archive
    rejects: Records[Reject]  # downloads that failed
    pages_archived: int
    pages_not_modified: int
    crawled: bool  # False when the run only re-processes the archive
    skipped: dict[str, int] = {}  # reason -> URLs deliberately not fetched (etl.run_skips): over_page_cap...
    discovered: Records[DiscoveredUrl] | None = None  # every article URL the crawl found, with what it did
    archived: Records[ArchivedPage] | None = None  # the pages of this run's own WARC file


class Extracted(StageResult):
    pages: Records[ArchivedPage]  # every page of the archive (latest fetch per URL), for raw.pages
    articles: Records[ExtractedArticle]
    rejects: Records[Reject]
    archive_files: int


class Normalised(StageResult):
    articles: Records[Article]
    rejects: Records[Reject]  # articles without a plausible publication date (loaded all the same)
    undated: int
    outside_interval: int  # a backfill's articles neither published nor changed in its interval
    outside: Records[str] | None = None  # their archive locations


class Loaded(StageResult):
    summary: LoadSummary  # pages fetched, articles new / changed / unchanged / removed, rejects
    articles: Records[LoadedArticle] | None = None  # what became of each article: loaded new... or refused


def _site(settings: Settings, site_key: str) -> SiteConfig:
    scan = scan_registry(settings.sites_dir, settings.site_origins)
    if site_key in scan.errors:
        raise scan.errors[site_key]
    if site_key not in scan.sites:
        raise KeyError(f"site '{site_key}' is not in the registry at {settings.sites_dir}")
    return scan.sites[site_key]


def prepare_warehouse(settings: Settings) -> list[str]:
    """Apply pending SQL migrations; returns the ones applied now."""
    from broadsheet.database import connect, warehouse_url
    from broadsheet.migrations import apply_migrations

    with warehouse_url(settings) as url, connect(url) as conn:
        return apply_migrations(conn, settings.sql_dir)


def interval_days(start: datetime, end: datetime) -> list[str]:
    """The archive's day folders (UTC dates) an interval covers."""
    day = start.astimezone(UTC).date()
    last = max(day, (end.astimezone(UTC) - timedelta(microseconds=1)).date())
    days = []
    while day <= last:
        days.append(day.isoformat())
        day += timedelta(days=1)
    return days


def interval_archive_files(settings: Settings, site_key: str, start: datetime, end: datetime) -> list[str]:
    """Every WARC file archived for the site under the interval's day folders, oldest first (local paths or
    object store URLs: BROADSHEET_ARCHIVE_URL)."""
    from broadsheet.archive import list_archives

    return list_archives(settings.archive_root, site_key, interval_days(start, end))


def crawl_window(run: SiteRun) -> tuple[datetime | None, datetime]:
    """The dates a crawl takes from sitemaps and feeds (docs/sites.md, "The date window").

    A scheduled or manual run takes everything the site lists dated before its interval's end: the first
    night of a site brings in what its sitemaps and feeds list (its back catalogue, up to `max_pages`); later
    nights list the same URLs again, but each already fetched is asked conditionally and a 304 costs no
    extraction. A backfill takes only what is dated inside its interval.
    """
    return (run.interval_start if run.options.is_backfill else None), run.interval_end


def crawl(settings: Settings, run: SiteRun) -> Crawled:
    """Crawl the site into this run's WARC file, then name the interval's whole archive for extraction (earlier
    runs' files of the same days first, this crawl's last). Download failures become crawl-stage rejects; a
    site that answered no request at all fails the stage (SiteUnreachable), so Airflow retries it.

    URLs whose sitemap or feed date falls after the interval's end are left for a later run. A backfill
    fetches only what its interval's sitemaps and feeds date inside it, in full: no conditional request,
    because the bodies of earlier fetches are archived under other days and a 304 would leave its day
    without them. A run in `reprocess` mode sends no request and only names the archive.
    """
    from broadsheet.archive import archive_exists, archive_path, read_archive, remove_archive
    from broadsheet.database import connect, site_crawl_lock, warehouse_url
    from broadsheet.run_skips import record_crawl_skips
    from broadsheet.seen_urls import record_fetches, write_validators
    from crawlers.run import crawl_site

    own = run.stage_dir(settings, "crawl")
    interval_files = interval_archive_files(settings, run.site_key, run.interval_start, run.interval_end)
    if run.options.mode == "reprocess":
        logger.info("site=%s run=%s stage=crawl skipped: mode=reprocess", run.site_key, run.run_id)
        with RecordWriter(own / "rejects.jsonl", Reject) as rejects:
            pass
        return Crawled(
            run=run, archive=Archive(files=interval_files), rejects=rejects.records, pages_archived=0,
            pages_not_modified=0, crawled=False,
        )  # fmt: skip
    site = _site(settings, run.site_key)
    backfill = run.options.is_backfill
    path = archive_path(settings.archive_root, site.key, run.interval_start, run.slug)
    job_dir = own / "job"  # Scrapy JOBDIR: left behind by a crawl that was stopped, which then resumes
    if not job_dir.exists():
        remove_archive(path)  # a retried crawl that had finished starts its archive file again
    # One crawl of a site at a time: a run that waited sends the validators the other run just recorded.
    with warehouse_url(settings) as url, site_crawl_lock(url, site.key):
        validators = None if backfill else own / "validators.jsonl"
        if validators is not None:
            with connect(url) as conn:
                write_validators(conn, site.key, run.run_id, validators)
        result = crawl_site(
            settings,
            site,
            path,
            run.interval_end,
            window_start=crawl_window(run)[0],
            job_dir=job_dir,
            validators_path=validators,
        )
        shutil.rmtree(job_dir, ignore_errors=True)
        with connect(url) as conn, RecordWriter(own / "archived.jsonl", ArchivedPage) as archived:
            fetched = (ArchivedPage.of(page) for page in (read_archive(path) if archive_exists(path) else ()))
            outcome = record_fetches(conn, site.key, run.run_id, _written(fetched, archived))
            max_pages = site.limits.max_pages or settings.max_pages_per_site
            skipped = record_crawl_skips(conn, site.key, run.run_id, result.stats, max_pages)
    with RecordWriter(own / "discovered.jsonl", DiscoveredUrl) as discovered:
        for found_url, crawl_outcome in result.discovered:
            discovered.write(DiscoveredUrl(found_url, crawl_outcome))
    with RecordWriter(own / "unchanged.jsonl", str) as unchanged:
        for location in sorted(outcome.unchanged_locations):
            unchanged.write(location)
    with RecordWriter(own / "rejects.jsonl", Reject) as rejects:
        for failed_url, reason, detail in result.download_errors:
            rejects.write(Reject(site.key, failed_url, "crawl", RejectReason(reason), detail, ""))
    logger.info(
        "site=%s run=%s stage=crawl archived=%d not_modified=%d unchanged=%d errors=%d",
        site.key, run.run_id, result.pages_archived, outcome.pages_not_modified, unchanged.count, rejects.count,
    )  # fmt: skip
    if result.answered_nothing:
        first_url, _, first_detail = result.download_errors[0]
        raise SiteUnreachable(
            f"site {site.key} ({site.base_url}) answered no request: {rejects.count} failed, first "
            f"{first_url}: {first_detail}. Check the site is up; the task is retried."
        )
    files = [file for file in interval_files if file != path] + ([path] if archive_exists(path) else [])
    return Crawled(
        run=run,
        archive=Archive(files=files, unchanged=unchanged.records),
        rejects=rejects.records,
        pages_archived=result.pages_archived,
        pages_not_modified=outcome.pages_not_modified,
        crawled=True,
        skipped=skipped,
        discovered=discovered.records,
        archived=archived.records,
    )


def _written(records: Iterable[Record], writer: RecordWriter[Record]) -> Iterator[Record]:
    """`records`, each written to `writer` as it passes."""
    for record in records:
        writer.write(record)
        yield record


def extract(settings: Settings, run: SiteRun, archive: Archive) -> Extracted:
    """Extract every page of the archive (the latest fetch of a URL wins): articles to one file, rejects to
    another, every page's fetch record to a third. Pages that answered 304, or whose body is the one last
    loaded, are not extracted again unless the run forces it (after a rule improved, say)."""
    from broadsheet.archive import archive_exists, latest_pages
    from broadsheet.page_guard import guarded_extract
    from broadsheet.parallel_extraction import extract_page, extracted_pages, worker_count

    site = _site(settings, run.site_key)
    # one page that cannot be extracted is a reject, never a failed stage (broadsheet/page_guard.py)
    guarded = partial(
        guarded_extract,
        site=site,
        extract=extract_page,
        max_title_chars=settings.max_title_chars,
        max_body_chars=settings.max_body_chars,
    )
    own = run.stage_dir(settings, "extract")
    files = [path for path in archive.files if archive_exists(path)]
    if not files:
        logger.warning(
            "site=%s run=%s stage=extract: no archived page for %s..%s", run.site_key, run.run_id,
            run.interval_start, run.interval_end,
        )  # fmt: skip
    skip = set() if run.options.force_reextract or archive.unchanged is None else set(archive.unchanged.read())
    with (
        RecordWriter(own / "pages.jsonl", ArchivedPage) as pages,
        RecordWriter(own / "articles.jsonl", ExtractedArticle) as articles,
        RecordWriter(own / "rejects.jsonl", Reject) as rejects,
    ):
        # on one worker process per core (BROADSHEET_EXTRACT_WORKERS), results in archive order
        wanted = lambda page: page.status != 304 and page.archive_location not in skip  # noqa: E731
        workers = worker_count(settings.extract_workers)
        pages_here = settings.extract_pages_before_workers
        for page, records in extracted_pages(latest_pages(files), wanted, workers, guarded, pages_here):
            pages.write(ArchivedPage.of(page))
            for record in records or ():  # with the news sitemap's, feed's, URL's and HTTP header's dates
                (rejects if isinstance(record, Reject) else articles).write(record)
    logger.info(
        "site=%s run=%s stage=extract pages=%d articles=%d rejects=%d",
        run.site_key, run.run_id, pages.count, articles.count, rejects.count,
    )  # fmt: skip
    return Extracted(
        run=run, pages=pages.records, articles=articles.records, rejects=rejects.records, archive_files=len(files)
    )


def in_interval(article: Article, start: datetime, end: datetime) -> bool:
    """Whether an article belongs to an interval: published in it, or changed in it."""
    dates = article.dates
    return any(when is not None and start <= when < end for when in (dates.published.at, dates.modified.at))


def normalise(settings: Settings, run: SiteRun, extracted: Records[ExtractedArticle]) -> Normalised:
    """Give every extracted article its UTC dates, with where each came from (one article at a time).

    A scheduled or manual run keeps everything the site lists up to the interval's end, so a new site's first
    run takes its back catalogue; a backfill of a past day keeps only the articles published or changed in
    its interval, and loads that day's news and nothing else.
    """
    from transforms.normalise import normalise_article

    site = _site(settings, run.site_key)
    own = run.stage_dir(settings, "normalise")
    dated = undated = flagged = outside = 0
    with (
        RecordWriter(own / "articles.jsonl", Article) as articles,
        RecordWriter(own / "rejects.jsonl", Reject) as rejects,
        RecordWriter(own / "outside.jsonl", str) as outside_locations,
    ):
        for item in extracted.read():
            article, reject = normalise_article(item, site)
            if reject is not None:
                rejects.write(reject)
            dated += 1
            undated += article.dates.published.at is None
            flagged += bool(article.dates.flags)
            if run.options.is_backfill and not in_interval(article, run.interval_start, run.interval_end):
                outside += 1
                outside_locations.write(item.archive_location)
                continue
            articles.write(article)
    logger.info(
        "site=%s run=%s stage=normalise articles=%d undated=%d with_date_flags=%d",
        site.key, run.run_id, dated, undated, flagged,
    )  # fmt: skip
    if run.options.is_backfill:
        logger.info(
            "site=%s run=%s stage=normalise backfill keeps %d articles of %s..%s, %d outside it",
            site.key, run.run_id, articles.count, run.interval_start, run.interval_end, outside,
        )  # fmt: skip
    return Normalised(
        run=run, articles=articles.records, rejects=rejects.records, undated=undated, outside_interval=outside,
        outside=outside_locations.records,
    )  # fmt: skip


def load(
    settings: Settings,
    run: SiteRun,
    pages: Records[ArchivedPage],
    articles: Records[Article],
    rejects: Sequence[Records[Reject]],
    *,
    pages_not_modified: int = 0,
    unchanged: Records[str] | None = None,
) -> Loaded:
    """Load the run's pages, articles and every stage's rejects into the warehouse in one transaction; then
    mark what the run fetched as loaded, counting the 304s and unchanged bodies as articles seen again."""
    from broadsheet.database import connect, warehouse_url
    from broadsheet.loader import RunContext, index_for_search, load_site_run, record_failed_run
    from broadsheet.seen_urls import record_load
    from broadsheet.stories.clustering import cluster_new_articles

    site = _site(settings, run.site_key)
    context = RunContext(run.run_id, site, run.interval_start, run.interval_end)
    outcomes = LoadOutcomes()
    with warehouse_url(settings) as url, connect(url) as conn:
        try:
            summary = load_site_run(
                conn,
                context,
                articles.read(),
                chain.from_iterable(stage_rejects.read() for stage_rejects in rejects),
                pages=pages.read(),
                pages_not_modified=pages_not_modified,
                outcomes=outcomes,
            )
            seen = set(unchanged.read()) if unchanged is not None else set()
            seen_again = record_load(conn, site.key, run.run_id, pages.read(), seen)
        except Exception as error:
            record_failed_run(conn, context, f"{type(error).__name__}: {error}")
            raise
        index_for_search(conn, site.key)
        cluster_new_articles(conn, run_id=run.run_id)  # stories across sites and nights (broadsheet/stories)
    with RecordWriter(run.stage_dir(settings, "load") / "articles.jsonl", LoadedArticle) as loaded:
        for article in articles.read():
            loaded.write(_loaded_article(article, outcomes))
    return Loaded(
        run=run,
        summary=replace(summary, articles_unchanged=summary.articles_unchanged + seen_again),
        articles=loaded.records,
    )


def _loaded_article(article: Article, outcomes: LoadOutcomes) -> LoadedArticle:
    """What the load did with `article`, from the loader's LoadOutcomes."""
    location, canonical_url = article.extracted.archive_location, article.extracted.canonical_url
    if location in outcomes.refused:
        return LoadedArticle(location, canonical_url, "rejected", outcomes.refused[location])
    change = "new" if canonical_url in outcomes.new else "changed" if canonical_url in outcomes.changed else "unchanged"
    return LoadedArticle(location, canonical_url, "loaded", change)


def load_run(settings: Settings, crawled: Crawled, extracted: Extracted, normalised: Normalised) -> Loaded:
    """`load` fed from the results of the three stages before it: extract's pages, normalise's articles,
    every stage's rejects, and what the crawl found not modified or unchanged; then the run's books are
    checked (broadsheet/accounting.py): every URL discovered has one outcome, or the task fails naming it."""
    loaded = load(
        settings,
        normalised.run,
        pages=extracted.pages,
        articles=normalised.articles,
        rejects=[crawled.rejects, extracted.rejects, normalised.rejects],
        pages_not_modified=crawled.pages_not_modified,
        unchanged=crawled.archive.unchanged,
    )
    check_run_books(settings, crawled, extracted, normalised, loaded)
    return loaded


def check_run_books(
    settings: Settings, crawled: Crawled, extracted: Extracted, normalised: Normalised, loaded: Loaded
) -> RunBooks:
    """Record the run's books as a new attempt; raises BooksDoNotBalance (failing the task) if they do not."""
    from broadsheet.accounting import check_books
    from broadsheet.database import connect, warehouse_url

    with warehouse_url(settings) as url, connect(url) as conn:
        return check_books(conn, crawled, extracted, normalised, loaded)


@dataclass(frozen=True)
class SiteResults:
    crawled: Crawled
    extracted: Extracted
    normalised: Normalised
    loaded: Loaded


def run_site(settings: Settings, run: SiteRun) -> SiteResults:
    """One site's run through every stage in order, as the DAG's task group runs it, without a scheduler."""
    crawled = crawl(settings, run)
    extracted = extract(settings, run, crawled.archive)
    normalised = normalise(settings, run, extracted.articles)
    return SiteResults(crawled, extracted, normalised, load_run(settings, crawled, extracted, normalised))
