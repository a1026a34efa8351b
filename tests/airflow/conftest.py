"""One real Airflow 3 for the whole session (LocalExecutor, PostgreSQL metadata database), the demo sites
served on free ports with a switch to take one down, and helpers to drive the REST API.

Each test points the `broadsheet_warehouse` Connection at its own fresh warehouse database, so tests sharing
the Airflow do not share rows.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from airflow_harness import (
    ARTIFACTS,
    AirflowUnderTest,
    SwitchableSites,
    create_database,
    drop_database,
    url_for,
)

from broadsheet.settings import Settings
from demo.airflow_server import AirflowConfig, free_port, running_airflow


@pytest.fixture(scope="session")
def airflow(postgres_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AirflowUnderTest]:
    """A real Airflow started once for the session; its first scheduled run has finished when tests start."""
    sites = SwitchableSites()
    sites.start_all()
    metadata = create_database(postgres_server, "airflow_meta")
    warehouse = create_database(postgres_server, "airflow_warehouse")
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("airflow-data"),
        site_origins=sites.origins,
        database_url=None,
        task_retries=0,
    )
    config = AirflowConfig(
        metadata_url=url_for(postgres_server, metadata),
        api_port=free_port(),
        log_server_port=free_port(),
        fast_parsing=True,
        # the demo sites are small: extraction goes to worker processes after one page, as a real site's would
        # (a bug that broke the workers under a real Airflow hid behind the demo sites' size)
        extra_env={"BROADSHEET_EXTRACT_PAGES_BEFORE_WORKERS": "1"},
    )
    try:
        with running_airflow(settings, config, url_for(postgres_server, warehouse)) as running:
            under_test = AirflowUnderTest(running, sites, postgres_server, settings)
            # As a user's first step: unpause, and the scheduler runs the latest interval (catchup is off).
            started = time.monotonic()
            under_test.set_paused(False)
            first = under_test.wait_for_runs(lambda run: run["run_type"] == "scheduled")
            under_test.first_scheduled_run = first[0]
            under_test.session_warehouse = url_for(postgres_server, warehouse)
            timings = {
                "airflow_ready_seconds": round(running.started_in_seconds, 1),
                "first_scheduled_run_seconds": round(time.monotonic() - started, 1),
            }
            ARTIFACTS.mkdir(exist_ok=True)
            (ARTIFACTS / "airflow-fixture-timings.json").write_text(json.dumps(timings, indent=2), encoding="utf-8")
            print(f"\nAirflow fixture: {timings}")
            yield under_test
    finally:
        sites.stop_all()
        drop_database(postgres_server, metadata)
        drop_database(postgres_server, warehouse)


@pytest.fixture
def warehouse(airflow: AirflowUnderTest) -> Iterator[str]:
    """A fresh warehouse database that this test's runs load into."""
    name = create_database(airflow.server_url, "airflow_test_warehouse")
    url = url_for(airflow.server_url, name)
    airflow.use_warehouse(url)
    try:
        yield url
    finally:
        drop_database(airflow.server_url, name)
