"""
### broadsheet_nightly

Every night, for each enabled site in the registry: **crawl** (Scrapy, into a WARC archive) →
**extract** (trafilatura + Broadsheet's boilerplate rules) → **normalise** (dates to UTC) →
**load** (PostgreSQL warehouse, idempotent). Each site is one mapped task group; a failing site does not
stop the others. Every task works on the run's data interval, so any run is a backfill of its interval.

The logic lives in `broadsheet.stages`; this file only wires it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import CronDataIntervalTimetable, dag, task, task_group

from broadsheet.settings import Settings

_settings = Settings()  # environment only: no file or network I/O at import


@dag(
    dag_id="broadsheet_nightly",
    schedule=CronDataIntervalTimetable(_settings.schedule_cron, timezone=_settings.schedule_timezone),
    start_date=datetime(2024, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={
        "retries": 2,
        "retry_delay": timedelta(minutes=2),
        "retry_exponential_backoff": True,
    },
    doc_md=__doc__,
    tags=["broadsheet"],
)
def broadsheet_nightly() -> None:
    @task
    def prepare_warehouse() -> list[str]:
        from broadsheet import stages

        return stages.prepare_warehouse(Settings())

    @task
    def enabled_sites() -> list[str]:
        from broadsheet import stages

        return stages.enabled_site_keys(Settings())

    @task_group
    def site_pipeline(site_key: str) -> None:
        @task
        def crawl(site_key: str, run_id=None, data_interval_start=None, data_interval_end=None) -> dict:
            from broadsheet import stages

            run = stages.SiteRun(site_key, run_id, data_interval_start, data_interval_end)
            return {**stages.crawl(Settings(), run), "site_key": site_key}

        @task
        def extract(crawled: dict, run_id=None, data_interval_start=None, data_interval_end=None) -> dict:
            from broadsheet import stages

            run = stages.SiteRun(crawled["site_key"], run_id, data_interval_start, data_interval_end)
            return {**stages.extract(Settings(), run, crawled["archive_path"]), "site_key": run.site_key}

        @task
        def normalise(extracted: dict, run_id=None, data_interval_start=None, data_interval_end=None) -> dict:
            from broadsheet import stages

            run = stages.SiteRun(extracted["site_key"], run_id, data_interval_start, data_interval_end)
            stages.normalise(Settings(), run)
            return extracted

        @task
        def load(normalised: dict, run_id=None, data_interval_start=None, data_interval_end=None) -> dict:
            from dataclasses import asdict

            from broadsheet import stages

            run = stages.SiteRun(normalised["site_key"], run_id, data_interval_start, data_interval_end)
            return asdict(stages.load(Settings(), run))

        load(normalise(extract(crawl(site_key))))

    sites = enabled_sites()
    prepare_warehouse() >> sites
    site_pipeline.expand(site_key=sites)


broadsheet_nightly()
