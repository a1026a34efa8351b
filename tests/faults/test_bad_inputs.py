"""One hostile night: a site serving every bad input of the catalogue beside ordinary articles, crawled,
extracted, dated and loaded through the real stages into PostgreSQL. Each bad input gets its own outcome
(the article loaded, or a reject with its stage and reason) and every other article of the night loads once."""

from __future__ import annotations

from collections import Counter

import pytest
from catalogue import (
    CASES,
    GOOD_ARTICLES,
    ORIGINAL,
    SAME_ARTICLE_COPIES,
    SITEMAP_CASES,
    UNRESOLVABLE_DOMAIN,
    Case,
)
from hostile_site import Answer, article_html, hostile_site_config, serve_hostile_site, sitemap_xml, xml
from night import night_settings, read_warehouse, run_night, site_run, write_registry_entry
from suite_tally import night_books

SITE = "hostile_times"
COPIES = [f"/news/copy-{n}" for n in range(SAME_ARTICLE_COPIES)]


def _loaded_paths() -> set[str]:
    """Paths whose article the night must load (keyed by their own URL)."""
    cases = {case.path for case in CASES if case.outcome == "loaded"}
    return cases | set(GOOD_ARTICLES) | {ORIGINAL} | {after for _, _, after in SITEMAP_CASES.values()}


@pytest.fixture(scope="module")
def night(tmp_path_factory, module_database_url):
    tmp_path = tmp_path_factory.mktemp("hostile-night")
    with serve_hostile_site() as site:
        for case in CASES:
            if case.route is not None:
                site.routes[case.path] = case.route
            site.routes.update(case.extra_routes)
        for path in GOOD_ARTICLES:
            site.routes[path] = Answer(article_html(f"Good story {path.rsplit('-', 1)[1]}"))
        canonical = f'<link rel="canonical" href="{site.origin}{ORIGINAL}">'
        site.routes[ORIGINAL] = Answer(article_html("One story, many addresses", extra_head=canonical))
        for path in COPIES:
            site.routes[path] = Answer(article_html("One story, many addresses", extra_head=canonical))
        listed = [case.path for case in CASES if not (case.listed_url or case.undated_listing)]
        listed += [*GOOD_ARTICLES, ORIGINAL, *COPIES]
        undated = [case.path for case in CASES if case.undated_listing]
        site.routes["/sitemap-undated.xml"] = xml(sitemap_xml(site.origin, undated, lastmod=None))
        main = sitemap_xml(site.origin, listed).replace(
            "</urlset>",
            "".join(f"<url><loc>{case.listed_url}</loc></url>" for case in CASES if case.listed_url) + "</urlset>",
        )
        site.routes["/sitemap.xml"] = xml(main)
        for path, body, after in SITEMAP_CASES.values():
            site.routes[path] = xml(body)
            site.routes[after] = Answer(article_html(f"Listed after a bad entry {after}"))
        site.routes["/robots.txt"] = Answer(
            "User-agent: *\nDisallow:\n"
            + "".join(
                f"Sitemap: {site.origin}{path}\n"
                for path in ["/sitemap.xml", "/sitemap-undated.xml", *(p for p, _, _ in SITEMAP_CASES.values())]
            ),
            headers={"Content-Type": "text/plain"},
        )
        config = hostile_site_config(site, SITE, domains=[UNRESOLVABLE_DOMAIN], limits={"concurrency": 8})
        settings = night_settings(
            tmp_path,
            module_database_url,
            max_response_bytes=3_000_000,
            max_body_chars=500_000,
            download_timeout_seconds=2,
            retry_times=1,
            retry_after_max_seconds=2,
            autothrottle_enabled=False,
        )
        write_registry_entry(settings.sites_dir, config)
        outputs = run_night(settings, site_run(SITE))
        warehouse = read_warehouse(module_database_url, SITE)
        requested = site.paths()
    return {"origin": site.origin, "warehouse": warehouse, "outputs": outputs, "requested": requested}


def _rejects(night, path: str) -> list[tuple[str, str, str]]:
    return night["warehouse"].rejects.get(night["origin"] + path, [])


def _listed_rejects(night, case: Case) -> list[tuple[str, str, str]]:
    return night["warehouse"].rejects.get(case.listed_url, []) if case.listed_url else _rejects(night, case.path)


@pytest.mark.parametrize("case", CASES, ids=[case.kind for case in CASES])
def test_each_bad_input_gets_its_outcome(night, case: Case, request):
    request.node.add_marker(pytest.mark.bad_input(case.kind))
    articles = night["warehouse"].articles
    url = night["origin"] + case.path
    if case.outcome == "rejected":
        assert url not in articles
        assert (case.stage, case.reason) in [(stage, reason) for stage, reason, _ in _listed_rejects(night, case)], (
            _listed_rejects(night, case)
        )
        return
    assert url in articles, (case.kind, _rejects(night, case.path))
    article = articles[url]
    if case.title is not None:
        assert article["title"] == case.title
    assert "\x00" not in article["title"] + article["body_text"]
    flags = [(stage, reason) for stage, reason, _ in _rejects(night, case.path)]
    assert flags == ([case.flagged] if case.flagged else []), flags


def test_a_5000_character_title_is_cut_to_the_limit(night):
    title = night["warehouse"].articles[night["origin"] + "/news/endless-title"]["title"]
    assert 900 <= len(title) <= 1000 and title.startswith("Tide Tide")


def test_a_200000_word_article_is_loaded_cut_to_max_body_chars_and_flagged(night):
    article = night["warehouse"].articles[night["origin"] + "/news/longest-report"]
    assert len(article["body_text"]) == 500_000
    [(stage, reason, detail)] = _rejects(night, "/news/longest-report")
    assert (stage, reason) == ("extract", "too_large")
    assert "cut to 500000" in detail


@pytest.mark.bad_input("the same article under 50 URLs")
def test_the_same_article_under_fifty_urls_is_one_row(night):
    articles = night["warehouse"].articles
    copies = [url for url in articles if "/news/copy-" in url]
    assert copies == []
    assert articles[night["origin"] + ORIGINAL]["title"] == "One story, many addresses"


@pytest.mark.parametrize("kind", list(SITEMAP_CASES))
def test_a_bad_sitemap_entry_costs_only_itself(night, kind, request):
    request.node.add_marker(pytest.mark.bad_input(kind))
    _, _, after = SITEMAP_CASES[kind]
    assert night["origin"] + after in night["warehouse"].articles
    assert not any("root:" in path or "lol" in path for path in night["requested"])


def test_every_other_article_of_the_night_loaded_exactly_once(night, record_property):
    articles = night["warehouse"].articles
    loaded = {url.removeprefix(night["origin"]) for url in articles}
    expected = _loaded_paths()
    record_property("night_books", night_books(len(expected), len(loaded & expected), night["warehouse"]))
    assert loaded == expected, (sorted(expected - loaded), sorted(loaded - expected))
    assert len(articles) == len(expected)  # one row per canonical URL, no duplicates
    assert night["outputs"].loaded.summary.articles_new == len(expected)


def test_no_crawl_reject_is_left_without_a_reason_and_the_books_name_each(night):
    reasons = Counter(night["warehouse"].reject_reasons)
    assert reasons["too_large"] >= 6 and reasons["off_site_redirect"] == 2 and reasons["dns_error"] == 1
