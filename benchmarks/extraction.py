"""Extraction benchmark: Broadsheet's body extraction against bare trafilatura, on the same pages, in one run.

    .venv/bin/python benchmarks/extraction.py                       # all 181 pages
    .venv/bin/python benchmarks/extraction.py --per-page worst.tsv  # also write per-page scores
    .venv/bin/python benchmarks/extraction.py --predictions out.json  # Broadsheet's output, for the reference scorer

The pages and their hand-annotated bodies are the article-extraction-benchmark (Zyte, MIT), read in place
from BROADSHEET_EXTRACTION_BENCHMARK, else <Settings.datasets_dir>/article-extraction-benchmark (datasets_dir is
BROADSHEET_DATASETS_DIR, default ../shared/datasets beside the checkout, else /work/shared/datasets), never copied.
The metric is the benchmark's own: 4-gram shingles of `\\w+` tokens compared as multisets per page, precision
and recall averaged over pages, F1 the harmonic mean of those two averages. Both extractors run in this one
process on one core, page by page in alternation, so machine load affects both alike.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import trafilatura

DATASET_NAME = "article-extraction-benchmark"
WORD = re.compile(r"\w+")
NGRAM = 4


def dataset_dir() -> Path:
    from broadsheet.settings import Settings

    explicit = os.environ.get("BROADSHEET_EXTRACTION_BENCHMARK")
    return Path(explicit) if explicit else Settings().datasets_dir / DATASET_NAME


def _shingles(text: str | None) -> Counter:
    tokens = WORD.findall(text) if text else []
    if not tokens:
        return Counter()
    if len(tokens) < NGRAM:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + NGRAM]) for i in range(len(tokens) - NGRAM + 1))


@dataclass(frozen=True)
class PageScore:
    page_id: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


def score_page(page_id: str, truth: str | None, prediction: str | None) -> PageScore:
    true, predicted = _shingles(truth), _shingles(prediction)
    tp = sum((true & predicted).values())
    return PageScore(page_id, tp, sum(predicted.values()) - tp, sum(true.values()) - tp)


def aggregate(scores: list[PageScore]) -> tuple[float, float, float]:
    """(precision, recall, F1): macro averages over the pages where each is defined, F1 of the averages."""
    precisions = [s.precision for s in scores if s.precision is not None]
    recalls = [s.recall for s in scores if s.recall is not None]
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def load_pages(dataset: Path) -> list[tuple[str, str, str, str]]:
    """(id, url, html, true body) for every page of the benchmark."""
    truth_file = dataset / "ground-truth.json"
    if not truth_file.exists():
        raise SystemExit(f"{truth_file} not found: set BROADSHEET_EXTRACTION_BENCHMARK to the benchmark folder")
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        with gzip.open(dataset / "html" / f"{page_id}.html.gz", "rt", encoding="utf-8") as handle:
            pages.append((page_id, truth[page_id]["url"], handle.read(), truth[page_id]["articleBody"]))
    return pages


def bare_trafilatura(text: str, url: str) -> str:
    """The baseline: trafilatura.extract with its default settings."""
    return trafilatura.extract(text) or ""


def broadsheet(text: str, url: str) -> str:
    from transforms.extract import extract_body_from_html

    return extract_body_from_html(text, url)


def run(pages: list[tuple[str, str, str, str]]) -> dict[str, dict]:
    """Run both extractors page by page in alternation; returns outputs, scores and seconds per extractor."""
    extractors = {"bare trafilatura.extract (default)": bare_trafilatura, "Broadsheet extract_body": broadsheet}
    results = {name: {"outputs": {}, "scores": [], "seconds": 0.0} for name in extractors}
    for page_id, url, text, truth in pages:
        for name, extractor in extractors.items():
            started = time.perf_counter()
            output = extractor(text, url)
            results[name]["seconds"] += time.perf_counter() - started
            results[name]["outputs"][page_id] = output
            results[name]["scores"].append(score_page(page_id, truth, output))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-page", type=Path, help="write Broadsheet's per-page tp/fp/fn, worst F1 first")
    parser.add_argument("--predictions", type=Path, help="write Broadsheet's output as {id: {articleBody}}")
    parser.add_argument("--worst", type=int, default=10, help="how many worst pages to list (default 10)")
    args = parser.parse_args(argv)

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core, as the targets say
    pages = load_pages(dataset_dir())
    broadsheet(pages[0][2], pages[0][1])  # import and warm up outside the timing
    results = run(pages)

    print(f"pages: {len(pages)}  (dataset {dataset_dir()})")
    print(f"{'extractor':<38} {'precision':>9} {'recall':>7} {'F1':>7} {'pages/s':>8}")
    for name, result in results.items():
        p, r, f1 = aggregate(result["scores"])
        print(f"{name:<38} {p:9.4f} {r:7.4f} {f1:7.4f} {len(pages) / result['seconds']:8.1f}")

    ours = results["Broadsheet extract_body"]
    ranked = sorted(ours["scores"], key=lambda s: _page_f1(s))
    print(f"\nworst {args.worst} pages for Broadsheet (id, precision, recall, missed / extra shingles, url):")
    urls = {page_id: url for page_id, url, _, _ in pages}
    for score in ranked[: args.worst]:
        print(
            f"  {score.page_id[:12]}  P {_fmt(score.precision)}  R {_fmt(score.recall)}"
            f"  fn {score.fn:5d}  fp {score.fp:5d}  {urls[score.page_id]}"
        )
    if args.per_page:
        with args.per_page.open("w", encoding="utf-8") as handle:
            handle.write("id\ttp\tfp\tfn\tprecision\trecall\turl\n")
            for s in ranked:
                handle.write(
                    f"{s.page_id}\t{s.tp}\t{s.fp}\t{s.fn}\t{_fmt(s.precision)}\t{_fmt(s.recall)}\t{urls[s.page_id]}\n"
                )
    if args.predictions:
        payload = {page_id: {"articleBody": body} for page_id, body in ours["outputs"].items()}
        args.predictions.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return 0


def _page_f1(score: PageScore) -> float:
    p, r = score.precision or 0.0, score.recall or 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


if __name__ == "__main__":
    sys.exit(main())
