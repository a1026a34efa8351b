"""An operator's recovery through the REST API: a site is down, the run names it and records it, the other
site loads; the site comes back, the failed task is cleared, and the warehouse ends as one clean run leaves it."""

from __future__ import annotations

import json
import time

import psycopg
import pytest
from airflow_harness import UNDATED, AirflowUnderTest, expected_by_day, warehouse_articles

from demo.airflow_local import DAG_ID

pytestmark = pytest.mark.airflow

DOWN, UP = "harbour_herald", "capitol_wire"
LOGICAL_DATE = "2024-03-14T00:00:00Z"  # a manual run: the timetable gives it the interval ending then


def _clean_run_articles(origins: dict[str, str], site_key: str, interval_end: str) -> set[str]:
    """What one clean run up to the interval's end loads for a site: its articles published before then."""
    by_day = expected_by_day(origins)[site_key]
    return set().union(*(urls for day, urls in by_day.items() if day == UNDATED or day < interval_end[:10]))


def _state(airflow: AirflowUnderTest, run_id: str) -> str:
    return next(run["state"] for run in airflow.runs() if run["dag_run_id"] == run_id)


def _task_states(airflow: AirflowUnderTest, run_id: str) -> dict[tuple[str, int], str | None]:
    return {(ti["task_id"], ti["map_index"]): ti["state"] for ti in airflow.task_instances(run_id)}


def test_failed_site_is_named_and_a_cleared_retry_leaves_one_clean_run(airflow: AirflowUnderTest, warehouse: str):
    airflow.set_paused(True)
    airflow.sites.stop(DOWN)
    try:
        response = airflow.client.post(
            f"/api/v2/dags/{DAG_ID}/dagRuns",
            json={"logical_date": LOGICAL_DATE, "conf": {"sites": [DOWN, UP]}},
        )
        assert response.status_code == 200, response.text
        run_id = response.json()["dag_run_id"]
        time.sleep(10)
        assert _state(airflow, run_id) == "queued", "a paused DAG must hold its runs"
        assert not any(state for state in _task_states(airflow, run_id).values())

        airflow.set_paused(False)
        run = airflow.wait_for_run(run_id)
        assert run["state"] == "failed"
        states = _task_states(airflow, run_id)
        assert states[("site_pipeline.crawl", 0)] == "failed"  # the site that is down
        assert states[("site_pipeline.load", 1)] == "success"  # the other site loaded all the same
        assert states[("check_sites", -1)] == "failed"
        log = airflow.client.get(f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances/check_sites/logs/1")
        assert f"{DOWN} (crawl failed)" in json.dumps(log.json()["content"])
        with psycopg.connect(warehouse) as conn:
            recorded = dict(
                conn.execute("select site_key, status from etl.runs where run_id = %s", (run_id,)).fetchall()
            )
        assert recorded == {DOWN: "failed", UP: "succeeded"}
        assert set(warehouse_articles(warehouse)) == {UP}
    finally:
        airflow.sites.start(DOWN)

    response = airflow.client.post(
        f"/api/v2/dags/{DAG_ID}/clearTaskInstances",
        json={
            "dry_run": False,
            "dag_run_id": run_id,
            "task_ids": ["site_pipeline.crawl"],
            "only_failed": True,
            "include_downstream": True,
            "reset_dag_runs": True,
        },
    )
    assert response.status_code == 200, response.text
    cleared = {(ti["task_id"], ti["map_index"]) for ti in response.json()["task_instances"]}
    assert ("site_pipeline.crawl", 0) in cleared and ("check_sites", -1) in cleared
    assert ("site_pipeline.load", 1) not in cleared  # what succeeded is not run again

    deadline = time.monotonic() + 60
    while _state(airflow, run_id) == "failed" and time.monotonic() < deadline:
        time.sleep(1)
    run = airflow.wait_for_run(run_id)
    assert run["state"] == "success"

    origins = airflow.sites.origins
    loaded = warehouse_articles(warehouse)
    for site in (DOWN, UP):
        wanted = _clean_run_articles(origins, site, run["data_interval_end"])
        assert loaded[site] == wanted, (site, sorted(loaded[site] ^ wanted))
    with psycopg.connect(warehouse) as conn:
        rows = conn.execute("select site_key, status, error from etl.runs where run_id = %s", (run_id,)).fetchall()
        total, distinct = conn.execute(
            "select count(*), count(distinct canonical_url) from warehouse.articles"
        ).fetchone()
    assert sorted(rows) == sorted([(DOWN, "succeeded", None), (UP, "succeeded", None)])
    assert total == distinct
