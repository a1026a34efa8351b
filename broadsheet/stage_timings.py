"""How long each stage of a run took per site (etl.stage_timings), for the run report's durations and the
benchmarks: written the same way by `broadsheet run` and by the DAG's tasks (`timed_stage`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

import psycopg

from broadsheet.settings import Settings

if TYPE_CHECKING:
    from broadsheet.pipeline import SiteRun

Result = TypeVar("Result")


def stage_items(stage: str, result: object) -> int:
    """The items a stage handled, for its rate: pages archived, pages extracted, articles normalised or loaded."""
    if stage == "crawl":
        return result.pages_archived
    if stage == "extract":
        return result.pages.count
    if stage == "normalise":
        return result.articles.count
    return result.summary.articles_new + result.summary.articles_changed + result.summary.articles_unchanged


def record_stage_timing(
    conn: psycopg.Connection,
    run_id: str,
    site_key: str,
    stage: str,
    started_at: datetime,
    finished_at: datetime,
    items: int = 0,
) -> None:
    """Store one stage's time; a retried stage replaces its earlier attempt."""
    conn.execute(
        """
        insert into etl.stage_timings (run_id, site_key, stage, started_at, finished_at, items)
        values (%s, %s, %s, %s, %s, %s)
        on conflict (run_id, site_key, stage) do update
        set started_at = excluded.started_at, finished_at = excluded.finished_at, items = excluded.items
        """,
        (run_id, site_key, stage, started_at, finished_at, items),
    )


def timed_stage(
    stage: str, run: SiteRun, function: Callable[..., Result], settings: Settings, *inputs: object
) -> Result:
    """`function(settings, *inputs)`, one stage of a site's run, with its time and items recorded (a DAG task's
    stage; `broadsheet run` records its own within its connection). A stage that raises records nothing: the
    task's failure says what happened."""
    from broadsheet.database import connect, warehouse_url

    started_at = datetime.now(UTC)
    result = function(settings, *inputs)
    finished_at = datetime.now(UTC)
    with warehouse_url(settings) as url, connect(url) as conn:
        record_stage_timing(conn, run.run_id, run.site_key, stage, started_at, finished_at, stage_items(stage, result))
    return result
