"""Incremental crawling against a real server and a real warehouse: conditional requests, 304s counted into
etl.runs, unchanged bodies not extracted again, a changed page fetched and loaded again, and a crawl stopped
half way that resumes without fetching again what it had archived."""

from __future__ import annotations

import json
import shutil
import signal
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from broadsheet import pipeline
from broadsheet.archive import read_archive
from broadsheet.settings import Settings
from broadsheet.sites import load_registry
from crawlers.run import CrawlJob, finish_crawl, start_crawl
from demo.sites_server import DEMO_SITES_DIR, serve_demo_sites

SITE = "lakeshore_ledger"
# every article the demo site publishes (its ground truth); the site has no page that is rejected
ARTICLES = len(json.loads((DEMO_SITES_DIR / SITE / "expected.json").read_text(encoding="utf-8"))["articles"])
CHANGED = "business/grain-elevator-redevelopment-wins-approval/index.html"


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    """A private copy of the demo site, so a test can change its pages."""
    sites = tmp_path / "sites"
    shutil.copytree(DEMO_SITES_DIR / SITE, sites / SITE)
    return sites


def _run(settings: Settings, run_id: str, day: int) -> pipeline.SiteResults:
    start = datetime(2024, 4, day, tzinfo=UTC)
    return pipeline.run_site(settings, pipeline.SiteRun(SITE, run_id, start, datetime(2024, 4, day + 1, tzinfo=UTC)))


def _etl_run(database_url: str, run_id: str) -> tuple:
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "select pages_fetched, pages_not_modified, articles_new, articles_changed, articles_unchanged "
            "from etl.runs where run_id = %s",
            (run_id,),
        ).fetchone()


def _settings(tmp_path: Path, database_url: str, origin: str) -> Settings:
    settings = Settings(data_dir=tmp_path / "data", site_origins={SITE: origin}, database_url=database_url)
    pipeline.prepare_warehouse(settings)
    return settings


def test_the_next_run_gets_304s_and_only_a_changed_page_is_fetched_and_loaded_again(tmp_path, site_copy, database_url):
    with serve_demo_sites(sites_dir=site_copy) as running:
        settings = _settings(tmp_path, database_url, running[SITE].origin)
        first = _run(settings, "night-1", 1)
        assert first.extracted.articles.count == ARTICLES
        assert _etl_run(database_url, "night-1") == (ARTICLES, 0, ARTICLES, 0, 0)

        second = _run(settings, "night-2", 2)
        assert second.crawled.pages_not_modified == ARTICLES
        assert second.extracted.articles.count == 0, "a 304 is not extracted"
        assert _etl_run(database_url, "night-2") == (ARTICLES, ARTICLES, 0, 0, ARTICLES)  # seen again, unchanged

        page = site_copy / SITE / "public" / CHANGED
        page.write_text(page.read_text().replace("184 apartments", "192 apartments"))
        third = _run(settings, "night-3", 3)
        assert third.crawled.pages_not_modified == ARTICLES - 1
        assert third.extracted.articles.count == 1
        assert _etl_run(database_url, "night-3") == (ARTICLES, ARTICLES - 1, 0, 1, ARTICLES - 1)

    with psycopg.connect(database_url) as conn:
        body = conn.execute("select body_text from warehouse.articles where url like '%grain-elevator%'").fetchone()[0]
        versions = conn.execute("select count(*) from warehouse.article_versions").fetchone()[0]
        last_seen = conn.execute(
            "select last_seen_at from warehouse.articles where url like '%/sports/mariners%'"
        ).fetchone()[0]
        third_fetch = conn.execute(
            "select max(fetched_at) from raw.pages where run_id = 'night-3' and final_url like '%/sports/mariners%'"
        ).fetchone()[0]
        seen = conn.execute(
            "select times_fetched, times_not_modified, last_status from raw.seen_urls where url like %s",
            ("%/sports/mariners-rally-past-bayport-for-sectional-title/",),
        ).fetchone()
    assert "192 apartments" in body
    assert versions == ARTICLES + 1  # a first version of each, and the change
    assert seen == (3, 2, 304)
    assert last_seen == third_fetch, "an article answering 304 was still seen that night"


def test_an_identical_body_from_a_server_without_304s_is_not_extracted_again(tmp_path, site_copy, database_url):
    rules = site_copy / SITE / "server.toml"
    rules.write_text("conditional_requests = false\n" + rules.read_text())
    with serve_demo_sites(sites_dir=site_copy) as running:
        settings = _settings(tmp_path, database_url, running[SITE].origin)
        _run(settings, "night-1", 1)
        second = _run(settings, "night-2", 2)
    assert second.crawled.pages_not_modified == 0
    extracted = second.extracted
    assert (extracted.pages.count, extracted.articles.count, extracted.rejects.count) == (ARTICLES, 0, 0)


def test_a_rerun_of_the_same_run_fetches_and_extracts_again(tmp_path, site_copy, database_url):
    with serve_demo_sites(sites_dir=site_copy) as running:
        settings = _settings(tmp_path, database_url, running[SITE].origin)
        _run(settings, "night-1", 1)
        again = _run(settings, "night-1", 1)
    assert again.crawled.pages_not_modified == 0
    assert again.extracted.articles.count == ARTICLES


def test_a_crawl_stopped_half_way_resumes_without_fetching_again_what_it_archived(tmp_path, site_copy):
    # a slow site: each article takes 0.4 s to ask for, so the crawl can be stopped in the middle
    robots = site_copy / SITE / "public" / "robots.txt"
    robots.write_text(robots.read_text().replace("Crawl-delay: 0.2", "Crawl-delay: 0.4"))
    with serve_demo_sites(sites_dir=site_copy) as running:
        settings = Settings(data_dir=tmp_path / "data", site_origins={SITE: running[SITE].origin})
        site = load_registry(settings.sites_dir, settings.site_origins)[SITE]
        job = CrawlJob(site, tmp_path / "crawl.warc.gz", job_dir=tmp_path / "job")

        process = start_crawl(settings, job)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(_archived(job.archive_path)) < 2:
            time.sleep(0.1)
        process.send_signal(signal.SIGINT)  # what Airflow or an operator does to stop a task
        process.communicate(timeout=60)
        first = _archived(job.archive_path)
        assert 2 <= len(first) < ARTICLES, "the crawl was not stopped half way"

        finish_crawl(settings, job, start_crawl(settings, job))
    every = _archived(job.archive_path)
    assert sorted(every) == sorted(set(every)), "a page archived before the stop was fetched again"
    assert len(every) == ARTICLES
    assert every[: len(first)] == first


def _archived(path: Path) -> list[str]:
    if not path.exists():
        return []
    try:
        return [page.requested_url for page in read_archive(path)]
    except Exception:  # the crawl is writing the last record right now
        return []
