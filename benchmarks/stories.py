"""Story clustering throughput: articles loaded night by night, matched through the LSH bands in PostgreSQL.

    .venv/bin/python benchmarks/stories.py                                  # 100,000 articles in 5 nights
    .venv/bin/python benchmarks/stories.py --articles 20000 --nights 4      # quicker

Bodies are synthesised from the real corpora's text (benchmarks/story_corpus.py reads the extraction benchmark's
hand-checked bodies from ../shared/datasets in place): each is 12 to 30 sentences drawn from them with a fifth of
the words replaced, so unrelated bodies share about as little as unrelated news does, and `--copy-share` of each
night are syndicated variants of earlier bodies (new intro, cut ending, dropped paragraphs, boilerplate).

Each night is loaded with Broadsheet's loader, then cluster_new_articles runs and is timed alone: articles/s,
and how its cost grows with the signatures already stored, which gives the cost of a night of 20,000 against a
warehouse of 1,000,000 by extrapolation. Also reported: peak memory of the process, the size of the signature
table and its GIN index of band keys, and, in the same run, brute-force exact Jaccard of a sample of the last
night's articles against stored bodies, for the speed-up. The server is BROADSHEET_BENCH_SERVER_URL
(default: the local PostgreSQL on 127.0.0.1); a fresh database is made and dropped.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import psycopg
from story_corpus import Body, real_bodies, syndicated_variant, warehouse_article

from broadsheet.loader import RunContext, load_site_run
from broadsheet.migrations import apply_migrations
from broadsheet.records import Article
from broadsheet.settings import Settings
from broadsheet.sites import SiteConfig
from broadsheet.stories.clustering import cluster_new_articles
from broadsheet.stories.similarity import DEFAULT_PARAMETERS, jaccard, shingles

SERVER_URL = os.environ.get("BROADSHEET_BENCH_SERVER_URL", "postgresql://postgres@127.0.0.1:5432/test")
SITES = [f"bench_site_{n}" for n in range(8)]
START = datetime(2024, 3, 1, tzinfo=UTC)


def synthetic_bodies(count: int, copy_share: float, seed: int = 16) -> list[Body]:
    """`count` bodies made of real sentences with a fifth of their words replaced; `copy_share` are variants."""
    rng = random.Random(seed)
    originals = real_bodies(extra_pages=0)
    sentences = [s for body in originals for s in re.split(r"(?<=[.!?])\s+", body.text) if len(s.split()) >= 6]
    vocabulary = sorted({word for sentence in sentences for word in sentence.split()})
    bodies: list[Body] = []
    for n in range(count):
        if bodies and rng.random() < copy_share:
            source = bodies[rng.randrange(max(0, len(bodies) - 30000), len(bodies))]  # a recent story
            bodies.append(syndicated_variant(Body(source.body_id, source.source_id, source.text), n, rng))
            continue
        paragraphs = []
        for _ in range(rng.randint(6, 15)):
            words = " ".join(rng.sample(sentences, 2)).split()
            for i in rng.sample(range(len(words)), len(words) // 5):
                words[i] = rng.choice(vocabulary)
            paragraphs.append(" ".join(words))
        bodies.append(Body(f"b{n}", f"b{n}", "\n".join(paragraphs)))
    return bodies


def _articles(bodies: list[Body], offset: int, night: int) -> list[Article]:
    return [
        warehouse_article(
            SITES[(offset + i) % len(SITES)], body, f"Story {body.body_id}",
            START + timedelta(days=night, seconds=i), START + timedelta(days=night, hours=23), offset + i,
        )
        for i, body in enumerate(bodies)
    ]  # fmt: skip


def _load_night(conn: psycopg.Connection, articles: list[Article], night: int) -> None:
    interval = (START + timedelta(days=night), START + timedelta(days=night + 1))
    for site_key in SITES:
        site = SiteConfig(key=site_key, name=site_key, base_url="https://bench.example", article_patterns=["^/"],
                          timezone="UTC", languages=["en"])  # fmt: skip
        mine = [article for article in articles if article.extracted.site_key == site_key]
        load_site_run(conn, RunContext(f"night-{night}", site, *interval), mine, [])


def _sizes(conn: psycopg.Connection) -> dict[str, int]:
    """On-disk size of the signatures and of the LSH table (rows and indexes)."""
    signatures, bands = conn.execute(
        "select pg_total_relation_size('etl.article_signatures'), pg_total_relation_size('etl.article_bands')"
    ).fetchone()
    return {"signatures_bytes": signatures, "lsh_table_bytes": bands, "total_bytes": signatures + bands}


def brute_force(bodies: list[Body], sample: int, against: int, seed: int = 3) -> dict[str, float]:
    """Exact Jaccard of `sample` of the last night's bodies against `against` stored bodies (their shingles made
    beforehand, as a brute-force matcher would keep them): what matching costs per pair without LSH."""
    rng = random.Random(seed)
    stored = [shingles(body.text, DEFAULT_PARAMETERS) for body in rng.sample(bodies, min(against, len(bodies)))]
    queries = [shingles(bodies[i].text) for i in rng.sample(range(len(bodies) * 4 // 5, len(bodies)), sample)]
    started = time.perf_counter()
    for own in queries:
        for other in stored:
            jaccard(own, other)
    seconds = time.perf_counter() - started
    return {
        "sample": sample,
        "against": len(stored),
        "seconds": seconds,
        "pairs_per_second": sample * len(stored) / seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--nights", type=int, default=5)
    parser.add_argument("--copy-share", type=float, default=0.15, help="share of each night that are copies")
    parser.add_argument("--brute-force-sample", type=int, default=20, help="last night's articles compared...")
    parser.add_argument("--brute-force-against", type=int, default=10_000, help="...with this many stored bodies")
    args = parser.parse_args()

    started = time.perf_counter()
    bodies = synthetic_bodies(args.articles, args.copy_share)
    words = sum(len(body.text.split()) for body in bodies) / len(bodies)
    print(f"{len(bodies)} bodies, {words:.0f} words on average, made in {time.perf_counter() - started:.0f} s")
    per_night = len(bodies) // args.nights
    name = f"broadsheet_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(SERVER_URL, autocommit=True) as admin:
        admin.execute(f'create database "{name}"')
    results = []
    try:
        with psycopg.connect(psycopg.conninfo.make_conninfo(SERVER_URL, dbname=name)) as conn:
            apply_migrations(conn, Settings().sql_dir)
            for night in range(args.nights):
                chunk = bodies[night * per_night : (night + 1) * per_night]
                stored_before = night * per_night
                started = time.perf_counter()
                _load_night(conn, _articles(chunk, stored_before, night), night)
                load_seconds = time.perf_counter() - started
                started = time.perf_counter()
                summary = cluster_new_articles(conn, run_id=f"night-{night}")
                seconds = time.perf_counter() - started
                result = {
                    "night": night + 1,
                    "articles": len(chunk),
                    "stored_before": stored_before,
                    "load_seconds": round(load_seconds, 1),
                    "cluster_seconds": round(seconds, 1),
                    "articles_per_second": round(len(chunk) / seconds),
                    "joined_stories": summary.joined_stories,
                    "candidates_confirmed": summary.candidates_confirmed,
                    "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                }
                results.append(result)
                print(json.dumps(result))
            sizes = _sizes(conn)
            copies = sum(body.body_id != body.source_id for body in bodies)
            print(json.dumps({**sizes, "bytes_per_article": round(sizes["total_bytes"] / len(bodies))}))
            stories = conn.execute("select count(*), count(*) filter (where copy_count > 0) from warehouse.stories")
            total, copied = stories.fetchone()
            print(f"stories: {total} ({copied} with copies); bodies made as copies: {copies}")
    finally:
        with psycopg.connect(SERVER_URL, autocommit=True) as admin:
            admin.execute(f'drop database if exists "{name}" with (force)')

    # Growth: cost per article against the signatures stored before it, fitted as a + b * stored.
    xs = [r["stored_before"] + r["articles"] / 2 for r in results]
    ys = [r["cluster_seconds"] / r["articles"] for r in results]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / max(
        sum((x - mean_x) ** 2 for x in xs), 1e-9
    )
    intercept = mean_y - slope * mean_x
    per_article_at_1m = intercept + max(slope, 0.0) * 1_010_000
    print(
        f"growth: {intercept * 1000:.2f} ms per article + {slope * 1e9:.3f} ms per million stored; "
        f"a night of 20,000 against 1,000,000 signatures: {20_000 * per_article_at_1m / 60:.1f} min "
        f"({1 / per_article_at_1m:.0f} articles/s)"
    )
    brute = brute_force(bodies, args.brute_force_sample, args.brute_force_against)
    night_pairs = 20_000 * 1_000_000
    print(
        json.dumps({"brute_force": brute})
        + f"\nbrute force, exact Jaccard: {brute['pairs_per_second']:.0f} pairs/s; a night of 20,000 against "
        f"1,000,000 would take {night_pairs / brute['pairs_per_second'] / 3600:.0f} h on one core "
        f"(LSH: {20_000 * per_article_at_1m / 60:.1f} min; speed-up "
        f"{night_pairs / brute['pairs_per_second'] / (20_000 * per_article_at_1m):.0f}x)"
    )


if __name__ == "__main__":
    main()
