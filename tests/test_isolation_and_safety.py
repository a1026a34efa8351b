"""A site writes only its own rows, text is stored safe, one page never fails a stage, and secrets never
reach a message or a log line: the loader against real PostgreSQL, the extract stage's guard, the masking."""

from __future__ import annotations

import logging
import subprocess
import sys
from datetime import UTC, datetime

import psycopg
import pytest
from test_warehouse import INTERVAL, SITE, _article

from broadsheet.database import WarehouseUnavailable, connect
from broadsheet.loader import RunContext, load_site_run
from broadsheet.migrations import apply_migrations
from broadsheet.page_guard import guarded_extract, storable_text
from broadsheet.records import ExtractedArticle, FetchedPage, Reject
from broadsheet.secret_masking import mask_secrets
from broadsheet.settings import Settings

OTHER_SITE = SITE.model_copy(
    update={"key": "other_post", "name": "Other Post", "base_url": "https://www.other-post.example"}
)


@pytest.fixture
def conn(database_url):
    with psycopg.connect(database_url) as connection:
        apply_migrations(connection, Settings().sql_dir)
        yield connection


def _articles(conn, site_key: str) -> dict[str, tuple]:
    rows = conn.execute(
        "select canonical_url, site_key, title from warehouse.articles where site_key = %s", (site_key,)
    )
    return {row[0]: row for row in rows}


def test_the_loader_refuses_a_row_whose_canonical_url_belongs_to_another_site(conn):
    load_site_run(conn, RunContext("run-1", SITE, *INTERVAL), [_article(1)], [])
    victim = _article(1).extracted.canonical_url
    hijack = _article(1, site_key=OTHER_SITE.key, url="https://www.other-post.example/news/x",
                     title="Rewritten by another site")  # fmt: skip
    summary = load_site_run(conn, RunContext("run-2", OTHER_SITE, *INTERVAL), [hijack], [])
    assert _articles(conn, SITE.key)[victim] == (victim, SITE.key, "Titre 1")  # untouched
    assert _articles(conn, OTHER_SITE.key) == {}
    assert summary.rejects == 1
    [(stage, reason, detail)] = conn.execute(
        "select stage, reason, detail from etl.rejects where site_key = 'other_post'"
    ).fetchall()
    assert (stage, reason) == ("load", "foreign_canonical") and victim in detail


def test_the_warehouse_never_lets_one_site_overwrite_anothers_row_even_with_a_matching_canonical(conn):
    """The second line of defence, in SQL: a site whose own domain list wrongly covers another's URLs."""
    load_site_run(conn, RunContext("run-1", SITE, *INTERVAL), [_article(2)], [])
    greedy = OTHER_SITE.model_copy(update={"domains": ["example.com"]})
    hijack = _article(2, site_key=greedy.key, title="Rewritten", body_text="Other text entirely.")
    load_site_run(conn, RunContext("run-2", greedy, *INTERVAL), [hijack], [])
    assert _articles(conn, SITE.key)[_article(2).extracted.canonical_url][2] == "Titre 2"


def test_nul_and_lone_surrogates_are_removed_before_the_load(conn):
    dirty = _article(3, title="Grève\x00 des dockers \ud800", body_text="Le port\x00 est fermé. \udfff")
    load_site_run(conn, RunContext("run-1", SITE, *INTERVAL), [dirty], [])
    assert _articles(conn, SITE.key)[dirty.extracted.canonical_url][2] == "Grève des dockers "


def _page(body: str = "<html></html>") -> FetchedPage:
    url = "https://www.example.com/news/1"
    return FetchedPage(SITE.key, url, url, 200, {"content-type": "text/html"}, body.encode(), datetime.now(UTC), "r#1")


@pytest.mark.parametrize("error", [RecursionError("maximum recursion depth"), MemoryError(), KeyError("headline")])
def test_whatever_extraction_raises_on_one_page_becomes_its_reject_naming_the_type(error):
    def extract(page: FetchedPage) -> ExtractedArticle:
        raise error

    [reject] = guarded_extract(_page(), SITE, extract, max_title_chars=100, max_body_chars=100)
    assert isinstance(reject, Reject)
    assert (reject.stage, reject.reason) == ("extract", "extraction_error")
    assert reject.detail.startswith(type(error).__name__)


def test_storable_text_keeps_everything_but_nul_and_lone_surrogates():
    assert storable_text("a\x00b\ud800c\udfffd 🎉 \u202eRTL") == "abcd 🎉 \u202eRTL"


MALFORMED = "postgresql://broadsheet:hunter2secret@[::1:5999/warehouse"


@pytest.mark.parametrize(
    "text",
    [
        MALFORMED,
        "postgresql://broadsheet:hunter2secret@db.example.com:5432/warehouse",
        "postgres://u:hunter2secret@h/db?sslmode=require",
        "host=db user=broadsheet password=hunter2secret dbname=warehouse",
        "'password': 'hunter2secret'",
        '{"password": "hunter2secret"}',
        "https://user:hunter2secret@example.com/feed.xml",
        "s3://key:hunter2secret@bucket/archive",
    ],
)
def test_every_form_of_a_password_is_masked(text):
    masked = mask_secrets(text)
    assert "hunter2secret" not in masked and "***" in masked


def test_a_malformed_database_url_fails_without_its_password_in_the_error():
    with pytest.raises(WarehouseUnavailable) as error:
        connect(MALFORMED)
    assert "hunter2secret" not in str(error.value)
    assert error.value.__cause__ is None and error.value.__suppress_context__  # the psycopg text is not chained
    assert "BROADSHEET_DATABASE_URL" in str(error.value)


def test_a_log_line_quoting_a_password_is_masked_whoever_logs_it(caplog):
    import broadsheet  # noqa: F401 - installs the masking, as every Broadsheet process does

    with caplog.at_level(logging.INFO):
        logging.getLogger("psycopg.somewhere").warning("could not parse %s", MALFORMED)
        try:
            psycopg.connect(MALFORMED)
        except psycopg.Error:
            logging.getLogger("airflow.task").exception("task failed")
    text = "\n".join(record.getMessage() + (record.exc_text or "") for record in caplog.records)
    assert "could not parse" in text and "task failed" in text
    assert "hunter2secret" not in text


def test_the_cli_with_a_malformed_database_url_prints_no_password(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "broadsheet.cli", "migrate"],
        env={"BROADSHEET_DATABASE_URL": MALFORMED, "BROADSHEET_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "hunter2secret" not in result.stdout + result.stderr
    assert "cannot connect to the warehouse" in result.stdout + result.stderr
