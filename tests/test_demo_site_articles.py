"""The demo sites crawled for real (Scrapy over HTTP into WARC), then extracted and dated from the archive.

Ground truth is each site's expected.json, written with the site: every paragraph, every boilerplate
string, and the exact UTC instant of every article.
"""

from __future__ import annotations

import re
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from broadsheet.archive import read_archive
from broadsheet.records import ExtractedArticle, FetchedPage, Reject
from broadsheet.settings import Settings
from broadsheet.sites import load_registry
from crawlers.run import crawl_site
from demo.sites_server import demo_site_keys
from transforms.date_candidates import with_page_date_candidates
from transforms.dates import DateContext, normalise_article_dates, normalise_date
from transforms.extract import extract_article

DEMO_SITE_KEYS = demo_site_keys()


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="session")
def crawled(tmp_path_factory, demo_origins) -> dict[str, dict[str, Any]]:
    """Each demo site crawled once into its own WARC, and every archived page extracted."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("crawl"), site_origins=demo_origins)
    sites = load_registry(settings.sites_dir, settings.site_origins)
    results = {}
    for key in DEMO_SITE_KEYS:
        archive = settings.archive_dir / f"{key}.warc.gz"
        crawl = crawl_site(settings, sites[key], archive, window_end=None)
        pages = list(read_archive(archive))
        extracted = {page.final_url: _extract(page) for page in pages}
        results[key] = {"site": sites[key], "crawl": crawl, "archive": archive, "pages": pages, "extracted": extracted}
    return results


def _extract(page: FetchedPage) -> ExtractedArticle | Reject:
    """What the pipeline's extract stage makes of a page: the article, with the dates known from outside it."""
    result = extract_article(page)
    return with_page_date_candidates(result, page) if isinstance(result, ExtractedArticle) else result


def _article(crawled, site_key: str, url: str) -> ExtractedArticle:
    result = crawled[site_key]["extracted"].get(url)
    assert isinstance(result, ExtractedArticle), f"{url}: expected an article, got {result!r}"
    return result


@pytest.mark.parametrize("site_key", DEMO_SITE_KEYS)
def test_the_crawl_finds_every_article_and_nothing_that_is_not_one(crawled, expected, site_key):
    fetched = {page.requested_url for page in crawled[site_key]["pages"]}
    origin = crawled[site_key]["site"].base_url
    wanted = {origin + a.get("requested_path", a["path"]) for a in expected[site_key]["articles"]}
    wanted |= {r["url"] for r in expected[site_key]["rejects"]}
    assert fetched == wanted


def test_the_seed_article_keeps_every_paragraph_and_drops_all_boilerplate(crawled, expected):
    seed = next(a for a in expected["harbour_herald"]["articles"] if a.get("is_seed"))
    article = _article(crawled, "harbour_herald", seed["url"])
    body = _words(article.body_text)
    missing = [p for p in seed["body_paragraphs"] if _words(p) not in body]
    kept = [b for b in seed["boilerplate"] if _words(b) in body]
    assert missing == [], "article paragraphs missing from the body"
    assert kept == [], "boilerplate left in the body"
    for phrase in (
        "Please enter your comment",
        "Please enter your name here",
        "More Articles from the Author",
        "Most Popular",
    ):
        assert phrase.casefold() not in body.casefold()
    assert article.title == seed["title"]
    assert body.casefold().count(seed["title"].casefold()) == 0, "the headline is repeated inside the body"
    site = crawled["harbour_herald"]["site"]
    published = normalise_date(article.published_candidates, site.timezone, site.languages, article.fetched_at)
    assert published is not None
    assert published.at == datetime.fromisoformat(seed["published_at_utc"].replace("Z", "+00:00"))


@pytest.mark.parametrize("site_key", DEMO_SITE_KEYS)
def test_every_article_has_its_title_authors_paragraphs_and_no_boilerplate(crawled, expected, site_key):
    problems = []
    for want in expected[site_key]["articles"]:
        article = _article(crawled, site_key, want["url"])
        body = _words(article.body_text)
        if article.title != want["title"]:
            problems.append(f"{want['path']}: title {article.title!r} != {want['title']!r}")
        if article.authors != want["authors"]:
            problems.append(f"{want['path']}: authors {article.authors} != {want['authors']}")
        if article.canonical_url != want["canonical_url"]:
            problems.append(f"{want['path']}: canonical {article.canonical_url} != {want['canonical_url']}")
        problems += [
            f"{want['path']}: missing paragraph {p[:60]!r}" for p in want["body_paragraphs"] if _words(p) not in body
        ]
        problems += [f"{want['path']}: boilerplate kept {b[:60]!r}" for b in want["boilerplate"] if _words(b) in body]
    assert problems == []


@pytest.mark.parametrize("site_key", DEMO_SITE_KEYS)
def test_every_article_is_dated_to_the_exact_utc_instant_from_its_source(crawled, expected, site_key):
    site = crawled[site_key]["site"]
    problems = []
    for want in expected[site_key]["articles"]:
        article = _article(crawled, site_key, want["url"])
        context = DateContext.for_site(site.timezone, site.languages, article.fetched_at, article.language)
        dates = normalise_article_dates(article.published_candidates, article.modified_candidates, context)
        got = dates.published
        if want["published_at_utc"] is None:  # the page's only date is implausible: loaded undated, flagged
            if got is not None:
                problems.append(f"{want['path']}: dated {got.at} from {got.source}, expected no date")
            if dates.flags != want["date_flags"]:
                problems.append(f"{want['path']}: flags {dates.flags}, expected {want['date_flags']}")
            continue
        wanted_at = datetime.fromisoformat(want["published_at_utc"].replace("Z", "+00:00"))
        if got is None:
            problems.append(f"{want['path']}: no date from {article.published_candidates}")
        elif got.at != wanted_at or got.at.tzinfo != UTC:
            problems.append(f"{want['path']}: {got.at} from {got.source} {got.raw!r}, expected {wanted_at}")
        elif _words(want["published_raw"]) not in _words(got.raw):
            problems.append(f"{want['path']}: raw {got.raw!r} does not hold {want['published_raw']!r}")
        elif got.source != want["published_source"]:
            problems.append(f"{want['path']}: dated from {got.source}, expected {want['published_source']}")
        for key, value in (
            ("published_precision", got.precision if got else None),
            ("is_published_timezone_assumed", got.is_timezone_assumed if got else None),
            ("date_flags", dates.flags),
        ):
            if key in want and want[key] != value:
                problems.append(f"{want['path']}: {key} {value!r}, expected {want[key]!r}")
        if "modified_at_utc" in want:
            modified = dates.modified.at.isoformat() if dates.modified else None
            expected_modified = want["modified_at_utc"] and want["modified_at_utc"].replace("Z", "+00:00")
            if modified != expected_modified:
                problems.append(f"{want['path']}: modified {modified}, expected {expected_modified}")
    assert problems == []


@pytest.mark.parametrize("site_key", DEMO_SITE_KEYS)
def test_pages_that_are_not_articles_become_rejects_with_a_reason(crawled, expected, site_key):
    for want in expected[site_key]["rejects"]:
        result = crawled[site_key]["extracted"].get(want["url"])
        assert isinstance(result, Reject), f"{want['url']} should be rejected, got {result!r}"
        assert result.reason == want["reason"], f"{want['url']}: {result.reason} ({result.detail})"
        assert want.get("detail", result.detail) in result.detail
        assert result.archive_location.startswith(crawled[site_key]["archive"].name + "#")


@pytest.mark.parametrize("site_key", DEMO_SITE_KEYS)
def test_the_archive_holds_exactly_the_bytes_the_server_sent(crawled, site_key):
    pages: list[FetchedPage] = crawled[site_key]["pages"]
    assert pages
    for page in pages:
        if page.status != 200:
            continue
        with urllib.request.urlopen(page.final_url, timeout=10) as response:
            assert response.read() == page.body, page.final_url
        assert page.site_key == site_key


def _write_site(root: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        target = root / "mini_site" / "public" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)


def test_robots_txt_is_obeyed_and_articles_after_the_interval_are_not_fetched(tmp_path: Path):
    from broadsheet.sites import SiteConfig
    from demo.sites_server import serve_demo_sites

    page = "<html><head><title>{0}</title></head><body><h1>{0}</h1><p>Text.</p></body></html>"
    _write_site(
        tmp_path,
        {
            "robots.txt": "User-agent: *\nDisallow: /news/private/\nSitemap: {{origin}}/sitemap.xml\n",
            "sitemap.xml": (
                '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                "<url><loc>{{origin}}/news/public/a</loc><lastmod>2024-03-14T10:00:00+00:00</lastmod></url>"
                "<url><loc>{{origin}}/news/private/b</loc><lastmod>2024-03-14T10:00:00+00:00</lastmod></url>"
                "<url><loc>{{origin}}/news/public/later</loc><lastmod>2024-03-16T10:00:00+00:00</lastmod></url>"
                "<url><loc>{{origin}}/about/</loc></url></urlset>"
            ),
            "news/public/a": page.format("A"),
            "news/private/b": page.format("B"),
            "news/public/later": page.format("Later"),
            "about/index.html": page.format("About"),
        },
    )
    with serve_demo_sites(sites_dir=tmp_path) as running:
        site = SiteConfig(
            key="mini_site",
            name="Mini",
            base_url=running["mini_site"].origin,
            sitemaps=["/robots.txt"],
            article_patterns=["^/news/"],
            timezone="UTC",
            languages=["en"],
            allowed_addresses=["127.0.0.1"],  # the address guard refuses loopback unless the entry allows it
        )
        archive = tmp_path / "mini.warc.gz"
        crawl_site(Settings(data_dir=tmp_path), site, archive, window_end=datetime(2024, 3, 15, tzinfo=UTC))
    fetched = {re.sub(r"^http://[^/]+", "", p.final_url) for p in read_archive(archive)}
    assert fetched == {"/news/public/a"}
