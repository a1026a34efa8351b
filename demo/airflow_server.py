"""A real local Airflow 3 as users run it: api-server, scheduler, dag-processor and triggerer as child
processes, LocalExecutor (or CeleryExecutor), and a PostgreSQL metadata database.

`make airflow` and the tests start it the same way (`running_airflow`): write the configuration into the
environment, migrate the metadata database, start the four components, wait for /api/v2/monitor/health,
then create the pools and the `broadsheet_warehouse` Connection through the REST API. Everything lives under
settings.airflow_home; leaving the block stops every process it started.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from psycopg.conninfo import conninfo_to_dict

from broadsheet.orchestration import WAREHOUSE_CONN_ID
from broadsheet.settings import Settings
from demo.airflow_local import DAG_ID

logger = logging.getLogger(__name__)

COMPONENTS = ("api-server", "scheduler", "dag-processor", "triggerer")
USERNAME = "admin"


class AirflowStartFailed(RuntimeError):
    """A component did not come up; the message names it and its log file."""


EPHEMERAL_PORTS = Path("/proc/sys/net/ipv4/ip_local_port_range")
LOWEST_LISTENING_PORT = 10000  # below it sit the well-known services (PostgreSQL, Redis, RabbitMQ, ...)


def free_port() -> int:
    """A port free now on 127.0.0.1 for a server started a moment later, drawn from below the kernel's ephemeral
    range: a port the kernel picked (bind to 0) is one it also hands to outgoing connections, and a parallel
    test's connection to PostgreSQL once took a probed port before the demo site bound it."""
    try:
        lowest_ephemeral = int(EPHEMERAL_PORTS.read_text().split()[0])
    except (OSError, ValueError, IndexError):  # not Linux: the kernel's own choice
        lowest_ephemeral = LOWEST_LISTENING_PORT
    for _ in range(200):
        port = secrets.randbelow(max(lowest_ephemeral - LOWEST_LISTENING_PORT, 1)) + LOWEST_LISTENING_PORT
        if port >= lowest_ephemeral:
            break
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def sqlalchemy_url(postgres_url: str) -> str:
    """A libpq URL (postgresql://...) as SQLAlchemy's psycopg 3 URL for Airflow's metadata database."""
    if postgres_url.startswith("postgresql://"):
        return "postgresql+psycopg://" + postgres_url.removeprefix("postgresql://")
    if postgres_url.startswith("postgres://"):
        return "postgresql+psycopg://" + postgres_url.removeprefix("postgres://")
    raise ValueError(f"the metadata database must be a postgresql:// URL, got {postgres_url.split('@')[-1]!r}")


def _persistent_secret(path: Path, make) -> str:
    """A secret kept in the Airflow home, so components and restarts agree on it."""
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    path.write_text(value, encoding="utf-8")
    path.chmod(0o600)
    return value


@dataclass(frozen=True)
class AirflowConfig:
    """What one local Airflow needs to know; the rest is derived from Settings."""

    metadata_url: str  # PostgreSQL URL of Airflow's own database
    api_port: int
    executor: str = "LocalExecutor"
    celery_broker_url: str | None = None
    celery_result_backend: str | None = None
    parallelism: int = 4
    fast_parsing: bool = False  # tests: parse DAG files often so a fresh instance sees them at once
    # Where workers and the triggerer serve task logs to the UI, and the scheduler's health check: free ports,
    # so two instances on one machine (a test suite's and `make airflow`) never collide on Airflow's defaults
    # (8793, 8794, 8974).
    log_server_port: int = field(default_factory=lambda: free_port())
    trigger_log_server_port: int = field(default_factory=lambda: free_port())
    scheduler_health_port: int = field(default_factory=lambda: free_port())
    queue: str = "default"  # the Celery queue tasks are sent to (and the worker listens on)
    extra_env: dict[str, str] = field(default_factory=dict)


def server_environment(settings: Settings, config: AirflowConfig) -> dict[str, str]:
    """The AIRFLOW__* and BROADSHEET_* variables every component (and every task) runs with.

    No warehouse secret here: tasks read it from the `broadsheet_warehouse` Connection.
    """
    home = settings.airflow_home
    home.mkdir(parents=True, exist_ok=True)
    passwords = home / "simple_auth_manager_passwords.json"
    if not passwords.exists():
        passwords.write_text(json.dumps({USERNAME: secrets.token_urlsafe(12)}), encoding="utf-8")
        passwords.chmod(0o600)
    env = {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(settings.dags_dir),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": config.executor,
        "AIRFLOW__CORE__PARALLELISM": str(config.parallelism),
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        "AIRFLOW__CORE__FERNET_KEY": _persistent_secret(home / "fernet.key", _fernet_key),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": sqlalchemy_url(config.metadata_url),
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(config.api_port),
        "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{config.api_port}",
        "AIRFLOW__API__SECRET_KEY": _persistent_secret(home / "api.secret", lambda: secrets.token_urlsafe(32)),
        "AIRFLOW__API_AUTH__JWT_SECRET": _persistent_secret(home / "jwt.secret", lambda: secrets.token_urlsafe(32)),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{config.api_port}/execution/",
        "AIRFLOW__CORE__AUTH_MANAGER": "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{USERNAME}:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords),
        "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "True",
        "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_HOST": "127.0.0.1",
        "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT": str(config.scheduler_health_port),
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(config.log_server_port),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(config.trigger_log_server_port),
        "AIRFLOW__OPERATORS__DEFAULT_QUEUE": config.queue,
        "BROADSHEET_DATA_DIR": str(settings.data_dir),
        "BROADSHEET_ARCHIVE_URL": settings.archive_root,
        "BROADSHEET_SITES_DIR": str(settings.sites_dir),
        "BROADSHEET_DAGS_DIR": str(settings.dags_dir),
        "BROADSHEET_SITE_ORIGINS": json.dumps(settings.site_origins),
        "BROADSHEET_TASK_RETRIES": str(settings.task_retries),
        "BROADSHEET_TASK_RETRY_DELAY_SECONDS": str(settings.task_retry_delay_seconds),
        "BROADSHEET_SCHEDULE_CRON": settings.schedule_cron,
        "BROADSHEET_SCHEDULE_TIMEZONE": settings.schedule_timezone,
    }
    if config.fast_parsing:
        env |= {
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "10",
            "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "2",
            "AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES": "1",
        }
    if config.executor == "CeleryExecutor":
        if not (config.celery_broker_url and config.celery_result_backend):
            raise ValueError("CeleryExecutor needs a broker URL (Redis) and a result backend (PostgreSQL)")
        env |= {
            "AIRFLOW__CELERY__BROKER_URL": config.celery_broker_url,
            "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + sqlalchemy_url(config.celery_result_backend),
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(config.parallelism),
        }
    return env | config.extra_env


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def password(settings: Settings) -> str:
    """The generated password of the `admin` user (kept in the Airflow home)."""
    passwords = json.loads((settings.airflow_home / "simple_auth_manager_passwords.json").read_text(encoding="utf-8"))
    return passwords[USERNAME]


def _airflow_executable() -> str:
    return str(Path(sys.executable).with_name("airflow"))


def _run_cli(args: list[str], env: dict[str, str], log_path: Path) -> None:
    with log_path.open("a", encoding="utf-8") as log:
        log.write(f"\n$ airflow {' '.join(args)}\n")
        log.flush()
        completed = subprocess.run(
            [_airflow_executable(), *args], env=env, stdout=log, stderr=subprocess.STDOUT, check=False
        )
    if completed.returncode != 0:
        raise AirflowStartFailed(f"`airflow {' '.join(args)}` failed; see {log_path}")


class AirflowClient:
    """The REST API (v2) with a token from POST /auth/token."""

    def __init__(self, base_url: str, username: str, password: str) -> None:
        self.base_url = base_url
        self._credentials = {"username": username, "password": password}
        self.http = httpx.Client(base_url=base_url, timeout=120)  # a loaded 2-core machine answers slowly

    def login(self) -> None:
        response = self.http.post("/auth/token", json=self._credentials)
        response.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        response = self.http.request(method, path, **kwargs)
        if response.status_code == 401:
            self.login()
            response = self.http.request(method, path, **kwargs)
        return response

    def get(self, path: str, **kwargs) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs) -> httpx.Response:
        return self.request("PATCH", path, **kwargs)

    def put_connection(self, conn_id: str, postgres_url: str) -> None:
        """Create or replace a Postgres Connection from a libpq URL."""
        parts = conninfo_to_dict(postgres_url)
        body = {
            "connection_id": conn_id,
            "conn_type": "postgres",
            "host": parts.get("host"),
            "port": int(parts["port"]) if parts.get("port") else None,
            "login": parts.get("user"),
            "password": parts.get("password"),
            "schema": parts.get("dbname"),
            "description": "Broadsheet's warehouse (set by demo.airflow_server)",
        }
        response = self.patch(f"/api/v2/connections/{conn_id}", json=body)
        if response.status_code == 404:
            response = self.post("/api/v2/connections", json=body)
        response.raise_for_status()

    def put_pool(self, name: str, slots: int, description: str) -> None:
        body = {"name": name, "slots": slots, "description": description, "include_deferred": False}
        response = self.patch(f"/api/v2/pools/{name}", json=body)
        if response.status_code == 404:
            response = self.post("/api/v2/pools", json=body)
        response.raise_for_status()

    def close(self) -> None:
        self.http.close()


@dataclass
class RunningAirflow:
    base_url: str
    username: str
    password: str
    home: Path
    env: dict[str, str]
    client: AirflowClient
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    started_in_seconds: float = 0.0

    def log_path(self, component: str) -> Path:
        return self.home / f"{component}.log"

    def start_component(self, component: str, *args: str) -> subprocess.Popen:
        """Start one more component (e.g. `celery worker`) with the same configuration."""
        name = component.replace(" ", "-")
        log = self.log_path(name).open("a", encoding="utf-8")
        process = subprocess.Popen(
            [_airflow_executable(), *component.split(), *args],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped whole, and Ctrl-C reaches us first
        )
        log.close()
        self.processes[name] = process
        return process

    def stop(self, timeout: float = 15) -> None:
        """Stop every component, the api-server last: running tasks report their end through it."""
        order = sorted(self.processes, key=lambda name: name == "api-server")
        for name in order:
            process = self.processes[name]
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                logger.warning("Airflow %s did not stop within %.0fs; killing it", name, timeout)
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # task processes left in its group

    def check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise AirflowStartFailed(f"Airflow {name} exited with {process.returncode}; see {self.log_path(name)}")


def _wait_until(condition, what: str, airflow: RunningAirflow, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last_error: object = None
    while time.monotonic() < deadline:
        airflow.check_alive()
        try:
            if condition():
                return
        except httpx.HTTPError as error:
            last_error = error
        time.sleep(1)
    raise AirflowStartFailed(
        f"timed out after {timeout:.0f}s waiting for {what} ({last_error}); logs in {airflow.home}"
    )


def _healthy(client: AirflowClient) -> bool:
    health = client.http.get("/api/v2/monitor/health").json()
    return all(
        (health.get(part) or {}).get("status") == "healthy"
        for part in ("metadatabase", "scheduler", "triggerer", "dag_processor")
    )


@contextmanager
def running_airflow(
    settings: Settings, config: AirflowConfig, warehouse_url: str, start_timeout: float = 300
) -> Iterator[RunningAirflow]:
    """Start Airflow's four components against the metadata database; stop them when the block ends."""
    started = time.monotonic()
    env = {**os.environ, **server_environment(settings, config)}
    env = {k: v for k, v in env.items() if k != "BROADSHEET_DATABASE_URL"}  # the Connection is the warehouse
    home = settings.airflow_home
    _run_cli(["db", "migrate"], env, home / "db-migrate.log")
    base_url = f"http://127.0.0.1:{config.api_port}"
    client = AirflowClient(base_url, USERNAME, password(settings))
    airflow = RunningAirflow(base_url, USERNAME, password(settings), home, env, client)
    try:
        airflow.start_component("api-server", "--port", str(config.api_port), "--host", "127.0.0.1", "--workers", "1")
        for component in COMPONENTS[1:]:
            airflow.start_component(component)
        _wait_until(lambda: _healthy(client), "/api/v2/monitor/health", airflow, start_timeout)
        client.login()
        client.put_connection(WAREHOUSE_CONN_ID, warehouse_url)
        client.put_pool("broadsheet", settings.pool_slots, "Broadsheet site tasks running at once")
        client.put_pool("broadsheet_crawl", settings.crawl_pool_slots, "Broadsheet crawls running at once")
        _wait_until(
            lambda: client.get(f"/api/v2/dags/{DAG_ID}").status_code == 200,
            f"the DAG {DAG_ID} to be parsed",
            airflow,
            start_timeout,
        )
        airflow.started_in_seconds = time.monotonic() - started
        logger.info("Airflow ready at %s in %.1fs", base_url, airflow.started_in_seconds)
        yield airflow
    finally:
        client.close()
        airflow.stop()


def with_database(postgres_url: str, dbname: str) -> str:
    """The same server's URL for another database."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(postgres_url)
    if parts.scheme not in ("postgresql", "postgres"):
        raise ValueError("expected a postgresql:// URL")
    return urlunsplit(parts._replace(path=f"/{dbname}"))


def ensure_database(server_url: str, dbname: str) -> str:
    """Create `dbname` on the server if it does not exist; returns its URL."""
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", (dbname,)).fetchone()
        if not exists:
            conn.execute(f'create database "{dbname}"')
    return with_database(server_url, dbname)
