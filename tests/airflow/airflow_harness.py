"""Helpers for the tests that drive a real Airflow: switchable demo sites, databases, REST polling, ground truth."""

from __future__ import annotations

import json
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import ThreadingHTTPServer
from pathlib import Path

import psycopg
from services import missing_service

from broadsheet.orchestration import WAREHOUSE_CONN_ID
from broadsheet.settings import PROJECT_ROOT, Settings
from demo.airflow_local import DAG_ID
from demo.airflow_server import AirflowClient, RunningAirflow, free_port
from demo.sites_server import DEMO_SITES_DIR, demo_site_keys, start_demo_site

RUN_TIMEOUT = 900  # seconds for a run on a busy 2-core machine
ARTIFACTS = PROJECT_ROOT / "test-artifacts"


class SwitchableSites:
    """The demo sites on fixed free ports, each of which a test can take down and bring back."""

    def __init__(self) -> None:
        self.ports = {key: free_port() for key in demo_site_keys()}
        self._servers: dict[str, ThreadingHTTPServer] = {}

    @property
    def origins(self) -> dict[str, str]:
        return {key: f"http://127.0.0.1:{port}" for key, port in self.ports.items()}

    def start(self, site_key: str) -> None:
        if site_key in self._servers:
            return
        self._servers[site_key] = start_demo_site(DEMO_SITES_DIR / site_key, self.ports[site_key])

    def stop(self, site_key: str) -> None:
        server = self._servers.pop(site_key, None)
        if server is not None:
            server.shutdown()
            server.server_close()

    def start_all(self) -> None:
        for key in self.ports:
            self.start(key)

    def stop_all(self) -> None:
        for key in list(self._servers):
            self.stop(key)


def create_database(server_url: str, prefix: str) -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'create database "{name}"')
    return name


def drop_database(server_url: str, name: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'drop database if exists "{name}" with (force)')


@dataclass
class AirflowUnderTest:
    airflow: RunningAirflow
    sites: SwitchableSites
    server_url: str
    settings: Settings
    first_scheduled_run: dict | None = None
    session_warehouse: str = ""

    @property
    def client(self) -> AirflowClient:
        return self.airflow.client

    def use_warehouse(self, url: str) -> None:
        """Point the `broadsheet_warehouse` Connection at `url`: the next tasks load there."""
        self.client.put_connection(WAREHOUSE_CONN_ID, url)

    def runs(self, **filters) -> list[dict]:
        response = self.client.get(f"/api/v2/dags/{DAG_ID}/dagRuns", params={"limit": 100, **filters})
        response.raise_for_status()
        return response.json()["dag_runs"]

    def wait_for_runs(self, select=None, count: int = 1, timeout: float = RUN_TIMEOUT) -> list[dict]:
        """Wait until `count` runs matching `select` (run dict -> bool) exist and have all finished."""
        deadline = time.monotonic() + timeout
        selected: list[dict] = []
        while time.monotonic() < deadline:
            self.airflow.check_alive()
            selected = [run for run in self.runs() if select is None or select(run)]
            if len(selected) >= count and all(run["state"] in ("success", "failed") for run in selected):
                return selected
            time.sleep(3)
        states = [(run["dag_run_id"], run["state"]) for run in selected]
        raise AssertionError(f"runs did not finish within {timeout:.0f}s: {states}")

    def wait_for_run(self, run_id: str, timeout: float = RUN_TIMEOUT) -> dict:
        [run] = self.wait_for_runs(lambda run: run["dag_run_id"] == run_id, timeout=timeout)
        return run

    def wait_for_backfill(self, backfill_id: int, timeout: float = 120) -> dict:
        """Wait until the scheduler marks a backfill completed (a DAG has one active backfill at a time)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            backfill = self.client.get(f"/api/v2/backfills/{backfill_id}").json()
            if backfill.get("completed_at"):
                return backfill
            time.sleep(2)
        raise AssertionError(f"backfill {backfill_id} not completed within {timeout:.0f}s")

    def wait_for_backfills_completed(self, timeout: float = 120) -> None:
        """Wait until no backfill of the DAG is active: an earlier test's backfill would make a new one a 409."""
        backfills = self.client.get("/api/v2/backfills", params={"dag_id": DAG_ID}).json()["backfills"]
        for backfill in backfills:
            if not backfill.get("completed_at"):
                self.wait_for_backfill(backfill["id"], timeout)

    def task_instances(self, run_id: str) -> list[dict]:
        response = self.client.get(f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances", params={"limit": 100})
        response.raise_for_status()
        return response.json()["task_instances"]

    def set_paused(self, paused: bool) -> None:
        self.client.patch(f"/api/v2/dags/{DAG_ID}", json={"is_paused": paused}).raise_for_status()


def url_for(server_url: str, dbname: str) -> str:
    """The server's URL for another database, as a postgresql:// URL (what Airflow's SQLAlchemy wants)."""
    from demo.airflow_server import with_database

    return with_database(server_url, dbname)


UNDATED = "undated"  # the day key of an article without a plausible date: a scheduled run loads it, no backfill


def expected_by_day(origins: dict[str, str]) -> dict[str, dict[str, set[str]]]:
    """site -> UTC day (or UNDATED) -> canonical URLs of the demo articles published that day (ground truth)."""
    result: dict[str, dict[str, set[str]]] = {}
    for site_key, origin in origins.items():
        truth = json.loads((DEMO_SITES_DIR / site_key / "expected.json").read_text(encoding="utf-8"))
        for article in truth["articles"]:
            published = article["published_at_utc"]
            day = (
                datetime.fromisoformat(published.replace("Z", "+00:00")).astimezone(UTC).date().isoformat()
                if published
                else UNDATED
            )
            url = origin + article.get("canonical_path", article["path"])
            result.setdefault(site_key, {}).setdefault(day, set()).add(url)
    return result


def warehouse_articles(url: str) -> dict[str, set[str]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("select site_key, canonical_url from warehouse.articles").fetchall()
    found: dict[str, set[str]] = {}
    for site_key, canonical_url in rows:
        found.setdefault(site_key, set()).add(canonical_url)
    return found


def chromium_path() -> str:
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if Path(candidate).exists():
            return candidate
    missing_service("Debian's chromium is not installed (apt-get install -y chromium)")
    return ""


def redis_available(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=3) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False
