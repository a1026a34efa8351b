"""The nightly DAG under a real Airflow, driven through the REST API as an operator's script would."""

from __future__ import annotations

from datetime import UTC, datetime, time

import psycopg
import pytest
from airflow_harness import AirflowUnderTest, expected_by_day, warehouse_articles

from demo.airflow_local import DAG_ID

pytestmark = pytest.mark.airflow

BACKFILL_DAYS = ["2024-03-09", "2024-03-10", "2024-03-11"]
# The backfill runs two of the demo sites (the DAG's `sites` param): every day has articles of both, and each
# site fewer is four task instances fewer per day on two cores.
BACKFILL_SITES = ["capitol_wire", "harbour_herald"]


def _articles_of(days: list[str], origins: dict[str, str]) -> dict[str, set[str]]:
    wanted: dict[str, set[str]] = {}
    for site_key, by_day in expected_by_day({key: origins[key] for key in BACKFILL_SITES}).items():
        urls = set().union(*(by_day.get(day, set()) for day in days))
        if urls:
            wanted[site_key] = urls
    return wanted


def test_unpausing_runs_the_latest_interval_and_loads_every_demo_article(airflow: AirflowUnderTest):
    run = airflow.first_scheduled_run
    assert run is not None and run["state"] == "success", run
    every_article = {site: set().union(*days.values()) for site, days in expected_by_day(airflow.sites.origins).items()}
    assert warehouse_articles(airflow.session_warehouse) == every_article


@pytest.mark.parametrize(
    ("conf", "message"),
    [
        ({"sites": ["atlantis_gazette"]}, "atlantis_gazette"),
        ({"mode": "rebuild"}, "rebuild"),
        ({"force_reextract": "yes"}, "force_reextract"),
    ],
)
def test_invalid_params_are_refused_when_the_run_is_triggered(airflow: AirflowUnderTest, conf, message):
    response = airflow.client.post(
        f"/api/v2/dags/{DAG_ID}/dagRuns", json={"logical_date": "2024-02-01T00:00:00Z", "conf": conf}
    )
    assert response.status_code == 400, response.text
    assert message in response.text
    assert not [run for run in airflow.runs() if run["logical_date"].startswith("2024-02-01")]


def test_a_run_triggered_now_without_a_logical_date_covers_the_day_so_far(airflow: AirflowUnderTest, warehouse):
    """Airflow 3 lets a run be created without a logical date, and then it has no data interval: it crawls what
    the site lists now and records the time since the schedule's last tick as its interval."""
    site = "lakeshore_ledger"
    response = airflow.client.post(
        f"/api/v2/dags/{DAG_ID}/dagRuns", json={"logical_date": None, "conf": {"sites": [site]}}
    )
    assert response.status_code == 200, response.text
    run = airflow.wait_for_run(response.json()["dag_run_id"])
    assert run["state"] == "success", run

    every_article = set().union(*expected_by_day(airflow.sites.origins)[site].values())
    assert warehouse_articles(warehouse) == {site: every_article}
    with psycopg.connect(warehouse) as conn:
        recorded = conn.execute(
            "select interval_start, interval_end, status from etl.runs where run_id = %s", (run["dag_run_id"],)
        ).fetchall()
    run_after = datetime.fromisoformat(run["run_after"].replace("Z", "+00:00"))
    last_midnight = datetime.combine(run_after.astimezone(UTC).date(), time(0), tzinfo=UTC)  # the default schedule
    assert recorded == [(last_midnight, run_after, "succeeded")]


def test_rest_backfill_of_three_days_for_two_sites_loads_each_days_articles_and_records_every_run(airflow, warehouse):
    response = airflow.client.post(
        "/api/v2/backfills",
        json={
            "dag_id": DAG_ID,
            "from_date": f"{BACKFILL_DAYS[0]}T00:00:00Z",
            "to_date": f"{BACKFILL_DAYS[-1]}T00:00:00Z",
            "max_active_runs": 3,
            "reprocess_behavior": "none",
            "dag_run_conf": {"sites": BACKFILL_SITES},
        },
    )
    assert response.status_code == 200, response.text
    backfill_id = response.json()["id"]

    runs = airflow.wait_for_runs(
        lambda run: run["run_type"] == "backfill" and run["data_interval_start"][:10] in BACKFILL_DAYS, count=3
    )
    assert sorted(run["data_interval_start"][:10] for run in runs) == BACKFILL_DAYS
    assert {run["state"] for run in runs} == {"success"}, runs

    assert warehouse_articles(warehouse) == _articles_of(BACKFILL_DAYS, airflow.sites.origins)
    with psycopg.connect(warehouse) as conn:
        recorded = conn.execute("select run_id, site_key, status from etl.runs").fetchall()
    assert {(run_id, site) for run_id, site, _ in recorded} == {
        (run["dag_run_id"], site) for run in runs for site in BACKFILL_SITES
    }
    assert {status for _, _, status in recorded} == {"succeeded"}
    airflow.wait_for_backfill(backfill_id)  # the scheduler closes it; only then may another one start

    # Re-process one of those days from the archive alone: with its site down, nothing changes.
    airflow.sites.stop("capitol_wire")
    try:
        response = airflow.client.post(
            "/api/v2/backfills",
            json={
                "dag_id": DAG_ID,
                "from_date": "2024-03-10T00:00:00Z",
                "to_date": "2024-03-10T00:00:00Z",
                "reprocess_behavior": "completed",
                "dag_run_conf": {"mode": "reprocess", "sites": ["capitol_wire"]},
            },
        )
        assert response.status_code == 200, response.text
        rerun_backfill_id = response.json()["id"]
        rerun_id = next(run["dag_run_id"] for run in runs if run["data_interval_start"].startswith("2024-03-10"))
        _wait_for_new_attempt(airflow, rerun_id)
        rerun = airflow.wait_for_run(rerun_id)
        assert rerun["state"] == "success", rerun
        airflow.wait_for_backfill(rerun_backfill_id)
    finally:
        airflow.sites.start("capitol_wire")
    assert warehouse_articles(warehouse) == _articles_of(BACKFILL_DAYS, airflow.sites.origins)
    with psycopg.connect(warehouse) as conn:
        new, changed, unchanged = conn.execute(
            "select articles_new, articles_changed, articles_unchanged from etl.runs "
            "where run_id = %s and site_key = 'capitol_wire'",
            (rerun_id,),
        ).fetchone()
    assert (new, changed) == (0, 0)
    assert unchanged == len(_articles_of(["2024-03-10"], airflow.sites.origins)["capitol_wire"])


def _wait_for_new_attempt(airflow: AirflowUnderTest, run_id: str, timeout: float = 120) -> None:
    """A re-processing backfill re-queues an existing run; wait until it has left its finished state."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        [run] = [run for run in airflow.runs() if run["dag_run_id"] == run_id]
        if run["state"] in ("queued", "running"):
            return
        time.sleep(1)
    raise AssertionError(f"run {run_id} was not re-queued by the backfill")
