"""What the Airflow tasks decide around the stages: which sites a run covers, where the warehouse is, which
run, interval and choices a task works on (read from Airflow's context here and nowhere else), and how a run
that lost a site ends.

The stages themselves and their typed results are broadsheet/pipeline.py; dags/broadsheet_nightly.py only
wires the two. Everything here is importable and testable without a scheduler.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import SecretStr

from broadsheet.pipeline import MODES, InvalidRunParams, RunOptions, SiteRun
from broadsheet.settings import Settings
from broadsheet.sites import load_registry

__all__ = ["MODES", "InvalidRunParams", "RunOptions", "SiteRun"]  # the DAG file's Params come from here

logger = logging.getLogger(__name__)

WAREHOUSE_CONN_ID = "broadsheet_warehouse"
STAGE_TASKS = ("crawl", "extract", "normalise", "load")  # the task ids of one site's task group, in order


class SitesFailed(RuntimeError):
    """One or more sites did not load; the message names them and the task that failed."""


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


@dataclass(frozen=True)
class TaskRun:
    """What a running task reads from Airflow's context: its DAG run's id, interval and choices."""

    run_id: str
    interval_start: datetime
    interval_end: datetime
    options: RunOptions
    sites: tuple[str, ...] = ()  # the sites the run's Params name (none: every enabled site)

    def site(self, site_key: str) -> SiteRun:
        return SiteRun(site_key, self.run_id, self.interval_start, self.interval_end, self.options)


def task_run(settings: Settings) -> TaskRun:
    """The running task's run id, interval (see run_interval) and Params: the one place Airflow's context is
    read. The site tasks read it once, in crawl, and hand the SiteRun on inside their results."""
    from airflow.sdk import get_current_context

    context = get_current_context()
    dag_run = context.get("dag_run")
    run_after = getattr(dag_run, "run_after", None) or datetime.now(UTC)
    start, end = run_interval(settings, context.get("data_interval_start"), context.get("data_interval_end"), run_after)
    options = RunOptions.of(context.get("params"), getattr(dag_run, "run_type", None))
    params = context.get("params") or {}
    return TaskRun(context["run_id"], start, end, options, tuple(params.get("sites") or ()))


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


def report_run(settings: Settings, run_id: str) -> str | None:
    """Write the run's HTML report and log its summary (the task log shows it); returns its path.

    A report that cannot be written is logged, not raised: it must never change how the run ends.
    """
    from broadsheet.database import connect, warehouse_url
    from broadsheet.report import summary_lines, write_report

    try:
        with warehouse_url(settings) as url, connect(url) as conn:
            path, report = write_report(conn, run_id, settings.report_dir)
    except Exception:
        logger.exception("run=%s: the run report could not be written; the run's figures are in etl.runs", run_id)
        return None
    for line in summary_lines(report, path):
        logger.info("%s", line)
    return str(path)


def finish_and_report(
    settings: Settings, run_id: str, start: datetime, end: datetime, failed: dict[str, str]
) -> str | None:
    """The run's last step: failed sites recorded, the report written, then the run fails naming them."""
    try:
        finish_run(settings, run_id, start, end, failed)
    except SitesFailed:
        report_run(settings, run_id)
        raise
    return report_run(settings, run_id)
