"""A cap reached is a counted skip in the run's accounting (etl.run_skips), not only a log line."""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg

from broadsheet import pipeline
from broadsheet.settings import Settings

SITE_KEY = "diari_del_port"


def test_reaching_max_pages_is_counted_per_run_with_the_cap_in_force(tmp_path, demo_origins, database_url):
    settings = Settings(
        data_dir=tmp_path / "data", site_origins=demo_origins, database_url=database_url, max_pages_per_site=2
    )
    run = pipeline.SiteRun(SITE_KEY, "capped", datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC))
    pipeline.prepare_warehouse(settings)
    crawled = pipeline.crawl(settings, run)

    assert crawled.pages_archived == 2
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("select reason, pages, detail from etl.run_skips where run_id = 'capped'").fetchall()
    [(reason, pages, detail)] = rows
    assert (reason, detail) == ("over_page_cap", "max_pages=2")
    assert pages == crawled.skipped["over_page_cap"] >= 4  # the site lists 7 articles
