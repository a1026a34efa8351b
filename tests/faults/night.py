"""Run one site's night through the real stages (crawl, extract, normalise, load) against real PostgreSQL,
and read back what the warehouse holds: the harness every fault test uses."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from broadsheet.pipeline import SiteResults, SiteRun, prepare_warehouse, run_site
from broadsheet.settings import Settings
from broadsheet.sites import SiteConfig

INTERVAL = (datetime(2024, 3, 13, tzinfo=UTC), datetime(2024, 3, 14, tzinfo=UTC))


def write_registry_entry(sites_dir: Path, site: SiteConfig) -> None:
    """The site as a registry file (TOML), as an operator would write it."""
    sites_dir.mkdir(parents=True, exist_ok=True)
    values = site.model_dump(mode="json", exclude={"key", "limits"})
    lines = [f"{name} = {json.dumps(value)}" for name, value in values.items() if value is not None]
    limits = {name: value for name, value in site.limits.model_dump().items() if value is not None}
    lines += ["[limits]", *(f"{name} = {json.dumps(value)}" for name, value in limits.items())]
    (sites_dir / f"{site.key}.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def night_settings(tmp_path: Path, database_url: str, **update: object) -> Settings:
    return Settings(data_dir=tmp_path / "data", sites_dir=tmp_path / "sites", database_url=database_url, **update)


def site_run(site_key: str, run_id: str = "scheduled__2024-03-13") -> SiteRun:
    return SiteRun(site_key, run_id, *INTERVAL)


def run_night(settings: Settings, run: SiteRun) -> SiteResults:
    """Every stage of one site's run, in order, as the DAG calls them; returns each stage's result."""
    prepare_warehouse(settings)
    return run_site(settings, run)


@dataclass(frozen=True)
class Warehouse:
    """What the warehouse holds for a site, read with plain SQL."""

    articles: dict[str, dict]  # by canonical URL
    rejects: dict[str, list[tuple[str, str, str]]]  # by URL: (stage, reason, detail)

    @property
    def reject_reasons(self) -> Counter[str]:
        return Counter(reason for rows in self.rejects.values() for _, reason, _ in rows)


def read_warehouse(database_url: str, site_key: str) -> Warehouse:
    with psycopg.connect(database_url) as conn:
        cursor = conn.execute(
            "select canonical_url, url, title, body_text, authors, word_count, site_key"
            " from warehouse.articles where site_key = %s",
            (site_key,),
        )
        columns = [c.name for c in cursor.description]
        articles = {row[0]: dict(zip(columns, row, strict=True)) for row in cursor}
        rejects: dict[str, list[tuple[str, str, str]]] = {}
        for url, stage, reason, detail in conn.execute(
            "select url, stage, reason, detail from etl.rejects where site_key = %s order by url, stage", (site_key,)
        ):
            rejects.setdefault(url, []).append((stage, reason, detail))
    return Warehouse(articles, rejects)
