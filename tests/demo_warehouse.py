"""The demo night in a warehouse, as analysts and the dashboard see it: every demo site crawled over HTTP,
extracted, normalised and loaded by the pipeline's stage functions (no Airflow), then a second night in which
one article was edited. The one place that loads demo data for the analyst and dashboard tests: when the stage
contract changes, only `load_demo_night` changes."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pydantic import TypeAdapter

from broadsheet import stages
from broadsheet.records import Article
from broadsheet.settings import Settings

INTERVAL = (datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC))
EDITED_SITE = "harbour_herald"
EDITED_TITLE_SUFFIX = " (updated)"
EDITED_BODY_ADDITION = "Correction: the council vote was nine to two, not eight to three."


@dataclass(frozen=True)
class DemoNight:
    """What was loaded, for the tests to compare the warehouse's answers with."""

    site_keys: list[str]
    edited_canonical_url: str
    edited_title: str
    edited_seen_at: datetime


@dataclass(frozen=True)
class DemoWarehouse:
    """A database holding the demo night (URL as the admin user), and what was loaded."""

    url: str
    night: DemoNight


def load_demo_night(settings: Settings) -> DemoNight:
    """Load every demo site (run demo-night-1), then reload one site with one article edited (demo-night-2)."""
    stages.prepare_warehouse(settings)
    # The sites run side by side, as the DAG's mapped task groups do: each crawl is a subprocess mostly waiting.
    with ThreadPoolExecutor(max_workers=len(settings.site_origins)) as pool:
        list(pool.map(lambda site_key: _run_site(settings, site_key), sorted(settings.site_origins)))
    return _load_an_edit(settings)


def _run_site(settings: Settings, site_key: str) -> None:
    run = stages.SiteRun(site_key, "demo-night-1", *INTERVAL)
    crawled = stages.crawl(settings, run)
    stages.extract(settings, run, crawled["archive_path"])
    stages.normalise(settings, run)
    stages.load(settings, run)


def _load_an_edit(settings: Settings) -> DemoNight:
    """The next night's load of one site, in which the site had corrected its first dated article."""
    first = stages.SiteRun(EDITED_SITE, "demo-night-1", *INTERVAL)
    second = stages.SiteRun(EDITED_SITE, "demo-night-2", *INTERVAL)
    adapter = TypeAdapter(Article)
    lines = (first.work_dir(settings) / "articles.jsonl").read_bytes().splitlines()
    articles = [adapter.validate_json(line) for line in lines]
    target = next(a for a in articles if a.published_at is not None)
    edited = dataclasses.replace(
        target,
        title=target.title + EDITED_TITLE_SUFFIX,
        body_text=f"{target.body_text}\n{EDITED_BODY_ADDITION}",
        fetched_at=target.fetched_at + timedelta(days=1),
    )
    with stages.JsonlOutput(second.work_dir(settings) / "articles.jsonl", Article) as output:
        for article in articles:
            output.write(edited if article is target else article)
    stages.load(settings, second)
    return DemoNight(
        site_keys=sorted(settings.site_origins),
        edited_canonical_url=target.canonical_url,
        edited_title=edited.title,
        edited_seen_at=edited.fetched_at,
    )
