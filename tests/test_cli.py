"""The `broadsheet sites` commands, run as a user runs them (the crawl goes to a real local server)."""

from __future__ import annotations

import json
import shutil
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from broadsheet.archive import read_archive
from broadsheet.cli import app
from broadsheet.settings import Settings
from crawlers.spider import parse_date

runner = CliRunner()


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    folder = tmp_path / "sites"
    shutil.copytree(Settings().sites_dir, folder)
    return folder


def test_sites_list_shows_every_site_with_its_status(registry, monkeypatch):
    monkeypatch.setenv("BROADSHEET_SITES_DIR", str(registry))
    (registry / "rheinblick.toml").write_text((registry / "rheinblick.toml").read_text() + "\nenabled = false\n")
    result = runner.invoke(app, ["sites", "list"])
    assert result.exit_code == 0, result.output
    rows = [[cell.strip() for cell in line.split("│")[1:-1]] for line in result.output.splitlines() if "│" in line]
    lines = {row[0]: row for row in rows if row[0] != "key"}
    assert "disabled" in lines["rheinblick"] and "enabled" in lines["capitol_wire"]
    assert set(lines) == {path.stem for path in registry.glob("*.toml")}


def test_sites_validate_fails_naming_the_file_and_field_and_checks_the_rest(registry, monkeypatch):
    monkeypatch.setenv("BROADSHEET_SITES_DIR", str(registry))
    assert runner.invoke(app, ["sites", "validate"]).exit_code == 0
    valid = len(list(registry.glob("*.toml")))
    (registry / "broken_post.toml").write_text('name = "Broken Post"\nbase_url = "ftp://x"\n')
    result = runner.invoke(app, ["sites", "validate"])
    assert result.exit_code == 1
    assert "broken_post.toml" in result.output and "base_url" in result.output and "article_patterns" in result.output
    assert f"{valid} valid, 1 invalid" in result.output


def test_sites_crawl_writes_the_window_to_a_warc_and_prints_a_summary(tmp_path, demo_origins, monkeypatch):
    monkeypatch.setenv("BROADSHEET_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BROADSHEET_SITE_ORIGINS", json.dumps(demo_origins))
    archive = tmp_path / "capitol.warc.gz"
    result = runner.invoke(
        app,
        ["sites", "crawl", "capitol_wire", "--start", "2024-03-11", "--end", "2024-03-12", "--archive", str(archive)],
    )
    assert result.exit_code == 0, result.output
    pages = list(read_archive(archive))
    assert f"pages archived  {len(pages)}" in result.output
    start, end = datetime(2024, 3, 11, tzinfo=UTC), datetime(2024, 3, 12, tzinfo=UTC)
    assert pages
    for page in pages:
        dates = [parse_date(page.discovery.get(key)) for key in ("lastmod", "news_publication_date")]
        assert any(d is not None and start <= d < end for d in dates), (page.final_url, page.discovery)


def test_sites_crawl_of_an_unknown_site_says_which_sites_exist(monkeypatch):
    result = runner.invoke(app, ["sites", "crawl", "nowhere", "--start", "2024-03-11", "--end", "2024-03-12"])
    assert result.exit_code == 2
    [line] = result.output.strip().splitlines()  # one line, no traceback
    assert "nowhere" in line and "capitol_wire" in line


def test_help_shows_plain_flags_without_a_value_placeholder():
    result = runner.invoke(app, ["warehouse-docs", "--help"])
    assert "--check" in result.output
    assert "<bool>" not in result.output


def test_sites_crawl_of_a_site_that_is_down_fails_and_says_so(tmp_path, monkeypatch):
    with socket.socket() as probe:  # a port on which nothing listens
        probe.bind(("127.0.0.1", 0))
        origin = f"http://127.0.0.1:{probe.getsockname()[1]}"
    monkeypatch.setenv("BROADSHEET_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BROADSHEET_SITE_ORIGINS", json.dumps({"harbour_herald": origin}))
    result = runner.invoke(app, ["sites", "crawl", "harbour_herald", "--start", "2024-03-11", "--end", "2024-03-12"])
    assert result.exit_code == 1, result.output
    assert "pages archived  0" in result.output
    assert "Connection refused" in result.output
    assert f"harbour_herald ({origin}) answered no request" in result.output


def test_sites_validate_refuses_a_file_start_point_and_a_backtracking_pattern(registry, monkeypatch):
    monkeypatch.setenv("BROADSHEET_SITES_DIR", str(registry))
    entry = (registry / "capitol_wire.toml").read_text()
    (registry / "local_file.toml").write_text(
        entry.replace('sitemaps = ["/robots.txt"]', 'sitemaps = ["file:///etc/passwd"]')
    )
    (registry / "slow_pattern.toml").write_text(
        entry.replace("article_patterns = [", "article_patterns = ['^/(a+)+$', ", 1)
    )
    result = runner.invoke(app, ["sites", "validate"])
    assert result.exit_code == 1
    assert "local_file.toml" in result.output and "file:///etc/passwd" in result.output
    assert "slow_pattern.toml" in result.output and "backtrack" in result.output
