"""What the Airflow tasks decide around the stages: which sites a run covers, where the warehouse is, what a
backfill re-processes from the archive, and how a run that lost a site ends.

dags/broadsheet_nightly.py only wires these functions to tasks; everything here is importable and testable
without a scheduler.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import SecretStr

from broadsheet.settings import Settings
from broadsheet.sites import load_registry

if TYPE_CHECKING:  # the stages pull in Scrapy, trafilatura and dateparser: imported inside the tasks only
    from broadsheet.records import Article
    from broadsheet.stages import SiteRun

logger = logging.getLogger(__name__)

WAREHOUSE_CONN_ID = "broadsheet_warehouse"
MODES = {
    "crawl": "Crawl the sites, then process what the archive holds for the interval",
    "reprocess": "Re-process the interval's archived pages only: no request is sent to any site",
}
BACKFILL_RUN_TYPE = "backfill"


class InvalidRunParams(ValueError):
    """A run's params name something that does not exist; the message says what is valid."""


class SiteUnreachable(RuntimeError):
    """Not one request to the site succeeded: the task fails, so Airflow retries it and names the site."""


class SitesFailed(RuntimeError):
    """One or more sites did not load; the message names them and the task that failed."""


@dataclass(frozen=True)
class RunOptions:
    """A run's choices, from its Params and its run type."""

    mode: str = "crawl"
    force_reextract: bool = False
    is_backfill: bool = False

    @classmethod
    def of(cls, params: dict | None, run_type: str | None) -> RunOptions:
        params = params or {}
        mode = params.get("mode") or "crawl"
        if mode not in MODES:
            raise InvalidRunParams(f"mode {mode!r} is not one of {sorted(MODES)}")
        return cls(
            mode=mode,
            force_reextract=bool(params.get("force_reextract", False)),
            is_backfill=str(run_type or "").lower().endswith(BACKFILL_RUN_TYPE),
        )


def site_choices(settings: Settings) -> list[str]:
    """Every site in the registry, for the trigger form's list; [] when the registry cannot be read (the
    first task then fails with the registry's own message)."""
    try:
        return sorted(load_registry(settings.sites_dir, settings.site_origins))
    except Exception as error:  # a broken registry must not break the DAG file's import
        logger.warning("site registry at %s unreadable while building the trigger form: %s", settings.sites_dir, error)
        return []


def select_sites(settings: Settings, requested: Iterable[str] | None) -> list[str]:
    """The sites a run covers: those requested (enabled or not), or every enabled site when none is named."""
    registry = load_registry(settings.sites_dir, settings.site_origins)
    requested = [key.strip() for key in (requested or []) if key and key.strip()]
    if not requested:
        return [key for key, site in registry.items() if site.enabled]
    unknown = [key for key in requested if key not in registry]
    if unknown:
        raise InvalidRunParams(
            f"unknown site(s) {', '.join(unknown)}: the registry at {settings.sites_dir} has "
            f"{', '.join(sorted(registry))}"
        )
    return list(dict.fromkeys(requested))


def warehouse_url_from_connection(conn_id: str = WAREHOUSE_CONN_ID) -> str | None:
    """The warehouse URL from the Airflow Connection `conn_id` (Postgres provider), or None if it is not set.

    Secrets stay in Airflow's connection store (metadata DB, AIRFLOW_CONN_* or a secrets backend).
    """
    from airflow.exceptions import AirflowNotFoundException
    from airflow.providers.postgres.hooks.postgres import PostgresHook
    from psycopg.conninfo import make_conninfo

    try:
        conn = PostgresHook.get_connection(conn_id)
    except AirflowNotFoundException:
        return None
    parts = {
        "host": conn.host,
        "port": conn.port,
        "user": conn.login,
        "password": conn.password,
        "dbname": conn.schema,
    }
    return make_conninfo(**{key: value for key, value in parts.items() if value not in (None, "")})


def task_settings() -> Settings:
    """Settings inside an Airflow task: the environment's, with the warehouse from `broadsheet_warehouse`
    when that Connection exists (BROADSHEET_DATABASE_URL otherwise)."""
    settings = Settings()
    url = warehouse_url_from_connection()
    if url is None:
        return settings
    return settings.model_copy(update={"database_url": SecretStr(url)})


def interval_days(start: datetime, end: datetime) -> list[str]:
    """The archive's day folders (UTC dates) an interval covers."""
    day = start.astimezone(UTC).date()
    last = max(day, (end.astimezone(UTC) - timedelta(microseconds=1)).date())
    days = []
    while day <= last:
        days.append(day.isoformat())
        day += timedelta(days=1)
    return days


def interval_archive_files(settings: Settings, site_key: str, start: datetime, end: datetime) -> list[Path]:
    """Every WARC file archived for the site under the interval's day folders, oldest first."""
    files: list[Path] = []
    for day in interval_days(start, end):
        folder = settings.archive_dir / site_key / day
        if folder.is_dir():
            files.extend(folder.glob("*.warc.gz"))
    return sorted(files, key=lambda path: (path.stat().st_mtime, path.name))


def crawl_interval(settings: Settings, run: SiteRun, options: RunOptions) -> dict:
    """Crawl the site into this run's WARC file, unless the run only re-processes the archive."""
    from broadsheet import stages

    if options.mode == "reprocess":
        logger.info("site=%s run=%s stage=crawl skipped: mode=reprocess", run.site_key, run.run_id)
        return {"archive_path": None, "pages_archived": 0, "crawled": False}
    # A backfill fetches only what its interval's sitemaps and feeds date inside it, in full: the bodies of
    # earlier fetches are archived under other days, so a 304 would leave its day without them.
    if options.is_backfill:
        result = stages.crawl(settings, run, window_start=run.interval_start, conditional=False)
    else:
        result = stages.crawl(settings, run)
    if result["answered_nothing"]:
        errors = list(stages._read_jsonl(run.work_dir(settings) / "crawl_rejects.jsonl", stages.Reject))
        site = stages._site(settings, run.site_key)
        raise SiteUnreachable(
            f"site {run.site_key} ({site.base_url}) answered no request: {len(errors)} failed, first "
            f"{errors[0].url}: {errors[0].detail}. Check the site is up; the task is retried."
        )
    return {**result, "crawled": True}


def extract_interval(settings: Settings, run: SiteRun, options: RunOptions) -> dict:
    """Extract every page archived for the interval (this run's crawl and earlier runs' files)."""
    from broadsheet import stages
    from broadsheet.archive import archive_path

    files = interval_archive_files(settings, run.site_key, run.interval_start, run.interval_end)
    if options.mode == "crawl":
        own = archive_path(settings.archive_dir, run.site_key, run.interval_start, run.slug)
        files = [path for path in files if path != own] + ([own] if own.exists() else [])
    if not files:
        logger.warning(
            "site=%s run=%s stage=extract: no archived page for %s..%s", run.site_key, run.run_id,
            run.interval_start, run.interval_end,
        )  # fmt: skip
    result = stages.extract(settings, run, [str(path) for path in files], force=options.force_reextract)
    return {**result, "archive_files": len(files)}


def in_interval(article: Article, start: datetime, end: datetime) -> bool:
    """Whether an article belongs to an interval: published in it, or changed in it."""
    return any(when is not None and start <= when < end for when in (article.published_at, article.modified_at))


def normalise_interval(settings: Settings, run: SiteRun, options: RunOptions) -> dict:
    """Normalise dates; a backfill then keeps only the articles of its interval (published or changed in it).

    A scheduled or manual run keeps everything the site lists up to the interval's end, so a new site's first
    run takes its back catalogue; a backfill of a past day loads that day's news and nothing else.
    """
    from broadsheet import stages
    from broadsheet.records import Article

    result = stages.normalise(settings, run)
    if not options.is_backfill:
        return {**result, "outside_interval": 0}
    path = run.work_dir(settings) / "articles.jsonl"
    articles = stages._read_jsonl(path, Article)  # streamed into the replacement file, one at a time
    kept = stages._write_jsonl(
        path, (a for a in articles if in_interval(a, run.interval_start, run.interval_end)), Article
    )
    dropped = result["articles"] - kept
    logger.info(
        "site=%s run=%s stage=normalise backfill keeps %d articles of %s..%s, %d outside it",
        run.site_key, run.run_id, kept, run.interval_start, run.interval_end, dropped,
    )  # fmt: skip
    return {**result, "articles": kept, "outside_interval": dropped}


def run_interval(
    settings: Settings, start: datetime | None, end: datetime | None, run_after: datetime
) -> tuple[datetime, datetime]:
    """The interval a run works on: its data interval, or, for a run created without a logical date (Airflow
    3 allows it: `POST /dagRuns` with `logical_date: null`), which has none, the time from the schedule's last
    tick up to the moment it was triggered: what the sites published since the last nightly run.
    """
    if start is not None and end is not None:
        return start, end
    from airflow.timetables.interval import CronDataIntervalTimetable  # the scheduler's own cron arithmetic

    timetable = CronDataIntervalTimetable(settings.schedule_cron, timezone=settings.schedule_timezone)
    last_complete = timetable.infer_manual_data_interval(run_after=run_after)
    if last_complete.end < run_after:
        return last_complete.end, run_after
    return last_complete.start, run_after  # triggered exactly on a tick: the period that just ended


def context_interval(settings: Settings) -> tuple[datetime, datetime]:
    """The running task's interval (see run_interval), from its Airflow context."""
    from airflow.sdk import get_current_context

    context = get_current_context()
    run_after = getattr(context.get("dag_run"), "run_after", None) or datetime.now(UTC)
    return run_interval(settings, context.get("data_interval_start"), context.get("data_interval_end"), run_after)


STAGE_TASKS = ("crawl", "extract", "normalise", "load")


def site_stage(stage: str, site_key: str) -> dict:
    """Run one stage for one site inside an Airflow task: its run, data interval and Params come from the
    task's context. Returns the small reference the next task gets through XCom."""
    from dataclasses import asdict

    from airflow.sdk import get_current_context

    from broadsheet import stages

    context = get_current_context()
    settings = task_settings()
    run = stages.SiteRun(site_key, context["run_id"], *context_interval(settings))
    options = RunOptions.of(context.get("params"), getattr(context.get("dag_run"), "run_type", None))
    if stage == "crawl":
        result = crawl_interval(settings, run, options)
    elif stage == "extract":
        result = extract_interval(settings, run, options)
    elif stage == "normalise":
        result = normalise_interval(settings, run, options)
    elif stage == "load":
        result = asdict(stages.load(settings, run))
    else:
        raise ValueError(f"unknown stage {stage!r}; expected one of {STAGE_TASKS}")
    return {**result, "site_key": site_key}


def failed_sites(
    sites: list[str] | None, task_states: dict[str, str | None], group: str = "site_pipeline"
) -> dict[str, str]:
    """Site -> the first stage that did not succeed, from a run's task states keyed `<group>.<task>_<index>`.

    `sites` is None when the run never got its site list (the warehouse or the registry failed): then no
    site ran at all, and the run must end failed rather than pass with nothing loaded.
    """
    if sites is None:
        raise SitesFailed(
            "no site ran: prepare_warehouse or enabled_sites failed before any site started; their task logs say why"
        )
    failed: dict[str, str] = {}
    for index, site_key in enumerate(sites):
        for stage in STAGE_TASKS:
            state = task_states.get(f"{group}.{stage}_{index}")
            if state != "success":
                failed[site_key] = f"{stage} {state or 'not run'}"
                break
    return failed


def finish_run(settings: Settings, run_id: str, start: datetime, end: datetime, failed: dict[str, str]) -> None:
    """Record each failed site in etl.runs and fail the task naming them; a clean run passes."""
    if not failed:
        return
    from broadsheet.database import connect, warehouse_url
    from broadsheet.loader import RunContext, record_failed_run

    registry = load_registry(settings.sites_dir, settings.site_origins)
    with warehouse_url(settings) as url, connect(url) as conn:
        for site_key, what in failed.items():
            if site_key in registry:
                record_failed_run(conn, RunContext(run_id, registry[site_key], start, end), f"task {what}")
    listing = "; ".join(f"{site} ({what})" for site, what in sorted(failed.items()))
    raise SitesFailed(f"{len(failed)} site(s) failed in run {run_id}: {listing}. The other sites loaded.")
