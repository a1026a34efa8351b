"""A local Apache Superset with Broadsheet's dashboard, connected to the warehouse as a BI login.

Superset lives in its own locked environment (superset/pyproject.toml, superset/uv.lock, superset/.venv built by
`make superset-install`): it never shares Airflow's dependencies, so it runs as a separate process with its own
interpreter. Its metadata database is SQLite in a data folder; the warehouse is reached only through a login
in broadsheet_bi, created (or given a new password) at each start.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from broadsheet.bi_login import create_bi_login
from broadsheet.settings import PROJECT_ROOT
from demo.airflow_server import free_port

logger = logging.getLogger(__name__)

SUPERSET_DIR = PROJECT_ROOT / "superset"
SUPERSET_VENV = SUPERSET_DIR / ".venv"
MASKED_PASSWORD = "XXXXXXXXXX"  # how Superset's exports write a database password
DASHBOARD_SLUG = "broadsheet"


class SupersetUnavailable(RuntimeError):
    """Superset is not installed or did not start; the message says what to do or which log to read."""


@dataclass(frozen=True)
class RunningSuperset:
    base_url: str
    username: str
    password: str
    bi_login: str
    log_path: Path

    @property
    def dashboard_url(self) -> str:
        return f"{self.base_url}/superset/dashboard/{DASHBOARD_SLUG}/"


def superset_installed() -> bool:
    return (SUPERSET_VENV / "bin" / "superset").exists()


def _environment(home: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("VIRTUAL_ENV", "PYTHON"))}
    return {
        **env,
        "SUPERSET_CONFIG_PATH": str(SUPERSET_DIR / "superset_config.py"),
        "BROADSHEET_SUPERSET_HOME": str(home),
        "SUPERSET_HOME": str(home),
        "FLASK_APP": "superset",
    }


def _secret_key(home: Path) -> None:
    """One key per data folder, kept: it encrypts the warehouse password stored in the metadata database."""
    path = home / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)


def _wait_until_healthy(base_url: str, process: subprocess.Popen, log_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SupersetUnavailable(f"Superset's web server exited with {process.returncode}: see {log_path}")
        try:
            with urllib.request.urlopen(f"{base_url}/health", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(1)
    raise SupersetUnavailable(f"Superset did not answer {base_url}/health within {timeout:.0f} s: see {log_path}")


@contextmanager
def run_superset(
    home: Path, warehouse_url: str, *, bi_login: str = "broadsheet_superset", port: int | None = None
) -> Iterator[RunningSuperset]:
    """Set up Superset in `home`, import the dashboard against `warehouse_url` (an admin URL: it creates the BI
    login) and serve it on 127.0.0.1 until the block ends."""
    if not superset_installed():
        raise SupersetUnavailable(f"Superset is not installed in {SUPERSET_VENV}: run `make superset-install`")
    home.mkdir(parents=True, exist_ok=True)
    _secret_key(home)
    with psycopg.connect(warehouse_url) as conn:
        exists = conn.execute("select 1 from pg_roles where rolname = %s", (bi_login,)).fetchone() is not None
    login = create_bi_login(warehouse_url, bi_login, reset_password=exists)
    admin_password = secrets.token_urlsafe(12)
    env = _environment(home)
    log_path = home / "superset.log"
    secrets_json = json.dumps({"admin_password": admin_password, "warehouse_password": login.password,
                               "warehouse_url": login.url_with_password(MASKED_PASSWORD)})  # fmt: skip
    with log_path.open("ab") as log:
        started = time.monotonic()
        setup = subprocess.run(
            [str(SUPERSET_VENV / "bin" / "python"), str(SUPERSET_DIR / "bootstrap.py")],
            input=secrets_json.encode(), env=env, stdout=log, stderr=subprocess.STDOUT, timeout=900, check=False,
        )  # fmt: skip
        if setup.returncode != 0:
            raise SupersetUnavailable(f"Superset's set-up (superset/bootstrap.py) failed: see {log_path}")
        logger.info("superset set up in %.0f s", time.monotonic() - started)
        port = port or free_port()
        base_url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [str(SUPERSET_VENV / "bin" / "superset"), "run", "-h", "127.0.0.1", "-p", str(port), "--with-threads"],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _wait_until_healthy(base_url, server, log_path, timeout=300)
            yield RunningSuperset(base_url, "admin", admin_password, bi_login, log_path)
        finally:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(10)
