"""The site registry: valid entries load; a wrong one names the file, the site and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
from broadsheet.crawlers.registry import RegistryError, load_registry, load_site

from broadsheet.settings import Settings

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
