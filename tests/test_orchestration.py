"""What the DAG's tasks decide around the stages, without a scheduler: site selection, run options, the
interval's archive, a backfill's articles, and how failed sites are named."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from broadsheet.archive import ArchiveWriter, archive_path, latest_pages
from broadsheet.orchestration import SitesFailed, failed_sites, finish_run, run_interval, select_sites
from broadsheet.pipeline import (
    InvalidRunParams,
    RunOptions,
    in_interval,
    interval_archive_files,
    interval_days,
)
from broadsheet.records import Article, ChosenDate, ChosenDates, ExtractedArticle, FetchedPage
from broadsheet.settings import Settings

DAY = datetime(2024, 3, 10, tzinfo=UTC)
NEXT_DAY = datetime(2024, 3, 11, tzinfo=UTC)


def test_no_site_named_means_every_enabled_site(settings: Settings):
    assert select_sites(settings, []) == sorted(settings.site_origins)


def test_named_sites_keep_their_order_once_each(settings: Settings):
    assert select_sites(settings, ["rheinblick", "capitol_wire", "rheinblick"]) == ["rheinblick", "capitol_wire"]


def test_unknown_site_is_refused_naming_it_and_the_known_ones(settings: Settings):
    with pytest.raises(InvalidRunParams, match=r"unknown site\(s\) atlantis_gazette.*capitol_wire"):
        select_sites(settings, ["capitol_wire", "atlantis_gazette"])


@pytest.mark.parametrize(
    ("params", "run_type", "expected"),
    [
        ({}, "scheduled", RunOptions("crawl", False, False)),
        ({"mode": "reprocess", "force_reextract": True}, "backfill", RunOptions("reprocess", True, True)),
        ({"mode": "crawl"}, "manual", RunOptions("crawl", False, False)),
    ],
)
def test_run_options_come_from_params_and_run_type(params, run_type, expected):
    assert RunOptions.of(params, run_type) == expected


def test_unknown_mode_is_refused():
    with pytest.raises(InvalidRunParams, match="rebuild"):
        RunOptions.of({"mode": "rebuild"}, "manual")


def test_interval_covers_its_days_end_excluded():
    assert interval_days(DAY, NEXT_DAY) == ["2024-03-10"]
    assert interval_days(DAY, datetime(2024, 3, 13, tzinfo=UTC)) == ["2024-03-10", "2024-03-11", "2024-03-12"]


@pytest.mark.parametrize(
    ("cron", "zone", "run_after", "expected_start"),
    [
        ("0 0 * * *", "UTC", datetime(2026, 12, 1, 15, 39, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)),
        # triggered exactly on the tick: the day that just ended, not an empty interval
        ("0 0 * * *", "UTC", datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 11, 30, tzinfo=UTC)),
        # 02:00 in Berlin is 01:00 UTC in winter and 00:00 UTC in summer
        ("0 2 * * *", "Europe/Berlin", datetime(2026, 12, 1, 0, 30, tzinfo=UTC), datetime(2026, 11, 30, 1, tzinfo=UTC)),
        ("0 2 * * *", "Europe/Berlin", datetime(2026, 7, 1, 9, tzinfo=UTC), datetime(2026, 7, 1, 0, tzinfo=UTC)),
    ],
)
def test_a_run_triggered_without_logical_date_covers_the_last_tick_to_the_trigger(
    cron, zone, run_after, expected_start, tmp_path
):
    settings = Settings(data_dir=tmp_path, schedule_cron=cron, schedule_timezone=zone)
    assert run_interval(settings, None, None, run_after) == (expected_start, run_after)


def test_a_run_with_a_data_interval_keeps_it(tmp_path):
    settings = Settings(data_dir=tmp_path)
    assert run_interval(settings, DAY, NEXT_DAY, datetime(2026, 12, 1, tzinfo=UTC)) == (DAY, NEXT_DAY)


def _article(published_at, modified_at=None) -> Article:
    extracted = ExtractedArticle(
        site_key="capitol_wire", url="http://x/a", canonical_url="http://x/a", title="t", authors=[], body_text="b",
        language="en", published_candidates=[], modified_candidates=[], fetched_at=DAY, archive_location="f#0",
    )  # fmt: skip
    return Article(extracted, ChosenDates(ChosenDate(published_at), ChosenDate(modified_at)))


@pytest.mark.parametrize(
    ("published_at", "modified_at", "belongs"),
    [
        (datetime(2024, 3, 10, 23, 59, tzinfo=UTC), None, True),
        (NEXT_DAY, None, False),  # the interval's end belongs to the next day
        (datetime(2024, 3, 2, tzinfo=UTC), datetime(2024, 3, 10, 8, tzinfo=UTC), True),  # changed that day
        (None, None, False),
    ],
)
def test_a_backfill_keeps_articles_published_or_changed_in_its_interval(published_at, modified_at, belongs):
    assert in_interval(_article(published_at, modified_at), DAY, NEXT_DAY) is belongs


def _page(url: str, body: bytes, fetched_at: datetime) -> FetchedPage:
    return FetchedPage("capitol_wire", url, url, 200, {"content-type": "text/html"}, body, fetched_at)


def test_interval_archive_is_every_run_file_of_its_days_and_a_url_counts_once_latest_fetch(settings: Settings):
    first = archive_path(settings.archive_dir, "capitol_wire", DAY, "scheduled_1")
    second = archive_path(settings.archive_dir, "capitol_wire", DAY, "backfill_2")
    other_day = archive_path(settings.archive_dir, "capitol_wire", NEXT_DAY, "scheduled_3")
    with ArchiveWriter(first) as writer:
        writer.write(_page("http://x/a", b"old a", DAY))
        writer.write(_page("http://x/b", b"only b", DAY))
    with ArchiveWriter(second) as writer:
        writer.write(_page("http://x/a", b"new a", NEXT_DAY))
    with ArchiveWriter(other_day) as writer:
        writer.write(_page("http://x/c", b"next day", NEXT_DAY))

    files = interval_archive_files(settings, "capitol_wire", DAY, NEXT_DAY)
    assert set(files) == {first, second}
    bodies = {page.requested_url: page.body for page in latest_pages(files)}
    assert bodies == {"http://x/a": b"new a", "http://x/b": b"only b"}


def test_failed_sites_are_named_with_the_first_stage_that_did_not_succeed():
    states = {
        "site_pipeline.crawl_0": "success", "site_pipeline.extract_0": "success",
        "site_pipeline.normalise_0": "success", "site_pipeline.load_0": "success",
        "site_pipeline.crawl_1": "failed", "site_pipeline.extract_1": "upstream_failed",
    }  # fmt: skip
    assert failed_sites(["capitol_wire", "rheinblick"], states) == {"rheinblick": "crawl failed"}


def test_a_run_whose_site_list_never_came_fails_instead_of_passing_empty():
    with pytest.raises(SitesFailed, match="no site ran"):
        failed_sites(None, {})


def test_a_clean_run_passes_and_a_failed_site_is_recorded_and_named(settings: Settings, database_url: str):
    import psycopg
    from pydantic import SecretStr

    from broadsheet.pipeline import prepare_warehouse

    settings = settings.model_copy(update={"database_url": SecretStr(database_url)})
    prepare_warehouse(settings)
    finish_run(settings, "manual__1", DAY, NEXT_DAY, {})
    with pytest.raises(SitesFailed, match=r"rheinblick \(crawl failed\)"):
        finish_run(settings, "manual__1", DAY, NEXT_DAY, {"rheinblick": "crawl failed"})
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("select run_id, site_key, status, error from etl.runs").fetchall()
    assert rows == [("manual__1", "rheinblick", "failed", "task crawl failed")]


@pytest.mark.parametrize(
    ("run_type", "window_start"),
    [("scheduled", None), ("manual", None), ("backfill", DAY)],
)
def test_only_a_backfill_bounds_its_crawl_below(run_type, window_start):
    from broadsheet.pipeline import RunOptions, SiteRun, crawl_window

    run = SiteRun("capitol_wire", f"{run_type}__1", DAY, NEXT_DAY, RunOptions.of({}, run_type))
    assert crawl_window(run) == (window_start, NEXT_DAY)
