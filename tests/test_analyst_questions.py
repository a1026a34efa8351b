"""An analyst's questions, asked the way BI tools and notebooks ask them: SQLAlchemy, connected as a login made
by `broadsheet bi-login` (member of broadsheet_bi), against the demo night loaded by the real pipeline."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import psycopg
import pytest
import sqlalchemy
from demo_warehouse import EDITED_BODY_ADDITION, DemoWarehouse
from sqlalchemy import text
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from broadsheet.bi_login import create_bi_login
from broadsheet.cli import app


def _sqlalchemy_url(libpq_url: str) -> str:
    """The URL `bi-login` prints, with the driver BI tools in this environment have (psycopg 3)."""
    return libpq_url.replace("postgresql://", "postgresql+psycopg://", 1)


def _drop_role(server_url: str, name: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'drop role if exists "{name}"')


@pytest.fixture(scope="module")
def bi_url(demo_warehouse: DemoWarehouse, postgres_server: str) -> Iterator[str]:
    name = f"bi_analyst_{uuid.uuid4().hex[:8]}"
    login = create_bi_login(demo_warehouse.url, name)
    try:
        yield _sqlalchemy_url(login.url)
    finally:
        _drop_role(postgres_server, name)


@pytest.fixture(scope="module")
def bi(bi_url: str) -> Iterator[Engine]:
    engine = sqlalchemy.create_engine(bi_url)
    try:
        yield engine
    finally:
        engine.dispose()


def _rows(engine: Engine, statement: str, **params: Any) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(text(statement), params)]


# --- the questions -------------------------------------------------------------------------------------------


def test_articles_per_site_and_day_count_every_article_with_undated_ones_in_their_own_bucket(bi, expected):
    totals = _rows(bi, "select site_key, sum(article_count) as articles from articles_per_site_day group by 1")
    assert {row["site_key"]: row["articles"] for row in totals} == {
        key: len(site["articles"]) for key, site in expected.items()
    }
    undated = _rows(
        bi, "select site_key, published_day, published_on_local, article_count from articles_per_site_day"
        " where is_undated"
    )  # fmt: skip
    wanted = Counter(key for key, site in expected.items() for a in site["articles"] if a["published_at_utc"] is None)
    assert undated == [
        {"site_key": key, "published_day": "undated", "published_on_local": None, "article_count": count}
        for key, count in wanted.items()
    ]


def test_a_date_known_only_to_the_day_charts_on_that_day_in_the_site_s_zone(bi, expected):
    day_only = next(a for a in expected["diari_del_port"]["articles"] if a["published_precision"] == "day")
    row = _rows(
        bi,
        "select published_at, published_on_local, published_on_utc, site_timezone, is_published_timezone_assumed,"
        " published_precision from marts.article_details where canonical_url = :url",
        url=day_only["canonical_url"],
    )[0]
    assert row["published_at"].isoformat() == day_only["published_at_utc"].replace("Z", "+00:00")  # 04-04 22:00 UTC
    assert row["published_on_local"] == row["published_on_utc"] == date(2024, 4, 5)
    assert (row["site_timezone"], row["is_published_timezone_assumed"], row["published_precision"]) == (
        "Europe/Madrid",
        True,
        "day",
    )
    days = _rows(
        bi, "select published_on_utc, article_count from articles_per_site_day where site_key = 'diari_del_port'"
    )
    assert {row["published_on_utc"] for row in days} >= {date(2024, 4, 5)}
    assert date(2024, 4, 4) not in {row["published_on_utc"] for row in days}


def test_the_edited_article_says_what_changed_and_when(bi, demo_warehouse):
    night = demo_warehouse.night
    changes = _rows(
        bi,
        "select changes.* from article_changes as changes join article_details using (article_id)"
        " where article_details.canonical_url = :url",
        url=night.edited_canonical_url,
    )
    assert len(changes) == 1
    change = changes[0]
    assert (change["version_number"], change["version_count"], change["changed_fields"]) == (2, 2, "title, body")
    assert change["changed_at"] == change["last_changed_at"] == night.edited_seen_at
    assert change["title_after"] == change["current_title"] == night.edited_title
    assert change["title_after"] == change["title_before"] + " (updated)"
    assert change["word_count_change"] == len(EDITED_BODY_ADDITION.split())
    details = _rows(
        bi,
        "select version_count, is_edited, last_changed_at from article_details where canonical_url = :url",
        url=night.edited_canonical_url,
    )
    assert details == [{"version_count": 2, "is_edited": True, "last_changed_at": night.edited_seen_at}]
    never_edited = _rows(
        bi, "select count(*) as n from article_details where not is_edited and last_changed_at is null"
    )
    total = _rows(bi, "select count(*) as n from article_details")
    assert never_edited[0]["n"] == total[0]["n"] - 1


def test_top_authors_come_from_one_row_per_author_without_array_functions(bi, expected):
    wanted = Counter(
        (key, author) for key, site in expected.items() for article in site["articles"] for author in article["authors"]
    )
    bylines = _rows(bi, "select site_key, author_name, count(*) as n from article_bylines group by 1, 2")
    assert Counter({(row["site_key"], row["author_name"]): row["n"] for row in bylines}) == wanted
    top = _rows(bi, "select site_key, author_name, article_count from articles_per_author order by 3 desc, 2 limit 1")
    assert top[0]["article_count"] == max(wanted.values())


def test_analysts_count_people_apart_from_the_agencies_that_bylines_credit(bi, expected):
    """The demo's agency copy credits the Associated Press: an organisation, not a prolific reporter."""
    wanted = Counter(
        (key, author)
        for key, site in expected.items()
        for article in site["articles"]
        for author in article["authors"]
        if author == "Associated Press"
    )
    organisations = _rows(
        bi, "select site_key, author_name, article_count from articles_per_author where author_kind = 'organisation'"
    )
    assert wanted, "the demo sites credit an agency"
    assert {(row["site_key"], row["author_name"]): row["article_count"] for row in organisations} == wanted
    people = _rows(bi, "select distinct author_kind from article_bylines where author_name <> 'Associated Press'")
    assert people == [{"author_kind": "person"}]


def test_rejects_are_summarised_per_site_stage_reason_and_day_while_the_rows_stay_private(bi, expected):
    summary = _rows(bi, "select site_key, stage, reason, is_article_loaded, reject_count from rejects_per_day")
    counted = Counter()
    for row in summary:
        counted[(row["site_key"], row["reason"])] += row["reject_count"]
        assert row["is_article_loaded"] == (row["reason"] == "no_date")
    wanted = Counter(
        (key, "http_error" if reject["reason"].startswith("http_") else reject["reason"])  # http_404 is an http_error
        for key, site in expected.items()
        for reject in site.get("rejects", [])
    )
    undated = Counter(
        (key, "no_date") for key, s in expected.items() for a in s["articles"] if not a["published_at_utc"]
    )
    assert counted == wanted + undated
    with bi.connect() as conn, pytest.raises(sqlalchemy.exc.ProgrammingError, match="permission denied"):
        conn.execute(text("select url, detail from etl.rejects"))


def test_search_returns_the_article_its_rank_and_a_snippet_in_the_article_s_language(bi, demo_warehouse):
    hits = _rows(bi, "select * from marts.search_articles(:query)", query="corrections councils")
    assert [hit["title"] for hit in hits][:1] == [demo_warehouse.night.edited_title]
    best = hits[0]
    assert best["rank"] > 0 and set(best) == {
        "article_id", "site_key", "title", "language", "published_at", "canonical_url", "rank", "snippet",
    }  # fmt: skip
    assert "«Correction»" in best["snippet"] and "«council»" in best["snippet"]  # English stemming
    assert _rows(bi, "select * from search_articles('zzzunfindable')") == []


def test_marts_have_types_bi_tools_handle_and_a_comment_on_every_view_and_column(bi):
    inspector = sqlalchemy.inspect(bi)
    views = inspector.get_view_names(schema="marts")
    assert {"article_details", "article_bylines", "article_tags", "article_changes", "rejects_per_day"} <= set(views)
    for view in views:
        assert inspector.get_table_comment(view, schema="marts")["text"], f"marts.{view} has no comment"
        for column in inspector.get_columns(view, schema="marts"):
            assert column["comment"], f"marts.{view}.{column['name']} has no comment"
            kind = type(column["type"]).__name__
            assert kind not in {"ARRAY", "JSONB", "JSON", "TSVECTOR", "NullType"}, f"marts.{view}.{column['name']}"
    collisions = set(views) & set(inspector.get_table_names(schema="warehouse"))
    assert collisions == set(), "a BI tool registers datasets by name: marts and warehouse must not share one"
    hours = _rows(bi, "select hours_since_new_article from site_freshness")
    assert all(row["hours_since_new_article"].as_tuple().exponent == -1 for row in hours)
    for row in _rows(bi, "select metadata_sources_json from article_details"):
        assert isinstance(json.loads(row["metadata_sources_json"]), dict)
    sources = {row["source"] for row in _rows(bi, "select distinct source from article_field_sources")}
    assert sources and not any(source.startswith("og:og:") for source in sources)


# --- the BI login and what it may reach ----------------------------------------------------------------------


def test_the_bi_login_reads_marts_and_warehouse_but_not_the_pipeline_s_tables_or_search_internals(bi):
    assert _rows(bi, "select count(title) as n from warehouse.articles")[0]["n"] > 0
    refused = (
        "select search_vector from warehouse.articles",
        "select search_config from warehouse.search_languages",
        "select * from raw.pages",
        "select * from etl.runs",
        "select * from staging.article_rows",
        "create temporary table scratch (id int)",
        "create table public.scratch (id int)",
        "create table marts.scratch (id int)",
    )
    for statement in refused:
        with bi.connect() as conn, pytest.raises(sqlalchemy.exc.DBAPIError) as error:
            conn.execute(text(statement))
        assert "permission denied" in str(error.value) or "read-only" in str(error.value), statement
    # information_schema shows only what the login may use; pg_catalog names every table (PostgreSQL's limit).
    listed = _rows(bi, "select distinct table_schema from information_schema.tables where table_schema <> 'pg_catalog'")
    assert {row["table_schema"] for row in listed} <= {"warehouse", "marts", "information_schema"}


def test_only_bi_logins_may_connect_to_the_warehouse_database(demo_warehouse, postgres_server):
    outsider = f"not_bi_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'create role "{outsider}" login')
    try:
        with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
            psycopg.connect(psycopg.conninfo.make_conninfo(demo_warehouse.url, user=outsider)).close()
    finally:
        _drop_role(postgres_server, outsider)


def test_bi_login_command_prints_a_working_connection_string_and_stores_only_a_verifier(demo_warehouse, monkeypatch):
    name = f"bi_cli_{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("BROADSHEET_DATABASE_URL", demo_warehouse.url)
    runner = CliRunner()
    try:
        result = runner.invoke(app, ["bi-login", name])
        assert result.exit_code == 0, result.output
        url = result.stdout.strip()
        assert url.startswith(f"postgresql://{name}:") and url.endswith("/" + url.rsplit("/", 1)[1])
        engine = sqlalchemy.create_engine(_sqlalchemy_url(url))
        with engine.connect() as conn:
            assert conn.execute(text("select current_user, current_setting('transaction_read_only')")).one() == (
                name,
                "on",
            )
        engine.dispose()
        password = url.split(":")[2].split("@")[0]
        with psycopg.connect(demo_warehouse.url) as admin:
            stored = admin.execute("select rolpassword from pg_authid where rolname = %s", (name,)).fetchone()[0]
        assert stored.startswith("SCRAM-SHA-256$") and password not in stored
        again = runner.invoke(app, ["bi-login", name])
        assert again.exit_code == 1 and "--reset-password" in again.output
        reset = runner.invoke(app, ["bi-login", name, "--reset-password"])
        assert reset.exit_code == 0 and reset.stdout.strip() != url
    finally:
        _drop_role(demo_warehouse.url, name)


def test_the_lockdown_applies_to_many_databases_of_one_server_at_once(postgres_server):
    """broadsheet_bi is cluster-wide; its lock-down is per database and must not trip over a neighbour's."""
    from databases import fresh_database

    from broadsheet.migrations import apply_migrations
    from broadsheet.settings import Settings

    def migrate(url: str) -> None:
        with psycopg.connect(url) as conn:
            apply_migrations(conn, Settings().sql_dir)
            lockdown = (Settings().sql_dir / "041_bi_login_lockdown.sql").read_text(encoding="utf-8")
            conn.execute(lockdown)  # idempotent: applying it again changes nothing
            conn.commit()

    with fresh_database(postgres_server) as first, fresh_database(postgres_server) as second:
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(migrate, [first, second]))
        for url in (first, second):
            with psycopg.connect(url) as conn:
                granted = conn.execute(
                    "select has_database_privilege('broadsheet_bi', current_database(), 'connect'),"
                    " has_database_privilege('public', current_database(), 'connect'),"
                    " has_database_privilege('broadsheet_bi', current_database(), 'temporary'),"
                    " has_column_privilege('broadsheet_bi', 'warehouse.articles', 'title', 'select'),"
                    " has_column_privilege('broadsheet_bi', 'warehouse.articles', 'search_vector', 'select')"
                ).fetchone()
                hidden = conn.execute(
                    "select column_name from information_schema.columns"
                    " where table_schema = 'warehouse' and table_name = 'articles'"
                    " and not has_column_privilege('broadsheet_bi', 'warehouse.articles', column_name, 'select')"
                    " order by column_name"
                ).fetchall()
            assert granted == (True, False, False, True, False)
            # a migration adding a column to warehouse.articles grants it to broadsheet_bi (see README)
            assert hidden == [("search_config",), ("search_vector",)]
