"""The `broadsheet` command line."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from broadsheet.settings import Settings

# Plain (click) help: typer's rich help labels every flag `<bool>`, as if it took a value.
app = typer.Typer(
    help="Broadsheet: nightly news crawling into a PostgreSQL warehouse.", no_args_is_help=True, rich_markup_mode=None
)
# Piped output (CI logs, `| tee`) gets a wide console instead of rich's 80 columns.
console = Console(width=None if sys.stdout.isatty() else 140)


@app.callback()
def main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log every stage's summary lines.")) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


@app.command()
def migrate() -> None:
    """Apply pending SQL migrations to the warehouse."""
    from broadsheet.pipeline import prepare_warehouse

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


@app.command("bi-login")
def bi_login(
    name: str = typer.Argument(..., help="Login name for the BI tool, e.g. superset or metabase."),
    reset_password: bool = typer.Option(False, "--reset-password", help="Give an existing BI login a new password."),
    host: str | None = typer.Option(None, "--host", help="Host the BI tool reaches the server at (default: ours)."),
) -> None:
    """Create a read-only login in broadsheet_bi with a generated password; print its connection string.

    Runs as BROADSHEET_DATABASE_URL's user, which needs CREATEROLE. The password is printed once, here, and
    reaches the server only as a SCRAM verifier: store the printed URL in the BI tool and nowhere else.
    """
    from broadsheet.bi_login import BiLoginError, create_bi_login

    settings = Settings()
    if settings.database_url is None:
        console.print("[red]set BROADSHEET_DATABASE_URL to the warehouse (as a user with CREATEROLE)[/red]")
        raise typer.Exit(1)
    try:
        login = create_bi_login(
            settings.database_url.get_secret_value(), name, reset_password=reset_password, host=host
        )
    except BiLoginError as error:
        console.print(f"[red]{error}[/red]", soft_wrap=True)
        raise typer.Exit(1) from error
    print(login.url)  # plain stdout, so that `$(broadsheet bi-login superset)` captures exactly the URL


@app.command("run")
def run_pipeline(
    sites: Annotated[list[str] | None, typer.Argument(help="Site keys; none: every enabled site.")] = None,
    start: Annotated[
        str | None, typer.Option("--start", help="Interval start, YYYY-MM-DD (default: yesterday).")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--end", help="Interval end, YYYY-MM-DD, exclusive (default: today).")
    ] = None,
    mode: Annotated[str, typer.Option("--mode", help="crawl, or reprocess (the archive only, no request).")] = "crawl",
    backfill: Annotated[
        bool, typer.Option("--backfill", help="Only what is dated in the interval, as an Airflow backfill.")
    ] = False,
    force_reextract: Annotated[
        bool, typer.Option("--force-reextract", help="Extract pages whose body was already loaded again.")
    ] = False,
) -> None:
    """Run the pipeline once for some sites and an interval, as the nightly DAG does, without Airflow: the same
    stage functions, progress per stage, then the accounting summary and the report's path."""
    from datetime import timedelta

    from broadsheet.orchestration import select_sites
    from broadsheet.pipeline import InvalidRunParams, RunOptions
    from broadsheet.run_command import run_sites

    settings = Settings()
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    interval_end = _parse_day(end, "--end") if end else today
    interval_start = _parse_day(start, "--start") if start else interval_end - timedelta(days=1)
    if interval_end <= interval_start:
        raise typer.BadParameter("--end must be after --start", param_hint="--end")
    try:
        keys = select_sites(settings, sites)
        options = RunOptions.of(
            {"mode": mode, "force_reextract": force_reextract}, "backfill" if backfill else "manual"
        )
    except InvalidRunParams as error:
        console.print(str(error), soft_wrap=True, markup=False)
        raise typer.Exit(2) from error
    outcome = run_sites(settings, keys, (interval_start, interval_end), options, console)
    for line in outcome.summary:
        console.print(line, soft_wrap=True, markup=False)
    if outcome.failed:
        raise typer.Exit(1)


@app.command()
def report(run_id: str = typer.Argument(..., help="The run's id (etl.runs.run_id, e.g. an Airflow run id).")) -> None:
    """Write a run's HTML report (one self-contained file) and print its summary and path."""
    from broadsheet.database import connect, warehouse_url
    from broadsheet.report import summary_lines, write_report

    settings = Settings()
    with warehouse_url(settings) as url, connect(url) as conn:
        path, figures = write_report(conn, run_id, settings.report_dir)
    if not figures.sites:
        console.print(f"no site of run {run_id!r} is in etl.runs; the report at {path} is empty", soft_wrap=True)
        raise typer.Exit(1)
    for line in summary_lines(figures, path):
        console.print(line, soft_wrap=True, markup=False)


sites_app = typer.Typer(
    help="The site registry: list, validate, crawl one site.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(sites_app, name="sites")


def _parse_day(value: str, option: str) -> datetime:
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError as error:
        raise typer.BadParameter(f"expected a date as YYYY-MM-DD, got {value!r}", param_hint=option) from error


@sites_app.command("list")
def list_sites() -> None:
    """List the sites in the registry (entries that do not validate are listed as errors)."""
    from broadsheet.sites import scan_registry

    settings = Settings()
    scan = scan_registry(settings.sites_dir, settings.site_origins)
    table = Table("key", "status", "base URL", "name", "start points", "languages")
    for key, site in scan.sites.items():
        starts = len(site.sitemaps) + len(site.news_sitemaps) + len(site.feeds) + len(site.sections)
        status = "enabled" if site.enabled else "disabled"
        table.add_row(key, status, site.base_url, site.name, str(starts), ",".join(site.languages))
    for key in scan.errors:
        table.add_row(key, "[red]invalid[/red]", "", "run `broadsheet sites validate`", "", "")
    console.print(table)


@sites_app.command("validate")
def validate_sites() -> None:
    """Validate every registry entry; exits 1 if any is wrong, naming the file, the site and the field."""
    from broadsheet.sites import scan_registry

    settings = Settings()
    scan = scan_registry(settings.sites_dir)
    for key in scan.sites:
        console.print(f"[green]ok[/green]      {key}")
    for error in scan.errors.values():
        console.print(f"[red]invalid[/red] {error}", soft_wrap=True)
    console.print(f"{len(scan.sites)} valid, {len(scan.errors)} invalid in {settings.sites_dir}")
    if scan.errors:
        raise typer.Exit(1)


@sites_app.command("crawl")
def crawl_one_site(
    site_key: str = typer.Argument(..., help="The site's key (its file name in the registry)."),
    start: str = typer.Option(..., "--start", help="First day of the window, YYYY-MM-DD (inclusive)."),
    end: str = typer.Option(..., "--end", help="Day after the window, YYYY-MM-DD (exclusive)."),
    archive: Annotated[
        str | None, typer.Option("--archive", help="WARC file to write, a path or s3:// URL (default: the archive).")
    ] = None,
) -> None:
    """Crawl one site for the window [start, end) into a WARC file, without Airflow, and print a summary."""
    from broadsheet.archive import archive_path
    from broadsheet.sites import scan_registry
    from crawlers.run import crawl_site

    settings = Settings()
    window_start, window_end = _parse_day(start, "--start"), _parse_day(end, "--end")
    if window_end <= window_start:
        raise typer.BadParameter("--end must be after --start", param_hint="--end")
    scan = scan_registry(settings.sites_dir, settings.site_origins)
    if site_key in scan.errors:
        console.print(f"[red]{scan.errors[site_key]}[/red]", soft_wrap=True)
        raise typer.Exit(1)
    if site_key not in scan.sites:
        known = ", ".join(scan.sites) or "none"
        console.print(
            f"site '{site_key}' is not in the registry at {settings.sites_dir} (known: {known})", soft_wrap=True
        )
        raise typer.Exit(2)
    site = scan.sites[site_key]
    run_slug = "cli-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = archive or archive_path(settings.archive_root, site.key, window_start, run_slug)
    from broadsheet.progress import count_file_reader, polled_count

    progress_file = settings.work_dir / f"{run_slug}-{site.key}.progress"
    progress_file.parent.mkdir(parents=True, exist_ok=True)
    max_pages = site.limits.max_pages or settings.max_pages_per_site
    with polled_count(console, f"crawl {site.key}: pages archived", count_file_reader(progress_file), max_pages):
        result = crawl_site(settings, site, target, window_end, window_start=window_start, progress_path=progress_file)
    progress_file.unlink(missing_ok=True)
    console.print(f"site            {site.key} ({site.base_url})")
    console.print(f"window          [{window_start.date()}, {window_end.date()})")
    console.print(f"pages archived  {result.pages_archived}")
    console.print(f"download errors {len(result.download_errors)}")
    for url, reason, detail in result.download_errors[:20]:
        console.print(f"  {reason:10} {url}  {detail}", soft_wrap=True)
    console.print(f"finished        {result.finish_reason}")
    console.print(f"archive         {target}")
    if result.answered_nothing:
        console.print(
            f"[red]{site.key} ({site.base_url}) answered no request: check that the site is up and that its "
            f"base_url in {settings.sites_dir / (site.key + '.toml')} is right.[/red]",
            soft_wrap=True,
        )
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
