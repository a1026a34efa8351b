"""Dates through the real pipeline: the diari_del_port demo site crawled over HTTP, extracted, normalised and
loaded into a real PostgreSQL, then read back the way a BI user would."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import psycopg

from broadsheet import pipeline
from broadsheet.settings import Settings
from demo.sites_server import DEMO_SITES_DIR

SITE_KEY = "diari_del_port"


def test_each_article_s_date_source_precision_zone_and_flags_reach_the_warehouse(tmp_path, demo_origins, database_url):
    settings = Settings(data_dir=tmp_path / "data", site_origins=demo_origins, database_url=database_url)
    run = pipeline.SiteRun(SITE_KEY, "test_dates", datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC))
    pipeline.prepare_warehouse(settings)
    pipeline.run_site(settings, run)

    expected = json.loads((DEMO_SITES_DIR / SITE_KEY / "expected.json").read_text(encoding="utf-8"))
    origin = demo_origins[SITE_KEY]
    with psycopg.connect(database_url) as conn:
        rows = {
            row[0]: row[1:]
            for row in conn.execute(
                """select canonical_url, published_at, published_source, published_precision,
                          is_published_timezone_assumed, date_flags
                   from warehouse.articles where site_key = %s""",
                (SITE_KEY,),
            )
        }
        rejects = conn.execute(
            "select url, reason, detail from etl.rejects where site_key = %s and stage = 'normalise'", (SITE_KEY,)
        ).fetchall()
        shares = dict(
            conn.execute(
                "select date_source, article_count from marts.date_sources_per_site where site_key = %s", (SITE_KEY,)
            ).fetchall()
        )
    for want in expected["articles"]:
        published_at, source, precision, is_assumed, flags = rows[origin + want["path"]]
        wanted_at = want["published_at_utc"] and datetime.fromisoformat(want["published_at_utc"].replace("Z", "+00:00"))
        assert (published_at, source, precision, is_assumed, flags) == (
            wanted_at,
            want["published_source"],
            want["published_precision"],
            want["is_published_timezone_assumed"],
            want["date_flags"],
        ), want["path"]
    undated = [a for a in expected["articles"] if a["published_at_utc"] is None]
    assert [(url, reason) for url, reason, _ in rejects] == [(origin + a["path"], "no_date") for a in undated]
    assert "json-ld '1970-01-01T00:00:00Z': before 1990" in rejects[0][2]
    assert shares == {
        "json-ld": 1,
        "meta": 1,
        "time[datetime]": 1,
        "news-sitemap": 1,
        "byline": 1,
        "url-path": 1,
        "(no date)": 1,
    }
