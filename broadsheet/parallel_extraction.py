"""Extraction on every core: pages go to worker processes, results come back in archive order.

Extraction is pure CPU (lxml, trafilatura, our rules) and one Python process uses one core, so a site's
extract stage sends its pages to a pool of processes (one per core by default, BROADSHEET_EXTRACT_WORKERS).
At most a few pages per worker are in flight, so memory does not grow with the night; results are yielded in
the order the pages came, so a stage's output files are the same as with one process. The first SMALL_RUN
pages to extract are extracted in this process, the rest (if any) on the workers: for a run that changed
few pages, starting workers would cost more than it saves.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

from broadsheet.records import ExtractedArticle, FetchedPage, Reject

logger = logging.getLogger(__name__)
SMALL_RUN = 24
PAGES_IN_FLIGHT_PER_WORKER = 4
Extraction = ExtractedArticle | Reject
Result = TypeVar("Result")


def extract_page(page: FetchedPage) -> Extraction:
    """One page to its article (with the page's own date candidates: sitemap, feed, URL, HTTP) or a reject."""
    from transforms.date_candidates import with_page_date_candidates
    from transforms.extract import extract_article

    result = extract_article(page)
    return result if isinstance(result, Reject) else with_page_date_candidates(result, page)


def worker_count(setting: int) -> int:
    """0 means one per core this process may use."""
    return setting or len(os.sched_getaffinity(0))


def extracted_pages(
    pages: Iterable[FetchedPage],
    should_extract: Callable[[FetchedPage], bool],
    workers: int,
    extract: Callable[[FetchedPage], Result] = extract_page,
    pages_before_workers: int = SMALL_RUN,
) -> Iterator[tuple[FetchedPage, Result | None]]:
    """Each page with `extract(page)` (None where should_extract said no), in the pages' order.

    `extract` runs in the workers: a module-level function, or a functools.partial of one, so it can be pickled.
    The first `pages_before_workers` pages to extract are extracted in this process."""
    pages = iter(pages)
    if multiprocessing.current_process().daemon and workers > 1:  # a daemon process may not start workers
        logger.info("extracting in this process: it is a daemon process, which may not have children")
        workers = 1
    # The first SMALL_RUN pages to extract are extracted here: a night in which few pages changed (most answer
    # 304 or keep their body) never pays for starting worker processes.
    extracted_here = 0
    for page in pages:
        if not should_extract(page):
            yield page, None
            continue
        yield page, extract(page)
        extracted_here += 1
        if workers > 1 and extracted_here >= pages_before_workers:
            break
    else:
        return
    yield from _extracted_on_workers(pages, should_extract, workers, extract)


def _extracted_on_workers(
    pages: Iterator[FetchedPage],
    should_extract: Callable[[FetchedPage], bool],
    workers: int,
    extract: Callable[[FetchedPage], Result],
) -> Iterator[tuple[FetchedPage, Result | None]]:
    """The rest of a long run on a pool of worker processes, at most a few pages per worker in flight."""
    context = multiprocessing.get_context("forkserver")  # workers forked from a clean process, not this one
    context.set_forkserver_preload(["transforms.extract", "transforms.date_candidates"])
    logger.info("extracting on %d worker processes", workers)
    in_flight: deque[tuple[FetchedPage, Future[Result] | None]] = deque()
    with _main_script_hidden(), ProcessPoolExecutor(workers, mp_context=context) as pool:
        for page in pages:
            in_flight.append((page, pool.submit(extract, page) if should_extract(page) else None))
            if len(in_flight) >= workers * PAGES_IN_FLIGHT_PER_WORKER:
                done, future = in_flight.popleft()
                yield done, future.result() if future else None
        while in_flight:
            done, future = in_flight.popleft()
            yield done, future.result() if future else None


@contextmanager
def _main_script_hidden() -> Iterator[None]:
    """Keep the workers from running this process's main script.

    multiprocessing's forkserver and spawn workers run the parent's `__main__` file again (as `__mp_main__`)
    so that functions defined there can be unpickled. When the parent is a console script, such as the
    `airflow` command a LocalExecutor or Celery task runs under, that re-runs Airflow's start-up in every
    worker, which fails inside a task (its environment forbids Airflow's metadata database) and broke the
    extract stage of every site with more than SMALL_RUN pages. Extraction sends only functions of importable
    modules, so the workers need no `__main__`: its file is hidden from multiprocessing while the pool lives.
    """
    main = sys.modules["__main__"]
    path = getattr(main, "__file__", None)
    if getattr(main, "__spec__", None) is not None or path is None:  # `python -m ...`: multiprocessing skips it
        yield
        return
    del main.__file__
    try:
        yield
    finally:
        main.__file__ = path
