"""Stage outputs are written one record at a time, yet a stage that fails half way never leaves half a file:
the retried task (or the next stage) still finds the last complete output."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from broadsheet import stages
from broadsheet.settings import Settings

SITE_KEY = "diari_del_port"


def test_a_stage_that_fails_half_way_keeps_its_last_complete_output(tmp_path, demo_origins, database_url):
    settings = Settings(data_dir=tmp_path / "data", site_origins=demo_origins, database_url=database_url)
    run = stages.SiteRun(SITE_KEY, "test_outputs", datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC))
    stages.prepare_warehouse(settings)
    crawled = stages.crawl(settings, run)
    extracted = stages.extract(settings, run, crawled["archive_path"])
    normalised = stages.normalise(settings, run)
    work = run.work_dir(settings)
    articles_file = work / "articles.jsonl"
    complete = articles_file.read_bytes()
    assert normalised["articles"] == extracted["articles"] == complete.count(b"\n") > 1

    with (work / "extracted.jsonl").open("ab") as stream:  # the last record of the input was cut short
        stream.write(b'{"site_key": "diari_del_port", "url": "http://127.0.0.1/cut-')
    with pytest.raises(ValidationError):
        stages.normalise(settings, run)

    assert articles_file.read_bytes() == complete
    assert sorted(path.name for path in work.iterdir() if path.suffix == ".tmp") == []
