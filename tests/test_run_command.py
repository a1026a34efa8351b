"""`broadsheet run`: the pipeline for a site and an interval without Airflow, through the DAG's stage
functions, ending with the accounting summary and the report's path; a backfill re-process sends no request."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
from typer.testing import CliRunner

from broadsheet.cli import app

SITE_KEY = "diari_del_port"


def test_run_once_then_reprocess_the_archive_as_a_backfill(tmp_path, demo_origins, database_url, monkeypatch):
    monkeypatch.setenv("BROADSHEET_DATABASE_URL", database_url)
    monkeypatch.setenv("BROADSHEET_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BROADSHEET_SITE_ORIGINS", json.dumps(demo_origins))
    runner = CliRunner()

    first = runner.invoke(app, ["run", SITE_KEY, "--start", "2024-01-01", "--end", "2025-01-01"])
    assert first.exit_code == 0, first.output
    report_line = first.output.strip().splitlines()[-1]
    assert report_line.startswith("report: ") and Path(report_line.removeprefix("report: ")).exists()
    [site_line] = [line for line in first.output.splitlines() if line.strip().startswith(SITE_KEY)]
    assert "succeeded" in site_line and "new     7" in site_line
    assert "books balanced: 7 URLs (attempt 1)" in site_line  # the accounting check ran on this run

    again = runner.invoke(
        app, ["run", SITE_KEY, "--start", "2024-01-01", "--end", "2025-01-01", "--mode", "reprocess", "--backfill"]
    )
    assert again.exit_code == 0, again.output
    assert "new     0" in again.output
    assert "books balanced: 7 URLs (attempt 1)" in again.output  # from the archive alone: no crawl

    with psycopg.connect(database_url) as conn:
        timed = conn.execute("select run_id, stage from etl.stage_timings order by started_at").fetchall()
        runs = conn.execute("select count(*) from etl.runs where site_key = %s", (SITE_KEY,)).fetchone()[0]
    assert [stage for _, stage in timed] == ["crawl", "extract", "normalise", "load"] * 2
    assert runs == 2
