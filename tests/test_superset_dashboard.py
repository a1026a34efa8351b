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
from services import missing_service

from broadsheet.settings import PROJECT_ROOT
from demo.superset_server import run_superset, superset_installed

# One worker loads the demo night once for every test that reads it (pytest-xdist --dist loadgroup).
pytestmark = pytest.mark.xdist_group("demo_warehouse")

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


def _chromium() -> str:
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if Path(candidate).exists():
            return candidate
    missing_service("Debian's chromium is not installed (apt-get install -y chromium)")
    return ""


def test_the_broadsheet_dashboard_renders_every_chart_with_the_demo_night(
    demo_warehouse: DemoWarehouse, postgres_server: str, tmp_path: Path
):
    if not superset_installed():
        missing_service("Superset's environment is not installed: run `make superset-install`")
    chromium = _chromium()
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
                    page = browser.new_page(viewport={"width": 1600, "height": 1400})
                    page.on(
                        "response",
                        lambda response: (
                            chart_data.append({"status": response.status, "body": response.text()})
                            if "/api/v1/chart/data" in response.url and response.request.method == "POST"
                            else None
                        ),
                    )
                    page.goto(f"{superset.base_url}/login/")
                    page.locator("input#username, input[name=username]").first.fill(superset.username)
                    page.locator("input#password, input[name=password]").first.fill(superset.password)
                    page.get_by_role("button", name=re.compile("sign in|log in|login", re.I)).click()
                    page.wait_for_url(re.compile(r"^(?!.*/login).*$"), timeout=60_000)
                    page.goto(superset.dashboard_url)
                    for name in CHARTS:
                        expect(page.get_by_text(name, exact=True).first).to_be_visible(timeout=120_000)
                    page.wait_for_function(f"document.querySelectorAll('.chart-container').length >= {len(CHARTS)}")
                    expect(page.locator(".chart-container canvas, .chart-container svg").first).to_be_visible(
                        timeout=120_000
                    )
                    for _ in range(120):  # every chart asks for its data once
                        if len(chart_data) >= len(CHARTS):
                            break
                        page.wait_for_timeout(1_000)
                    page.wait_for_load_state("networkidle")
                    expect(page.get_by_text(str(total), exact=True).first).to_be_visible(timeout=60_000)
                    errors = page.locator(".ant-alert-error, [data-test='alert'] .ant-alert-error").count()
                    SCREENSHOT.parent.mkdir(exist_ok=True)
                    page.screenshot(path=str(SCREENSHOT), full_page=True)
                finally:
                    browser.close()
    finally:
        with psycopg.connect(postgres_server, autocommit=True) as admin:
            admin.execute(f'drop role if exists "{login}"')

    assert errors == 0, f"a chart shows an error: see {SCREENSHOT}"
    assert len(chart_data) >= len(CHARTS), f"only {len(chart_data)} charts asked for data: see {SCREENSHOT}"
    for response in chart_data:
        assert response["status"] == 200, response["body"][:500]
        result = json.loads(response["body"])["result"][0]
        assert result["rowcount"] > 0, result.get("query", "")[:500]
