"""Dates benchmark: Broadsheet's date reading against plain `dateparser.parse` of the same strings, in one run.

    .venv/bin/python benchmarks/dates.py              # 5 rounds
    .venv/bin/python benchmarks/dates.py --rounds 9

Two sets of strings:
- the test table (tests/transforms/date_cases.csv), each read as a page of its row's site;
- every date candidate of the demo sites' articles, crawled for real (Scrapy over HTTP into a WARC, as
  tests/test_demo_site_articles.py does), read as pages of their site.
For each string, Broadsheet's `read_date` (fast path, site languages, site date order) is timed against
`dateparser.parse(raw)` with dateparser's defaults, alternating round by round in this one process; our own
caches are cleared before each round so repeated rounds do not flatter us. The demo articles are also timed
whole (`normalise_article_dates`: every candidate read, choice, flags), and the share of demo articles dated
from each source is printed. Real pages from ../shared/datasets/article-extraction-benchmark (no known
dates) give the share of real pages dated and their sources, when the folder is there.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import dateparser
from lxml import html

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from broadsheet.archive import read_archive  # noqa: E402
from broadsheet.records import ExtractedArticle  # noqa: E402
from broadsheet.settings import Settings  # noqa: E402
from broadsheet.sites import load_registry  # noqa: E402
from crawlers.run import crawl_site  # noqa: E402
from demo.sites_server import demo_site_keys, serve_demo_sites  # noqa: E402
from transforms import date_formats, date_text, dates  # noqa: E402
from transforms.date_candidates import html_date_candidates, with_page_date_candidates  # noqa: E402
from transforms.extract import extract_article  # noqa: E402

TABLE = ROOT / "tests" / "transforms" / "date_cases.csv"
TABLE_FETCHED_AT = datetime(2025, 3, 15, 12, 0, tzinfo=UTC)
REAL_PAGES = ROOT.parent / "shared" / "datasets" / "article-extraction-benchmark" / "html"

Work = list[tuple[str, dates.DateContext]]


def table_strings() -> Work:
    lines = [line for line in TABLE.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return [
        (row["raw"], dates.DateContext.for_site(row["zone"], row["languages"].split(), TABLE_FETCHED_AT))
        for row in csv.DictReader(lines)
    ]


def demo_articles() -> list[tuple[ExtractedArticle, dates.DateContext]]:
    """Every demo article, crawled and extracted as the pipeline does, with its site's date context."""
    found = []
    with tempfile.TemporaryDirectory() as folder, serve_demo_sites() as running:
        origins = {key: site.origin for key, site in running.items()}
        settings = Settings(data_dir=Path(folder), site_origins=origins)
        sites = load_registry(settings.sites_dir, settings.site_origins)
        for key in demo_site_keys():
            archive = settings.archive_dir / f"{key}.warc.gz"
            crawl_site(settings, sites[key], archive, window_end=None)
            for page in read_archive(archive):
                article = extract_article(page)
                if isinstance(article, ExtractedArticle):
                    article = with_page_date_candidates(article, page)
                    context = dates.DateContext.for_site(
                        sites[key].timezone, sites[key].languages, article.fetched_at, article.language
                    )
                    found.append((article, context))
    return found


def _clear_our_caches() -> None:
    for cached in (
        date_text._parser,
        date_text._names_a_date,
        date_text._zone_offsets,
        date_formats._calendar_words,
        date_formats._is_known_language,
    ):
        cached.cache_clear()


def _time(run: Callable[[], object], rounds: int, clear: bool) -> list[float]:
    seconds = []
    for _ in range(rounds):
        if clear:
            _clear_our_caches()
        started = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - started)
    return seconds


def compare(name: str, work: Work, rounds: int) -> None:
    ours, plain = [], []
    for _ in range(rounds):  # alternate, so machine load falls on both alike
        ours += _time(lambda: [dates.read_date(raw, context) for raw, context in work], 1, clear=True)
        plain += _time(lambda: [dateparser.parse(raw) for raw, _ in work], 1, clear=False)
    ours_rate, plain_rate = len(work) / statistics.median(ours), len(work) / statistics.median(plain)
    print(f"{name:<38}{len(work):>8}{plain_rate:>14,.0f}{ours_rate:>14,.0f}{ours_rate / plain_rate:>9.1f}x")


def source_shares(articles: list[tuple[ExtractedArticle, dates.DateContext]]) -> None:
    by_site: dict[str, Counter] = {}
    for article, context in articles:
        result = dates.normalise_article_dates(article.published_candidates, article.modified_candidates, context)
        source = result.published.source if result.published else "(no date)"
        by_site.setdefault(article.site_key, Counter())[source] += 1
    total = sum((counts for counts in by_site.values()), Counter())
    print(f"\nshare of demo articles dated from each source ({sum(total.values())} articles):")
    for source, count in total.most_common():
        print(f"  {source:<32}{count:>4}  {count / sum(total.values()):6.1%}")
    for site, counts in sorted(by_site.items()):
        print(f"  {site}: " + ", ".join(f"{source} {count}" for source, count in counts.most_common()))


def real_pages() -> None:
    """Real pages of many publishers. Their true dates are not known, so this is coverage, and agreement with
    htmldate given the page's URL (a second opinion, not ground truth): within a day, per page."""
    if not REAL_PAGES.is_dir():
        print(f"\n{REAL_PAGES} not found: real-page coverage skipped")
        return
    from htmldate import find_date

    urls = {
        key: item.get("url") for key, item in json.loads((REAL_PAGES.parent / "ground-truth.json").read_text()).items()
    }
    fetched_at = datetime(2026, 11, 25, tzinfo=UTC)
    sources, agree, ours_seconds, pages = Counter(), 0, 0.0, sorted(REAL_PAGES.glob("*.html.gz"))
    for path in pages:
        text = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        started = time.perf_counter()
        tree = html.document_fromstring(text)
        found = html_date_candidates(tree)
        language = (tree.xpath("string(/html/@lang)") or "en").split("-")[0].lower()
        context = dates.DateContext.for_site("UTC", ["en"], fetched_at, language)
        result = dates.normalise_article_dates(found.published, found.modified, context)
        ours_seconds += time.perf_counter() - started
        sources[result.published.source.split(":")[0] if result.published else "(no date)"] += 1
        reference = find_date(text, url=urls.get(path.name.split(".")[0]), original_date=True)
        if reference and result.published:
            agree += abs(datetime.fromisoformat(reference).date() - result.published.at.date()).days <= 1
    print(
        f"\nreal pages (article-extraction-benchmark, dates unknown): {len(pages)} pages, "
        f"{len(pages) / ours_seconds:,.0f} pages/s (parse, gather, normalise)"
    )
    print(f"  same day (+-1) as htmldate given the URL: {agree}/{len(pages)}")
    for source, count in sources.most_common():
        print(f"  {source:<32}{count:>4}  {count / len(pages):6.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    table = table_strings()
    articles = demo_articles()
    demo = [(c.raw, context) for article, context in articles for c in article.published_candidates]
    demo += [(c.raw, context) for article, context in articles for c in article.modified_candidates]

    print(f"rounds: {args.rounds} (median round; our caches cleared before each)")
    print(f"{'strings':<38}{'count':>8}{'dateparser/s':>14}{'Broadsheet/s':>14}{'speed-up':>10}")
    compare("test table (date_cases.csv)", table, args.rounds)
    compare("demo sites' date candidates", demo, args.rounds)
    compare("both", table + demo, args.rounds)

    whole = _time(
        lambda: [
            dates.normalise_article_dates(a.published_candidates, a.modified_candidates, context)
            for a, context in articles
        ],
        args.rounds,
        clear=True,
    )
    print(
        f"demo articles normalised whole (all candidates, choice, flags): {len(articles)} articles, "
        f"{len(articles) / statistics.median(whole):,.0f} articles/s"
    )
    source_shares(articles)
    real_pages()


if __name__ == "__main__":
    main()
