"""How long each stage of a run took per site (etl.stage_timings), for the run report's durations."""

from __future__ import annotations

from datetime import datetime

import psycopg


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
