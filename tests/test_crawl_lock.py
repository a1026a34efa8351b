"""One crawl of a site at a time, whatever runs and backfills overlap: the second waits for the first; other
sites are not held up."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import psycopg

from broadsheet import pipeline
from broadsheet.database import site_crawl_lock
from broadsheet.settings import Settings

START, END = datetime(2024, 3, 1, tzinfo=UTC), datetime(2024, 4, 1, tzinfo=UTC)


def _waiting_for_an_advisory_lock(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "select count(*) from pg_locks where locktype = 'advisory' and not granted"
            " and database = (select oid from pg_database where datname = current_database())"
        ).fetchone()[0]


def test_a_site_is_crawled_by_one_run_at_a_time_and_other_sites_go_on(tmp_path, demo_origins, database_url):
    settings = Settings(data_dir=tmp_path / "data", site_origins=demo_origins, database_url=database_url)
    pipeline.prepare_warehouse(settings)
    results: dict[str, pipeline.Crawled] = {}

    def crawl(run_id: str) -> None:
        results[run_id] = pipeline.crawl(settings, pipeline.SiteRun("capitol_wire", run_id, START, END))

    with site_crawl_lock(database_url, "capitol_wire"):  # another run is crawling capitol_wire
        other_site = pipeline.crawl(settings, pipeline.SiteRun("harbour_herald", "run_b", START, END))
        assert other_site.pages_archived > 0

        waiting = threading.Thread(target=crawl, args=("run_b",))
        waiting.start()
        deadline = time.monotonic() + 30
        while _waiting_for_an_advisory_lock(database_url) == 0:
            assert time.monotonic() < deadline, "the second crawl of capitol_wire did not wait for the first"
            time.sleep(0.2)
        assert "run_b" not in results
    waiting.join(timeout=120)

    assert not waiting.is_alive()
    assert results["run_b"].pages_archived > 0
    assert _waiting_for_an_advisory_lock(database_url) == 0
