"""Extraction on several processes gives exactly what one process gives, in the same order."""

from __future__ import annotations

from datetime import UTC, datetime

from broadsheet.parallel_extraction import SMALL_RUN, extracted_pages
from broadsheet.records import FetchedPage
from demo.sites_server import DEMO_SITES_DIR


def _pages() -> list[FetchedPage]:
    files = sorted(DEMO_SITES_DIR.glob("*/public/**/*.html"))[: SMALL_RUN + 16]
    return [
        FetchedPage(
            site_key=path.relative_to(DEMO_SITES_DIR).parts[0],
            requested_url=f"http://127.0.0.1:8000/{path.relative_to(DEMO_SITES_DIR)}",
            final_url=f"http://127.0.0.1:8000/{path.relative_to(DEMO_SITES_DIR)}",
            status=200,
            headers={"content-type": "text/html; charset=utf-8"},
            body=path.read_bytes(),
            fetched_at=datetime(2024, 3, 20, tzinfo=UTC),
            archive_location=f"demo.warc.gz#{number}",
        )
        for number, path in enumerate(files)
    ]


def test_two_workers_give_what_one_process_gives_in_archive_order():
    pages = _pages()
    skip = {pages[3].archive_location}  # e.g. a 304: passed through, not extracted
    wanted = lambda page: page.archive_location not in skip  # noqa: E731

    one = list(extracted_pages(pages, wanted, workers=1))
    two = list(extracted_pages(pages, wanted, workers=2))

    assert [page.archive_location for page, _ in two] == [page.archive_location for page in pages]
    assert two == one
    assert two[3][1] is None
    assert sum(result is not None for _, result in two) == len(pages) - 1
