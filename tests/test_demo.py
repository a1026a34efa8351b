"""`make demo`, both ways: with BROADSHEET_DATABASE_URL set, and with the embedded PostgreSQL."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from broadsheet.database import embedded_postgres
from demo.airflow_server import free_port

pytestmark = pytest.mark.airflow

BROADSHEET_DEMO = str(Path(sys.executable).with_name("broadsheet-demo"))


def _demo_origins(site_keys) -> str:
    """Free ports for the demo sites; one choice per test, as the registry's fixed ports are for a user."""
    return json.dumps({key: f"http://127.0.0.1:{free_port()}" for key in site_keys})


def _run_demo(tmp_path: Path, database_url: str | None, origins: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BROADSHEET_", "AIRFLOW"))}
    env["BROADSHEET_DATA_DIR"] = str(tmp_path / "data")
    env["BROADSHEET_SITE_ORIGINS"] = origins
    if database_url:
        env["BROADSHEET_DATABASE_URL"] = database_url
    result = subprocess.run(
        [BROADSHEET_DEMO, "night"], env=env, capture_output=True, text=True, timeout=900, check=False, cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return re.sub(r"\s+", " ", result.stdout)


def _article_counts(expected) -> dict[str, int]:
    return {key: len({a["canonical_url"] for a in site["articles"]}) for key, site in expected.items()}


def test_demo_prints_what_it_loaded_and_a_rerun_loads_no_duplicate(tmp_path, database_url, expected):
    origins = _demo_origins(expected)
    first = _run_demo(tmp_path, database_url, origins)
    for site_key, count in _article_counts(expected).items():
        assert f"{site_key} " in first
        assert f"articles loaded: {count} new, 0 changed, 0 unchanged" in first
        assert f"rows in warehouse: {count} duplicate rows: 0" in first
    assert "pages rejected:" in first and "published_at (UTC)" in first
    assert first.count("books: balanced,") == len(expected)  # the accounting check ran on the demo night

    second = _run_demo(tmp_path, database_url, origins)
    for site_key, count in _article_counts(expected).items():
        assert f"articles loaded: 0 new, 0 changed, {count} unchanged" in second, site_key
        assert f"rows in warehouse: {count} duplicate rows: 0" in second
    assert "no row was added or changed" in second


def test_demo_without_a_database_url_starts_and_stops_an_embedded_postgres(tmp_path, expected):
    output = _run_demo(tmp_path, None, _demo_origins(expected))
    pgdata = tmp_path / "data" / "pgdata"
    assert f"BROADSHEET_DATABASE_URL is unset: starting an embedded PostgreSQL in {pgdata}" in output
    assert not (pgdata / "postmaster.pid").exists(), "the embedded PostgreSQL was left running"
    with embedded_postgres(pgdata) as url, psycopg.connect(url) as conn:
        loaded = dict(conn.execute("select site_key, count(*) from warehouse.articles group by site_key").fetchall())
    assert loaded == _article_counts(expected)
