"""The dashboard as an analyst opens it: Apache Superset (its own environment, `make superset-install`) set up
by the launcher `make superset` uses, connected as a BI login to the demo night, the Broadsheet dashboard
opened in headless Chromium. Keeps a screenshot in test-artifacts/superset-dashboard.png."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import psycopg
import pytest
from demo_warehouse import DemoWarehouse
from services import chromium_path, missing_service

from broadsheet.settings import PROJECT_ROOT
from demo.superset_server import run_superset, superset_installed

SCREENSHOT = PROJECT_ROOT / "test-artifacts" / "superset-dashboard.png"
CHARTS = {
    "Articles per site per day",
    "Articles in the warehouse",
    "Freshness per site",
    "Date sources",
    "Rejects by reason",
    "Top authors",
    "Changes after publication",
}

DRAWN_COUNTS = """() => ({
    canvases: document.querySelectorAll('.chart-container canvas').length,
    table_rows: document.querySelectorAll('.chart-container table tbody tr').length,
})"""
CHARTS_DRAWN = f"() => {{ const drawn = ({DRAWN_COUNTS})(); return drawn.canvases >= 3 && drawn.table_rows >= 6; }}"


@pytest.mark.timeout(1800)  # Superset's first set-up (its ~300 metadata migrations) takes minutes on 2 busy cores
def test_the_broadsheet_dashboard_renders_every_chart_with_the_demo_night(
    demo_warehouse: DemoWarehouse, postgres_server: str, tmp_path: Path
):
    if not superset_installed():
        missing_service("Superset's environment is not installed: run `make superset-install`")
    chromium = chromium_path()
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect, sync_playwright

    login = f"bi_superset_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(demo_warehouse.url) as conn:
        total = conn.execute("select count(*) from warehouse.articles").fetchone()[0]
    try:
        with run_superset(tmp_path / "superset", demo_warehouse.url, bi_login=login) as superset:
            chart_data: list[dict] = []
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
                try:
                    page = browser.new_page(viewport={"width": 1600, "height": 1700})
                    page.set_default_timeout(180_000)  # Superset's dev server on 2 cores shared with other tests
                    page.set_default_navigation_timeout(180_000)
                    page.on(
                        "response",
                        lambda response: (
                            chart_data.append({"status": response.status, "body": response.text()})
                            if "/api/v1/chart/data" in response.url and response.request.method == "POST"
                            else None
                        ),
                    )
                    logged_in = re.compile(r"^(?!.*/login).*$")
                    for attempt in range(2):  # a click before the login form's script is ready does nothing
                        page.goto(f"{superset.base_url}/login/", wait_until="networkidle")
                        page.locator("input#username, input[name=username]").first.fill(superset.username)
                        page.locator("input#password, input[name=password]").first.fill(superset.password)
                        page.get_by_role("button", name=re.compile("sign in|log in|login", re.I)).click()
                        try:
                            page.wait_for_url(logged_in, timeout=90_000 if attempt == 0 else 180_000)
                            break
                        except PlaywrightTimeout:
                            if attempt == 1:
                                raise
                    page.goto(superset.dashboard_url)
                    for name in CHARTS:
                        expect(page.get_by_text(name, exact=True).first).to_be_visible(timeout=120_000)
                    page.wait_for_function(f"document.querySelectorAll('.chart-container').length >= {len(CHARTS)}")
                    for _ in range(120):  # every chart asks for its data once
                        if len(chart_data) >= len(CHARTS):
                            break
                        page.wait_for_timeout(1_000)
                    try:  # drawn: the bar and pie charts' canvases, the tables' rows (else: screenshot, then fail)
                        page.wait_for_function(CHARTS_DRAWN, timeout=120_000)
                        page.wait_for_timeout(2_000)  # the charts' entry animations
                    except PlaywrightTimeout:
                        pass
                    SCREENSHOT.parent.mkdir(exist_ok=True)
                    page.screenshot(path=str(SCREENSHOT))
                    drawn = page.evaluate(DRAWN_COUNTS)
                    errors = page.locator(".ant-alert-error").count()
                    big_number = page.get_by_text(str(total), exact=True).count()
                finally:
                    browser.close()
    finally:
        with psycopg.connect(postgres_server, autocommit=True) as admin:
            admin.execute(f'drop role if exists "{login}"')

    assert errors == 0, f"a chart shows an error: see {SCREENSHOT}"
    assert big_number >= 1, f"the big number does not show the {total} articles: see {SCREENSHOT}"
    assert drawn["canvases"] >= 3 and drawn["table_rows"] >= 6, f"charts not drawn ({drawn}): see {SCREENSHOT}"
    assert len(chart_data) >= len(CHARTS), f"only {len(chart_data)} charts asked for data: see {SCREENSHOT}"
    for response in chart_data:
        assert response["status"] == 200, response["body"][:500]
        result = json.loads(response["body"])["result"][0]
        assert result["rowcount"] > 0, result.get("query", "")[:500]


def test_the_dashboard_export_matches_the_marts_it_reads(database_url: str, tmp_path: Path):
    """A mart renamed or re-typed breaks the dashboard: the kept export must be what build_export.py makes now."""
    import importlib.util

    from broadsheet.migrations import apply_migrations
    from broadsheet.settings import Settings

    spec = importlib.util.spec_from_file_location("build_export", PROJECT_ROOT / "superset" / "build_export.py")
    build_export = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_export)
    with psycopg.connect(database_url) as conn:
        apply_migrations(conn, Settings().sql_dir)
        build_export.write_export(conn, tmp_path)
    kept = {path.relative_to(build_export.EXPORT_DIR): path.read_text() for path in build_export.EXPORT_DIR.rglob("*")
            if path.is_file()}  # fmt: skip
    made = {path.relative_to(tmp_path): path.read_text() for path in tmp_path.rglob("*") if path.is_file()}
    assert kept == made, "run `.venv/bin/python superset/build_export.py <migrated warehouse URL>` and commit"
