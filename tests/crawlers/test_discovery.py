"""The spider hands on what discovery said about each page (FetchedPage.discovery), archived with it."""

from __future__ import annotations

import pytest

from broadsheet.archive import read_archive
from broadsheet.settings import Settings
from broadsheet.sites import load_registry
from crawlers.discovery import parse_feed, sitemap_discovery, sitemap_index_entries
from crawlers.run import crawl_site
from demo.sites_server import DEMO_SITES_DIR

SITES = DEMO_SITES_DIR


def test_a_news_sitemap_gives_each_url_its_publication_date_and_title():
    body = (SITES / "capitol_wire/public/sitemaps/news.xml").read_bytes()
    found = sitemap_discovery(body)
    url = "{{origin}}/news/politics/house-committee-restores-transit-funding-512412.html"
    assert found[url]["source"] == "news-sitemap"
    assert found[url]["news_publication_date"] == "2024-03-12T20:30:00-04:00"
    assert found[url]["news_title"].startswith("House committee restores part of transit cut")


def test_a_feed_entry_keeps_its_date_as_written():
    entries = list(parse_feed((SITES / "harbour_herald/public/feed.xml").read_bytes()))
    assert "Fri, 15 Mar 2024 11:00:00 +0000" in {entry.published_raw for entry in entries}


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"\x00\x01\x02\x03", id="binary"),
        pytest.param(b"\x1f\x8b\x08\x00\x00\x00", id="a gzip header, cut short"),
        pytest.param(b"<html><body><h1>502 Bad Gateway</h1></body></html>", id="a proxy's error page"),
        pytest.param(b'<?xml version="1.0"?>\n<uttp://www.sitemaps.org/"><url><loc>a</loc></url>', id="bad tag name"),
    ],
)
def test_a_broken_feed_or_sitemap_yields_nothing_instead_of_failing(body: bytes):
    assert list(parse_feed(body)) == []
    assert sitemap_discovery(body) == {}
    assert sitemap_index_entries(body) is None


def test_archived_pages_carry_their_discovery_source_and_raw_dates(tmp_path, demo_origins):
    settings = Settings(data_dir=tmp_path, site_origins=demo_origins)
    sites = load_registry(settings.sites_dir, settings.site_origins)
    archive = tmp_path / "capitol_wire.warc.gz"
    crawl_site(settings, sites["capitol_wire"], archive, window_end=None)
    pages = {page.final_url.split("/", 3)[3]: page for page in read_archive(archive)}
    page = pages["news/politics/house-committee-restores-transit-funding-512412.html"]
    assert page.discovery["source"] == "news-sitemap"
    assert page.discovery["news_publication_date"] == "2024-03-12T20:30:00-04:00"
    assert all(p.discovery.get("source") in {"sitemap", "news-sitemap", "feed"} for p in pages.values())
