"""Migrations and the loader, against a real PostgreSQL database."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from broadsheet.crawlers.registry import SiteConfig

from broadsheet.loader import RunContext, load_site_run
from broadsheet.migrations import MigrationError, apply_migrations
from broadsheet.records import Article, Reject, RejectReason
from broadsheet.settings import Settings

SITE = SiteConfig(
    key="example_times",
    name="Example Times",
    base_url="https://www.example.com",
    article_patterns=["^/news/"],
    timezone="Europe/Paris",
    languages=["fr"],
)
INTERVAL = (datetime(2024, 3, 15, tzinfo=UTC), datetime(2024, 3, 16, tzinfo=UTC))


def _article(n: int, body: str = "Le conseil municipal a voté le budget.") -> Article:
    return Article(
        site_key=SITE.key,
        url=f"https://www.example.com/news/{n}?utm_source=x",
        canonical_url=f"https://www.example.com/news/{n}",
        title=f"Titre {n}",
        authors=["Claire Dubois"],
        body_text=body,
        language="fr",
        published_at=datetime(2024, 3, 15, 8, n, tzinfo=UTC),
        published_raw=f"2024-03-15T09:{n:02d}:00+01:00",
        published_source="json-ld",
        modified_at=None,
        modified_raw=None,
        modified_source=None,
        fetched_at=datetime(2024, 3, 15, 23, 0, tzinfo=UTC),
        archive_location=f"run.warc.gz#{n * 100}",
    )


@pytest.fixture
def conn(database_url: str):
    with psycopg.connect(database_url) as connection:
        apply_migrations(connection, Settings().sql_dir)
        yield connection


def _count(conn: psycopg.Connection) -> tuple[int, int]:
    return conn.execute("select count(*), count(distinct canonical_url) from warehouse.articles").fetchone()


def test_migrations_apply_once_and_a_second_apply_changes_nothing(database_url: str):
    with psycopg.connect(database_url) as connection:
        first = apply_migrations(connection, Settings().sql_dir)
        second = apply_migrations(connection, Settings().sql_dir)
    assert first == sorted(p.name for p in Settings().sql_dir.glob("*.sql"))
    assert second == []


def test_an_applied_migration_that_was_edited_is_refused(database_url: str, tmp_path: Path):
    sql_dir = tmp_path / "sql"
    shutil.copytree(Settings().sql_dir, sql_dir)
    with psycopg.connect(database_url) as connection:
        apply_migrations(connection, sql_dir)
        first = sorted(sql_dir.glob("*.sql"))[0]
        first.write_text(first.read_text() + "\n-- an edit\n")
        with pytest.raises(MigrationError, match=first.name):
            apply_migrations(connection, sql_dir)


def test_loading_the_same_run_twice_adds_no_row(conn: psycopg.Connection):
    run = RunContext("run-1", SITE, *INTERVAL)
    articles = [_article(n) for n in range(1, 6)]
    reject = Reject(SITE.key, "https://www.example.com/news/gone", "extract", RejectReason.HTTP_ERROR, "HTTP 404", "")
    first = load_site_run(conn, run, articles, [reject], pages_fetched=6)
    second = load_site_run(conn, run, articles, [reject], pages_fetched=6)
    assert (first.articles_new, first.articles_changed, first.articles_unchanged) == (5, 0, 0)
    assert (second.articles_new, second.articles_changed, second.articles_unchanged) == (0, 0, 5)
    assert _count(conn) == (5, 5)
    assert conn.execute("select count(*) from etl.rejects").fetchone()[0] == 1
    assert conn.execute("select count(*), sum(articles_unchanged) from etl.runs").fetchone() == (1, 5)


def test_an_edited_article_updates_its_one_row_and_counts_as_changed(conn: psycopg.Connection):
    load_site_run(conn, RunContext("run-1", SITE, *INTERVAL), [_article(1), _article(2)], [], pages_fetched=2)
    edited = replace(_article(2, body="Le conseil municipal a voté le budget, corrigé."))
    summary = load_site_run(conn, RunContext("run-2", SITE, *INTERVAL), [_article(1), edited], [], pages_fetched=2)
    assert (summary.articles_new, summary.articles_changed, summary.articles_unchanged) == (0, 1, 1)
    assert _count(conn) == (2, 2)
    body, run_id = conn.execute(
        "select body_text, loaded_by_run_id from warehouse.articles where canonical_url like '%/2'"
    ).fetchone()
    assert body.endswith("corrigé.") and run_id == "run-2"


def test_two_urls_with_one_canonical_url_become_one_article(conn: psycopg.Connection):
    twin = replace(_article(1), url="https://www.example.com/news/1?ref=home")
    load_site_run(conn, RunContext("run-1", SITE, *INTERVAL), [_article(1), twin], [], pages_fetched=2)
    assert _count(conn) == (1, 1)


def test_published_at_is_stored_as_the_utc_instant_with_its_provenance(conn: psycopg.Connection):
    load_site_run(conn, RunContext("run-1", SITE, *INTERVAL), [_article(7)], [], pages_fetched=1)
    conn.execute("set time zone 'America/Los_Angeles'")
    row = conn.execute("select published_at, published_raw, published_source from warehouse.articles").fetchone()
    assert row[0] == datetime(2024, 3, 15, 8, 7, tzinfo=UTC)
    assert row[1:] == ("2024-03-15T09:07:00+01:00", "json-ld")
