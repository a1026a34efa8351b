"""The `broadsheet` command line."""

from __future__ import annotations

import logging
import sys

import typer
from rich.console import Console

from broadsheet.settings import Settings

app = typer.Typer(help="Broadsheet: nightly news crawling into a PostgreSQL warehouse.", no_args_is_help=True)
# Piped output (CI logs, `| tee`) gets a wide console instead of rich's 80 columns.
console = Console(width=None if sys.stdout.isatty() else 140)


@app.callback()
def main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log every stage's summary lines.")) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


@app.command()
def demo() -> None:
    """Serve the bundled demo sites, run the nightly DAG once, and print what reached the warehouse."""
    from broadsheet.demo import run_demo

    run_demo(Settings(), console)


@app.command()
def airflow(port: int = typer.Option(8080, help="Port of the Airflow UI and API on 127.0.0.1.")) -> None:
    """Serve the demo sites and run a real local Airflow (LocalExecutor, PostgreSQL) until Ctrl-C."""
    from broadsheet.airflow_cli import run_airflow

    run_airflow(Settings(), console, port)


@app.command()
def migrate() -> None:
    """Apply pending SQL migrations to the warehouse."""
    from broadsheet.stages import prepare_warehouse

    applied = prepare_warehouse(Settings())
    console.print(f"applied {len(applied)} migration(s): {', '.join(applied) or 'none pending'}")


@app.command("warehouse-docs")
def warehouse_docs(
    check: bool = typer.Option(False, "--check", help="Fail if docs/warehouse.md is out of date instead of writing."),
) -> None:
    """Generate docs/warehouse.md, the data dictionary, from a freshly migrated warehouse's catalog."""
    from broadsheet.database import connect, embedded_postgres
    from broadsheet.migrations import apply_migrations
    from broadsheet.settings import PROJECT_ROOT
    from broadsheet.warehouse_docs import render_data_dictionary

    settings = Settings()
    target = PROJECT_ROOT / "docs" / "warehouse.md"
    # A scratch embedded database: the dictionary describes what the migrations create, not local edits.
    with embedded_postgres(settings.data_dir / "pgdata-docs") as url, connect(url) as conn:
        conn.execute("drop schema if exists raw, staging, warehouse, marts, etl cascade")
        apply_migrations(conn, settings.sql_dir)
        text = render_data_dictionary(conn)
    if check:
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            console.print(f"{target} is out of date: run `.venv/bin/broadsheet warehouse-docs`")
            raise typer.Exit(1)
        console.print(f"{target} is up to date")
        return
    target.parent.mkdir(exist_ok=True)
    target.write_text(text, encoding="utf-8")
    console.print(f"wrote {target}")


@app.command("sites")
def list_sites() -> None:
    """List the sites in the registry."""
    from broadsheet.crawlers.registry import load_registry

    settings = Settings()
    for key, site in load_registry(settings.sites_dir, settings.site_origins).items():
        console.print(f"{key:20} {'enabled ' if site.enabled else 'disabled'} {site.base_url:28} {site.name}")


if __name__ == "__main__":
    app()
