"""Load benchmark: Broadsheet's loader against a raw COPY of the same rows, in the same run.

    .venv/bin/python benchmarks/load.py                  # 100,000 articles, memory at 25,000 and 100,000
    .venv/bin/python benchmarks/load.py --rows 20000     # quicker

Each measurement runs in a fresh child process on a fresh database, so peak memory (ru_maxrss) is that of
one load alone. The server is BROADSHEET_BENCH_SERVER_URL (default: the local PostgreSQL on 127.0.0.1).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg

SERVER_URL = os.environ.get("BROADSHEET_BENCH_SERVER_URL", "postgresql://postgres@127.0.0.1:5432/test")
WORDS = [
    "council",
    "harbour",
    "budget",
    "ferry",
    "minister",
    "court",
    "port",
    "market",
    "school",
    "rain",
    "road",
    "police",
    "election",
    "trade",
    "river",
    "museum",
    "workers",
    "union",
    "hospital",
    "bridge",
    "festival",
    "league",
    "coast",
    "fishermen",
    "governor",
    "assembly",
    "tax",
    "the",
    "a",
    "of",
    "to",
    "and",
    "in",
    "on",
    "for",
    "with",
    "after",
    "before",
    "said",
    "would",
    "could",
    "new",
    "old",
    "first",
    "last",
    "year",
    "week",
    "city",
]


def generated_articles(rows: int, changed_share: float = 0.0, seed: int = 7) -> Iterator:
    """Realistic-sized articles (about 400 words), deterministic; `changed_share` of them edited."""
    from broadsheet.records import Article, ChosenDate, ChosenDates, ExtractedArticle

    rng = random.Random(seed)
    edit_rng = random.Random(seed + 1)
    start = datetime(2024, 3, 1, tzinfo=UTC)
    for n in range(rows):
        body = "\n".join(" ".join(rng.choices(WORDS, k=80)).capitalize() + "." for _ in range(5))
        if changed_share and edit_rng.random() < changed_share:
            body += "\nCorrection: an earlier version of this article misstated a figure."
        extracted = ExtractedArticle(
            site_key="bench_site",
            url=f"https://bench.example/news/{n}",
            canonical_url=f"https://bench.example/news/{n}",
            title=f"Article {n}: " + " ".join(rng.choices(WORDS, k=8)),
            authors=[f"Reporter {n % 40}"],
            body_text=body,
            language="en",
            published_candidates=[],
            modified_candidates=[],
            fetched_at=start + timedelta(days=200),
            archive_location=f"bench.warc.gz#{n * 1000}",
            section="news",
            tags=["bench"],
        )
        published_at = start + timedelta(minutes=n)
        yield Article(extracted, ChosenDates(published=ChosenDate(published_at, published_at.isoformat(), "json-ld")))


def _database(name: str) -> str:
    with psycopg.connect(SERVER_URL, autocommit=True) as admin:
        admin.execute(f'drop database if exists "{name}" with (force)')
        admin.execute(f'create database "{name}"')
    return psycopg.conninfo.make_conninfo(SERVER_URL, dbname=name)


def _drop(name: str) -> None:
    with psycopg.connect(SERVER_URL, autocommit=True) as admin:
        admin.execute(f'drop database if exists "{name}" with (force)')


def child_raw_copy(url: str, rows: int) -> dict:
    """Baseline: COPY the same article rows into an unindexed table, nothing else."""
    from broadsheet.loader import STAGING_COLUMNS, article_row

    load_id = uuid.uuid4()
    with psycopg.connect(url) as conn:
        conn.execute("create table raw_copy (like staging.article_rows)")
        conn.commit()
        started = time.perf_counter()
        with conn.cursor() as cursor, cursor.copy(f"copy raw_copy ({', '.join(STAGING_COLUMNS)}) from stdin") as copy:
            for article in generated_articles(rows):
                copy.write_row(article_row(load_id, article))
        conn.commit()
        return {"seconds": time.perf_counter() - started}


def child_loader(url: str, rows: int, passes: list[float]) -> dict:
    """Broadsheet's loader, once per entry of `passes` (the share of articles changed in that pass)."""
    from broadsheet.loader import RunContext, index_for_search, load_site_run
    from broadsheet.sites import SiteConfig

    site = SiteConfig(key="bench_site", name="Bench", base_url="https://bench.example", article_patterns=["."],
                      timezone="UTC", languages=["en"])  # fmt: skip
    interval = (datetime(2024, 3, 1, tzinfo=UTC), datetime(2024, 3, 2, tzinfo=UTC))
    results = []
    with psycopg.connect(url) as conn:
        for number, changed in enumerate(passes):
            started = time.perf_counter()
            summary = load_site_run(conn, RunContext(f"bench-{number}", site, *interval),
                                    generated_articles(rows, changed), [])  # fmt: skip
            loaded = time.perf_counter()
            indexed = index_for_search(conn, site.key)
            results.append({"seconds": loaded - started, "search_seconds": time.perf_counter() - loaded,
                            "indexed": indexed, "new": summary.articles_new, "changed": summary.articles_changed,
                            "unchanged": summary.articles_unchanged})  # fmt: skip
    return {"passes": results}


def run_child(mode: str, rows: int, passes: list[float] | None = None) -> dict:
    """One measurement in a fresh process and a fresh, migrated database."""
    name = f"broadsheet_bench_{os.getpid()}"
    url = _database(name)
    try:
        from broadsheet.migrations import apply_migrations
        from broadsheet.settings import Settings

        with psycopg.connect(url) as conn:
            apply_migrations(conn, Settings().sql_dir)
        job = json.dumps({"mode": mode, "url": url, "rows": rows, "passes": passes or []})
        out = subprocess.run([sys.executable, __file__, "--child", job], capture_output=True, text=True, check=True)
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        _drop(name)


def _child(job: dict) -> None:
    if job["mode"] == "raw_copy":
        result = child_raw_copy(job["url"], job["rows"])
    else:
        result = child_loader(job["url"], job["rows"], job["passes"])
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=None, help="second size for the memory check (rows / 4)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(json.loads(args.child))
        return
    rows, small = args.rows, args.small or args.rows // 4

    raw = run_child("raw_copy", rows)
    ours = run_child("loader", rows, [0.0, 0.0, 0.1])
    first, unchanged, changed = ours["passes"]
    raw_rate = rows / raw["seconds"]
    print(f"rows: {rows:,}  (PostgreSQL at {psycopg.conninfo.conninfo_to_dict(SERVER_URL).get('host')})")
    print(f"{'measurement':44} {'seconds':>8} {'rows/s':>10} {'vs raw COPY':>12}")
    for label, result in (
        ("raw COPY into an unindexed table (baseline)", raw),
        ("Broadsheet load, first", first),
        ("Broadsheet load, again, all unchanged", unchanged),
        ("Broadsheet load, again, 10% changed", changed),
    ):
        rate = rows / result["seconds"]
        print(f"{label:44} {result['seconds']:8.2f} {rate:10,.0f} {rate / raw_rate:11.2f}x")
    print(f"first load: {first['new']:,} new; unchanged re-load: {unchanged['unchanged']:,} unchanged; "
          f"10% pass: {changed['changed']:,} changed, {changed['unchanged']:,} unchanged")  # fmt: skip
    print(f"unchanged re-load vs first load: {first['seconds'] / unchanged['seconds']:.2f}x faster")
    for label, result in (("first load", first), ("unchanged re-load", unchanged), ("10% changed", changed)):
        total = result["seconds"] + result["search_seconds"]
        print(f"full-text indexing after the {label}: {result['indexed']:,} articles in "
              f"{result['search_seconds']:.2f}s; load + indexing {rows / total:,.0f} rows/s "
              f"({rows / total / raw_rate:.2f}x raw COPY)")  # fmt: skip

    small_run = run_child("loader", small, [0.0])
    print(
        f"peak memory of the loading process: {small:,} rows {small_run['peak_rss_mib']:.0f} MiB, "
        f"{rows:,} rows {ours['peak_rss_mib']:.0f} MiB (raw COPY process: {raw['peak_rss_mib']:.0f} MiB)"
    )


if __name__ == "__main__":
    main()
