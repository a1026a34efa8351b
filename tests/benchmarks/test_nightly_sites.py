"""The nightly benchmark's local sites are crawlable as a real news site is: robots.txt names the sitemap index
and the news sitemap, the sitemaps, the news sitemap and the feed list the articles, and an article answers
with ETag, Last-Modified and gzip, 304 to a conditional request, and a new version once it changed.

Built from the real pages of Settings.datasets_dir at a tiny scale (2 sites, 30 articles); when the datasets
are missing the test is skipped, and under CI=true it fails.
"""

from __future__ import annotations

import gzip
import re
import urllib.error
import urllib.request
from pathlib import Path

from benchmark_scripts import benchmark_script
from services import missing_service

from broadsheet.settings import Settings
from broadsheet.sites import scan_registry


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def _text(url: str) -> str:
    status, headers, body = _get(url, **{"Accept-Encoding": "gzip"})
    assert status == 200, url
    return (gzip.decompress(body) if headers.get("content-encoding") == "gzip" else body).decode()


def _locations(xml: str) -> set[str]:
    return set(re.findall(r"<loc>([^<]+)</loc>", xml))


def test_nightly_sites_list_every_article_and_answer_like_a_production_server(tmp_path: Path):
    nightly = benchmark_script("nightly")
    datasets_dir = Settings().datasets_dir
    try:
        pages = nightly.source_pages(datasets_dir)
    except FileNotFoundError as error:
        missing_service(str(error))
    plan = nightly.BenchSites(sites=2, articles=30, sources=len(pages), changed=0.5)
    with nightly.SitesServer(plan, datasets_dir) as server:
        nightly.write_site_entries(plan, server.origins, tmp_path / "sites")
        scan = scan_registry(tmp_path / "sites", {})
        assert scan.errors == {}
        assert sorted(scan.sites) == sorted(server.origins)
        for site in range(plan.sites):
            origin = server.origins[plan.site_key(site)]
            assert scan.sites[plan.site_key(site)].allowed_addresses == ["127.0.0.1"]  # loopback is refused otherwise
            articles = {origin + plan.path(site, n) for n in range(plan.site_articles(site))}
            assert len(articles) == plan.site_articles(site) == 15

            robots = _text(origin + "/robots.txt")
            assert f"Sitemap: {origin}/sitemap_index.xml" in robots
            assert f"Sitemap: {origin}/news-sitemap.xml" in robots
            listed = set()
            for sitemap in _locations(_text(origin + "/sitemap_index.xml")):
                listed |= _locations(_text(sitemap))
            assert listed == articles
            news = _text(origin + "/news-sitemap.xml")
            assert _locations(news) == articles and "<news:publication_date>" in news
            assert set(re.findall(r"<link>([^<]+/story-\d+\.html)</link>", _text(origin + "/feed.xml"))) == articles

            first = origin + plan.path(site, 0)
            status, headers, body = _get(first, **{"Accept-Encoding": "gzip"})
            assert status == 200 and headers["content-encoding"] == "gzip"
            assert headers["etag"] and headers["last-modified"].endswith("GMT")
            html = gzip.decompress(body)
            assert html.count(b'rel="canonical"') == 1 and f'<link rel="canonical" href="{first}">'.encode() in html
            assert len(html) > 1000  # a real page, not a stub
            status, _, body = _get(first, **{"If-None-Match": headers["etag"]})
            assert status == 304 and body == b""

        server.night(2)
        changed = [(s, n) for s in range(plan.sites) for n in range(plan.site_articles(s)) if plan.is_changed(s, n, 2)]
        assert 0 < len(changed) < plan.articles
        site, number = changed[0]
        url = server.origins[plan.site_key(site)] + plan.path(site, number)
        status, headers, body = _get(url, **{"If-None-Match": plan.etag(site, number, 1)})
        assert status == 200 and headers["etag"] == plan.etag(site, number, 2) != plan.etag(site, number, 1)
        assert b"Updated on night 2" in body
