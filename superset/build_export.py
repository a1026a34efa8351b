"""Write the Broadsheet dashboard as a Superset export (superset/dashboard/): database, datasets, charts, dashboard.

The datasets' columns and their descriptions come from a migrated warehouse's catalog (the COMMENT ONs), so
Superset shows the same tooltips as docs/warehouse.md. Run it after a mart used by the dashboard changes:

    .venv/bin/python superset/build_export.py postgresql://postgres@127.0.0.1:5432/a_migrated_warehouse

The export is what `broadsheet-demo superset` imports; it is kept in the repo as files to review in a diff.
"""

from __future__ import annotations

import sys
import uuid
from pathlib import Path
from typing import Any

import psycopg
import yaml

EXPORT_DIR = Path(__file__).resolve().parent / "dashboard"
NAMESPACE = uuid.UUID("0b5e3b7e-6d2c-4a55-9a51-1f0e0c7d0b17")
DATABASE_FILE = "databases/broadsheet_warehouse.yaml"
DATABASE_UUID = str(uuid.uuid5(NAMESPACE, "database"))
DATASETS = (
    "articles_per_site_day",
    "site_freshness",
    "date_sources_per_site",
    "rejects_per_day",
    "articles_per_author",
    "article_changes",
    "article_details",
)
TIME_TYPES = ("timestamp", "date")


def _sql_metric(expression: str, label: str) -> dict[str, Any]:
    return {"expressionType": "SQL", "sqlExpression": expression, "label": label, "hasCustomLabel": True}


CHARTS: list[dict[str, Any]] = [
    {
        "name": "Articles per site per day",
        "dataset": "articles_per_site_day",
        "viz_type": "echarts_timeseries_bar",
        "width": 8,
        "params": {
            "x_axis": "published_day",
            "x_axis_sort_asc": True,
            "metrics": [_sql_metric("SUM(article_count)", "Articles")],
            "groupby": ["site_key"],
            "stack": "Stack",
            "show_legend": True,
            "row_limit": 10000,
            "x_axis_title": "Publication day in the site's zone (undated: no plausible date)",
            "x_axis_title_margin": 30,
            "xAxisLabelRotation": 45,
        },
    },
    {
        "name": "Articles in the warehouse",
        "dataset": "article_details",
        "viz_type": "big_number_total",
        "width": 4,
        "params": {"metric": _sql_metric("COUNT(*)", "Articles"), "subheader": "every article, dated or not"},
    },
    {
        "name": "Freshness per site",
        "dataset": "site_freshness",
        "viz_type": "table",
        "width": 6,
        "params": {
            "query_mode": "raw",
            "all_columns": [
                "site_name",
                "last_run_status",
                "article_count",
                "undated_count",
                "hours_since_new_article",
                "latest_published_at",
            ],
            "order_by_cols": [],
            "row_limit": 100,
        },
    },
    {
        "name": "Date sources",
        "dataset": "date_sources_per_site",
        "viz_type": "pie",
        "width": 6,
        "params": {
            "groupby": ["date_source"],
            "metric": _sql_metric("SUM(article_count)", "Articles"),
            "show_legend": True,
            "show_labels": True,
            "label_type": "key_percent",
            "row_limit": 100,
        },
    },
    {
        "name": "Rejects by reason",
        "dataset": "rejects_per_day",
        "viz_type": "echarts_timeseries_bar",
        "width": 6,
        "params": {
            "x_axis": "reason",
            "metrics": [_sql_metric("SUM(reject_count)", "Rejects")],
            "groupby": ["outcome"],
            "stack": "Stack",
            "show_legend": True,
            "row_limit": 1000,
        },
    },
    {
        "name": "Top authors",
        "dataset": "articles_per_author",
        "viz_type": "table",
        "width": 6,
        "params": {
            # people, not the agencies and newsrooms a byline also credits
            "adhoc_filters": [
                {
                    "clause": "WHERE",
                    "expressionType": "SIMPLE",
                    "subject": "author_kind",
                    "operator": "==",
                    "comparator": "person",
                    "filterOptionName": "people_only",
                }
            ],
            "query_mode": "aggregate",
            "groupby": ["author_name", "site_key"],
            "metrics": [_sql_metric("SUM(article_count)", "Articles")],
            "timeseries_limit_metric": _sql_metric("SUM(article_count)", "Articles"),
            "order_desc": True,
            "row_limit": 10,
        },
    },
    {
        "name": "Changes after publication",
        "dataset": "article_changes",
        "viz_type": "table",
        "width": 12,
        "params": {
            "query_mode": "raw",
            "all_columns": ["site_key", "current_title", "changed_at", "changed_fields", "word_count_change"],
            "order_by_cols": ['["changed_at", false]'],
            "row_limit": 100,
        },
    },
]


def _dataset(conn: psycopg.Connection, view: str) -> dict[str, Any]:
    comment = conn.execute("select obj_description(%s::regclass, 'pg_class')", (f"marts.{view}",)).fetchone()[0]
    columns = conn.execute(
        """
        select a.attname, upper(format_type(a.atttypid, a.atttypmod)), col_description(a.attrelid, a.attnum)
        from pg_attribute as a
        where a.attrelid = %s::regclass and a.attnum > 0 and not a.attisdropped
        order by a.attnum
        """,
        (f"marts.{view}",),
    ).fetchall()
    time_columns = [name for name, data_type, _ in columns if data_type.lower().startswith(TIME_TYPES)]
    return {
        "table_name": view,
        "schema": "marts",
        "catalog": None,
        "description": comment,
        "main_dttm_col": time_columns[0] if time_columns else None,
        "default_endpoint": None,
        "offset": 0,
        "cache_timeout": None,
        "sql": None,
        "params": None,
        "template_params": None,
        "filter_select_enabled": True,
        "fetch_values_predicate": None,
        "extra": None,
        "normalize_columns": False,
        "always_filter_main_dttm": False,
        "uuid": str(uuid.uuid5(NAMESPACE, f"dataset:{view}")),
        "metrics": [
            {
                "metric_name": "count",
                "verbose_name": "COUNT(*)",
                "metric_type": "count",
                "expression": "COUNT(*)",
                "description": None,
                "d3format": None,
                "currency": None,
                "extra": None,
                "warning_text": None,
            }
        ],
        "columns": [
            {
                "column_name": name,
                "verbose_name": None,
                "is_dttm": name in time_columns,
                "is_active": True,
                "type": data_type,
                "advanced_data_type": None,
                "groupby": True,
                "filterable": True,
                "expression": None,
                "description": description,
                "python_date_format": None,
                "extra": None,
            }
            for name, data_type, description in columns
        ],
        "version": "1.0.0",
        "database_uuid": DATABASE_UUID,
    }


def _chart(chart: dict[str, Any]) -> dict[str, Any]:
    params = {"viz_type": chart["viz_type"], "adhoc_filters": [], "time_range": "No filter", **chart["params"]}
    return {
        "slice_name": chart["name"],
        "description": None,
        "certified_by": None,
        "certification_details": None,
        "viz_type": chart["viz_type"],
        "params": params,
        "query_context": None,
        "cache_timeout": None,
        "uuid": str(uuid.uuid5(NAMESPACE, f"chart:{chart['name']}")),
        "version": "1.0.0",
        "dataset_uuid": str(uuid.uuid5(NAMESPACE, f"dataset:{chart['dataset']}")),
    }


def _dashboard(charts: list[dict[str, Any]]) -> dict[str, Any]:
    position: dict[str, Any] = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"children": ["GRID_ID"], "id": "ROOT_ID", "type": "ROOT"},
        "HEADER_ID": {"id": "HEADER_ID", "meta": {"text": "Broadsheet"}, "type": "HEADER"},
        "GRID_ID": {"children": [], "id": "GRID_ID", "parents": ["ROOT_ID"], "type": "GRID"},
    }
    row, row_width = None, 0
    for number, (spec, chart) in enumerate(zip(CHARTS, charts, strict=True), start=1):
        if row is None or row_width + spec["width"] > 12:
            row = f"ROW-{len(position)}"
            position[row] = {
                "children": [],
                "id": row,
                "meta": {"background": "BACKGROUND_TRANSPARENT"},
                "parents": ["ROOT_ID", "GRID_ID"],
                "type": "ROW",
            }
            position["GRID_ID"]["children"].append(row)
            row_width = 0
        key = f"CHART-broadsheet-{number}"
        position[key] = {
            "children": [],
            "id": key,
            "parents": ["ROOT_ID", "GRID_ID", row],
            "type": "CHART",
            "meta": {
                "chartId": number,
                "height": 50,
                "sliceName": chart["slice_name"],
                "uuid": chart["uuid"],
                "width": spec["width"],
            },
        }
        position[row]["children"].append(key)
        row_width += spec["width"]
    return {
        "dashboard_title": "Broadsheet",
        "description": None,
        "css": "",
        "slug": "broadsheet",
        "certified_by": "",
        "certification_details": "",
        "published": True,
        "uuid": str(uuid.uuid5(NAMESPACE, "dashboard")),
        "position": position,
        "metadata": {
            "color_scheme": "supersetColors",
            "cross_filters_enabled": True,
            "native_filter_configuration": [],
            "refresh_frequency": 0,
            "expanded_slices": {},
            "label_colors": {},
            "timed_refresh_immune_slices": [],
            "default_filters": "{}",
        },
        "version": "1.0.0",
    }


def _database() -> dict[str, Any]:
    # The password is masked as in any Superset export; the launcher passes the BI login's at import.
    return {
        "database_name": "Broadsheet warehouse",
        "sqlalchemy_uri": "postgresql://broadsheet_superset:XXXXXXXXXX@127.0.0.1:5432/broadsheet",
        "cache_timeout": None,
        "expose_in_sqllab": True,
        "allow_run_async": False,
        "allow_ctas": False,
        "allow_cvas": False,
        "allow_dml": False,
        "allow_file_upload": False,
        "extra": {"allows_virtual_table_explore": True, "schema_options": {"expand_rows": False}},
        "uuid": DATABASE_UUID,
        "version": "1.0.0",
    }


def write_export(conn: psycopg.Connection, target: Path = EXPORT_DIR) -> None:
    files: dict[str, Any] = {
        "metadata.yaml": {"version": "1.0.0", "type": "Dashboard", "timestamp": "2026-12-02T00:00:00+00:00"}
    }
    files[DATABASE_FILE] = _database()
    for view in DATASETS:
        files[f"datasets/broadsheet_warehouse/{view}.yaml"] = _dataset(conn, view)
    charts = [_chart(chart) for chart in CHARTS]
    for chart in charts:
        files[f"charts/{chart['slice_name'].replace(' ', '_')}.yaml"] = chart
    files["dashboards/Broadsheet.yaml"] = _dashboard(charts)
    for path in target.rglob("*.yaml"):
        path.unlink()
    for name, content in files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True), encoding="utf-8")


if __name__ == "__main__":
    with psycopg.connect(sys.argv[1]) as connection:
        write_export(connection)
    print(f"wrote {EXPORT_DIR}")
