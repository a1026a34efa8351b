"""
### broadsheet_nightly

Every night, for each enabled site in the registry: **crawl** (Scrapy, into a WARC archive) →
**extract** (trafilatura + Broadsheet's boilerplate rules) → **normalise** (dates to UTC) →
**load** (PostgreSQL warehouse, idempotent). Each site is one mapped task group; a failing site does not
stop the others, and the final task `check_sites` fails the run naming the sites that did not load.

Every task works on the run's data interval. A **backfill** (Trigger → Backfill, pick a date range)
re-processes the pages archived for each day and loads the articles published or changed that day;
with *mode = reprocess* no request is sent to any site. Re-running any interval changes nothing twice.

The warehouse is the Airflow Connection `broadsheet_warehouse` (Postgres), or `BROADSHEET_DATABASE_URL`.
Pools: `broadsheet` (every site task) and `broadsheet_crawl` (crawls at once).

The logic lives in `broadsheet.orchestration` and `broadsheet.stages`; this file only wires it.
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
            type="array",
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
        from broadsheet import orchestration, stages

        return stages.prepare_warehouse(orchestration.task_settings())

    @task
    def enabled_sites(params=None) -> list[str]:
        from broadsheet import orchestration

        return orchestration.select_sites(orchestration.task_settings(), params.get("sites"))

    @task_group
    def site_pipeline(site_key: str) -> None:
        # Each stage gets its run, interval and Params from the task's context (orchestration.site_stage).
        @task(pool=CRAWL_POOL)
        def crawl(site_key: str) -> dict:
            from broadsheet import orchestration

            return orchestration.site_stage("crawl", site_key)

        @task
        def extract(crawled: dict) -> dict:
            from broadsheet import orchestration

            return orchestration.site_stage("extract", crawled["site_key"])

        @task
        def normalise(extracted: dict) -> dict:
            from broadsheet import orchestration

            return orchestration.site_stage("normalise", extracted["site_key"])

        @task
        def load(normalised: dict) -> dict:
            from broadsheet import orchestration

            return orchestration.site_stage("load", normalised["site_key"])

        load(normalise(extract(crawl(site_key))))

    @task(trigger_rule="all_done", retries=0)  # it only reports; retrying cannot change what happened
    def check_sites(sites: list[str] | None, ti=None, run_id=None) -> None:
        from broadsheet import orchestration

        states = ti.get_task_states(dag_id=ti.dag_id, task_group_id="site_pipeline", run_ids=[run_id])
        failed = orchestration.failed_sites(sites, states.get(run_id, {}))
        settings = orchestration.task_settings()
        orchestration.finish_run(settings, run_id, *orchestration.context_interval(settings), failed)

    sites = enabled_sites()
    prepare_warehouse() >> sites
    loaded = site_pipeline.expand(site_key=sites)
    loaded >> check_sites(sites)


broadsheet_nightly()
