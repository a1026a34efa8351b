"""The run's books (broadsheet/accounting.py): every URL a run discovers ends in exactly one recorded outcome,
the counts are stored per attempt, and a run that lost a URL between its stages fails naming it."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import psycopg
import pytest

from broadsheet import pipeline
from broadsheet.accounting import ARCHIVED_EXTRACTED, EXTRACTED_LOADED, BooksDoNotBalance, build_books
from broadsheet.records import Article
from broadsheet.settings import Settings

INTERVAL = (datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC))
SITE_KEY = "diari_del_port"


def _settings(tmp_path, demo_origins, database_url) -> Settings:
    settings = Settings(data_dir=tmp_path / "data", site_origins=demo_origins, database_url=database_url)
    pipeline.prepare_warehouse(settings)
    return settings


def _url_outcomes(results: pipeline.SiteResults) -> dict[str, tuple[str, str]]:
    """URL -> (outcome, reason), rebuilt from the stage results as the load task built them."""
    books = build_books(results.crawled, results.extracted, results.normalised, results.loaded)
    return {url: (outcome, reason) for url, outcome, reason in books.outcomes.values()}


def _stored_counts(conn: psycopg.Connection, run_id: str, site_key: str, attempt: int = 1) -> Counter:
    rows = conn.execute(
        "select outcome, reason, urls from etl.run_outcomes where run_id = %s and site_key = %s and attempt = %s",
        (run_id, site_key, attempt),
    ).fetchall()
    return Counter({(outcome, reason): urls for outcome, reason, urls in rows})


def _night(settings: Settings, run_id: str, site_keys: list[str]) -> dict[str, pipeline.SiteResults]:
    """Every site's run side by side, as the DAG's mapped task groups run them."""
    runs = [pipeline.SiteRun(key, run_id, *INTERVAL) for key in site_keys]
    with ThreadPoolExecutor(max_workers=len(runs)) as pool:
        return dict(zip(site_keys, pool.map(lambda run: pipeline.run_site(settings, run), runs), strict=True))


def test_the_demo_nights_balance_and_each_url_ends_as_expected_json_says(
    tmp_path, demo_origins, database_url, expected
):
    settings = _settings(tmp_path, demo_origins, database_url)
    site_keys = sorted(demo_origins)
    first, second = _night(settings, "night-1", site_keys), _night(settings, "night-2", site_keys)
    with psycopg.connect(database_url) as conn:
        for site_key in site_keys:
            truth = expected[site_key]
            origin = demo_origins[site_key]
            discovered = [origin + article.get("requested_path", article["path"]) for article in truth["articles"]]
            skipped = {skip["url"]: ("skipped", skip["reason"]) for skip in truth["skipped"]}
            rejected = {reject["url"]: ("rejected", reject["reason"]) for reject in truth["rejects"]}
            # the first night: every article new, every reject and skip with the reason expected.json gives it
            wanted = dict.fromkeys(discovered, ("loaded", "new")) | rejected | skipped
            assert _url_outcomes(first[site_key]) == wanted, site_key
            assert _stored_counts(conn, "night-1", site_key) == Counter(wanted.values()), site_key
            # the next night: what the site served with 200 is now a 304; an error stays an error, a skip a skip
            answered = {url for url, (_, reason) in rejected.items() if reason != "http_error"}
            wanted = (
                dict.fromkeys(discovered, ("not_modified", ""))
                | {url: ("not_modified", "") for url in answered}
                | {url: outcome for url, outcome in rejected.items() if url not in answered}
                | skipped
            )
            assert _url_outcomes(second[site_key]) == wanted, site_key
            assert _stored_counts(conn, "night-2", site_key) == Counter(wanted.values()), site_key
        unbalanced = conn.execute("select count(*) from etl.run_books where not is_balanced").fetchone()[0]
        statuses = conn.execute("select distinct status from etl.runs").fetchall()
    assert unbalanced == 0 and statuses == [("succeeded",)]


def _drop_first_record(records: pipeline.Records) -> tuple[pipeline.Records, str]:
    """The same record file without its first record (lost between two stages); returns its URL too."""
    lines = records.path.read_bytes().splitlines(keepends=True)
    first = next(records.read())
    records.path.write_bytes(b"".join(lines[1:]))
    url = first.extracted.url if isinstance(first, Article) else first.url
    return records.model_copy(update={"count": records.count - 1}), url


@pytest.mark.parametrize(("lost_after", "equation"), [("extract", ARCHIVED_EXTRACTED), ("normalise", EXTRACTED_LOADED)])
def test_a_page_lost_between_stages_fails_the_load_naming_it_and_a_fixed_retry_adds_an_attempt(
    tmp_path, demo_origins, database_url, lost_after, equation
):
    settings = _settings(tmp_path, demo_origins, database_url)
    run = pipeline.SiteRun(SITE_KEY, "lossy", *INTERVAL)
    crawled = pipeline.crawl(settings, run)
    extracted = pipeline.extract(settings, run, crawled.archive)
    kept = extracted.articles.path.read_bytes()
    if lost_after == "extract":  # a page archived, then dropped before it was extracted or rejected
        articles, lost_url = _drop_first_record(extracted.articles)
        lossy = extracted.model_copy(update={"articles": articles})
        normalised = pipeline.normalise(settings, run, lossy.articles)
    else:  # an article extracted, then dropped before it was loaded
        lossy = extracted
        normalised = pipeline.normalise(settings, run, extracted.articles)
        articles, lost_url = _drop_first_record(normalised.articles)
        normalised = normalised.model_copy(update={"articles": articles})

    with pytest.raises(BooksDoNotBalance) as failure:
        pipeline.load_run(settings, crawled, lossy, normalised)
    assert equation in str(failure.value) and lost_url in str(failure.value)

    extracted.articles.path.write_bytes(kept)  # the stage fixed: its retry loses nothing
    normalised = pipeline.normalise(settings, run, extracted.articles)
    pipeline.load_run(settings, crawled, extracted, normalised)
    with psycopg.connect(database_url) as conn:
        books = conn.execute(
            "select attempt, is_balanced, unbalanced from etl.run_books where run_id = %s order by attempt",
            (run.run_id,),
        ).fetchall()
        first, second = _stored_counts(conn, run.run_id, SITE_KEY, 1), _stored_counts(conn, run.run_id, SITE_KEY, 2)
        status = conn.execute("select status from etl.runs where run_id = %s", (run.run_id,)).fetchone()[0]
    assert [(attempt, balanced) for attempt, balanced, _ in books] == [(1, False), (2, True)]
    assert equation in books[0][2] and lost_url in books[0][2]  # the first attempt's books are kept as they were
    assert sum(count for (outcome, _), count in first.items() if outcome == "missing") == 1
    assert "missing" not in {outcome for outcome, _ in second} and sum(second.values()) == sum(first.values())
    assert status == "succeeded"


def test_re_running_a_site_s_run_adds_an_attempt_and_keeps_the_first(tmp_path, demo_origins, database_url):
    settings = _settings(tmp_path, demo_origins, database_url)
    run = pipeline.SiteRun(SITE_KEY, "twice", *INTERVAL)
    pipeline.run_site(settings, run)
    pipeline.run_site(settings, run)
    with psycopg.connect(database_url) as conn:
        attempts = conn.execute(
            "select attempt, is_balanced from etl.run_books where run_id = %s order by attempt", (run.run_id,)
        ).fetchall()
        first = _stored_counts(conn, run.run_id, SITE_KEY, 1)
        second = _stored_counts(conn, run.run_id, SITE_KEY, 2)
    assert attempts == [(1, True), (2, True)]
    assert first == Counter({("loaded", "new"): 7})  # the first attempt's counts, not overwritten
    assert sum(second.values()) == 7 and ("loaded", "new") not in second
