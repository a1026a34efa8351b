"""The real Airflow DAG: it imports cleanly, and one interval over the demo sites loads the warehouse."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import psycopg
import pytest

from broadsheet.settings import Settings
from demo.airflow_local import airflow_environment, run_dag_once

pytestmark = pytest.mark.airflow

LOGICAL_DATE = datetime(2024, 4, 10, tzinfo=UTC)  # interval 2024-04-09 .. 04-10, after every demo article


def test_dag_file_imports_without_errors_and_wires_every_stage(settings: Settings):
    probe = (
        "import json; from airflow.dag_processing.dagbag import DagBag;"
        f"bag = DagBag(dag_folder={str(settings.dags_dir)!r});"
        "dag = bag.dags.get('broadsheet_nightly');"
        "print(json.dumps({'errors': {k: str(v) for k, v in bag.import_errors.items()},"
        " 'tasks': sorted(dag.task_ids) if dag else []}))"
    )
    env = {**os.environ, **airflow_environment(settings)}
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["errors"] == {}
    assert {
        "site_pipeline.crawl",
        "site_pipeline.extract",
        "site_pipeline.normalise",
        "site_pipeline.load",
        "enabled_sites",
        "prepare_warehouse",
    } <= set(result["tasks"])


def _per_site(conn: psycopg.Connection) -> dict[str, tuple[int, int]]:
    rows = conn.execute(
        "select site_key, count(*), count(distinct canonical_url) from warehouse.articles group by site_key"
    ).fetchall()
    return {site: (total, distinct) for site, total, distinct in rows}


def test_one_interval_loads_every_demo_article_and_a_rerun_adds_nothing(settings, database_url, expected):
    run_dag_once(settings, database_url, LOGICAL_DATE)
    with psycopg.connect(database_url) as conn:
        after_first = _per_site(conn)
        timed = conn.execute("select site_key, stage, items from etl.stage_timings").fetchall()
    stages = {"crawl", "extract", "normalise", "load"}
    assert {(site, stage) for site, stage, _ in timed} == {(site, stage) for site in expected for stage in stages}
    wanted = {key: len({a["canonical_url"] for a in site["articles"]}) for key, site in expected.items()}
    assert after_first == {key: (n, n) for key, n in wanted.items()}

    run_dag_once(settings, database_url, LOGICAL_DATE)
    with psycopg.connect(database_url) as conn:
        assert _per_site(conn) == after_first
        latest = conn.execute(
            """
            select distinct on (site_key) site_key, articles_new, articles_changed, articles_unchanged,
                   interval_start, interval_end
            from etl.runs order by site_key, finished_at desc
            """
        ).fetchall()
        rejects = conn.execute("select site_key, url, reason from etl.rejects").fetchall()
    for site_key, new, changed, unchanged, start, end in latest:
        assert (new, changed, unchanged) == (0, 0, wanted[site_key]), site_key
        assert (start, end) == (datetime(2024, 4, 9, tzinfo=UTC), LOGICAL_DATE)
    for site_key, site in expected.items():
        for reject in site["rejects"]:
            assert any(r[0] == site_key and r[1] == reject["url"] for r in rejects), reject


_IMPORT_PROBE = r"""
import json, socket, sys, time, importlib.util
import airflow.sdk  # the dag-processor has Airflow loaded before it reads a DAG file
import psycopg

def refuse(*args, **kwargs):
    raise AssertionError(f"the DAG file opened a connection at import: {args!r}")

socket.socket.connect = refuse
socket.create_connection = refuse
psycopg.connect = refuse
before = set(sys.modules)
started = time.perf_counter()
spec = importlib.util.spec_from_file_location("broadsheet_nightly_probe", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
seconds = time.perf_counter() - started
pipeline = {"scrapy", "trafilatura", "dateparser", "warcio", "twisted"}
heavy = sorted(m for m in set(sys.modules) - before if m.split(".")[0] in pipeline)
print(json.dumps({"seconds": seconds, "heavy": heavy}))
"""


def test_dag_file_import_opens_no_connection_and_loads_no_pipeline_library(settings: Settings):
    env = {**os.environ, **airflow_environment(settings)}
    out = subprocess.run(
        [sys.executable, "-c", _IMPORT_PROBE, str(settings.dags_dir / "broadsheet_nightly.py")],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"broadsheet_nightly.py imported in {result['seconds']:.3f}s (after airflow.sdk)")
    assert result["heavy"] == [], "Scrapy, trafilatura and friends belong inside the tasks"


def test_dag_offers_its_params_with_the_registry_sites_and_descriptions(settings: Settings):
    probe = (
        "import json; from airflow.dag_processing.dagbag import DagBag;"
        f"dag = DagBag(dag_folder={str(settings.dags_dir)!r}).dags['broadsheet_nightly'];"
        "print(json.dumps({k: p.serialize() for k, p in dag.params.items()}, default=str))"
    )
    env = {**os.environ, **airflow_environment(settings)}
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    params = json.loads(out.stdout.strip().splitlines()[-1])
    assert set(params) == {"sites", "mode", "force_reextract"}
    assert params["sites"]["value"] == []
    assert "null" in params["sites"]["schema"]["type"]  # may be left empty: not required in the Trigger form
    assert params["sites"]["schema"]["items"]["enum"] == sorted(settings.site_origins)
    assert params["mode"]["schema"]["enum"] == ["crawl", "reprocess"]
    assert all(param["description"] for param in params.values())
