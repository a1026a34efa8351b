"""`broadsheet-demo superset` (`make superset`): the dashboard on the warehouse, demo night loaded if empty."""

from __future__ import annotations

import time

import psycopg
from rich.console import Console

from broadsheet.database import connect, warehouse_url
from broadsheet.settings import Settings
from demo.superset_server import SupersetUnavailable, run_superset


def _article_count(url: str) -> int:
    with connect(url) as conn:
        try:
            return conn.execute("select count(*) from warehouse.articles").fetchone()[0]
        except psycopg.errors.UndefinedTable:
            return 0


def run_superset_demo(settings: Settings, console: Console, port: int | None, login: str) -> None:
    with warehouse_url(settings) as url:
        articles = _article_count(url)
    if not articles:
        from demo.night import run_demo

        console.print("the warehouse has no article yet: loading the demo night first (`make demo`)")
        run_demo(settings, console)
    with warehouse_url(settings) as url:
        console.print(
            "setting up Superset (metadata database, BI login, dashboard import): a few minutes the first time"
        )
        try:
            with run_superset(settings.data_dir / "superset", url, bi_login=login, port=port) as superset:
                console.print(
                    f"Superset        {superset.base_url}  (user {superset.username}, password {superset.password})"
                )
                console.print(f"dashboard       {superset.dashboard_url}")
                console.print(f"warehouse login {superset.bi_login} (broadsheet_bi); log {superset.log_path}")
                console.print("Ctrl-C stops Superset")
                while True:
                    time.sleep(3600)
        except SupersetUnavailable as error:
            raise SystemExit(str(error)) from error
        except KeyboardInterrupt:
            console.print("stopped")
