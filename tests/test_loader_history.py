"""What the warehouse keeps when fetches of one article disagree: the newest fetch wins, whatever order the
loads run in, and a byline that loses an author loses its link to that author."""

from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest
from test_warehouse import FETCHED_AT, INTERVAL, SITE, _article

from broadsheet.loader import RunContext, load_site_run
from broadsheet.migrations import apply_migrations
from broadsheet.settings import Settings


@pytest.fixture
def conn(database_url):
    with psycopg.connect(database_url) as connection:
        apply_migrations(connection, Settings().sql_dir)
        yield connection


def _title(conn, canonical_url: str) -> str:
    return conn.execute("select title from warehouse.articles where canonical_url = %s", (canonical_url,)).fetchone()[0]


def test_in_one_load_the_newer_of_two_fetches_of_one_canonical_url_wins(conn):
    older = _article(1, title="Old headline", archive_location="run.warc.gz#900")
    newer = _article(1, title="New headline", archive_location="run.warc.gz#12000")  # same second
    for order in ([older, newer], [newer, older]):
        load_site_run(conn, RunContext(f"run-{order[0].extracted.title}", SITE, *INTERVAL), order, [])
        assert _title(conn, older.extracted.canonical_url) == "New headline"


def test_an_older_fetch_loaded_later_does_not_overwrite_a_newer_one(conn):
    """A backfill of an earlier interval runs after tonight's load: the article keeps tonight's version."""
    tonight = _article(2, title="Corrected headline")
    last_week = _article(2, title="First headline", fetched_at=FETCHED_AT - timedelta(days=7))
    load_site_run(conn, RunContext("tonight", SITE, *INTERVAL), [tonight], [])
    load_site_run(conn, RunContext("backfill", SITE, *INTERVAL), [last_week], [])
    assert _title(conn, tonight.extracted.canonical_url) == "Corrected headline"
    versions = conn.execute("select count(*) from warehouse.article_versions").fetchone()[0]
    assert versions == 1  # the older text is history, not a new current version... nor a row overwritten


def _bylines(conn) -> list[str]:
    return [
        name
        for (name,) in conn.execute(
            "select author.name from warehouse.article_authors join warehouse.authors as author using (author_id)"
            " order by position"
        )
    ]


def test_authors_dropped_from_a_byline_are_unlinked_even_when_none_is_left(conn):
    first = _article(3, authors=["Claire Dubois", "Marc Petit"])
    load_site_run(conn, RunContext("run-1", SITE, *INTERVAL), [first], [])
    assert _bylines(conn) == ["Claire Dubois", "Marc Petit"]
    fewer = _article(3, authors=["Marc Petit"], fetched_at=FETCHED_AT + timedelta(hours=1))
    load_site_run(conn, RunContext("run-2", SITE, *INTERVAL), [fewer], [])
    assert _bylines(conn) == ["Marc Petit"]
    none = _article(3, authors=[], fetched_at=FETCHED_AT + timedelta(hours=2))
    load_site_run(conn, RunContext("run-3", SITE, *INTERVAL), [none], [])
    assert _bylines(conn) == []
