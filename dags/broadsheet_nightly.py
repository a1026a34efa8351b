"""
### broadsheet_nightly

Every night, for each enabled site in the registry: **crawl** (Scrapy, into a WARC archive) →
**extract** (trafilatura + Broadsheet's boilerplate rules) → **normalise** (dates to UTC) →
**load** (PostgreSQL warehouse, idempotent). Each site is one mapped task group; a failing site does not
stop the others, and the final task `check_sites` writes the run's HTML report (its path and a summary are in
the task log) and fails the run naming the sites that did not load.

Every task works on the run's data interval. A **backfill** (Trigger → Backfill, pick a date range)
re-processes the pages archived for each day and loads the articles published or changed that day;
with *mode = reprocess* no request is sent to any site. Re-running any interval changes nothing twice.

The warehouse is the Airflow Connection `broadsheet_warehouse` (Postgres), or `BROADSHEET_DATABASE_URL`.
Pools: `broadsheet` (every site task) and `broadsheet_crawl` (crawls at once).

Each task calls one stage of `broadsheet.pipeline` and hands its typed result (file references and counts)
to the next through XCom; `broadsheet.orchestration` reads the run, its interval and Params. This file only
wires them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import CronDataIntervalTimetable, Param, dag, task, task_group

from broadsheet.orchestration import MODES, site_choices
from broadsheet.settings import Settings

_settings = Settings()  # environment only
_sites = site_choices(_settings)  # the registry's site names, for the trigger form (local files, no network)

POOL = "broadsheet"
CRAWL_POOL = "broadsheet_crawl"


@dag(
    dag_id="broadsheet_nightly",
    schedule=CronDataIntervalTimetable(_settings.schedule_cron, timezone=_settings.schedule_timezone),
    start_date=datetime(2024, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={
        "retries": _settings.task_retries,
        "retry_delay": timedelta(seconds=_settings.task_retry_delay_seconds),
        "retry_exponential_backoff": True,
        "pool": POOL,
    },
    params={
        "sites": Param(
            [],
            type=["array", "null"],  # may be left empty: not marked required in the Trigger form
            items={"type": "string", **({"enum": _sites} if _sites else {})},
            uniqueItems=True,
            title="Sites",
            description="Which sites to run; leave empty for every enabled site in the registry.",
            examples=_sites or None,
        ),
        "mode": Param(
            "crawl",
            type="string",
            enum=list(MODES),
            values_display=MODES,
            title="Mode",
            description="crawl: fetch from the sites and process; reprocess: only re-process the archived pages.",
        ),
        "force_reextract": Param(
            False,
            type="boolean",
            title="Force re-extraction",
            description=(
                "Extract every archived page again, e.g. after a boilerplate rule improved; otherwise a page "
                "whose body is the one already loaded is skipped."
            ),
        ),
    },
    doc_md=__doc__,
    tags=["broadsheet"],
)
def broadsheet_nightly() -> None:
    @task
    def prepare_warehouse() -> list[str]:
        from broadsheet import orchestration, pipeline

        return pipeline.prepare_warehouse(orchestration.task_settings())

    @task
    def enabled_sites() -> list[str]:
        from broadsheet import orchestration

        settings = orchestration.task_settings()
        return orchestration.select_sites(settings, orchestration.task_run(settings).sites)

    @task_group
    def site_pipeline(site_key: str) -> None:
        # Each task returns its stage's typed result as XCom JSON (broadsheet/pipeline.py): references to the
        # files it wrote and its counts. The run, its interval and Params are read once, in crawl. Each
        # stage's time and item count go to etl.stage_timings (the run report's durations per stage).
        @task(pool=CRAWL_POOL)
        def crawl(site_key: str) -> dict:
            from broadsheet import orchestration, pipeline
            from broadsheet.stage_timings import timed_stage

            settings = orchestration.task_settings()
            run = orchestration.task_run(settings).site(site_key)
            return timed_stage("crawl", run, pipeline.crawl, settings, run).to_xcom()

        @task
        def extract(crawled: dict) -> dict:
            from broadsheet import orchestration, pipeline
            from broadsheet.stage_timings import timed_stage

            crawl = pipeline.Crawled.from_xcom(crawled)
            settings = orchestration.task_settings()
            return timed_stage("extract", crawl.run, pipeline.extract, settings, crawl.run, crawl.archive).to_xcom()

        @task
        def normalise(extracted: dict) -> dict:
            from broadsheet import orchestration, pipeline
            from broadsheet.stage_timings import timed_stage

            extract = pipeline.Extracted.from_xcom(extracted)
            settings = orchestration.task_settings()
            return timed_stage(
                "normalise", extract.run, pipeline.normalise, settings, extract.run, extract.articles
            ).to_xcom()

        @task
        def load(crawled: dict, extracted: dict, normalised: dict) -> dict:
            from broadsheet import orchestration, pipeline
            from broadsheet.stage_timings import timed_stage

            normalise = pipeline.Normalised.from_xcom(normalised)
            return timed_stage(
                "load",
                normalise.run,
                pipeline.load_run,
                orchestration.task_settings(),
                pipeline.Crawled.from_xcom(crawled),  # rejects; pages not modified or unchanged
                pipeline.Extracted.from_xcom(extracted),  # pages; rejects
                normalise,  # articles; rejects
            ).to_xcom()

        crawled = crawl(site_key)
        extracted = extract(crawled)
        load(crawled, extracted, normalise(extracted))

    @task(trigger_rule="all_done", retries=0)  # it only reports; retrying cannot change what happened
    def check_sites(sites: list[str] | None, ti=None) -> None:
        from broadsheet import orchestration

        settings = orchestration.task_settings()
        run = orchestration.task_run(settings)
        states = ti.get_task_states(dag_id=ti.dag_id, task_group_id="site_pipeline", run_ids=[run.run_id])
        failed = orchestration.failed_sites(sites, states.get(run.run_id, {}))
        orchestration.finish_and_report(settings, run.run_id, run.interval_start, run.interval_end, failed)

    sites = enabled_sites()
    prepare_warehouse() >> sites
    loaded = site_pipeline.expand(site_key=sites)
    loaded >> check_sites(sites)


broadsheet_nightly()
