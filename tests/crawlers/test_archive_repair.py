"""A crawl stopped mid-write (a full disk, a kill) leaves its WARC file with a record cut short. The retry mends
the file before appending to it, so every reader later sees each archived page whole and nothing else."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from broadsheet.archive import ArchiveWriter, read_archive
from broadsheet.records import FetchedPage
from crawlers.resume import repair_archive

FETCHED_AT = datetime(2026, 11, 30, 22, 15, tzinfo=UTC)


def _page(number: int) -> FetchedPage:
    url = f"https://paper.example/news/story-{number}"
    body = (f"<html><body><article><h1>Story {number}</h1>" + "<p>Paragraph of news.</p>" * 300).encode()
    return FetchedPage("paper", url, url, 200, {"content-type": "text/html; charset=utf-8"}, body, FETCHED_AT)


def _archive(path: Path, numbers: range) -> None:
    with ArchiveWriter(path) as writer:
        for number in numbers:
            writer.write(_page(number))


@pytest.mark.parametrize("cut_bytes", [1, 9, 200])
def test_a_record_cut_short_is_dropped_and_pages_appended_after_it_read_whole(tmp_path: Path, cut_bytes: int):
    path = tmp_path / "paper.warc.gz"
    _archive(path, range(3))
    with path.open("r+b") as stream:
        stream.truncate(os.path.getsize(path) - cut_bytes)  # the last record's gzip member ends early

    assert repair_archive(path) == {_page(n).requested_url for n in range(2)}
    _archive(path, range(2, 4))  # the retry fetches what is missing and appends it

    assert [page.requested_url for page in read_archive(path)] == [_page(n).requested_url for n in range(4)]


def test_a_whole_archive_is_left_as_it_is(tmp_path: Path):
    path = tmp_path / "paper.warc.gz"
    _archive(path, range(3))
    before = path.read_bytes()
    assert repair_archive(path) == {_page(n).requested_url for n in range(3)}
    assert path.read_bytes() == before
