"""Stories in the demo: the sites crawled for real and loaded through the pipeline's stages into PostgreSQL.

The ground truth is each site's expected.json: articles with a `story` key are one story (an agency story that
three sites run in their own templates, one of them twice); every other demo article is a story of its own.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from demo_expectations import load_expected

from broadsheet import pipeline
from broadsheet.settings import Settings
from broadsheet.stories.clustering import cluster_new_articles
from demo.sites_server import DEMO_SITES_DIR, demo_site_keys, serve_demo_sites

INTERVAL = (datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC))
UPDATED_PAGE = Path(__file__).resolve().parent.parent / "fixtures" / "stories" / "harbour_herald_tessaly_updated.html"
UPDATED_PATH = "2024/03/13/ship-aground-in-tessaly-strait-port-meridian-importers-brace-for-delays"
STORY_MARTS = ("stories_per_day", "copies_per_story", "agency_copies_per_site", "copy_delays")


def _run_site(settings: Settings, site_key: str, run_id: str) -> None:
    pipeline.run_site(settings, pipeline.SiteRun(site_key, run_id, *INTERVAL))


@pytest.fixture(scope="module")
def demo(tmp_path_factory, postgres_server) -> Iterator[dict]:
    """Every demo site (a copy, so one page can be updated later) crawled and loaded into a fresh database."""
    sites_dir = tmp_path_factory.mktemp("sites")
    for key in demo_site_keys():
        shutil.copytree(DEMO_SITES_DIR / key, sites_dir / key)
    name = f"broadsheet_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'create database "{name}"')
    url = psycopg.conninfo.make_conninfo(postgres_server, dbname=name)
    try:
        with serve_demo_sites(sites_dir=sites_dir) as running:
            origins = {key: site.origin for key, site in running.items()}
            settings = Settings(data_dir=tmp_path_factory.mktemp("data"), site_origins=origins, database_url=url)
            pipeline.prepare_warehouse(settings)
            for key in origins:
                _run_site(settings, key, "night-1")
            expected = {key: load_expected(key, origin) for key, origin in origins.items()}
            yield {"settings": settings, "url": url, "expected": expected, "sites_dir": sites_dir}
    finally:
        with psycopg.connect(postgres_server, autocommit=True) as admin:
            admin.execute(f'drop database if exists "{name}" with (force)')


def _expected_stories(expected: dict) -> dict[str, dict[str, str]]:
    """story key -> {canonical URL: relation}, from expected.json."""
    stories: dict[str, dict[str, str]] = defaultdict(dict)
    for site in expected.values():
        for article in site["articles"]:
            if "story" in article:
                stories[article["story"]][article["canonical_url"]] = article["story_relation"]
    return stories


def _warehouse_stories(conn: psycopg.Connection) -> dict[int, dict[str, str]]:
    stories: dict[int, dict[str, str]] = defaultdict(dict)
    rows = conn.execute(
        """
        select membership.story_id, article.canonical_url, membership.relation
        from warehouse.article_stories as membership
        join warehouse.articles as article using (article_id)
        """
    ).fetchall()
    for story_id, canonical_url, relation in rows:
        stories[story_id][canonical_url] = relation
    return stories


def test_the_agency_story_is_one_story_and_every_other_demo_article_is_its_own(demo):
    wanted = _expected_stories(demo["expected"])
    with psycopg.connect(demo["url"]) as conn:
        found = _warehouse_stories(conn)
        article_count = conn.execute("select count(*) from warehouse.articles").fetchone()[0]
    multi = sorted(found.values(), key=len, reverse=True)
    assert [story for story in multi if len(story) > 1] == list(wanted.values())
    assert sum(len(story) for story in found.values()) == article_count  # every article has its story
    assert len(found) == article_count - sum(len(story) - 1 for story in wanted.values())


def test_the_story_names_its_first_publisher_agency_copies_and_sites(demo):
    with psycopg.connect(demo["url"]) as conn:
        story = conn.execute(
            """
            select headline, first_site_key, first_published_at, agency, article_count, copy_count, site_count
            from warehouse.stories
            where article_count > 1
            """
        ).fetchall()
        similarities = dict(
            conn.execute(
                """
                select article.site_key || ' ' || membership.relation, round(membership.similarity::numeric, 2)
                from warehouse.article_stories as membership
                join warehouse.articles as article using (article_id)
                join warehouse.stories as story using (story_id)
                where story.article_count > 1
                """
            ).fetchall()
        )
    assert story == [
        (
            "Container ship runs aground in Tessaly Strait, halting traffic on key shipping lane",
            "capitol_wire",
            datetime(2024, 3, 13, 13, 40, tzinfo=UTC),
            "Associated Press",
            4,
            3,
            3,
        )
    ]
    assert similarities["capitol_wire original"] == 1
    assert 0.4 < similarities["lakeshore_ledger near_copy"] < 1
    assert 0.4 < similarities["harbour_herald near_copy"] < 1
    assert similarities["harbour_herald same_site_republished"] == similarities["harbour_herald near_copy"]


def test_the_story_marts_answer_who_copied_whom_and_how_fast(demo):
    with psycopg.connect(demo["url"]) as conn:
        copies = conn.execute(
            """
            select exact_copy_count, near_copy_count, republished_count, site_keys
            from marts.copies_per_story
            where copy_count > 0
            """
        ).fetchall()
        delays = conn.execute(
            "select site_key, relation, delay_minutes::int from marts.copy_delays order by delay_minutes"
        ).fetchall()
        agencies = conn.execute(
            """
            select site_key, agency, story_count, article_count, first_to_publish_count, near_copy_count
            from marts.agency_copies_per_site
            order by site_key
            """
        ).fetchall()
        day = conn.execute(
            """
            select story_count, copied_story_count, multi_site_story_count, agency_story_count, copy_count
            from marts.stories_per_day
            where story_on = '2024-03-13'
            """
        ).fetchone()
    assert copies == [(0, 2, 1, "capitol_wire, harbour_herald, lakeshore_ledger")]
    assert delays == [
        ("lakeshore_ledger", "near_copy", 85),
        ("harbour_herald", "near_copy", 240),
        ("harbour_herald", "same_site_republished", 1055),
    ]
    assert agencies == [
        ("capitol_wire", "Associated Press", 1, 1, 1, 0),
        ("harbour_herald", "Associated Press", 1, 2, 0, 1),
        ("lakeshore_ledger", "Associated Press", 1, 1, 0, 1),
    ]
    published_that_day = [
        article
        for site in demo["expected"].values()
        for article in site["articles"]
        if (article["published_at_utc"] or "").startswith("2024-03-13")
    ]
    copies_that_day = [a for a in published_that_day if a.get("story_relation") not in (None, "original")]
    assert day == (len(published_that_day) - len(copies_that_day), 1, 1, 1, 3)


def test_make_demo_prints_the_copied_story_with_its_agency_and_sites(demo):
    from rich.console import Console

    from demo.night import copied_stories, print_stories

    with psycopg.connect(demo["url"]) as conn:
        stories = copied_stories(conn)
    headline = "Container ship runs aground in Tessaly Strait, halting traffic on key shipping lane"
    assert stories == [(headline, "Associated Press", "capitol_wire", "capitol_wire, harbour_herald, lakeshore_ledger")]
    console = Console(record=True, width=200)
    print_stories(stories, console)
    printed = console.export_text()
    assert headline in printed and "capitol_wire, harbour_herald, lakeshore_ledger" in printed


def test_the_bi_role_reads_the_story_tables_and_marts(demo, postgres_server):
    login = f"bi_stories_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'create role "{login}" login in role broadsheet_bi')
    try:
        with psycopg.connect(psycopg.conninfo.make_conninfo(demo["url"], user=login), autocommit=True) as bi:
            for view in STORY_MARTS:
                assert bi.execute(f"select count(*) from marts.{view}").fetchone()[0] > 0, view
            assert bi.execute("select count(*) from warehouse.stories where copy_count > 0").fetchone() == (1,)
            bi.execute("select * from warehouse.article_stories").fetchall()
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                bi.execute("select * from etl.article_signatures")
    finally:
        with psycopg.connect(postgres_server, autocommit=True) as admin:
            admin.execute(f'drop owned by "{login}"')
            admin.execute(f'drop role if exists "{login}"')


def test_a_rerun_changes_nothing_and_an_updated_copy_stays_in_its_story(demo):
    with psycopg.connect(demo["url"]) as conn:
        before = conn.execute("select * from warehouse.article_stories order by article_id").fetchall()
        stories_before = conn.execute("select * from warehouse.stories order by story_id").fetchall()
    _run_site(demo["settings"], "lakeshore_ledger", "night-2")
    with psycopg.connect(demo["url"]) as conn:
        assert cluster_new_articles(conn).articles_matched == 0
        assert conn.execute("select * from warehouse.article_stories order by article_id").fetchall() == before
        assert conn.execute("select * from warehouse.stories order by story_id").fetchall() == stories_before

    page = demo["sites_dir"] / "harbour_herald" / "public" / UPDATED_PATH / "index.html"
    page.write_bytes(UPDATED_PAGE.read_bytes())  # the site updates its copy after the first load
    _run_site(demo["settings"], "harbour_herald", "night-3")
    with psycopg.connect(demo["url"]) as conn:
        updated = conn.execute(
            """
            select membership.story_id, membership.relation, membership.similarity, membership.clustered_by_run_id,
                (select count(*) from warehouse.article_versions as version
                 where version.article_id = article.article_id)
            from warehouse.articles as article
            join warehouse.article_stories as membership using (article_id)
            where article.canonical_url like %s
            """,
            (f"%/{UPDATED_PATH}/",),
        ).fetchone()
        old = next(row for row in before if row[0] == updated_article_id(conn))
        story_ids = [row[0] for row in conn.execute("select story_id from warehouse.stories order by story_id")]
    story_id, relation, similarity, run_id, versions = updated
    assert (story_id, relation, run_id, versions) == (old[1], "near_copy", "night-3", 2)
    assert similarity != old[2]
    assert story_ids == [row[0] for row in stories_before]


def updated_article_id(conn: psycopg.Connection) -> int:
    return conn.execute(
        "select article_id from warehouse.articles where canonical_url like %s", (f"%/{UPDATED_PATH}/",)
    ).fetchone()[0]
