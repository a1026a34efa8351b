"""The `broadsheet-demo` command line: the demo night and a local Airflow, both on the bundled demo sites."""

from __future__ import annotations

import logging
import sys

import typer
from rich.console import Console

from broadsheet.settings import Settings

app = typer.Typer(
    help="Broadsheet's demo: the bundled demo sites, a demo night, a local Airflow.",
    no_args_is_help=True,
    rich_markup_mode=None,  # plain help: typer's rich help labels every flag `<bool>`
)
# Piped output (CI logs, `| tee`) gets a wide console instead of rich's 80 columns.
console = Console(width=None if sys.stdout.isatty() else 140)


@app.callback()
def main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log every stage's summary lines.")) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


@app.command()
def night() -> None:
    """Serve the bundled demo sites, run the nightly DAG once, and print what reached the warehouse."""
    from demo.night import run_demo

    run_demo(Settings(), console)


@app.command()
def airflow(port: int = typer.Option(8080, help="Port of the Airflow UI and API on 127.0.0.1.")) -> None:
    """Serve the demo sites and run a real local Airflow (LocalExecutor, PostgreSQL) until Ctrl-C."""
    from demo.airflow_command import run_airflow

    run_airflow(Settings(), console, port)


@app.command()
def superset(
    port: int = typer.Option(0, help="Port of Superset on 127.0.0.1 (0: a free one, printed)."),
    login: str = typer.Option("broadsheet_superset", help="The BI login Superset connects as (made or renewed)."),
) -> None:
    """Apache Superset with Broadsheet's dashboard on the warehouse, until Ctrl-C (loads the demo night first when
    the warehouse has no article)."""
    from demo.superset_command import run_superset_demo

    run_superset_demo(Settings(), console, port or None, login)
