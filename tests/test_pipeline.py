"""The stage contract: each stage hands on a typed result that survives XCom's JSON, names only files in its
own folder, and never leaves half a file behind, even when it fails half way."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from broadsheet import pipeline
from broadsheet.settings import Settings

SITE_KEY = "diari_del_port"
START, END = datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC)


def _settings(tmp_path, demo_origins, database_url) -> Settings:
    settings = Settings(data_dir=tmp_path / "data", site_origins=demo_origins, database_url=database_url)
    pipeline.prepare_warehouse(settings)
    return settings


def test_stage_results_round_trip_through_xcom_json_and_name_only_their_own_files(tmp_path, demo_origins, database_url):
    settings = _settings(tmp_path, demo_origins, database_url)
    run = pipeline.SiteRun(SITE_KEY, "test_contract", START, END)
    crawled = pipeline.crawl(settings, run)
    extracted = pipeline.extract(settings, run, crawled.archive)
    normalised = pipeline.normalise(settings, run, extracted.articles)
    loaded = pipeline.load_run(settings, crawled, extracted, normalised)

    for stage, result in [("crawl", crawled), ("extract", extracted), ("normalise", normalised)]:
        assert type(result).from_xcom(json.loads(json.dumps(result.to_xcom()))) == result
        files = [value.path for value in vars(result).values() if isinstance(value, pipeline.Records)]
        assert files and all(path.parent == run.stage_dir(settings, stage) for path in files), stage
    assert pipeline.Loaded.from_xcom(json.loads(json.dumps(loaded.to_xcom()))) == loaded
    assert crawled.archive.files[-1].endswith(".warc.gz")  # a local path or an object store URL
    undated = [r for r in normalised.rejects.read() if r.reason == "no_date"]
    assert normalised.articles.count == extracted.articles.count > 1
    assert (normalised.undated, len(undated)) == (1, 1)
    assert loaded.summary.articles_new == normalised.articles.count
    assert loaded.summary.rejects == crawled.rejects.count + extracted.rejects.count + normalised.rejects.count


def test_a_backfill_keeps_only_its_interval_s_articles_without_touching_extract_s_file(
    tmp_path, demo_origins, database_url
):
    settings = _settings(tmp_path, demo_origins, database_url)
    everything = pipeline.SiteRun(SITE_KEY, "test_backfill", START, END)
    extracted = pipeline.extract(settings, everything, pipeline.crawl(settings, everything).archive)
    before = extracted.articles.path.read_bytes()
    backfill = pipeline.SiteRun(  # the night of 2024-03-31, when two of the site's articles were published
        SITE_KEY,
        "test_backfill",
        datetime(2024, 3, 31, tzinfo=UTC),
        datetime(2024, 4, 1, tzinfo=UTC),
        pipeline.RunOptions(is_backfill=True),
    )

    normalised = pipeline.normalise(settings, backfill, extracted.articles)

    kept = list(normalised.articles.read())
    assert len(kept) == 2 and all(
        pipeline.in_interval(article, backfill.interval_start, backfill.interval_end) for article in kept
    )
    assert normalised.articles.count + normalised.outside_interval == extracted.articles.count
    assert extracted.articles.path.read_bytes() == before


def test_a_stage_that_fails_half_way_keeps_its_last_complete_output(tmp_path, demo_origins, database_url):
    settings = _settings(tmp_path, demo_origins, database_url)
    run = pipeline.SiteRun(SITE_KEY, "test_outputs", START, END)
    extracted = pipeline.extract(settings, run, pipeline.crawl(settings, run).archive)
    normalised = pipeline.normalise(settings, run, extracted.articles)
    complete = normalised.articles.path.read_bytes()
    assert normalised.articles.count == extracted.articles.count == complete.count(b"\n") > 1

    with extracted.articles.path.open("ab") as stream:  # the last record of the input was cut short
        stream.write(b'{"site_key": "diari_del_port", "url": "http://127.0.0.1/cut-')
    with pytest.raises(ValidationError):
        pipeline.normalise(settings, run, extracted.articles)

    assert normalised.articles.path.read_bytes() == complete
    assert [path.name for path in run.work_dir(settings).rglob("*.tmp")] == []
