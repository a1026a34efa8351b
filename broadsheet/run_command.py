"""`broadsheet run`: one run of the pipeline for one or more sites without Airflow, through the same stage
functions the DAG's tasks call (broadsheet/pipeline.py), each stage timed into etl.stage_timings, a failing
site recorded without stopping the others, and the run's report written at the end."""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import SecretStr
from rich.console import Console

from broadsheet.progress import progress_bar
from broadsheet.settings import Settings


@dataclass(frozen=True)
class RunOutcome:
    run_id: str
    report_path: Path | None
    summary: list[str]
    failed: dict[str, str]  # site -> "<stage> failed: <error>"


STAGES = ("crawl", "extract", "normalise", "load")


def _run_stage(settings: Settings, run: object, stage: str, results: dict[str, object]) -> object:
    """One stage, fed from the results of the stages before it, as the DAG's tasks feed it."""
    from broadsheet import pipeline

    if stage == "crawl":
        return pipeline.crawl(settings, run)
    if stage == "extract":
        return pipeline.extract(settings, run, results["crawl"].archive)
    if stage == "normalise":
        return pipeline.normalise(settings, run, results["extract"].articles)
    return pipeline.load_run(settings, results["crawl"], results["extract"], results["normalise"])


def run_sites(
    settings: Settings,
    site_keys: list[str],
    interval: tuple[datetime, datetime],
    options: object,
    console: Console,
    run_id: str | None = None,
) -> RunOutcome:
    """Run every stage for each site in turn; returns the report's path, its summary and the failed sites."""
    from broadsheet import orchestration, pipeline
    from broadsheet.database import connect, warehouse_url
    from broadsheet.report import summary_lines, write_report
    from broadsheet.stage_timings import record_stage_timing, stage_items

    run_id = run_id or "cli__" + datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    failed: dict[str, str] = {}
    with warehouse_url(settings) as url:
        settings = settings.model_copy(update={"database_url": SecretStr(url)})  # one embedded server, if any
        pipeline.prepare_warehouse(settings)
        with connect(url) as conn, progress_bar(console) as progress:
            conn.autocommit = True
            for site_key in site_keys:
                run = pipeline.SiteRun(site_key, run_id, *interval, options)
                task = progress.add_task(f"{site_key}: crawl", total=4)
                results: dict[str, object] = {}
                for stage in STAGES:
                    progress.update(task, description=f"{site_key}: {stage}")
                    started, clock = datetime.now(UTC), time.perf_counter()
                    try:
                        results[stage] = _run_stage(settings, run, stage, results)
                    except Exception as error:
                        failed[site_key] = f"{stage} failed: {type(error).__name__}: {error}"
                        progress.console.print(f"[red]{site_key}: {failed[site_key]}[/red]", soft_wrap=True)
                        break
                    seconds = time.perf_counter() - clock
                    items = stage_items(stage, results[stage])
                    record_stage_timing(conn, run_id, site_key, stage, started, datetime.now(UTC), items)
                    progress.advance(task)
                    if console.is_terminal:
                        rate = items / max(seconds, 1e-6)
                        progress.console.print(f"{site_key:20} {stage:9} {items:7,} in {seconds:6.1f}s ({rate:,.1f}/s)")
        with contextlib.suppress(orchestration.SitesFailed):  # the failed sites are in the summary and exit status
            orchestration.finish_run(settings, run_id, *interval, {k: v.split(":")[0] for k, v in failed.items()})
        with connect(url) as conn:
            path, report = write_report(conn, run_id, settings.report_dir)
    return RunOutcome(run_id, path, summary_lines(report, path), failed)
