"""The run report: a demo run's report rendered in headless Chromium (Debian's chromium, via Playwright) with
the network cut off, showing each site's accounting, the cap warning and every chart; a screenshot is kept
under test-artifacts/."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from services import missing_service

from broadsheet import pipeline
from broadsheet.report import summary_lines, write_report
from broadsheet.settings import PROJECT_ROOT, Settings
from broadsheet.stage_timings import record_stage_timing

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
RUN_ID = "manual__report_demo"
SITES = ("diari_del_port", "rheinblick")


def _run_site(settings: Settings, conn: psycopg.Connection, site_key: str) -> None:
    """The four stages for one site, each timed as a runner records it."""
    run = pipeline.SiteRun(site_key, RUN_ID, datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC))
    results: dict[str, object] = {}
    steps = {
        "crawl": lambda: pipeline.crawl(settings, run),
        "extract": lambda: pipeline.extract(settings, run, results["crawl"].archive),
        "normalise": lambda: pipeline.normalise(settings, run, results["extract"].articles),
        "load": lambda: pipeline.load_run(settings, results["crawl"], results["extract"], results["normalise"]),
    }
    for stage, step in steps.items():
        started = datetime.now(UTC)
        results[stage] = step()
        record_stage_timing(conn, RUN_ID, site_key, stage, started, datetime.now(UTC))


@pytest.fixture
def report_file(tmp_path, demo_origins, database_url) -> tuple[Path, list[str]]:
    settings = Settings(
        data_dir=tmp_path / "data", site_origins=demo_origins, database_url=database_url, max_pages_per_site=5
    )
    pipeline.prepare_warehouse(settings)
    with psycopg.connect(database_url, autocommit=True) as conn:
        for site_key in SITES:
            _run_site(settings, conn, site_key)
        path, report = write_report(conn, RUN_ID, tmp_path / "reports")
    return path, summary_lines(report, path)


def test_the_run_report_renders_offline_in_chromium_with_accounting_warnings_and_charts(report_file):
    path, summary = report_file
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        missing_service("Debian's chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(180_000)  # 4.7 MB of inlined plotly.js, parsed on a busy machine
            page.on("request", lambda request: requests.append(request.url))
            page.route("http*://**", lambda route: route.abort())  # no network: the file must hold everything
            page.goto(path.as_uri())
            page.wait_for_selector(".js-plotly-plot .main-svg")
            rows = {
                row.locator("td").first.inner_text(): row.locator("td").all_inner_texts()
                for row in page.locator("table tbody tr").all()
            }
            warnings = page.locator("#warnings").inner_text()
            charts = page.locator(".chart")
            titles = charts.locator("h2").all_inner_texts()
            rendered = page.locator(".chart .js-plotly-plot .main-svg").count()
            legend = [text.text_content() for text in page.locator(".chart").first.locator(".legendtext").all()]
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "run-report.png"), full_page=True)
        finally:
            browser.close()

    assert [url for url in requests if not url.startswith("file:")] == []
    assert set(rows) == set(SITES)
    capped = rows["diari_del_port"]
    assert capped[1] == "succeeded" and int(capped[3]) == 5  # five new articles: the cap
    assert "over_page_cap" in capped[7]
    assert all(stage in capped[11] for stage in ("crawl", "extract", "normalise", "load"))
    assert "json-ld" in capped[9]  # its date sources
    assert "diari_del_port reached its page cap (max_pages=5)" in warnings
    assert titles[:2] == ["Articles per site per day, last 30 days", "Rejects by reason, last 30 days"]
    assert [t for t in titles if t.startswith("Extraction health")] == [
        "Extraction health: articles with title",
        "Extraction health: articles with date",
        "Extraction health: articles with authors",
        "Extraction health: articles with usual body length",
    ]
    assert rendered >= len(titles)  # every chart drawn by the inlined plotly.js
    assert set(legend) == set(SITES)
    assert summary[-1] == f"report: {path}"
    assert any("warning: diari_del_port reached its page cap" in line for line in summary)


def test_the_dag_s_last_step_logs_the_summary_with_the_report_s_path(tmp_path, database_url, caplog):
    from broadsheet.orchestration import finish_and_report

    settings = Settings(data_dir=tmp_path / "data", database_url=database_url)
    pipeline.prepare_warehouse(settings)
    with caplog.at_level("INFO", logger="broadsheet.orchestration"):
        path = finish_and_report(
            settings, "scheduled__empty", datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 2, tzinfo=UTC), {}
        )
    assert path == str(settings.report_dir / "scheduled__empty.html")
    assert "Broadsheet run" in Path(path).read_text(encoding="utf-8")
    assert f"report: {path}" in caplog.messages


def test_the_report_command_says_when_a_run_is_unknown(tmp_path, database_url, monkeypatch):
    from typer.testing import CliRunner

    from broadsheet.cli import app

    pipeline.prepare_warehouse(Settings(data_dir=tmp_path / "data", database_url=database_url))
    monkeypatch.setenv("BROADSHEET_DATABASE_URL", database_url)
    monkeypatch.setenv("BROADSHEET_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(app, ["report", "manual__nothing"])
    assert result.exit_code == 1
    assert "no site of run 'manual__nothing'" in result.output
