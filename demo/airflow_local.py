"""Run the real Airflow locally for the demo and the tests: its environment, derived from Broadsheet's
settings, and one DAG run for one data interval through `airflow dags test` (Airflow's dag.test())."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from broadsheet.settings import Settings

logger = logging.getLogger(__name__)

DAG_ID = "broadsheet_nightly"


class DagRunFailed(RuntimeError):
    """The Airflow DAG run failed; the message points to its log."""


def airflow_environment(settings: Settings) -> dict[str, str]:
    """Airflow's configuration for a local, single-machine run (metadata in SQLite under data_dir)."""
    home = settings.airflow_home
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(settings.dags_dir),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
        "AIRFLOW__CORE__DAGBAG_IMPORT_ERROR_TRACEBACKS": "True",
    }


def broadsheet_environment(settings: Settings, database_url: str) -> dict[str, str]:
    """The BROADSHEET_* variables that hand this settings object to the DAG's tasks."""
    return {
        "BROADSHEET_DATABASE_URL": database_url,
        "BROADSHEET_DATA_DIR": str(settings.data_dir),
        "BROADSHEET_SITES_DIR": str(settings.sites_dir),
        "BROADSHEET_SITE_ORIGINS": json.dumps(settings.site_origins),
    }


def _airflow(args: list[str], env: dict[str, str], log_path: Path) -> subprocess.CompletedProcess[str]:
    executable = str(Path(sys.executable).with_name("airflow"))
    with log_path.open("a", encoding="utf-8") as log:
        log.write(f"\n$ airflow {' '.join(args)}\n")
        log.flush()
        return subprocess.run(
            [executable, *args], env=env, stdout=log, stderr=subprocess.STDOUT, text=True, check=False
        )


def _environment(settings: Settings, database_url: str) -> tuple[dict[str, str], Path]:
    settings.airflow_home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **airflow_environment(settings), **broadsheet_environment(settings, database_url)}
    return env, settings.airflow_home / "dag-test.log"


def migrate_airflow(settings: Settings, database_url: str) -> None:
    """Create or upgrade Airflow's metadata database (`airflow db migrate`)."""
    env, log_path = _environment(settings, database_url)
    if _airflow(["db", "migrate"], env, log_path).returncode != 0:
        raise DagRunFailed(f"`airflow db migrate` failed; see {log_path}")


def run_dag_once(settings: Settings, database_url: str, logical_date: datetime, *, migrate: bool = True) -> Path:
    """Run broadsheet_nightly once for the interval ending at `logical_date`; returns the log file. With
    `migrate=False` Airflow's metadata database must be migrated already (a benchmark times the run alone)."""
    env, log_path = _environment(settings, database_url)
    log_path.write_text("", encoding="utf-8")
    if migrate:
        migrate_airflow(settings, database_url)
    result = _airflow(["dags", "test", DAG_ID, logical_date.isoformat()], env, log_path)
    if result.returncode != 0:
        raise DagRunFailed(f"the {DAG_ID} run for {logical_date:%Y-%m-%d} failed; see {log_path}")
    return log_path
