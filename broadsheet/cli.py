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
def migrate() -> None:
    """Apply pending SQL migrations to the warehouse."""
    from broadsheet.stages import prepare_warehouse

    applied = prepare_warehouse(Settings())
    console.print(f"applied {len(applied)} migration(s): {', '.join(applied) or 'none pending'}")


@app.command("sites")
def list_sites() -> None:
    """List the sites in the registry."""
    from broadsheet.crawlers.registry import load_registry

    settings = Settings()
    for key, site in load_registry(settings.sites_dir, settings.site_origins).items():
        console.print(f"{key:20} {'enabled ' if site.enabled else 'disabled'} {site.base_url:28} {site.name}")


if __name__ == "__main__":
    app()
