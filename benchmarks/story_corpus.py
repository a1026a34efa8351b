"""Real article bodies from ../shared/datasets (read in place, never copied) and syndicated variants of them.

Used by benchmarks/stories_labelled.py (precision and recall of story clustering) and benchmarks/stories.py
(throughput). A variant is what a syndicating site does to an agency story: a new headline, a local intro,
paragraphs dropped or reordered, an ending cut, a few words edited, another template's captions and
boilerplate around it.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from broadsheet.records import Article, ChosenDate, ChosenDates, ExtractedArticle
from broadsheet.settings import Settings

MIN_WORDS = 80  # shorter pages are briefs, listings or errors: not the articles syndication is about

PLACES = ["Linwood", "Port Tilden", "Westbrook", "Calder Bay", "Ashford", "Lindscheid", "Auenbrück", "Meridian"]
AGENCIES = ["Reuters", "AP", "AFP", "dpa"]
SITE_NAMES = ["Harbour Herald", "Capitol Wire", "Lakeshore Ledger", "Rheinblick", "Diari del Port"]
LOCAL_INTROS = [
    "{place} — For families in {place}, the news below arrives at a difficult moment, local officials said on "
    "{day}, promising to explain what it means for the town at a meeting next week.",
    "Readers in {place} have asked us what this means for them. Here is the agency's report, with what we "
    "learned from the mayor's office on {day}.",
    "The story below was reported by {agency}. {place} businesses contacted by the {site} on {day} said they "
    "were still weighing its consequences.",
    "{place} council members said on {day} that they had not been consulted before the decision, which is "
    "described in full below.",
]
BOILERPLATE = [
    "Sign up for the {site} morning briefing: the day's top stories in your inbox.",
    "© 2024 {site}. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.",
    "This article was originally published by {agency} and is republished here with permission.",
    "Photo: {place} harbour at dawn ({agency}/{site})",
    "Read more: {place} council approves its budget after a long night of debate",
    "Follow the {site} on social media for updates from {place} and the region.",
    "Have a news tip? Write to the {site} newsroom, in confidence.",
]
WORD_EDITS = {
    "said": "told reporters",
    "says": "said",
    "percent": "per cent",
    "will": "would",
    "Monday": "on Monday",
    "about": "around",
    "also": "additionally",
    "but": "however",
    "people": "residents",
    "government": "administration",
}
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


@dataclass(frozen=True)
class Body:
    """An article body and the source article it was made from (itself for an original)."""

    body_id: str
    source_id: str
    text: str
    edits: tuple[str, ...] = ()


def _paragraphs(text: str) -> list[str]:
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    if len(paragraphs) >= 4:
        return paragraphs
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(paragraphs))  # one long block: edit by sentence pairs
    return [" ".join(sentences[i : i + 2]) for i in range(0, len(sentences), 2)]


def _extraction_benchmark(datasets: Path) -> Iterator[Body]:
    truth = json.loads((datasets / "article-extraction-benchmark" / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id, item in sorted(truth.items()):
        yield Body(f"aeb:{page_id[:12]}", f"aeb:{page_id[:12]}", item["articleBody"])


def _trafilatura_eval(datasets: Path, pages: int) -> Iterator[Body]:
    """Bodies extracted (trafilatura, fast) from the first `pages` pages of trafilatura's evaluation set."""
    import trafilatura

    folder = datasets / "trafilatura-eval"
    with (folder / "expectations.jsonl").open(encoding="utf-8") as lines:
        entries = [json.loads(line) for line in lines][:pages]
    for entry in entries:
        html = gzip.decompress((folder / entry["file"]).read_bytes())
        text = trafilatura.extract(html, fast=True, include_comments=False) or ""
        yield Body(f"tre:{entry['id']}", f"tre:{entry['id']}", text)


def real_bodies(extra_pages: int = 300, settings: Settings | None = None) -> list[Body]:
    """Unrelated real article bodies: the extraction benchmark's hand-checked bodies, then bodies extracted from
    `extra_pages` pages of trafilatura's set; short ones and repeated texts are left out."""
    from broadsheet.stories.similarity import words_hash

    datasets = (settings or Settings()).datasets_dir
    if not (datasets / "article-extraction-benchmark").is_dir():
        raise SystemExit(f"no article-extraction-benchmark under {datasets}: set BROADSHEET_DATASETS_DIR")
    seen: set[str] = set()
    bodies = []
    for body in [*_extraction_benchmark(datasets), *_trafilatura_eval(datasets, extra_pages)]:
        digest = words_hash(body.text)
        if len(body.text.split()) < MIN_WORDS or digest in seen:
            continue
        seen.add(digest)
        bodies.append(body)
    return bodies


def syndicated_variant(original: Body, number: int, rng: random.Random) -> Body:
    """What another site makes of the story: two to four realistic edits, chosen at random."""
    paragraphs = _paragraphs(original.text)
    fill = {
        "place": rng.choice(PLACES),
        "agency": rng.choice(AGENCIES),
        "site": rng.choice(SITE_NAMES),
        "day": rng.choice(DAYS),
    }
    edits = rng.sample(["local_intro", "drop", "reorder", "cut_ending", "words", "boilerplate"], rng.randint(2, 4))
    if "drop" in edits and len(paragraphs) > 4:
        for _ in range(rng.randint(1, max(1, len(paragraphs) // 8))):
            del paragraphs[rng.randrange(1, len(paragraphs) - 1)]
    if "reorder" in edits and len(paragraphs) > 3:
        i = rng.randrange(1, len(paragraphs) - 1)
        paragraphs[i], paragraphs[i + 1] = paragraphs[i + 1], paragraphs[i]
    if "cut_ending" in edits and len(paragraphs) > 3:
        paragraphs = paragraphs[: max(3, round(len(paragraphs) * rng.uniform(0.6, 0.9)))]
    if "words" in edits:
        pattern = re.compile(r"\b(" + "|".join(WORD_EDITS) + r")\b")
        paragraphs = [pattern.sub(lambda m: WORD_EDITS[m.group(1)], p) for p in paragraphs]
    if "local_intro" in edits:
        paragraphs.insert(0, rng.choice(LOCAL_INTROS).format(**fill))
    if "boilerplate" in edits:
        lines = [line.format(**fill) for line in rng.sample(BOILERPLATE, 3)]
        paragraphs.insert(min(2, len(paragraphs)), lines[0])  # a caption inside the body
        paragraphs.extend(lines[1:])
    return Body(f"{original.body_id}~{number}", original.source_id, "\n".join(paragraphs), tuple(sorted(edits)))


def exact_copy(original: Body, number: int) -> Body:
    """A site that runs the agency text as it is (spacing aside)."""
    return Body(f"{original.body_id}~{number}", original.source_id, original.text.replace("\n", "\n\n"), ("exact",))


def warehouse_article(
    site_key: str, body: Body, title: str, published_at: datetime, fetched_at: datetime, position: int
) -> Article:
    """A body as the loader takes it: an article of `site_key` at https://bench.example/<body id>."""
    url = f"https://bench.example/{body.body_id}"
    extracted = ExtractedArticle(
        site_key=site_key, url=url, canonical_url=url, title=title, authors=[], body_text=body.text, language=None,
        published_candidates=[], modified_candidates=[], fetched_at=fetched_at,
        archive_location=f"bench.warc.gz#{position}",
    )  # fmt: skip
    return Article(extracted, ChosenDates(published=ChosenDate(published_at, published_at.isoformat(), "json-ld")))
