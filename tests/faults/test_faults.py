"""Faults injected into real nights: the crawl killed (SIGKILL or SIGTERM, the crawl process or the task
that started it) at three points of a crawl of a few hundred pages, the disk full under the archive and under
the job folder, the warehouse connection killed during a load, two runs of one interval at once, a task
retried after its stage had succeeded. Each ends with every article loaded exactly once, and no page that
was archived fetched twice."""

from __future__ import annotations

import signal
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from big_site import (
    ARTICLES,
    archived_urls,
    article_requests,
    big_site_config,
    run_python,
    serve_big_site,
    wait_for_crawl_child,
    wait_until_archived,
    wait_until_gone,
)
from night import night_settings, read_warehouse, run_night, site_run, write_registry_entry
from services import missing_service
from suite_tally import night_books

from broadsheet.pipeline import crawl, extract, load_run, normalise, prepare_warehouse
from crawlers.run import CrawlFailed

SITE = "big_gazette"


def _in_thread(function, *args) -> tuple[threading.Thread, dict]:
    outcome: dict = {}

    def target() -> None:
        try:
            outcome["result"] = function(*args)
        except Exception as error:  # the fault under test: kept for the assertions
            outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    return thread, outcome


def _settings(tmp_path: Path, database_url: str, site) -> object:
    settings = night_settings(tmp_path, database_url, autothrottle_enabled=False)
    write_registry_entry(settings.sites_dir, big_site_config(site))
    prepare_warehouse(settings)
    return settings


def _assert_every_article_loaded_once(database_url: str, site, record_property) -> None:
    warehouse = read_warehouse(database_url, SITE)
    loaded = [url.removeprefix(site.origin) for url in warehouse.articles]
    record_property("night_books", night_books(len(ARTICLES), len(set(loaded) & set(ARTICLES)), warehouse))
    assert sorted(loaded) == ARTICLES
    with psycopg.connect(database_url) as conn:
        versions = conn.execute(
            "select count(*), count(distinct article_id) from warehouse.article_versions"
        ).fetchone()
    assert versions == (len(ARTICLES), len(ARTICLES))


KILLS = [
    pytest.param("child", signal.SIGKILL, 50, marks=pytest.mark.fault("SIGKILL of the crawl process, early")),
    pytest.param("child", signal.SIGTERM, 100, marks=pytest.mark.fault("SIGTERM of the crawl process, half way")),
    pytest.param("parent", signal.SIGKILL, 150, marks=pytest.mark.fault("SIGKILL of the crawl task, late")),
    # what Airflow sends a task it stops (a timeout, "mark failed", a worker shutting down)
    pytest.param("parent", signal.SIGTERM, 100, marks=pytest.mark.fault("SIGTERM of the crawl task, half way")),
]


@pytest.mark.parametrize(("target", "stop", "point"), KILLS)
def test_a_crawl_killed_at_any_point_is_resumed_by_the_retry(
    tmp_path, database_url, record_property, target, stop, point
):
    with serve_big_site() as site:
        settings = _settings(tmp_path, database_url, site)
        run = site_run(SITE)
        if target == "child":
            thread, outcome = _in_thread(crawl, settings, run)
            child = wait_for_crawl_child()
        else:  # the Airflow task's process, which started the crawl process
            env = {
                "BROADSHEET_DATABASE_URL": database_url,
                "BROADSHEET_DATA_DIR": str(settings.data_dir),
                "BROADSHEET_SITES_DIR": str(settings.sites_dir),
                "BROADSHEET_AUTOTHROTTLE_ENABLED": "false",
            }
            task = run_python(
                "from broadsheet.settings import Settings\nfrom broadsheet.pipeline import crawl\n"
                f"from night import site_run\ncrawl(Settings(), site_run({SITE!r}))\n",
                env,
            )
            child = wait_for_crawl_child(task.pid)
        wait_until_archived(settings.archive_dir, point)
        if target == "child":
            child.send_signal(stop)
            thread.join(300)
            assert isinstance(outcome.get("error"), CrawlFailed), outcome  # the task fails, never "succeeds"
        else:
            task.send_signal(stop)
            task.wait(60)
            assert wait_until_gone(child), "the crawl outlived the task that started it"
        first = archived_urls(settings.archive_dir)
        assert point <= len(first) < len(ARTICLES), "the crawl was not stopped part way"
        assert (settings.work_dir / run.slug / SITE / "crawl" / "job").exists(), "the job folder was not kept"

        run_night(settings, run)  # the retry
        requests = article_requests(site)
    archived_first = {url.removeprefix(site.origin) for url in first}
    assert {path: requests[path] for path in archived_first if requests[path] != 1} == {}, "archived, fetched again"
    assert set(requests) == set(ARTICLES)
    _assert_every_article_loaded_once(database_url, site, record_property)


@contextmanager
def _tmpfs(path: Path, size: str) -> Iterator[Path]:
    path.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if mounted.returncode != 0:
        missing_service(f"cannot mount a small tmpfs for the disk-full test (needs root): {mounted.stderr!r}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _grow(path: Path, size: str) -> None:
    subprocess.run(["mount", "-o", f"remount,size={size}", str(path)], check=True)


@pytest.mark.parametrize(
    "folder",
    [
        pytest.param("archive", marks=pytest.mark.fault("disk full under the archive")),
        pytest.param("work", marks=pytest.mark.fault("disk full under the data folder (job folder)")),
    ],
)
def test_a_full_disk_fails_the_crawl_task_and_the_retry_loads_everything_once(
    tmp_path, database_url, record_property, folder
):
    with serve_big_site() as site:
        settings = _settings(tmp_path, database_url, site).model_copy(update={"crawl_timeout_seconds": 120})
        run = site_run(SITE)
        full = settings.archive_dir if folder == "archive" else settings.work_dir
        with _tmpfs(full, "300k" if folder == "archive" else "48k"):
            # it fails at once and says why, instead of idling until the crawl timeout (closespider_timeout)
            with pytest.raises(CrawlFailed, match=r"did not finish normally \(failed: .*No space left on device"):
                crawl(settings, run)
            assert len(archived_urls(settings.archive_dir)) < len(ARTICLES)
            _grow(full, "64m")  # the operator frees space; the task is retried
            run_night(settings, run)
            requests = article_requests(site)
            assert set(requests) == set(ARTICLES)
            _assert_every_article_loaded_once(database_url, site, record_property)


def _advisory_waiters(database_url: str) -> list[int]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(
            "select pid from pg_stat_activity where wait_event_type = 'Lock' and wait_event = 'advisory'"
            " and datname = current_database()"
        ).fetchall()
    return [pid for (pid,) in rows]


@pytest.mark.fault("warehouse connection killed during a load (pg_terminate_backend)")
def test_a_load_whose_connection_is_killed_fails_and_its_retry_loads_everything_once(
    tmp_path, database_url, record_property
):
    import time

    with serve_big_site() as site:
        settings = _settings(tmp_path, database_url, site)
        run = site_run(SITE)
        crawled = crawl(settings, run)
        extracted = extract(settings, run, crawled.archive)
        normalised = normalise(settings, run, extracted.articles)
        with psycopg.connect(database_url, autocommit=True) as blocker:
            key = (SITE, run.interval_start.isoformat())
            blocker.execute("select pg_advisory_lock(hashtext(%s), hashtext(%s))", key)  # the load will wait here
            thread, outcome = _in_thread(load_run, settings, crawled, extracted, normalised)
            deadline = time.monotonic() + 60
            while not _advisory_waiters(database_url) and time.monotonic() < deadline:
                time.sleep(0.1)
            [pid] = _advisory_waiters(database_url)
            blocker.execute("select pg_terminate_backend(%s)", (pid,))
            thread.join(60)
            blocker.execute("select pg_advisory_unlock(hashtext(%s), hashtext(%s))", key)
        assert isinstance(outcome.get("error"), psycopg.OperationalError), outcome
        assert read_warehouse(database_url, SITE).articles == {}
        load_run(settings, crawled, extracted, normalised)  # the retry
    _assert_every_article_loaded_once(database_url, site, record_property)


@pytest.mark.fault("two runs of one interval at once")
def test_two_runs_of_one_interval_at_once_load_every_article_once(tmp_path, database_url, record_property):
    with serve_big_site() as site:
        settings = _settings(tmp_path, database_url, site)
        runs = [site_run(SITE, "scheduled__2024-03-13"), site_run(SITE, "manual__2024-03-13")]
        threads = [_in_thread(run_night, settings, run) for run in runs]
        for thread, _ in threads:
            thread.join(600)
        assert [sorted(outcome) for _, outcome in threads] == [["result"], ["result"]], threads
    _assert_every_article_loaded_once(database_url, site, record_property)


@pytest.mark.fault("a task retried after partial success")
def test_extract_normalise_and_load_retried_after_success_change_nothing(tmp_path, database_url, record_property):
    """Airflow retries a task whose work had succeeded (its worker died before reporting): the stages run
    again over the same outputs and the warehouse is unchanged."""
    with serve_big_site() as site:
        settings = _settings(tmp_path, database_url, site)
        run = site_run(SITE)
        first = run_night(settings, run)
        before = read_warehouse(database_url, SITE)
        again = extract(settings, run, first.crawled.archive)
        normalised = normalise(settings, run, again.articles)
        summary = load_run(settings, first.crawled, again, normalised).summary
    assert again.articles.count == len(ARTICLES)
    assert (summary.articles_new, summary.articles_changed) == (0, 0)
    assert read_warehouse(database_url, SITE) == before
    _assert_every_article_loaded_once(database_url, site, record_property)
