"""Runs started the way users start them: in the Airflow UI's trigger dialog, in headless Chromium (Debian's
chromium, driven by Playwright for Python)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from airflow_harness import ARTIFACTS, AirflowUnderTest, chromium_path, expected_by_day, warehouse_articles

from demo.airflow_local import DAG_ID

pytestmark = pytest.mark.airflow

DAYS = ["2024-03-12", "2024-03-13"]
SCREENSHOT = ARTIFACTS / "airflow-ui-backfill-grid.png"


def _pick_datetime(page, field_index: int, day: str) -> None:
    """Fill one of the dialog's date-time pickers (a popover with a date and a time box, in UTC)."""
    page.get_by_role("dialog").get_by_test_id("datetime-input").nth(field_index).click()
    page.get_by_placeholder("YYYY/MM/DD").last.fill(day.replace("-", "/"))
    page.get_by_placeholder("HH:mm").last.fill("00:00")
    page.get_by_role("dialog").get_by_text("Date Range").click()  # closes the popover, keeps the dialog


@contextmanager
def _logged_in_page(airflow: AirflowUnderTest) -> Iterator:
    """A page of the Airflow UI in headless chromium, logged in as the fixture's admin."""
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(airflow.airflow.base_url + "/")
            page.get_by_label(re.compile("username", re.I)).fill(airflow.airflow.username)
            page.get_by_label(re.compile("password", re.I)).fill(airflow.airflow.password)
            page.get_by_role("button", name=re.compile("sign in|log in|login", re.I)).click()
            page.wait_for_url(re.compile(r"^(?!.*/auth/login).*$"))
            yield page
        finally:
            browser.close()


def _open_trigger_dialog(page, airflow: AirflowUnderTest):
    page.goto(f"{airflow.airflow.base_url}/dags/{DAG_ID}")
    page.get_by_role("button", name=re.compile("trigger", re.I)).first.click()
    return page.get_by_role("dialog")


def test_trigger_single_run_from_the_ui_loads_every_demo_article(airflow: AirflowUnderTest, warehouse: str):
    """What a user does first: press Trigger, keep the defaults (logical date now, every site) and run it."""
    from playwright.sync_api import expect

    before = {run["dag_run_id"] for run in airflow.runs()}
    with _logged_in_page(airflow) as page:
        dialog = _open_trigger_dialog(page, airflow)
        expect(dialog.get_by_text("Which sites to run")).to_be_visible()  # the DAG's Params are in the form
        dialog.get_by_role("button", name="Trigger", exact=True).click()
        expect(dialog).to_be_hidden(timeout=30_000)

    [run] = airflow.wait_for_runs(lambda run: run["dag_run_id"] not in before)
    assert run["run_type"] == "manual" and run["state"] == "success", run
    every_article = {site: set().union(*days.values()) for site, days in expected_by_day(airflow.sites.origins).items()}
    assert warehouse_articles(warehouse) == every_article


def test_backfill_from_the_trigger_dialog_runs_and_loads_the_days(airflow: AirflowUnderTest, warehouse: str):
    airflow.wait_for_backfills_completed()  # one active backfill per DAG: the dialog would answer 409
    from playwright.sync_api import expect

    with _logged_in_page(airflow) as page:
        dialog = _open_trigger_dialog(page, airflow)
        dialog.get_by_text("Backfill", exact=True).click()
        expect(dialog.get_by_text("Run Backfill - broadsheet_nightly")).to_be_visible()
        _pick_datetime(page, 0, DAYS[0])
        _pick_datetime(page, 1, DAYS[-1])
        dialog.locator("input[name=max_active_runs]").fill("2")
        expect(dialog.get_by_text("Which sites to run")).to_be_visible()  # the DAG's Params are in the form
        expect(dialog.get_by_text("2 runs will be triggered")).to_be_visible()
        dialog.get_by_role("button", name="Run Backfill").click()
        expect(dialog).to_be_hidden(timeout=30_000)

        backfills = airflow.client.get("/api/v2/backfills", params={"dag_id": DAG_ID}).json()["backfills"]
        [ours] = [b for b in backfills if b["from_date"].startswith(DAYS[0])]
        assert ours["to_date"].startswith(DAYS[-1])

        ours_runs = airflow.wait_for_runs(
            lambda run: run["run_type"] == "backfill" and run["data_interval_start"][:10] in DAYS, count=len(DAYS)
        )
        assert sorted(run["data_interval_start"][:10] for run in ours_runs) == DAYS
        assert {run["state"] for run in ours_runs} == {"success"}, ours_runs
        airflow.wait_for_backfill(ours["id"])  # the grid then shows the finished backfill, not "in progress"

        page.goto(f"{airflow.airflow.base_url}/dags/{DAG_ID}")
        page.wait_for_load_state("networkidle")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)

    wanted = {}
    for site_key, by_day in expected_by_day(airflow.sites.origins).items():
        urls = set().union(*(by_day.get(day, set()) for day in DAYS))
        if urls:
            wanted[site_key] = urls
    assert warehouse_articles(warehouse) == wanted
    assert SCREENSHOT.stat().st_size > 10_000
