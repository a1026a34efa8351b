"""Limits that keep one hostile site from stalling or swamping a crawl, each reported as a reject: sitemap
depth and count, a sitemap over its size cap, a body over the cap sent without Content-Length, a
billion-laughs sitemap that must not cost the entries after it."""

from __future__ import annotations

import gzip
from pathlib import Path

from hostile_site import Answer, article_html, hostile_site_config, robots_txt, serve_hostile_site, sitemap_xml, xml

from broadsheet.archive import read_archive
from broadsheet.settings import Settings
from crawlers.run import CrawlResult, crawl_site

INDEX = '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{}</sitemapindex>'


def _index(origin: str, paths: list[str]) -> str:
    return INDEX.format("".join(f"<sitemap><loc>{origin}{path}</loc></sitemap>" for path in paths))


def _crawl(site, tmp_path: Path, **settings: object) -> tuple[CrawlResult, set[str]]:
    archive = tmp_path / "site.warc.gz"
    result = crawl_site(Settings(data_dir=tmp_path, **settings), hostile_site_config(site), archive, window_end=None)
    fetched = (
        {page.requested_url.removeprefix(site.origin) for page in read_archive(archive)} if archive.exists() else set()
    )
    return result, fetched


def _errors(result: CrawlResult, origin: str) -> dict[str, tuple[str, str]]:
    return {url.removeprefix(origin): (reason, detail) for url, reason, detail in result.download_errors}


def test_a_chain_of_ten_thousand_nested_sitemap_indexes_stops_at_the_depth_limit(tmp_path):
    def chain(path: str) -> Answer | None:
        if path.startswith("/chain-") and path.endswith(".xml"):
            level = int(path.removeprefix("/chain-").removesuffix(".xml"))
            if level < 10_000:
                return xml(_index("{{origin}}", [f"/chain-{level + 1}.xml"]))
        return None

    with serve_hostile_site() as site:
        site.fallback = chain
        site.routes.update(
            {
                "/robots.txt": robots_txt("/sitemap.xml"),
                "/sitemap.xml": xml(_index(site.origin, ["/chain-1.xml", "/news.xml"])),
                "/news.xml": xml(sitemap_xml(site.origin, ["/news/first-story"])),
                "/news/first-story": Answer(article_html("First story")),
            }
        )
        result, fetched = _crawl(site, tmp_path, max_sitemap_depth=3)
        chain_requests = [path for path in site.paths() if path.startswith("/chain-")]
    assert result.finish_reason == "finished"
    assert fetched == {"/news/first-story"}
    assert sorted(chain_requests) == ["/chain-1.xml", "/chain-2.xml", "/chain-3.xml"]  # nested 1 to 3 deep
    errors = _errors(result, site.origin)
    assert errors["/chain-4.xml"][0] == "sitemap_limit" and "max_sitemap_depth=3" in errors["/chain-4.xml"][1]


def test_an_index_with_more_sitemaps_than_the_count_limit_reads_that_many_and_reports_the_rest(tmp_path):
    with serve_hostile_site() as site:
        children = [f"/part-{n}.xml" for n in range(30)]
        site.routes.update(
            {
                "/robots.txt": robots_txt("/sitemap.xml"),
                "/sitemap.xml": xml(_index(site.origin, children)),
                **{child: xml(sitemap_xml(site.origin, [f"/news/story-{n}"])) for n, child in enumerate(children)},
            }
        )
        result, _ = _crawl(site, tmp_path, max_sitemaps_per_site=10)
        parts_read = [path for path in site.paths() if path.startswith("/part-")]
    assert len(parts_read) == 10 - 2  # robots.txt's sitemap and the index count too
    reason, detail = _errors(result, site.origin)["/sitemap.xml"]
    assert reason == "sitemap_limit" and detail.startswith("22 child sitemaps not read")


def test_a_sitemap_over_the_size_cap_is_a_too_large_reject_not_silence(tmp_path):
    with serve_hostile_site() as site:
        big = sitemap_xml(site.origin, [f"/news/story-{n}" for n in range(400)])
        site.routes.update(
            {
                "/robots.txt": robots_txt("/sitemap.xml").__class__(
                    f"Sitemap: {site.origin}/sitemap.xml\nSitemap: {site.origin}/sitemap.xml.gz\n",
                    headers={"Content-Type": "text/plain"},
                ),
                "/sitemap.xml": xml(big),
                "/sitemap.xml.gz": Answer(gzip.compress(big.encode()), headers={"Content-Type": "application/gzip"}),
            }
        )
        result, fetched = _crawl(site, tmp_path, max_sitemap_bytes=10_000)
    errors = _errors(result, site.origin)
    assert errors["/sitemap.xml"][0] == "too_large"  # refused on its Content-Length
    assert errors["/sitemap.xml.gz"][0] == "too_large"  # small on the wire, over the cap once unpacked
    assert fetched == set()


def test_a_body_over_the_cap_without_content_length_is_too_large_not_http_error(tmp_path):
    with serve_hostile_site() as site:
        site.routes.update(
            {
                "/robots.txt": robots_txt("/sitemap.xml"),
                "/sitemap.xml": xml(sitemap_xml(site.origin, ["/news/endless", "/news/fine"])),
                "/news/endless": Answer(article_html("Endless", body_words=20_000), content_length=False),
                "/news/fine": Answer(article_html("Fine")),
            }
        )
        result, fetched = _crawl(site, tmp_path, max_response_bytes=50_000)
    errors = _errors(result, site.origin)
    assert errors["/news/endless"][0] == "too_large", errors
    assert fetched == {"/news/fine"}


def test_a_billion_laughs_sitemap_does_not_drop_the_next_entries(tmp_path):
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 2 else "")) * 10}">' for i in range(2, 10)
    )
    with serve_hostile_site() as site:
        body = sitemap_xml(site.origin, ["/news/after-the-bomb", "/news/and-another"]).replace(
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
            f'<!DOCTYPE lolz [{entities}]><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            "<url><loc>&lol9;</loc></url>",
        )
        body = body.replace('<?xml version="1.0"?>', "")
        site.routes.update(
            {
                "/robots.txt": robots_txt("/sitemap.xml"),
                "/sitemap.xml": xml('<?xml version="1.0"?>' + body),
                "/news/after-the-bomb": Answer(article_html("After the bomb")),
                "/news/and-another": Answer(article_html("And another")),
            }
        )
        _, fetched = _crawl(site, tmp_path)
    assert fetched == {"/news/after-the-bomb", "/news/and-another"}
