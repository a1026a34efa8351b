"""`make airflow`: the demo sites served, the warehouse, and a real local Airflow, until Ctrl-C."""

from __future__ import annotations

import signal
import time
from contextlib import ExitStack
from types import FrameType

from rich.console import Console

from broadsheet.database import warehouse_url
from broadsheet.settings import Settings
from broadsheet.sites import load_registry
from demo.airflow_server import AirflowConfig, ensure_database, running_airflow
from demo.sites_server import demo_site_port, port_is_free, serve_demo_sites

METADATA_DATABASE = "broadsheet_airflow"


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # `kill` stops everything the same way Ctrl-C does


def run_airflow(settings: Settings, console: Console, port: int) -> None:
    sites = load_registry(settings.sites_dir, settings.site_origins)
    registry_ports = {key: demo_site_port(site.base_url) for key, site in sites.items()}
    # The registry's ports keep the demo's URLs (and so its warehouse rows) the same from run to run; a port
    # another instance holds is replaced by a free one (0), and the sites' origins follow it.
    ports = {key: port if port_is_free(port) else 0 for key, port in registry_ports.items()}
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in the background
    with ExitStack() as stack:
        try:
            running = stack.enter_context(serve_demo_sites(ports))
        except OSError as error:
            raise SystemExit(
                f"cannot serve the demo sites on ports {sorted(ports.values())}: {error}. "
                "Stop whatever uses them (`make demo`, another `make airflow`?) and try again."
            ) from error
        console.print("serving demo sites: " + ", ".join(f"{k} {s.origin}" for k, s in running.items()))
        moved = sorted(key for key, port in ports.items() if port == 0 and key in running)
        if moved:
            console.print(f"ports taken, served on free ports instead: {', '.join(moved)}")
            origins = {key: running[key].origin for key in moved}
            settings = settings.model_copy(update={"site_origins": {**settings.site_origins, **origins}})
        if settings.database_url is None:
            console.print(
                f"BROADSHEET_DATABASE_URL is unset: starting an embedded PostgreSQL in {settings.embedded_postgres_dir}"
            )
        url = stack.enter_context(warehouse_url(settings))
        metadata_url = ensure_database(url, METADATA_DATABASE)
        console.print(f"starting Airflow (api-server, scheduler, dag-processor, triggerer) in {settings.airflow_home}")
        config = AirflowConfig(metadata_url=metadata_url, api_port=port)
        console.print(
            f"ports: UI {config.api_port}, scheduler health check {config.scheduler_health_port}, "
            f"log servers {config.log_server_port} (workers) and {config.trigger_log_server_port} (triggerer)"
        )
        airflow = stack.enter_context(running_airflow(settings, config, url))
        console.print(
            f"\n[bold green]Airflow is ready[/bold green] in {airflow.started_in_seconds:.0f}s: "
            f"open [bold]{airflow.base_url}[/bold] and log in as [bold]{airflow.username}[/bold] / "
            f"[bold]{airflow.password}[/bold]\n"
            "DAG broadsheet_nightly: unpause it for the nightly schedule, or use Trigger → Single Run / Backfill.\n"
            f"Logs: {airflow.home}. Press Ctrl-C to stop everything."
        )
        try:
            while True:
                airflow.check_alive()
                time.sleep(2)
        except KeyboardInterrupt:
            console.print("stopping Airflow, the demo sites and the warehouse …")
