"""The spider against a real server that behaves like a production news site (demo/sites/lakeshore_ledger):
every discovery path, URL normalisation, robots.txt, Retry-After, redirects, caps on size and page count."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from broadsheet.archive import read_archive
from broadsheet.records import FetchedPage
from broadsheet.settings import Settings
from broadsheet.sites import SiteConfig, load_registry
from crawlers.run import CrawlResult, crawl_site
from demo.sites_server import DEMO_SITES_DIR, serve_demo_sites

SITE = "lakeshore_ledger"
GRAIN = "/business/grain-elevator-redevelopment-wins-approval/"
LIBRARY = "/city/library-extends-weekend-hours/"
MARINERS = "/sports/mariners-rally-past-bayport-for-sectional-title/"
FREIGHTER = "/business/grounded-freighter-blocks-tessaly-strait/"  # an AP story, published 2024-03-13 15:05Z
FERRY = "/business/ferry-operator-adds-winter-sailings/"


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def _crawl(
    tmp_path: Path, sites_dir: Path = DEMO_SITES_DIR, settings_update: dict[str, Any] | None = None, **site_update: Any
) -> tuple[CrawlResult, list[FetchedPage]]:
    """Crawl the site served fresh from `sites_dir` (so its 429 is answered once more)."""
    with serve_demo_sites(sites_dir=sites_dir) as running:
        settings = Settings(data_dir=tmp_path, site_origins={SITE: running[SITE].origin}, **(settings_update or {}))
        site: SiteConfig = load_registry(settings.sites_dir, settings.site_origins)[SITE]
        site = site.model_copy(update=site_update)
        archive = tmp_path / f"{SITE}.warc.gz"
        archive.unlink(missing_ok=True)
        result = crawl_site(settings, site, archive, window_end=site_update.pop("window_end", None))
        return result, list(read_archive(archive)) if archive.exists() else []


@pytest.fixture(scope="module")
def full_crawl(tmp_path_factory) -> tuple[CrawlResult, dict[str, FetchedPage]]:
    result, pages = _crawl(tmp_path_factory.mktemp("lakeshore"))
    return result, {_path(page.requested_url): page for page in pages}


def test_each_discovery_path_finds_its_articles(full_crawl):
    _, pages = full_crawl
    sources = {path: page.discovery.get("source") for path, page in pages.items()}
    assert sources["/city/council-approves-lakefront-bike-lane-plan/"] == "news-sitemap"  # listed first there
    assert sources[MARINERS] == "sitemap"  # only in the nested, gzipped sitemap index
    assert sources["/p/8c2e41/"] == "feed"  # only in the Atom feed
    assert sources[LIBRARY] == "section"  # only on page 2 of the City section
    assert _path(pages[LIBRARY].discovery["section_url"]) == "/city/page/2/"


def test_tracking_parameters_and_fragments_are_dropped_and_each_article_fetched_once(full_crawl):
    _, pages = full_crawl
    assert all("utm_" not in path and "#" not in path for path in pages)
    assert len(pages) == 6, sorted(pages)  # the six articles of demo/sites/lakeshore_ledger/expected.json


def test_a_feed_link_that_redirects_is_archived_under_its_canonical_url(full_crawl):
    _, pages = full_crawl
    page = pages["/p/8c2e41/"]
    assert page.status == 200
    assert _path(page.final_url) == FERRY


def test_robots_txt_disallowed_section_is_not_fetched_and_not_an_error(full_crawl):
    result, pages = full_crawl
    assert not [path for path in pages if path.startswith("/members/")]
    assert result.download_errors == []
    assert result.stats["forbidden_by_robots"] >= 1


def test_robots_crawl_delay_is_honoured(full_crawl):
    result, _ = full_crawl
    assert result.stats["robots_crawl_delay_seconds"] == pytest.approx(0.2)


def test_a_429_is_retried_after_its_retry_after_and_then_archived(full_crawl):
    result, pages = full_crawl
    assert pages[GRAIN].status == 200
    assert result.stats["retries"] == 1
    assert result.stats["retry_wait_seconds"] == pytest.approx(1.0)  # Retry-After: 1, not the 0.5 s backoff


def test_a_503_without_retry_after_is_retried_with_backoff(tmp_path):
    sites = tmp_path / "sites"
    shutil.copytree(DEMO_SITES_DIR / SITE, sites / SITE)
    rules = sites / SITE / "server.toml"
    rules.write_text(rules.read_text().replace("throttle_once", f'unavailable_once = ["{MARINERS}"]\nthrottle_once'))
    result, pages = _crawl(tmp_path, sites)
    statuses = {_path(p.requested_url): p.status for p in pages}
    assert statuses[MARINERS] == 200
    assert result.stats["retries"] == 2  # the 429 and the 503
    assert result.stats["retry_wait_seconds"] == pytest.approx(1.0 + 0.5)


def test_a_redirect_loop_becomes_a_reject_and_the_rest_of_the_site_is_crawled(tmp_path, full_crawl):
    sites = tmp_path / "sites"
    shutil.copytree(DEMO_SITES_DIR / SITE, sites / SITE)
    rules = sites / SITE / "server.toml"
    loop = f'"{MARINERS}" = "/sports/mariners/"\n"/sports/mariners/" = "{MARINERS}"\n'
    rules.write_text(rules.read_text().replace("[redirects]\n", "[redirects]\n" + loop))
    result, pages = _crawl(tmp_path, sites)
    [(url, reason, detail)] = result.download_errors
    assert (_path(url), reason) == (MARINERS, "redirect_loop")
    assert f"{MARINERS} -> " in detail and detail.endswith(MARINERS)
    _, every_page = full_crawl
    assert {_path(p.requested_url) for p in pages} == set(every_page) - {MARINERS}


def test_a_link_that_is_not_a_url_costs_only_itself(tmp_path):
    sites = tmp_path / "sites"
    shutil.copytree(DEMO_SITES_DIR / SITE, sites / SITE)
    listing = sites / SITE / "public" / "city" / "page" / "2" / "index.html"
    broken = '<a href="http://[2001:db8::1/tips">Send us a tip</a>'  # an unclosed IPv6 host: urllib raises
    listing.write_text(listing.read_text().replace('<li class="nav-city">', broken + '<li class="nav-city">', 1))
    result, pages = _crawl(tmp_path, sites)
    assert LIBRARY in {_path(p.requested_url) for p in pages}  # linked from that page, after the broken link
    assert result.download_errors == []


def test_section_links_are_followed_only_as_deep_as_max_depth(tmp_path):
    site = load_registry(Settings().sites_dir)[SITE]
    _, pages = _crawl(tmp_path, limits=site.limits.model_copy(update={"max_depth": 1}))
    assert LIBRARY not in {_path(p.requested_url) for p in pages}  # it is on page 2, two hops away


def test_pages_per_run_are_capped_by_the_registry(tmp_path):
    site = load_registry(Settings().sites_dir)[SITE]
    result, pages = _crawl(tmp_path, limits=site.limits.model_copy(update={"max_pages": 2}))
    assert len(pages) == 2
    assert result.stats["articles_over_page_cap"] >= 3


def test_a_site_s_max_pages_overrides_the_global_default_upwards_too(tmp_path):
    site = load_registry(Settings().sites_dir)[SITE]
    result, pages = _crawl(
        tmp_path, settings_update={"max_pages_per_site": 2}, limits=site.limits.model_copy(update={"max_pages": 4})
    )
    assert 2 < len(pages) <= 4  # four article requests (one may end as a reject), above the global two
    assert result.stats["articles_over_page_cap"] >= 1


def test_skip_patterns_keep_matching_urls_out(tmp_path):
    _, pages = _crawl(tmp_path, skip_patterns=["^/business/"])
    paths = {_path(p.final_url) for p in pages}
    assert paths and not any(path.startswith("/business/") for path in paths)


def test_a_window_fetches_what_was_published_or_changed_in_it(tmp_path):
    """[Mar 12, Mar 14): the grain elevator and freighter stories were published on the 13th; the Mariners story
    (published on the 10th) was corrected on the 12th, says its sitemap lastmod. Section pages give no dates."""
    with serve_demo_sites() as running:
        settings = Settings(data_dir=tmp_path, site_origins={SITE: running[SITE].origin})
        site = load_registry(settings.sites_dir, settings.site_origins)[SITE].model_copy(update={"sections": []})
        archive = tmp_path / "window.warc.gz"
        crawl_site(
            settings,
            site,
            archive,
            window_end=datetime(2024, 3, 14, tzinfo=UTC),
            window_start=datetime(2024, 3, 12, tzinfo=UTC),
        )
    assert {_path(p.requested_url) for p in read_archive(archive)} == {GRAIN, MARINERS, FREIGHTER}


def test_a_nightly_window_takes_everything_listed_before_its_end(tmp_path):
    """A night of [Mar 13, Mar 14) (crawl_window: no start): the Mariners story of the 12th is taken too
    (a first night brings in the back catalogue the site lists); the bike lane story of the 14th is not."""
    with serve_demo_sites() as running:
        settings = Settings(data_dir=tmp_path, site_origins={SITE: running[SITE].origin})
        site = load_registry(settings.sites_dir, settings.site_origins)[SITE].model_copy(update={"sections": []})
        archive = tmp_path / "night.warc.gz"
        crawl_site(settings, site, archive, window_end=datetime(2024, 3, 14, tzinfo=UTC))
    assert {_path(p.requested_url) for p in read_archive(archive)} == {GRAIN, MARINERS, FREIGHTER}


def test_an_oversized_body_becomes_a_reject_with_its_reason(tmp_path):
    result, pages = _crawl(tmp_path, settings_update={"max_response_bytes": 12_000})
    too_large = {_path(url): detail for url, reason, detail in result.download_errors if reason == "too_large"}
    assert too_large, result.download_errors
    assert all("12000" in detail for detail in too_large.values())
    assert not set(too_large) & {_path(p.requested_url) for p in pages}


def test_every_request_carries_the_user_agent_from_settings(full_crawl):
    from warcio.archiveiterator import ArchiveIterator

    result, _ = full_crawl
    with open(result.archive_path, "rb") as stream:
        agents = {
            record.http_headers.get_header("User-Agent")
            for record in ArchiveIterator(stream)
            if record.rec_type == "request"
        }
    assert agents == {Settings().user_agent}
