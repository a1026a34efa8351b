"""The site registry: valid entries load; a wrong one names the file, the site and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadsheet.settings import Settings
from broadsheet.sites import RegistryError, load_registry, load_site

GOOD = """
name = "Example Times"
base_url = "https://www.example.com"
sitemaps = ["/robots.txt"]
article_patterns = ['^/news/']
timezone = "Europe/Paris"
languages = ["fr"]
"""


def test_the_bundled_registry_loads_and_validates():
    sites = load_registry(Settings().sites_dir)
    assert set(sites) >= {"harbour_herald", "capitol_wire", "rheinblick"}
    assert sites["rheinblick"].timezone == "Europe/Berlin"


def test_an_entry_with_an_unknown_time_zone_names_file_site_and_field(tmp_path: Path):
    path = tmp_path / "example_times.toml"
    path.write_text(GOOD.replace("Europe/Paris", "Europe/Pariss"))
    with pytest.raises(RegistryError) as error:
        load_site(path)
    message = str(error.value)
    assert str(path) in message and "example_times" in message
    assert "timezone" in message and "Europe/Pariss" in message


def test_an_entry_missing_article_patterns_says_what_is_expected(tmp_path: Path):
    path = tmp_path / "example_times.toml"
    path.write_text(GOOD.replace("article_patterns = ['^/news/']", ""))
    with pytest.raises(RegistryError, match="article_patterns"):
        load_site(path)


def test_origin_override_replaces_the_base_url_only(tmp_path: Path):
    (tmp_path / "example_times.toml").write_text(GOOD)
    sites = load_registry(tmp_path, {"example_times": "http://127.0.0.1:9999"})
    assert sites["example_times"].base_url == "http://127.0.0.1:9999"
    assert sites["example_times"].absolute("/robots.txt") == "http://127.0.0.1:9999/robots.txt"
    assert sites["example_times"].is_article_url("http://127.0.0.1:9999/news/a-story")
    assert not sites["example_times"].is_article_url("http://127.0.0.1:9999/sport/a-story")


def test_one_bad_entry_is_reported_and_the_other_sites_still_load(tmp_path: Path):
    from broadsheet.sites import scan_registry

    (tmp_path / "example_times.toml").write_text(GOOD)
    (tmp_path / "broken_post.toml").write_text(GOOD.replace('languages = ["fr"]', 'languages = ["French"]'))
    scan = scan_registry(tmp_path)
    assert set(scan.sites) == {"example_times"}
    message = str(scan.errors["broken_post"])
    assert "broken_post.toml" in message and "languages" in message and "ISO 639-1" in message
    assert set(load_registry(tmp_path)) == {"example_times"}


@pytest.mark.parametrize(
    ("change", "field", "expected"),
    [
        ("\n[limits]\nmax_depth = -1\n", "limits.max_depth", "greater than or equal to 0"),
        ("\n[limits]\nconcurency = 4\n", "limits.concurency", "Extra inputs are not permitted"),
        ("\nskip_patterns = ['(unclosed']\n", "skip_patterns", "invalid regular expression"),
        ('\ndomains = ["https://www.example.com/"]\n', "domains", "bare lowercase host names"),
        ("\nsitemap = ['/robots.txt']\n", "sitemap", "Extra inputs are not permitted"),
    ],
)
def test_a_wrong_field_is_named_with_what_is_expected(tmp_path: Path, change: str, field: str, expected: str):
    path = tmp_path / "example_times.toml"
    path.write_text(GOOD + change)
    with pytest.raises(RegistryError) as error:
        load_site(path)
    assert f"field '{field}'" in str(error.value) and expected in str(error.value)


def test_an_entry_without_any_start_point_is_refused(tmp_path: Path):
    path = tmp_path / "example_times.toml"
    path.write_text(GOOD.replace('sitemaps = ["/robots.txt"]', ""))
    with pytest.raises(RegistryError, match="no start point"):
        load_site(path)


def test_limits_sections_and_skip_patterns_are_read():
    site = load_registry(Settings().sites_dir)["lakeshore_ledger"]
    assert site.limits.max_depth == 2 and site.limits.concurrency == 2
    assert site.is_listing_url("http://127.0.0.1:8805/city/page/2/")
    assert not site.is_article_url("http://127.0.0.1:8805/tag/city-hall/")
    assert site.allowed_domains == ["127.0.0.1", "lakeshoreledger.example"]


@pytest.mark.parametrize("pattern", [r"(a+)+$", r"^/(\w+\s?)*$", r"(a|aa)+$", r"^/(.*a){2,}x$", r"(x*)*y"])
def test_a_pattern_that_can_backtrack_catastrophically_is_refused_naming_it(tmp_path: Path, pattern: str):
    path = tmp_path / "example_times.toml"
    path.write_text(GOOD.replace("['^/news/']", f"['{pattern}']"))
    with pytest.raises(RegistryError, match="backtrack catastrophically") as error:
        load_site(path)
    assert "article_patterns" in str(error.value) and repr(pattern) in str(error.value)


@pytest.mark.parametrize(
    "pattern", [r"^/news/[a-z0-9-]+/$", r"^/(city|business|sports)/[a-z0-9-]+/$", r"^/[a-z]+/page/\d+/$", r"\.html$"]
)
def test_ordinary_patterns_are_accepted(tmp_path: Path, pattern: str):
    path = tmp_path / "example_times.toml"
    path.write_text(GOOD.replace("['^/news/']", f"['{pattern}']"))
    assert load_site(path).article_patterns == [pattern]


@pytest.mark.parametrize(
    ("field", "value"),
    [("sitemaps", "file:///etc/passwd"), ("feeds", "ftp://example.com/feed.xml"), ("sections", "gopher://x/")],
)
def test_a_start_point_that_is_not_http_is_refused(tmp_path: Path, field: str, value: str):
    path = tmp_path / "example_times.toml"
    path.write_text(GOOD.replace('sitemaps = ["/robots.txt"]', f'sitemaps = ["/robots.txt"]\n{field} = ["{value}"]'))
    if field == "sitemaps":
        path.write_text(GOOD.replace('sitemaps = ["/robots.txt"]', f'sitemaps = ["{value}"]'))
    with pytest.raises(RegistryError, match="only http and https") as error:
        load_site(path)
    assert field in str(error.value)


def test_allowed_addresses_must_be_addresses(tmp_path: Path):
    path = tmp_path / "example_times.toml"
    path.write_text(GOOD + 'allowed_addresses = ["localhost"]\n')
    with pytest.raises(RegistryError, match="allowed_addresses"):
        load_site(path)
