"""Scale-out: the same DAG under CeleryExecutor, Redis as the broker and PostgreSQL as the result backend,
with one `airflow celery worker` doing the work and the WARC archive in object storage (a local S3 server),
as workers on several machines would share it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import fsspec
import pytest
from airflow_harness import (
    AirflowUnderTest,
    SwitchableSites,
    create_database,
    drop_database,
    expected_by_day,
    missing_service,
    redis_available,
    url_for,
    warehouse_articles,
)

from broadsheet.settings import Settings
from demo.airflow_server import AirflowConfig, free_port, running_airflow

pytestmark = pytest.mark.airflow

REDIS = "redis://127.0.0.1:6379/0"


@pytest.fixture(scope="module")
def celery_airflow(
    postgres_server: str, s3_server: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AirflowUnderTest]:
    if not redis_available():
        missing_service("Redis at 127.0.0.1:6379 is not reachable (the Celery broker)")
    sites = SwitchableSites()
    sites.start_all()
    metadata = create_database(postgres_server, "airflow_celery_meta")
    warehouse = create_database(postgres_server, "airflow_celery_warehouse")
    bucket = f"broadsheet-celery-{uuid.uuid4().hex[:8]}"
    fsspec.filesystem("s3", skip_instance_cache=True).mkdir(bucket)  # AWS_* point at the local S3 server
    queue = f"broadsheet_{uuid.uuid4().hex[:8]}"  # our own queue: other users of this Redis never see our tasks
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("airflow-celery"),
        site_origins=sites.origins,
        database_url=None,
        task_retries=0,
        archive_url=f"s3://{bucket}/archive",
    )
    config = AirflowConfig(
        metadata_url=url_for(postgres_server, metadata),
        api_port=free_port(),
        log_server_port=free_port(),
        executor="CeleryExecutor",
        celery_broker_url=REDIS,
        celery_result_backend=url_for(postgres_server, metadata),
        queue=queue,
        parallelism=2,
        fast_parsing=True,
    )
    try:
        with running_airflow(settings, config, url_for(postgres_server, warehouse)) as running:
            running.start_component("celery worker", "--queues", queue, "--concurrency", "2")
            under_test = AirflowUnderTest(running, sites, postgres_server, settings)
            under_test.session_warehouse = url_for(postgres_server, warehouse)
            yield under_test
    finally:
        sites.stop_all()
        drop_database(postgres_server, metadata)
        drop_database(postgres_server, warehouse)


def test_nightly_run_goes_through_the_celery_worker(celery_airflow: AirflowUnderTest):
    airflow = celery_airflow
    airflow.set_paused(False)  # the scheduler creates the latest nightly run and sends its tasks to Celery
    [run] = airflow.wait_for_runs(lambda run: run["run_type"] == "scheduled")
    assert run["state"] == "success", run

    instances = airflow.task_instances(run["dag_run_id"])
    assert {ti["state"] for ti in instances} == {"success"}
    assert {ti["queue"] for ti in instances} == {airflow.airflow.env["AIRFLOW__OPERATORS__DEFAULT_QUEUE"]}
    worker_log = airflow.airflow.log_path("celery-worker").read_text(encoding="utf-8")
    assert "succeeded" in worker_log  # celery's own line for each task the worker ran

    every_article = {site: set().union(*days.values()) for site, days in expected_by_day(airflow.sites.origins).items()}
    assert warehouse_articles(airflow.session_warehouse) == every_article
    archived = fsspec.filesystem("s3", skip_instance_cache=True).find(airflow.settings.archive_url)
    assert {path.split("/")[2] for path in archived if path.endswith(".warc.gz")} == set(every_article)
    assert not airflow.settings.archive_dir.exists(), "the worker archived on its local disk, not in the bucket"
