"""Migrations and the loader, against a real PostgreSQL database."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from broadsheet.loader import (
    RunContext,
    content_hash,
    index_for_search,
    load_site_run,
    record_failed_run,
    record_hash,
)
from broadsheet.migrations import MigrationError, apply_migrations, find_migrations
from broadsheet.records import ArchivedPage, Article, ChosenDate, ChosenDates, ExtractedArticle, Reject, RejectReason
from broadsheet.settings import Settings
from broadsheet.sites import SiteConfig

SQL_DIR = Settings().sql_dir
SITE = SiteConfig(
    key="example_times",
    name="Example Times",
    base_url="https://www.example.com",
    article_patterns=["^/news/"],
    timezone="Europe/Paris",
    languages=["fr"],
)
INTERVAL = (datetime(2024, 3, 15, tzinfo=UTC), datetime(2024, 3, 16, tzinfo=UTC))
FETCHED_AT = datetime(2024, 3, 15, 23, 0, tzinfo=UTC)


def _article(
    n: int,
    body: str = "Le conseil municipal a voté le budget des écoles.",
    published_at: datetime | None = None,
    published_raw: str | None = None,
    published_source: str = "json-ld",
    **changes,
) -> Article:
    extracted = ExtractedArticle(
        site_key=SITE.key,
        url=f"https://www.example.com/news/{n}?utm_source=x",
        canonical_url=f"https://www.example.com/news/{n}",
        title=f"Titre {n}",
        authors=["Claire Dubois", "Marc Petit"] if n % 2 else ["Claire Dubois"],
        body_text=body,
        language="fr",
        published_candidates=[],
        modified_candidates=[],
        fetched_at=FETCHED_AT,
        archive_location=f"run.warc.gz#{n * 100}",
        section="Politique",
        tags=["budget", "écoles"],
    )
    published = ChosenDate(
        published_at or datetime(2024, 3, 15, 8, n % 60, tzinfo=UTC),
        published_raw or f"2024-03-15T09:{n % 60:02d}:00+01:00",
        published_source,
    )
    return Article(replace(extracted, **changes), ChosenDates(published=published))


def _page(url: str, status: int = 200, offset: int = 0) -> ArchivedPage:
    return ArchivedPage(SITE.key, url, url, status, {"content-type": "text/html"}, FETCHED_AT, "0" * 64,
                        f"run.warc.gz#{offset}")  # fmt: skip


@pytest.fixture
def conn(database_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(database_url) as connection:
        apply_migrations(connection, SQL_DIR)
        yield connection


def _snapshot(conn: psycopg.Connection) -> dict[str, list]:
    """Every row of every warehouse and etl table (minus timestamps of the load itself)."""
    tables = {
        "articles": "select * from warehouse.articles order by article_id",
        "versions": "select * from warehouse.article_versions order by article_version_id",
        "authors": "select * from warehouse.authors order by author_id",
        "links": "select * from warehouse.article_authors order by article_id, author_id",
        "pages": "select * from raw.pages order by page_id",
        "rejects": "select reject_id, run_id, site_key, url, stage, reason, detail, page_id from etl.rejects",
        "runs": "select run_id, site_key, pages_fetched, articles_new + articles_changed + articles_unchanged "
        "from etl.runs",
    }
    return {name: conn.execute(query).fetchall() for name, query in tables.items()}


def _count(conn: psycopg.Connection) -> tuple[int, int]:
    return conn.execute("select count(*), count(distinct canonical_url) from warehouse.articles").fetchone()


# --- migrations ---------------------------------------------------------------------------------------------


def test_migrations_apply_once_and_a_second_apply_changes_nothing(database_url: str):
    with psycopg.connect(database_url) as connection:
        first = apply_migrations(connection, SQL_DIR)
        second = apply_migrations(connection, SQL_DIR)
    assert first == sorted(p.name for p in SQL_DIR.glob("*.sql"))
    assert second == []


def test_an_applied_migration_that_was_edited_is_refused(database_url: str, tmp_path: Path):
    sql_dir = tmp_path / "sql"
    shutil.copytree(SQL_DIR, sql_dir)
    with psycopg.connect(database_url) as connection:
        apply_migrations(connection, sql_dir)
        first = sorted(sql_dir.glob("*.sql"))[0]
        first.write_text(first.read_text() + "\n-- an edit\n")
        with pytest.raises(MigrationError, match=first.name):
            apply_migrations(connection, sql_dir)


def _view_definition(conn: psycopg.Connection, name: str) -> str | None:
    row = conn.execute("select pg_get_viewdef(to_regclass(%s))", (name,)).fetchone()
    return row[0] if row else None


def test_views_are_repeatable_files_recreated_on_every_migrate(database_url: str, tmp_path: Path):
    sql_dir = tmp_path / "sql"
    shutil.copytree(SQL_DIR, sql_dir)
    views = sql_dir / "views"
    with psycopg.connect(database_url) as connection:
        apply_migrations(connection, sql_dir)
        assert "latest_runs" in _view_definition(connection, "marts.site_freshness")
        # A view edited in its one file changes on the next migrate, with no new numbered migration.
        tag_view = views / "marts.articles_per_tag.sql"
        tag_view.write_text(
            "create view marts.articles_per_tag as select 'edited'::text as tag;\n"
            "comment on view marts.articles_per_tag is 'Edited.';\n"
        )
        # A view may read a view whose file sorts after its own.
        (views / "marts.a_first_reader.sql").write_text(
            "create view marts.a_first_reader as select count(*) as n from marts.site_freshness;\n"
        )
        # A file removed is a view dropped.
        (views / "marts.articles_per_section.sql").unlink()
        assert apply_migrations(connection, sql_dir) == []
        assert connection.execute("select tag from marts.articles_per_tag").fetchall() == [("edited",)]
        assert connection.execute("select n from marts.a_first_reader").fetchone() == (0,)
        assert _view_definition(connection, "marts.articles_per_section") is None
        # The BI role can read a re-created view (default privileges cover it).
        assert connection.execute(
            "select has_table_privilege('broadsheet_bi', 'marts.a_first_reader', 'select')"
        ).fetchone() == (True,)


def test_a_view_that_cannot_be_created_names_its_file(database_url: str, tmp_path: Path):
    sql_dir = tmp_path / "sql"
    shutil.copytree(SQL_DIR, sql_dir)
    (sql_dir / "views" / "marts.broken.sql").write_text("create view marts.broken as select * from marts.nowhere;\n")
    with psycopg.connect(database_url) as connection, pytest.raises(MigrationError, match=r"marts\.broken\.sql"):
        apply_migrations(connection, sql_dir)


def _schema(conn: psycopg.Connection) -> list[tuple]:
    return conn.execute(
        """
        select table_schema, table_name, column_name, data_type, is_nullable, column_default
        from information_schema.columns
        where table_schema in ('raw', 'staging', 'warehouse', 'marts', 'etl')
        order by 1, 2, 3
        """
    ).fetchall()


def test_a_database_at_any_earlier_version_migrates_to_the_same_schema(postgres_server, database_url, tmp_path):
    with psycopg.connect(database_url) as connection:
        apply_migrations(connection, SQL_DIR)
        wanted = _schema(connection)
    migrations = find_migrations(SQL_DIR)
    for applied_first in range(1, len(migrations)):
        partial = tmp_path / f"upto_{applied_first}"
        partial.mkdir()
        for migration in migrations[:applied_first]:
            shutil.copy(migration.path, partial)
        name = f"bs_upgrade_{applied_first}_{os.getpid()}"
        with psycopg.connect(postgres_server, autocommit=True) as admin:
            admin.execute(f'drop database if exists "{name}"')
            admin.execute(f'create database "{name}"')
        try:
            url = psycopg.conninfo.make_conninfo(postgres_server, dbname=name)
            with psycopg.connect(url) as connection:
                apply_migrations(connection, partial)
                later = apply_migrations(connection, SQL_DIR)
                assert later == [m.path.name for m in migrations[applied_first:]]
                assert _schema(connection) == wanted
        finally:
            with psycopg.connect(postgres_server, autocommit=True) as admin:
                admin.execute(f'drop database if exists "{name}" with (force)')


def test_every_table_view_and_column_a_bi_user_sees_is_documented(conn: psycopg.Connection):
    undocumented = conn.execute(
        """
        select c.table_schema || '.' || c.table_name || '.' || c.column_name
        from information_schema.columns as c
        join pg_class as t on t.relname = c.table_name
        join pg_namespace as n on n.oid = t.relnamespace and n.nspname = c.table_schema
        where c.table_schema in ('warehouse', 'marts', 'etl', 'raw')
          and col_description(t.oid, c.ordinal_position) is null
        union all
        select n.nspname || '.' || t.relname
        from pg_class as t
        join pg_namespace as n on n.oid = t.relnamespace
        where n.nspname in ('warehouse', 'marts', 'etl', 'raw') and t.relkind in ('r', 'v')
          and obj_description(t.oid, 'pg_class') is null
        """
    ).fetchall()
    assert undocumented == []


# --- loads ----------------------------------------------------------------------------------------------------


def test_loading_the_same_run_twice_leaves_counts_and_contents_equal(conn: psycopg.Connection):
    run = RunContext("run-1", SITE, *INTERVAL)
    articles = [_article(n) for n in range(1, 6)]
    pages = [_page(a.extracted.url, offset=n * 100) for n, a in enumerate(articles, start=1)]
    pages.append(_page("https://www.example.com/news/broken", status=500, offset=999))
    reject = Reject(SITE.key, "https://www.example.com/news/broken", "extract", RejectReason.HTTP_ERROR, "HTTP 500",
                    "run.warc.gz#999")  # fmt: skip
    first = load_site_run(conn, run, articles, [reject], pages)
    snapshot = _snapshot(conn)
    second = load_site_run(conn, run, articles, [reject], pages)
    assert (first.articles_new, first.articles_changed, first.articles_unchanged) == (5, 0, 0)
    assert (second.articles_new, second.articles_changed, second.articles_unchanged) == (0, 0, 5)
    assert _snapshot(conn) == snapshot
    assert _count(conn) == (5, 5)
    page_id = conn.execute("select page_id from etl.rejects").fetchone()[0]
    assert conn.execute("select status from raw.pages where page_id = %s", (page_id,)).fetchone() == (500,)
    staged = conn.execute(
        "select (select count(*) from staging.article_rows) + (select count(*) from staging.page_rows)"
    )
    assert staged.fetchone()[0] == 0


def test_an_edited_article_becomes_a_new_version_and_keeps_the_old_one(conn: psycopg.Connection):
    load_site_run(conn, RunContext("run-1", SITE, *INTERVAL), [_article(1), _article(2)], [])
    edited = _article(2, body="Le conseil municipal a voté le budget des écoles, corrigé.")
    summary = load_site_run(conn, RunContext("run-2", SITE, *INTERVAL), [_article(1), edited], [])
    assert (summary.articles_new, summary.articles_changed, summary.articles_unchanged) == (0, 1, 1)
    assert _count(conn) == (2, 2)
    body, run_id = conn.execute(
        "select body_text, loaded_by_run_id from warehouse.articles where canonical_url like '%/2'"
    ).fetchone()
    assert body.endswith("corrigé.") and run_id == "run-2"
    versions = conn.execute(
        """
        select version.body_text, version.loaded_by_run_id
        from warehouse.article_versions as version
        join warehouse.articles as article using (article_id)
        where article.canonical_url like '%/2'
        order by version.article_version_id
        """
    ).fetchall()
    assert versions == [(_article(2).extracted.body_text, "run-1"), (edited.extracted.body_text, "run-2")]


def test_an_upgrade_does_not_rewrite_loaded_rows_because_their_hashes_keep_their_values():
    """Hashes computed before the article record had a dates part: equal hashes mean a load after the upgrade
    finds every loaded article unchanged instead of rewriting it."""
    dates = ChosenDates(
        published=ChosenDate(datetime(2024, 3, 15, 8, 1, tzinfo=UTC), "2024-03-15T09:01:00+01:00", "json-ld", "instant",
                             False),
        flags=["sources_disagree"],
    )  # fmt: skip
    extracted = replace(
        _article(1).extracted,
        description="d",
        image_url="https://www.example.com/i.jpg",
        site_name="Example Times",
        metadata_sources={"title": "json-ld"},
    )
    article = Article(extracted, dates)
    assert record_hash(article) == "f4c51f18305b937800f5438c7c3d08eb6b59761a804d2090eb9d297b9a288cbe"
    assert content_hash(article) == "2b7a80b03eb298586d765ef51259d993ced34b1f89c5d9a260270326a6697163"


def test_an_agency_credit_loaded_before_author_kinds_becomes_an_organisation_on_the_next_load(
    conn: psycopg.Connection,
):
    """Rows loaded before kinds were stored (no kinds: every author a person) are rewritten only where a byline
    credits an organisation; an all-person byline keeps its row as it was."""
    agency = {"authors": ["Associated Press"], "author_kinds": []}
    load_site_run(conn, RunContext("run-1", SITE, *INTERVAL), [_article(1, **agency), _article(2)], [])
    judged = [_article(1, authors=["Associated Press"], author_kinds=["organisation"]),
              _article(2, author_kinds=["person"])]  # fmt: skip
    summary = load_site_run(conn, RunContext("run-2", SITE, *INTERVAL), judged, [])
    assert (summary.articles_changed, summary.articles_unchanged) == (1, 1)
    kinds = dict(conn.execute("select name, kind from warehouse.authors").fetchall())
    assert kinds == {"Associated Press": "organisation", "Claire Dubois": "person"}
    rows = conn.execute("select author_kinds from warehouse.articles order by canonical_url").fetchall()
    assert rows == [(["organisation"],), ([],)]


def test_an_article_s_length_is_counted_in_characters_also_for_articles_loaded_before_the_column(
    conn: psycopg.Connection,
):
    body = "Le conseil municipal a voté le budget des écoles.\n« Enfin », dit la maire."
    load_site_run(conn, RunContext("run-1", SITE, *INTERVAL), [_article(1, body=body)], [])
    counts = "select character_count, word_count, octet_length(body_text) from warehouse.articles"
    assert conn.execute(counts).fetchone() == (len(body), len(body.split()), len(body.encode()))

    conn.execute("alter table warehouse.articles drop column character_count")  # as before migration 031
    conn.execute("alter table staging.article_rows drop column character_count")
    conn.execute("delete from etl.schema_migrations where version = '031'")
    conn.commit()
    apply_migrations(conn, SQL_DIR)
    assert conn.execute(counts).fetchone()[0] == len(body)


def test_a_reextraction_that_only_corrects_a_date_updates_the_row_without_a_new_version(conn: psycopg.Connection):
    load_site_run(conn, RunContext("run-1", SITE, *INTERVAL), [_article(1)], [])
    corrected = _article(
        1,
        published_at=datetime(2024, 3, 15, 7, 1, tzinfo=UTC),
        published_raw="15 mars 2024, 8h01",
        published_source="byline",
        description="Le budget des écoles adopté.",
        metadata_sources={"title": "json-ld"},
    )
    summary = load_site_run(conn, RunContext("run-2", SITE, *INTERVAL), [corrected], [])
    assert (summary.articles_new, summary.articles_changed, summary.articles_unchanged) == (0, 1, 0)
    row = conn.execute(
        "select published_at, published_source, description, metadata_sources from warehouse.articles"
    ).fetchone()
    assert row == (corrected.dates.published.at, "byline", "Le budget des écoles adopté.", {"title": "json-ld"})
    assert conn.execute("select count(*) from warehouse.article_versions").fetchone() == (1,)
    again = load_site_run(conn, RunContext("run-3", SITE, *INTERVAL), [corrected], [])
    assert (again.articles_changed, again.articles_unchanged) == (0, 1)


def test_a_page_now_answering_404_marks_its_article_removed_until_it_returns(conn: psycopg.Connection):
    load_site_run(conn, RunContext("run-1", SITE, *INTERVAL), [_article(1), _article(2)], [])
    gone = _page(_article(2).extracted.url, status=404, offset=5)
    summary = load_site_run(conn, RunContext("run-2", SITE, *INTERVAL), [_article(1)], [], [gone])
    assert summary.articles_removed == 1
    removed = dict(conn.execute("select canonical_url, removed_at from warehouse.articles").fetchall())
    assert removed == {_article(1).extracted.canonical_url: None, _article(2).extracted.canonical_url: FETCHED_AT}
    back = load_site_run(conn, RunContext("run-3", SITE, *INTERVAL), [_article(2)], [])
    assert back.articles_unchanged == 1
    assert conn.execute("select count(*) from warehouse.articles where removed_at is not null").fetchone() == (0,)


def test_a_failed_load_leaves_no_rows_but_a_failed_run_with_its_error(conn: psycopg.Connection):
    run = RunContext("run-1", SITE, *INTERVAL)

    def articles_then_bad_data() -> Iterator[Article]:
        yield _article(1)
        yield _article(2, title=None)  # violates title not null

    with pytest.raises(psycopg.errors.NotNullViolation):
        load_site_run(conn, run, articles_then_bad_data(), [])
    record_failed_run(conn, run, "NotNullViolation: title")
    assert _count(conn) == (0, 0)
    assert conn.execute("select status, error from etl.runs").fetchall() == [("failed", "NotNullViolation: title")]
    load_site_run(conn, run, [_article(1), _article(2)], [])
    record_failed_run(conn, run, "a late retry failed")  # does not undo the success
    assert conn.execute("select status, error, articles_new from etl.runs").fetchall() == [("succeeded", None, 2)]


def test_two_urls_with_one_canonical_url_become_one_article(conn: psycopg.Connection):
    twin = _article(1, url="https://www.example.com/news/1?ref=home")
    load_site_run(conn, RunContext("run-1", SITE, *INTERVAL), [_article(1), twin], [])
    assert _count(conn) == (1, 1)


def test_published_at_is_stored_as_the_utc_instant_with_its_provenance(conn: psycopg.Connection):
    load_site_run(conn, RunContext("run-1", SITE, *INTERVAL), [_article(7)], [])
    conn.execute("set time zone 'America/Los_Angeles'")
    row = conn.execute("select published_at, published_raw, published_source from warehouse.articles").fetchone()
    assert row[0] == datetime(2024, 3, 15, 8, 7, tzinfo=UTC)
    assert row[1:] == ("2024-03-15T09:07:00+01:00", "json-ld")


def test_authors_sections_tags_and_days_reach_the_marts(conn: psycopg.Connection):
    late = _article(3, published_at=datetime(2024, 3, 15, 23, 30, tzinfo=UTC))  # 00:30 on the 16th in Paris
    load_site_run(conn, RunContext("run-1", SITE, *INTERVAL), [_article(1), _article(2), late], [])
    per_author = dict(conn.execute("select author_name, article_count from marts.articles_per_author").fetchall())
    assert per_author == {"Claire Dubois": 3, "Marc Petit": 2}
    per_day = conn.execute(
        "select published_on_utc, published_on_local, article_count from marts.articles_per_site_day order by 2"
    ).fetchall()
    day = datetime(2024, 3, 15).date()
    assert per_day == [(day, day, 2), (day, datetime(2024, 3, 16).date(), 1)]
    assert conn.execute("select section, article_count from marts.articles_per_section").fetchall() == [
        ("Politique", 3)
    ]
    assert dict(conn.execute("select tag, article_count from marts.articles_per_tag").fetchall()) == {
        "budget": 3,
        "écoles": 3,
    }
    assert conn.execute("select article_count from marts.site_freshness").fetchone() == (3,)


def test_full_text_search_works_in_the_articles_language(conn: psycopg.Connection):
    load_site_run(conn, RunContext("run-1", SITE, *INTERVAL), [_article(1, body="Les écoles ferment en juin.")], [])
    assert index_for_search(conn, SITE.key) == 1
    assert index_for_search(conn, SITE.key) == 0  # only new and changed articles are indexed
    query = (
        "select title, search_config::text from warehouse.articles where search_vector @@ websearch_to_tsquery(%s, %s)"
    )
    # French stemming finds "écoles" from "école"; the simple configuration would not.
    assert conn.execute(query, ("french", "école")).fetchall() == [("Titre 1", "french")]
    assert conn.execute(query, ("simple", "école")).fetchall() == []


# --- concurrency and crashes ---------------------------------------------------------------------------------


def test_two_loads_of_one_site_and_interval_never_interleave(database_url: str, conn: psycopg.Connection):
    release = threading.Event()
    copying = threading.Event()

    def slow_articles() -> Iterator[Article]:
        yield _article(1)
        copying.set()
        release.wait(30)
        yield _article(2)

    results = {}

    def load(name: str, articles) -> None:
        with psycopg.connect(database_url) as own:
            results[name] = load_site_run(own, RunContext(name, SITE, *INTERVAL), articles, [])

    first = threading.Thread(target=load, args=("run-a", slow_articles()))
    first.start()
    assert copying.wait(30)
    second = threading.Thread(target=load, args=("run-b", [_article(1), _article(2)]))
    second.start()
    deadline = time.monotonic() + 30
    waiting = 0
    while time.monotonic() < deadline and not waiting:
        waiting = conn.execute(
            "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and wait_event = 'advisory'"
        ).fetchone()[0]
        conn.commit()
        time.sleep(0.05)
    assert waiting == 1, "the second load should wait for the first one's lock"
    release.set()
    first.join(30)
    second.join(30)
    assert results["run-a"].articles_new == 2
    assert results["run-b"].articles_unchanged == 2
    assert _count(conn) == (2, 2)


KILLED_LOAD = """
import sys, time
from datetime import datetime, UTC
import psycopg
from broadsheet.loader import RunContext, index_for_search, load_site_run, record_failed_run
sys.path.insert(0, {tests!r})
from test_warehouse import SITE, INTERVAL, _article

def articles():
    for n in range(1, 2001):
        if n == 1000:
            print("halfway", flush=True)
            time.sleep(60)
        yield _article(n)

with psycopg.connect({url!r}) as conn:
    load_site_run(conn, RunContext("run-killed", SITE, *INTERVAL), articles(), [])
"""


def test_a_load_killed_half_way_leaves_nothing_and_the_rerun_completes(database_url, conn):
    script = KILLED_LOAD.format(tests=str(Path(__file__).parent), url=database_url)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "halfway"
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(30)
    for _ in range(100):  # the server notices the dead client and rolls its transaction back
        busy = conn.execute("select count(*) from pg_stat_activity where query like '%%staging.article_rows%%'"
                            " and pid <> pg_backend_pid()").fetchone()[0]  # fmt: skip
        conn.commit()
        if not busy:
            break
        time.sleep(0.1)
    counts = conn.execute(
        """
        select (select count(*) from warehouse.articles), (select count(*) from staging.article_rows),
               (select count(*) from etl.runs), (select count(*) from warehouse.sites)
        """
    ).fetchone()
    assert counts == (0, 0, 0, 0)
    summary = load_site_run(conn, RunContext("run-killed", SITE, *INTERVAL), (_article(n) for n in range(1, 2001)), [])
    assert summary.articles_new == 2000
    assert _count(conn) == (2000, 2000)


# --- access for BI tools -------------------------------------------------------------------------------------


def test_the_bi_role_reads_warehouse_and_marts_and_nothing_else(postgres_server, database_url, conn):
    load_site_run(conn, RunContext("run-1", SITE, *INTERVAL), [_article(1)], [], [_page(_article(1).extracted.url)])
    conn.execute("create table warehouse.added_later (id int)")  # default privileges cover later tables
    conn.commit()
    login = f"bi_test_{os.getpid()}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'drop role if exists "{login}"')
        admin.execute(f'create role "{login}" login in role broadsheet_bi')
    try:
        url = psycopg.conninfo.make_conninfo(database_url, user=login)
        with psycopg.connect(url, autocommit=True) as bi:
            views = [r[0] for r in bi.execute(
                "select table_name from information_schema.views where table_schema = 'marts'").fetchall()]  # fmt: skip
            assert len(views) >= 6
            for view in views:
                bi.execute(f"select * from marts.{view}").fetchall()
            assert bi.execute("select count(*) from warehouse.articles").fetchone() == (1,)
            bi.execute("select * from warehouse.added_later").fetchall()
            for statement in (
                "select * from raw.pages",
                "select * from etl.rejects",
                "select * from staging.article_rows",
                "insert into warehouse.articles (site_key) values ('x')",
                "update warehouse.articles set title = 'x'",
                "delete from warehouse.sites",
                "create table warehouse.mine (id int)",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    bi.execute(statement)
    finally:
        with psycopg.connect(postgres_server, autocommit=True) as admin:
            admin.execute(f'drop owned by "{login}"')
            admin.execute(f'drop role if exists "{login}"')


def test_the_data_dictionary_in_docs_is_up_to_date(conn: psycopg.Connection):
    from broadsheet.settings import PROJECT_ROOT
    from broadsheet.warehouse_docs import render_data_dictionary

    documented = (PROJECT_ROOT / "docs" / "warehouse.md").read_text(encoding="utf-8")
    assert render_data_dictionary(conn) == documented, "run `.venv/bin/broadsheet warehouse-docs` and commit"
