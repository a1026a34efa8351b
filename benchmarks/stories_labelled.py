"""Story clustering against a labelled set built from real pages: pairwise precision and recall.

    .venv/bin/python benchmarks/stories_labelled.py                 # the chosen parameters, through PostgreSQL
    .venv/bin/python benchmarks/stories_labelled.py --sweep         # shingle size x threshold x bands, in memory

The originals are real article bodies from ../shared/datasets (the extraction benchmark's hand-checked
bodies, plus bodies trafilatura extracts from `--extra-pages` pages of its own evaluation set), read in place.
Half of them get syndicated: an exact copy now and then, and two to four variants each made by realistic edits
(benchmarks/story_corpus.py). Every body is an article of its own; the truth is "same source article".

Scores are pairwise: precision = pairs put in one story that share a source / all pairs put in one story;
recall = pairs that share a source and were put in one story / all pairs that share a source. "Near-copy
recall" counts only (original, edited variant) pairs; "unrelated originals merged" counts pairs of two real
originals put in one story (the target is 0).

Without --sweep the chosen parameters run the production path: every body loaded into a fresh database on
BROADSHEET_BENCH_SERVER_URL (default: the local PostgreSQL), over three nights, and cluster_new_articles after
each, so the figures are those of the code the pipeline runs.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import sys
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from math import comb
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import psycopg
from story_corpus import Body, exact_copy, real_bodies, syndicated_variant, warehouse_article

from broadsheet.stories.similarity import (
    DEFAULT_PARAMETERS,
    StoryParameters,
    band_keys,
    estimated_jaccard,
    jaccard,
    shingles,
    signature,
)

SERVER_URL = os.environ.get("BROADSHEET_BENCH_SERVER_URL", "postgresql://postgres@127.0.0.1:5432/test")
ESTIMATE_MARGIN = 0.15  # as broadsheet/stories/clustering.py
# Real originals that are themselves one story, found by `--show-merged` and checked by reading both: the same
# Forum Waffenrecht statement on two German sites, and the same EFE story on two Chilean ones.
SAME_STORY_IN_CORPUS = {
    "tre:jagdverband.de-erschuettert": "tre:djz.de-amoklauf",
    "tre:cooperativa.cl-presidente": "tre:24horas.cl-segundo",
}


def labelled_set(extra_pages: int, seed: int = 16) -> list[Body]:
    """Originals and their variants, in publication order (each original before its copies, copies of
    different stories interleaved as a night's articles are)."""
    rng = random.Random(seed)
    originals = [
        replace(body, source_id=SAME_STORY_IN_CORPUS.get(body.body_id, body.source_id))
        for body in real_bodies(extra_pages)
    ]
    syndicated = rng.sample(originals, len(originals) // 2)
    copies: list[Body] = []
    for original in syndicated:
        if rng.random() < 0.25:
            copies.append(exact_copy(original, 0))
        copies.extend(syndicated_variant(original, number, rng) for number in range(1, rng.randint(2, 4) + 1))
    rng.shuffle(copies)
    return originals + copies


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    near_copy_recall: float
    unrelated_originals_merged: int
    predicted_pairs: int
    true_pairs: int
    stories: int

    def line(self) -> str:
        return (
            f"precision {self.precision:.4f}  recall {self.recall:.4f}  near-copy recall {self.near_copy_recall:.4f}"
            f"  unrelated originals merged {self.unrelated_originals_merged}  (pairs: {self.predicted_pairs} "
            f"predicted, {self.true_pairs} true; {self.stories} stories)"
        )


def score(bodies: list[Body], story_of: dict[str, int]) -> Scores:
    truth = Counter(body.source_id for body in bodies)
    predicted = Counter(story_of[body.body_id] for body in bodies)
    both = Counter((body.source_id, story_of[body.body_id]) for body in bodies)
    true_pairs = sum(comb(n, 2) for n in truth.values())
    predicted_pairs = sum(comb(n, 2) for n in predicted.values())
    correct = sum(comb(n, 2) for n in both.values())
    originals = [body for body in bodies if "~" not in body.body_id]
    originals_per_story = Counter((story_of[body.body_id], body.source_id) for body in originals)
    sources_per_story = Counter(story for story, _ in originals_per_story)
    story_of_source = {body.source_id: story_of[body.body_id] for body in originals}
    near = [body for body in bodies if "~" in body.body_id and "exact" not in body.edits]
    near_found = sum(story_of[body.body_id] == story_of_source[body.source_id] for body in near)
    return Scores(
        precision=correct / predicted_pairs if predicted_pairs else 1.0,
        recall=correct / true_pairs if true_pairs else 1.0,
        near_copy_recall=near_found / len(near) if near else 1.0,
        unrelated_originals_merged=sum(comb(n, 2) for n in sources_per_story.values()),
        predicted_pairs=predicted_pairs,
        true_pairs=true_pairs,
        stories=len(predicted),
    )


def cluster_in_memory(bodies: list[Body], parameters: StoryParameters) -> dict[str, int]:
    """cluster_new_articles' decisions with a dict for the GIN index: for the sweep only."""
    index: dict[int, list[int]] = defaultdict(list)
    shingle_sets, signatures, story_of = [], [], []
    for position, body in enumerate(bodies):
        own = shingles(body.text, parameters)
        own_signature = signature(own, parameters)
        keys = band_keys(own_signature, parameters) if len(own) >= parameters.min_shingles else []
        candidates = {other for key in keys for other in index[key]}
        best, best_similarity = None, 0.0
        for other in sorted(candidates):
            if estimated_jaccard(own_signature, signatures[other]) < parameters.jaccard_threshold - ESTIMATE_MARGIN:
                continue
            similarity = jaccard(own, shingle_sets[other])
            if similarity >= parameters.jaccard_threshold and similarity > best_similarity:
                best, best_similarity = other, similarity
        story_of.append(story_of[best] if best is not None else position)
        shingle_sets.append(own)
        signatures.append(own_signature)
        for key in keys:
            index[key].append(position)
    return {body.body_id: story for body, story in zip(bodies, story_of, strict=True)}


def show_merged_originals(bodies: list[Body], story_of: dict[str, int]) -> None:
    """Pairs of real originals in one story, with their exact Jaccard and openings, to judge by eye."""
    originals = [body for body in bodies if "~" not in body.body_id]
    by_story: dict[int, list[Body]] = defaultdict(list)
    for body in originals:
        by_story[story_of[body.body_id]].append(body)
    for members in by_story.values():
        for first, second in itertools.combinations(members, 2):
            similarity = jaccard(shingles(first.text), shingles(second.text))
            print(f"{first.body_id} ~ {second.body_id}: Jaccard {similarity:.2f}")
            print(f"    {first.text[:160]!r}\n    {second.text[:160]!r}")


def cluster_in_postgres(bodies: list[Body], parameters: StoryParameters) -> tuple[dict[str, int], float]:
    """The production path: every body an article of a fresh database, three nights, cluster after each."""
    from broadsheet.loader import RunContext, load_site_run
    from broadsheet.migrations import apply_migrations
    from broadsheet.settings import Settings
    from broadsheet.sites import SiteConfig
    from broadsheet.stories.clustering import cluster_new_articles

    name = f"broadsheet_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(SERVER_URL, autocommit=True) as admin:
        admin.execute(f'create database "{name}"')
    seconds = 0.0
    try:
        with psycopg.connect(psycopg.conninfo.make_conninfo(SERVER_URL, dbname=name)) as conn:
            apply_migrations(conn, Settings().sql_dir)
            site = SiteConfig(key="labelled", name="Labelled set", base_url="https://bench.example",
                              article_patterns=["^/"], timezone="UTC", languages=["en"])  # fmt: skip
            start = datetime(2024, 3, 1, tzinfo=UTC)
            nights = [bodies[i::3] for i in range(3)]
            for night, night_bodies in enumerate(nights):
                articles = [
                    warehouse_article(
                        site.key, body, body.body_id, start + timedelta(days=night, seconds=position),
                        start + timedelta(days=night, hours=23), position,
                    )
                    for position, body in enumerate(night_bodies)
                ]  # fmt: skip
                interval = (start + timedelta(days=night), start + timedelta(days=night + 1))
                load_site_run(conn, RunContext(f"night-{night}", site, *interval), articles, [])
                started = time.perf_counter()
                cluster_new_articles(conn, run_id=f"night-{night}", parameters=parameters)
                seconds += time.perf_counter() - started
            rows = conn.execute(
                "select article.title, membership.story_id from warehouse.article_stories as membership "
                "join warehouse.articles as article using (article_id)"
            ).fetchall()
    finally:
        with psycopg.connect(SERVER_URL, autocommit=True) as admin:
            admin.execute(f'drop database if exists "{name}" with (force)')
    return dict(rows), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--extra-pages", type=int, default=300, help="pages of trafilatura's set to add (0-990)")
    parser.add_argument("--sweep", action="store_true", help="score shingle sizes, thresholds and bands in memory")
    parser.add_argument("--words", type=int, nargs="+", default=[3, 4, 5, 7], help="shingle sizes to sweep")
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.3, 0.4, 0.5, 0.6])
    parser.add_argument("--bands", type=int, nargs="+", default=[16, 32, 42, 64], help="bands of 128 permutations")
    parser.add_argument("--show-merged", action="store_true", help="print the real originals put in one story")
    args = parser.parse_args()
    started = time.perf_counter()
    bodies = labelled_set(args.extra_pages)
    originals = sum("~" not in body.body_id for body in bodies)
    edits = Counter(edit for body in bodies for edit in body.edits)
    print(f"labelled set: {len(bodies)} bodies, {originals} real originals, {len(bodies) - originals} copies "
          f"({dict(sorted(edits.items()))}); built in {time.perf_counter() - started:.0f} s")  # fmt: skip
    if args.sweep:
        for words, threshold, bands in itertools.product(args.words, args.thresholds, args.bands):
            parameters = replace(DEFAULT_PARAMETERS, shingle_words=words, jaccard_threshold=threshold, bands=bands)
            scores = score(bodies, cluster_in_memory(bodies, parameters))
            print(f"k={words} threshold={threshold} bands={bands}x{parameters.rows_per_band}: {scores.line()}")
        return
    if args.show_merged:
        show_merged_originals(bodies, cluster_in_memory(bodies, DEFAULT_PARAMETERS))
        return
    story_of, seconds = cluster_in_postgres(bodies, DEFAULT_PARAMETERS)
    print(f"parameters: {DEFAULT_PARAMETERS.signature_version}, threshold {DEFAULT_PARAMETERS.jaccard_threshold}")
    print(f"cluster_new_articles on PostgreSQL ({seconds:.1f} s): {score(bodies, story_of).line()}")
    memory = score(bodies, cluster_in_memory(bodies, DEFAULT_PARAMETERS))
    print(f"in-memory mirror (same decisions expected): {memory.line()}")


if __name__ == "__main__":
    main()
