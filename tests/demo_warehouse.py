"""The demo night in a warehouse, as analysts and the dashboard see it: every demo site crawled over HTTP,
extracted, normalised and loaded by the pipeline's stage functions (no Airflow), then a second night in which
one article was edited. The one place that loads demo data for the analyst and dashboard tests: when the stage
contract changes, only `load_demo_night` changes."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from broadsheet import pipeline
from broadsheet.record_files import RecordWriter
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
    pipeline.prepare_warehouse(settings)
    site_keys = sorted(settings.site_origins)
    # The sites run side by side, as the DAG's mapped task groups do: each crawl is a subprocess mostly waiting.
    with ThreadPoolExecutor(max_workers=len(site_keys)) as pool:
        runs = [pipeline.SiteRun(site_key, "demo-night-1", *INTERVAL) for site_key in site_keys]
        results = dict(zip(site_keys, pool.map(lambda run: pipeline.run_site(settings, run), runs), strict=True))
    return _load_an_edit(settings, results[EDITED_SITE])


def _load_an_edit(settings: Settings, first: pipeline.SiteResults) -> DemoNight:
    """The next night's load of one site, in which the site had corrected its first dated article."""
    articles = list(first.normalised.articles.read())
    target = next(a for a in articles if a.dates.published.at is not None)
    page = target.extracted
    edited = dataclasses.replace(
        target,
        extracted=dataclasses.replace(
            page,
            title=page.title + EDITED_TITLE_SUFFIX,
            body_text=f"{page.body_text}\n{EDITED_BODY_ADDITION}",
            fetched_at=page.fetched_at + timedelta(days=1),
        ),
    )
    second = pipeline.SiteRun(EDITED_SITE, "demo-night-2", *INTERVAL)
    with RecordWriter(second.stage_dir(settings, "normalise") / "articles.jsonl", Article) as output:
        for article in articles:
            output.write(edited if article is target else article)
    pipeline.load(settings, second, pages=first.extracted.pages, articles=output.records, rejects=[])
    return DemoNight(
        site_keys=sorted(settings.site_origins),
        edited_canonical_url=page.canonical_url,
        edited_title=edited.extracted.title,
        edited_seen_at=edited.extracted.fetched_at,
    )
