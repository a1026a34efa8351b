"""The run report: one self-contained HTML file per run, read from the warehouse, that an operator opens after
a night (no network needed: the charting library, plotly.js, is inlined), and the few lines the CLI and the
Airflow task log print with its path.

It answers "did last night work, and is any site drifting?": per site, what was new, changed, unchanged, not
modified (304), skipped (caps) and rejected (by reason), where the dates came from, the quality flags, how long
each stage took; and over the last 30 days, articles per site per day, rejects by reason, and each site's
extraction health (share of articles with a title, a date, authors, a body of the site's usual length), where
a site whose layout changed shows up as a drop.
"""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg

HISTORY_DAYS = 30
# A body shorter than this share of the site's median word count (over the history) counts as cut short.
USUAL_LENGTH_SHARE = 0.5
HEALTH_MEASURES = ("title", "date", "authors", "usual body length")
DAY_BAR_MS = 0.8 * 86_400_000  # a day's bar on a date axis (plotly measures bar widths in milliseconds there)


@dataclass
class SiteRunFigures:
    """One site's line of the run: etl.runs plus what the run skipped and rejected."""

    site_key: str
    status: str
    error: str | None
    pages_fetched: int
    articles_new: int
    articles_changed: int
    articles_unchanged: int
    articles_removed: int
    pages_not_modified: int
    rejects: dict[str, int] = field(default_factory=dict)  # "<stage>: <reason>" -> pages
    skips: dict[str, tuple[int, str]] = field(default_factory=dict)  # reason -> (pages, detail)
    date_sources: dict[str, int] = field(default_factory=dict)
    date_flags: dict[str, int] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    load_seconds: float | None = None
    # the run's books, last attempt (etl.run_books): URLs discovered, whether they balanced, what failed
    books: tuple[int, int, bool, str | None] | None = None  # (attempt, urls_discovered, is_balanced, unbalanced)

    @property
    def books_line(self) -> str:
        if self.books is None:
            return "books not checked"
        attempt, urls, balanced, _ = self.books
        return f"books {'balanced' if balanced else 'DO NOT BALANCE'}: {urls} URLs (attempt {attempt})"


@dataclass
class RunReport:
    run_id: str
    interval_start: datetime | None
    interval_end: datetime | None
    sites: list[SiteRunFigures]
    articles_per_day: dict[str, dict[date, int]]  # site -> day -> articles first seen that day
    rejects_per_reason: dict[str, int]  # over the history
    health: dict[str, dict[date, dict[str, float]]]  # site -> day -> measure -> share
    generated_at: datetime

    @property
    def warnings(self) -> list[str]:
        """What an operator must look at: failed sites and caps reached."""
        found = []
        for site in self.sites:
            if site.status != "succeeded":
                found.append(f"{site.site_key} failed: {site.error or 'see the task log'}")
            if site.books is not None and not site.books[2]:
                found.append(f"{site.site_key}: the books do not balance: {site.books[3]}")
            if "over_page_cap" in site.skips:
                pages, detail = site.skips["over_page_cap"]
                found.append(f"{site.site_key} reached its page cap ({detail}): {pages} article URLs left unfetched")
        return found


def _stage_seconds(conn: psycopg.Connection, run_id: str) -> dict[str, dict[str, float]]:
    """Per site and stage, seconds taken (etl.stage_timings, written by the runners); {} where not recorded."""
    rows = conn.execute(
        """
        select site_key, stage, extract(epoch from finished_at - started_at)
        from etl.stage_timings
        where run_id = %s
        """,
        (run_id,),
    )
    timings: dict[str, dict[str, float]] = defaultdict(dict)
    for site_key, stage, seconds in rows:
        timings[site_key][stage] = float(seconds)
    return timings


def collect_report(conn: psycopg.Connection, run_id: str, now: datetime | None = None) -> RunReport:
    """Everything the report shows, read from the warehouse (etl.runs, etl.rejects, etl.run_skips,
    etl.run_books, warehouse.articles)."""
    now = now or datetime.now(UTC)
    sites: dict[str, SiteRunFigures] = {}
    interval: tuple[datetime | None, datetime | None] = (None, None)
    for row in conn.execute(
        """
        select site_key, status, error, pages_fetched, articles_new, articles_changed, articles_unchanged,
               articles_removed, pages_not_modified, interval_start, interval_end,
               extract(epoch from finished_at - started_at)
        from etl.runs
        where run_id = %s
        order by site_key
        """,
        (run_id,),
    ):
        sites[row[0]] = SiteRunFigures(*row[:9], load_seconds=float(row[11]) if row[11] is not None else None)
        interval = (row[9], row[10])
    for site_key, stage, reason, pages in conn.execute(
        "select site_key, stage, reason, count(*) from etl.rejects where run_id = %s group by 1, 2, 3", (run_id,)
    ):
        if site_key in sites:
            sites[site_key].rejects[f"{stage}: {reason}"] = pages
    for site_key, reason, pages, detail in conn.execute(
        "select site_key, reason, pages, detail from etl.run_skips where run_id = %s", (run_id,)
    ):
        if site_key in sites:
            sites[site_key].skips[reason] = (pages, detail)
    for site_key, attempt, urls, balanced, unbalanced in conn.execute(
        """
        select distinct on (site_key) site_key, attempt, urls_discovered, is_balanced, unbalanced
        from etl.run_books
        where run_id = %s
        order by site_key, attempt desc
        """,
        (run_id,),
    ):
        if site_key in sites:
            sites[site_key].books = (attempt, urls, balanced, unbalanced)
    for site_key, source, articles in conn.execute(
        """
        select site_key, coalesce(published_source, 'none'), count(*)
        from warehouse.articles where loaded_by_run_id = %s group by 1, 2
        """,
        (run_id,),
    ):
        if site_key in sites:
            sites[site_key].date_sources[source] = articles
    for site_key, flag, articles in conn.execute(
        """
        select site_key, flag, count(*)
        from warehouse.articles, unnest(date_flags) as flag
        where loaded_by_run_id = %s group by 1, 2
        """,
        (run_id,),
    ):
        if site_key in sites:
            sites[site_key].date_flags[flag] = articles
    for site_key, stages in _stage_seconds(conn, run_id).items():
        if site_key in sites:
            sites[site_key].stage_seconds = stages
    since = now - timedelta(days=HISTORY_DAYS)
    return RunReport(
        run_id=run_id,
        interval_start=interval[0],
        interval_end=interval[1],
        sites=list(sites.values()),
        articles_per_day=_articles_per_day(conn, since),
        rejects_per_reason=dict(
            conn.execute(
                """
                select r.stage || ': ' || r.reason, count(*)
                from etl.rejects as r join etl.runs as run using (run_id, site_key)
                where run.started_at >= %s group by 1 order by 2 desc
                """,
                (since,),
            ).fetchall()
        ),
        health=_health(conn, since),
        generated_at=now,
    )


def _articles_per_day(conn: psycopg.Connection, since: datetime) -> dict[str, dict[date, int]]:
    per_day: dict[str, dict[date, int]] = defaultdict(dict)
    for site_key, day, articles in conn.execute(
        """
        select site_key, (first_seen_at at time zone 'UTC')::date, count(*)
        from warehouse.articles where first_seen_at >= %s group by 1, 2 order by 1, 2
        """,
        (since,),
    ):
        per_day[site_key][day] = articles
    return dict(per_day)


def _health(conn: psycopg.Connection, since: datetime) -> dict[str, dict[date, dict[str, float]]]:
    """Per site and day an article was last loaded, the share of its articles with each part present."""
    rows = conn.execute(
        """
        with usual as (
            select site_key, percentile_cont(0.5) within group (order by word_count) as median_words
            from warehouse.articles group by site_key
        )
        select a.site_key,
               (a.last_seen_at at time zone 'UTC')::date as day,
               avg((coalesce(a.title, '') <> '')::int),
               avg((a.published_at is not null)::int),
               avg((cardinality(a.authors) > 0)::int),
               avg((a.word_count >= %s * u.median_words)::int)
        from warehouse.articles as a join usual as u using (site_key)
        where a.last_seen_at >= %s
        group by 1, 2 order by 1, 2
        """,
        (USUAL_LENGTH_SHARE, since),
    )
    health: dict[str, dict[date, dict[str, float]]] = defaultdict(dict)
    for site_key, day, *shares in rows:
        health[site_key][day] = dict(zip(HEALTH_MEASURES, (float(share) for share in shares), strict=True))
    return dict(health)


# --- rendering ----------------------------------------------------------------------------------------------


def _charts(report: RunReport) -> list[tuple[str, str]]:
    """(title, HTML) of each chart; the first carries plotly.js inline, the others reuse it."""
    import plotly.graph_objects as go

    figures: list[tuple[str, go.Figure]] = []
    per_day = go.Figure(
        [
            go.Bar(name=site, x=[d.isoformat() for d in days], y=list(days.values()), width=DAY_BAR_MS)
            for site, days in sorted(report.articles_per_day.items())
        ]
    )
    per_day.update_layout(barmode="stack", xaxis_title="day first seen (UTC)", yaxis_title="articles")
    figures.append((f"Articles per site per day, last {HISTORY_DAYS} days", per_day))
    reasons = go.Figure(
        go.Bar(x=list(report.rejects_per_reason.values()), y=list(report.rejects_per_reason), orientation="h")
    )
    reasons.update_layout(xaxis_title="pages", yaxis={"autorange": "reversed"})
    figures.append((f"Rejects by reason, last {HISTORY_DAYS} days", reasons))
    for measure in HEALTH_MEASURES:
        trend = go.Figure(
            [
                go.Scatter(
                    name=site,
                    mode="lines+markers",
                    x=[d.isoformat() for d in days],
                    y=[round(100 * shares[measure], 1) for shares in days.values()],
                )
                for site, days in sorted(report.health.items())
            ]
        )
        trend.update_layout(yaxis={"title": "% of articles", "range": [0, 105]}, xaxis_title="day loaded (UTC)")
        figures.append((f"Extraction health: articles with {measure}", trend))
    # the whole 30 days up to the end of today, so that today's bars and points are drawn in full
    days = [
        (report.generated_at - timedelta(days=HISTORY_DAYS)).date().isoformat(),
        (report.generated_at + timedelta(days=1)).date().isoformat(),
    ]
    for _, figure in figures[:1] + figures[2:]:  # the time charts: the whole 30 days, a tick per day
        figure.update_xaxes(type="date", range=days, tickformat="%b %d", dtick=86400000.0 * 2)
    rendered = []
    for index, (title, figure) in enumerate(figures):
        figure.update_layout(height=320, margin={"l": 60, "r": 20, "t": 20, "b": 50}, template="plotly_white")
        chart = figure.to_html(
            full_html=False, include_plotlyjs="inline" if index == 0 else False, config={"displaylogo": False}
        )
        rendered.append((title, chart))
    return rendered


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{html.escape(key)} {value}" for key, value in sorted(counts.items())) or "–"


def _site_row(site: SiteRunFigures) -> str:
    stages = dict(site.stage_seconds)
    if site.load_seconds is not None:
        stages.setdefault("load", site.load_seconds)
    durations = ", ".join(f"{stage} {seconds:.1f}s" for stage, seconds in stages.items()) or "–"
    skips = _counts({reason: pages for reason, (pages, _) in site.skips.items()})
    cells = [
        html.escape(site.site_key),
        f'<span class="{site.status}">{html.escape(site.status)}</span>',
        *(str(n) for n in (site.pages_fetched, site.articles_new, site.articles_changed, site.articles_unchanged)),
        str(site.pages_not_modified),
        skips,
        _counts(site.rejects),
        _counts(site.date_sources),
        _counts(site.date_flags),
        durations,
        html.escape(site.books_line),
    ]
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def render_report(report: RunReport) -> str:
    """The report as one HTML document that needs no network."""
    interval = (
        f"{report.interval_start:%Y-%m-%d %H:%M} – {report.interval_end:%Y-%m-%d %H:%M} UTC"
        if report.interval_start and report.interval_end
        else "–"
    )
    warnings = "".join(f"<li>{html.escape(text)}</li>" for text in report.warnings)
    headers = [
        "site", "status", "pages", "new", "changed", "unchanged", "304", "skipped",
        "rejected", "date sources", "date flags", "durations", "books",
    ]  # fmt: skip
    table = (
        "<table><thead><tr>"
        + "".join(f"<th>{h}</th>" for h in headers)
        + "</tr></thead><tbody>"
        + "".join(_site_row(site) for site in report.sites)
        + "</tbody></table>"
    )
    charts = "".join(
        f'<section class="chart"><h2>{html.escape(title)}</h2>{chart}</section>' for title, chart in _charts(report)
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Broadsheet run {html.escape(report.run_id)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #222; }}
table {{ border-collapse: collapse; font-size: 0.85rem; }}
th, td {{ border: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }}
th {{ background: #f3f3f3; }}
.succeeded {{ color: #1a7f37; }} .failed {{ color: #c0392b; font-weight: bold; }}
.warnings {{ background: #fff4e5; border-left: 4px solid #e67e22; padding: 0.5rem 1rem; }}
.chart {{ max-width: 1100px; }}
</style></head>
<body>
<h1>Broadsheet run <code>{html.escape(report.run_id)}</code></h1>
<p>Interval {interval}; {len(report.sites)} site(s); generated {report.generated_at:%Y-%m-%d %H:%M} UTC.</p>
{f'<div class="warnings" id="warnings"><h2>Warnings</h2><ul>{warnings}</ul></div>' if warnings else ""}
<h2>Sites</h2>
{table}
{charts}
</body></html>
"""


def report_path(report_dir: Path, run_id: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in run_id)
    return report_dir / f"{safe}.html"


def write_report(conn: psycopg.Connection, run_id: str, report_dir: Path) -> tuple[Path, RunReport]:
    """Collect, render and write the run's report; returns its path and figures."""
    report = collect_report(conn, run_id)
    path = report_path(report_dir, run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(report), encoding="utf-8")
    return path, report


def summary_lines(report: RunReport, path: Path) -> list[str]:
    """The short summary printed by the CLI and in the Airflow task log."""
    lines = [f"run {report.run_id}: {len(report.sites)} site(s)"]
    for site in report.sites:
        rejects = sum(site.rejects.values())
        lines.append(
            f"  {site.site_key:20} {site.status:9} new {site.articles_new:5}  changed {site.articles_changed:4}  "
            f"unchanged {site.articles_unchanged:5}  304 {site.pages_not_modified:5}  rejected {rejects:4}  "
            f"{site.books_line}"
        )
    lines.extend(f"  warning: {text}" for text in report.warnings)
    lines.append(f"report: {path}")
    return lines
