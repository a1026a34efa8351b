"""`make demo`: serve the bundled demo sites, run the nightly DAG once through Airflow, print what it loaded."""

from __future__ import annotations

import logging
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, time

import psycopg
from rich.console import Console
from rich.table import Table

from broadsheet.database import connect, warehouse_url
from broadsheet.settings import Settings
from broadsheet.sites import load_registry
from demo.airflow_local import run_dag_once
from demo.sites_server import demo_site_port, serve_demo_sites

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SiteReport:
    site_key: str
    run_id: str
    pages_fetched: int
    articles_new: int
    articles_changed: int
    articles_unchanged: int
    articles_in_warehouse: int
    duplicate_rows: int
    rejects: list[tuple[str, str, str]]  # reason, url, detail
    samples: list[tuple[str, datetime | None, str]]  # title, published_at, body start
    books: str = "not checked"  # the run's books (etl.run_books, last attempt): balanced, URLs, outcomes


def site_reports(conn: psycopg.Connection) -> list[SiteReport]:
    """What the most recent run of each site did, read back from the warehouse."""
    reports = []
    runs = conn.execute(
        """
        select distinct on (site_key)
            site_key, run_id, pages_fetched, articles_new, articles_changed, articles_unchanged
        from etl.runs
        order by site_key, finished_at desc
        """
    ).fetchall()
    for site_key, run_id, pages, new, changed, unchanged in runs:
        total, distinct = conn.execute(
            "select count(*), count(distinct canonical_url) from warehouse.articles where site_key = %s",
            (site_key,),
        ).fetchone()
        rejects = conn.execute(
            "select reason, url, detail from etl.rejects where run_id = %s and site_key = %s order by url",
            (run_id, site_key),
        ).fetchall()
        samples = conn.execute(
            """
            select title, published_at, left(body_text, 60)
            from warehouse.articles
            where site_key = %s
            order by published_at desc nulls last, canonical_url
            limit 3
            """,
            (site_key,),
        ).fetchall()
        reports.append(
            SiteReport(
                site_key, run_id, pages, new, changed, unchanged, total, total - distinct, rejects, samples,
                books=_books(conn, run_id, site_key),
            )
        )  # fmt: skip
    return reports


def _books(conn: psycopg.Connection, run_id: str, site_key: str) -> str:
    """The run's books, as the load task checked them last (broadsheet/accounting.py)."""
    row = conn.execute(
        """
        select attempt, urls_discovered, is_balanced
        from etl.run_books
        where run_id = %s and site_key = %s
        order by attempt desc
        limit 1
        """,
        (run_id, site_key),
    ).fetchone()
    if row is None:
        return "not checked"
    attempt, urls, balanced = row
    outcomes = conn.execute(
        """
        select outcome, reason, urls
        from etl.run_outcomes
        where run_id = %s and site_key = %s and attempt = %s
        order by outcome, reason
        """,
        (run_id, site_key, attempt),
    ).fetchall()
    counted = ", ".join(f"{outcome}{' ' + reason if reason else ''} {count}" for outcome, reason, count in outcomes)
    return f"{'balanced' if balanced else 'DO NOT BALANCE'}, {urls} URLs: {counted} (attempt {attempt})"


def copied_stories(conn: psycopg.Connection) -> list[tuple[str, str | None, str, list[str]]]:
    """Stories carried by more than one article: headline, agency, first site, every site that ran it."""
    return conn.execute(
        """
        select headline, agency, first_site_key, site_keys
        from marts.copies_per_story
        where copy_count > 0
        order by first_published_at, story_id
        """
    ).fetchall()


def print_stories(stories: list[tuple[str, str | None, str, list[str]]], console: Console) -> None:
    console.rule("[bold]stories carried by more than one article[/bold] (marts.copies_per_story)")
    table = Table("headline of the first article", "agency", "first published by", "sites")
    for headline, agency, first_site, sites in stories:
        table.add_row(headline, agency or "-", first_site, sites)
    console.print(table)


def print_reports(reports: list[SiteReport], console: Console) -> None:
    for report in reports:
        console.rule(f"[bold]{report.site_key}[/bold]  (run {report.run_id})")
        console.print(
            f"pages fetched: {report.pages_fetched}   articles loaded: {report.articles_new} new, "
            f"{report.articles_changed} changed, {report.articles_unchanged} unchanged   "
            f"rows in warehouse: {report.articles_in_warehouse}   duplicate rows: {report.duplicate_rows}"
        )
        if report.articles_new == 0 and report.articles_changed == 0 and report.articles_unchanged:
            console.print("[green]re-run: every article was already loaded; no row was added or changed[/green]")
        console.print(f"books: {report.books}")
        console.print(f"pages rejected: {len(report.rejects)}")
        for reason, url, detail in report.rejects:
            console.print(f"  - {reason}: {url} ({detail})")
        table = Table("title", "published_at (UTC)", "body starts", show_lines=False)
        for title, published_at, body in report.samples:
            when = published_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if published_at else "-"
            table.add_row(title, when, body + "…")
        console.print(table)


def run_demo(settings: Settings, console: Console) -> list[SiteReport]:
    sites = load_registry(settings.sites_dir, settings.site_origins)
    ports = {key: demo_site_port(site.base_url) for key, site in sites.items()}
    logical_date = datetime.combine(datetime.now(UTC).date(), time(0), tzinfo=UTC)
    with ExitStack() as stack:
        try:
            running = stack.enter_context(serve_demo_sites(ports))
        except OSError as error:
            raise SystemExit(
                f"cannot serve the demo sites on ports {sorted(ports.values())}: {error}. "
                "Stop whatever uses them (another `make demo`?) and try again."
            ) from error
        console.print(f"serving {len(running)} demo sites: " + ", ".join(f"{k} {s.origin}" for k, s in running.items()))
        if settings.database_url is None:
            console.print(
                f"BROADSHEET_DATABASE_URL is unset: starting an embedded PostgreSQL in {settings.embedded_postgres_dir}"
            )
        url = stack.enter_context(warehouse_url(settings))
        console.print(f"running Airflow DAG broadsheet_nightly for {logical_date.date()} (dag.test) …")
        run_dag_once(settings, url, logical_date)
        with connect(url) as conn:
            reports = site_reports(conn)
            stories = copied_stories(conn)
    print_reports(reports, console)
    print_stories(stories, console)
    return reports
