"""Shared fixtures: real PostgreSQL, the demo sites over real HTTP, and their ground truth.

Under CI=true a missing service fails the tests that need it; on a developer's machine they are skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from databases import SERVER_URL, fresh_database
from demo_expectations import load_expected
from demo_warehouse import DemoWarehouse, load_demo_night
from services import missing_service

from broadsheet.settings import Settings
from demo.sites_server import serve_demo_sites


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which reads the groups (a conftest hook runs after it)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests of tests/airflow/ are meant for one xdist worker, so that one Airflow serves them all (the DAG
    tests elsewhere use `dag.test` and run anywhere), and the tests that read the demo night's warehouse for
    one worker, which then loads it once.

    Known: with pytest 9.2 and pytest-xdist 3.8 the groups have no effect (xdist tags a grouped test by setting
    `item._nodeid`, which pytest 9 no longer reads), so each worker may start its own Airflow and load its own
    demo night; the tests are written to be correct either way, and the groups apply again once xdist follows.
    """
    for item in items:
        if item.nodeid.startswith("tests/airflow/"):
            item.add_marker(pytest.mark.xdist_group("airflow"))
        elif "demo_warehouse" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("demo_warehouse"))  # one worker loads the demo night once


@pytest.fixture(scope="session")
def postgres_server() -> str:
    try:
        with psycopg.connect(SERVER_URL, connect_timeout=5):
            pass
    except psycopg.OperationalError as error:
        missing_service(f"PostgreSQL at {SERVER_URL} is not reachable: {error}")
    return SERVER_URL


@pytest.fixture
def database_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database on the real server, dropped after the test."""
    with fresh_database(postgres_server) as url:
        yield url


@pytest.fixture(scope="session")
def demo_origins() -> Iterator[dict[str, str]]:
    """The bundled demo sites, served over real HTTP on free ports of 127.0.0.1."""
    with serve_demo_sites() as running:
        yield {key: site.origin for key, site in running.items()}


@pytest.fixture
def settings(tmp_path: Path, demo_origins: dict[str, str]) -> Settings:
    """Settings for one test: its own data folder, the demo sites at their test ports, no warehouse yet."""
    return Settings(data_dir=tmp_path / "data", site_origins=demo_origins, database_url=None)


@pytest.fixture(scope="session")
def expected(demo_origins: dict[str, str]) -> dict[str, dict[str, Any]]:
    return {key: load_expected(key, origin) for key, origin in demo_origins.items()}


@pytest.fixture(scope="session")
def demo_warehouse(postgres_server: str, demo_origins: dict[str, str], tmp_path_factory) -> Iterator[DemoWarehouse]:
    """A warehouse holding the demo night (every demo site, then one edited article), shared by the tests that
    only read it (analysts' questions, the dashboard): see tests/demo_warehouse.py."""
    with fresh_database(postgres_server) as url:
        data_dir = tmp_path_factory.mktemp("demo-warehouse") / "data"
        night = load_demo_night(Settings(data_dir=data_dir, site_origins=demo_origins, database_url=url))
        yield DemoWarehouse(url, night)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "bad_input(kind): a bad input the faults suite feeds the pipeline")
    config.addinivalue_line("markers", "fault(kind): a fault the faults suite injects (kill, disk full...)")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Count each bad input and fault by kind, once its test has run (failing ones counted apart)."""
    from suite_tally import TALLY

    if report.when != "call" and not (report.when == "setup" and report.failed):
        return
    properties = dict(report.user_properties)
    if "night_books" in properties:
        books = properties["night_books"]
        TALLY.record_night(books["expected"], books["loaded"], books["rejects"])
    for marker_name, tried, failed in (
        ("bad_input", TALLY.bad_inputs, TALLY.bad_inputs_failed),
        ("fault", TALLY.faults, TALLY.faults_failed),
    ):
        for kind in properties.get(marker_name, []):
            tried.add(kind)
            if not report.passed:
                failed.add(kind)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    for marker_name in ("bad_input", "fault"):
        kinds = [marker.args[0] for marker in item.iter_markers(marker_name)]
        if kinds:
            report.user_properties.append((marker_name, kinds))


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """One line after every run that included the faults suite: what it tried and what was loaded."""
    from suite_tally import TALLY

    if TALLY.bad_inputs or TALLY.faults or TALLY.articles_expected:
        terminalreporter.write_line(TALLY.summary_line())


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """An S3-compatible server (moto in server mode, as s3fs's own tests use) on a free port of 127.0.0.1.

    The AWS_* variables point every process started from here on (crawl processes, Airflow workers) at it;
    yields the endpoint URL.
    """
    import socket

    try:
        from moto.server import ThreadedMotoServer
    except ImportError as error:
        missing_service(f"moto (the local S3 server) is not installed: {error}; run `make install`")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    variables = {
        "AWS_ACCESS_KEY_ID": "broadsheet-test",
        "AWS_SECRET_ACCESS_KEY": "broadsheet-test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": endpoint,
    }
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield endpoint
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        server.stop()


@pytest.fixture
def s3_archive_url(s3_server: str) -> str:
    """A fresh bucket on the local S3 server; the archive URL of a prefix in it."""
    import fsspec

    bucket = f"broadsheet-{uuid.uuid4().hex[:12]}"
    fs = fsspec.filesystem("s3", skip_instance_cache=True)
    fs.mkdir(bucket)
    return f"s3://{bucket}/archive"
