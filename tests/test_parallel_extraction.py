"""Extraction on several processes gives exactly what one process gives, in the same order."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

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


def extracting_process(page: FetchedPage) -> int:
    """Which process extracted a page (a module-level function, so the workers can unpickle it)."""
    return os.getpid()


def test_a_night_with_few_changed_pages_extracts_them_here_without_starting_workers():
    pages = _pages()
    changed = {page.archive_location for page in pages[::5]}  # 8 of 40: the others answered 304, say
    wanted = lambda page: page.archive_location in changed  # noqa: E731

    results = list(extracted_pages(pages, wanted, workers=2, extract=extracting_process))

    assert [pid for _, pid in results if pid is not None] == [os.getpid()] * len(changed)


def test_a_long_run_goes_to_the_workers_after_its_first_pages():
    pages = _pages()

    results = [pid for _, pid in extracted_pages(pages, lambda page: True, workers=2, extract=extracting_process)]

    assert results[:SMALL_RUN] == [os.getpid()] * SMALL_RUN
    assert os.getpid() not in results[SMALL_RUN:]
    assert len(results) == len(pages)


# What a console script's main module is like inside an Airflow task: running it again in a worker (as
# multiprocessing does with the parent's main file) fails, as Airflow's start-up does under a task's environment.
CONSOLE_SCRIPT = """
if __name__ != "__main__":
    raise RuntimeError("a worker ran the parent's main script again")
from datetime import UTC, datetime

from broadsheet.parallel_extraction import SMALL_RUN, extracted_pages
from broadsheet.records import FetchedPage
from demo.sites_server import DEMO_SITES_DIR

files = sorted(DEMO_SITES_DIR.glob("*/public/**/*.html"))[: SMALL_RUN + 16]
pages = [
    FetchedPage(
        site_key="demo", requested_url=f"http://127.0.0.1:8000/{n}.html", final_url=f"http://127.0.0.1:8000/{n}.html",
        status=200, headers={"content-type": "text/html; charset=utf-8"}, body=path.read_bytes(),
        fetched_at=datetime(2024, 3, 20, tzinfo=UTC), archive_location=f"demo.warc.gz#{n}",
    )
    for n, path in enumerate(files)
]
results = list(extracted_pages(pages, lambda page: True, workers=2))
print("extracted", sum(result is not None for _, result in results), "of", len(pages))
"""


def test_workers_started_from_a_console_script_do_not_run_it_again(tmp_path):
    """The `airflow` command is the main script of a LocalExecutor or Celery task: its workers must not re-run it."""
    script = tmp_path / "console_script.py"
    script.write_text(CONSOLE_SCRIPT, encoding="utf-8")

    finished = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=Path(__file__).parents[1]
    )

    assert finished.returncode == 0, finished.stderr[-3000:]
    assert f"extracted {SMALL_RUN + 16} of {SMALL_RUN + 16}" in finished.stdout
