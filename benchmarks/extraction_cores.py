"""Extraction on both cores: Broadsheet's extract stage with one worker process per core against one process,
beside bare `trafilatura.extract` on the same cores, on the same real pages, in one run.

    .venv/bin/python benchmarks/extraction_cores.py              # the 181 pages, 3 times over
    .venv/bin/python benchmarks/extraction_cores.py --repeat 1   # quicker

The pages are the article-extraction-benchmark's (<Settings.datasets_dir>/article-extraction-benchmark/html,
read in place), each read as a fetched page. Wall time and pages/s for: Broadsheet with 1 process, with
one per core (broadsheet.parallel_extraction, what the extract stage runs), and bare trafilatura.extract
mapped over a process pool of the same size (the ceiling for pure trafilatura). CPU time is that of the
whole process tree (the workers included), sampled from /proc.
"""

from __future__ import annotations

import argparse
import gzip
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime

import psutil

from broadsheet.parallel_extraction import extracted_pages, worker_count
from broadsheet.records import FetchedPage
from broadsheet.settings import Settings


def _pages(repeat: int) -> list[FetchedPage]:
    folder = Settings().datasets_dir / "article-extraction-benchmark" / "html"
    bodies = [gzip.decompress(path.read_bytes()) for path in sorted(folder.glob("*.html.gz"))]
    return [
        FetchedPage("bench", f"http://127.0.0.1/{r}/{n}.html", f"http://127.0.0.1/{r}/{n}.html", 200,
                    {"content-type": "text/html"}, body, datetime(2024, 3, 20, tzinfo=UTC), f"bench.warc.gz#{n}")
        for r in range(repeat) for n, body in enumerate(bodies)
    ]  # fmt: skip


class TreeCpu:
    """CPU seconds of this process and every descendant (the pool's workers are the forkserver's children, so
    RUSAGE_CHILDREN misses them): sampled twice a second, each process's last reading kept."""

    def __init__(self) -> None:
        self._seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _read(self) -> None:
        me = psutil.Process()
        for process in [me, *me.children(recursive=True)]:
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue
            self._seen[process.pid] = times.user + times.system

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            self._read()

    def __enter__(self) -> TreeCpu:
        self._read()
        self._start = sum(self._seen.values())
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._read()
        self._stop.set()
        self._thread.join()
        self.seconds = sum(self._seen.values()) - self._start


def _bare(body: bytes) -> str | None:
    import trafilatura

    return trafilatura.extract(body.decode("utf-8", "replace"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="times over the benchmark's pages")
    args = parser.parse_args()
    pages = _pages(args.repeat)
    cores = worker_count(0)
    print(f"{len(pages)} pages, {cores} cores, load average {os.getloadavg()[0]:.1f}")
    print(f"{'measurement':46} {'wall s':>7} {'CPU s':>7} {'pages/s':>8}")
    for label, run in (
        ("Broadsheet extract, 1 process", lambda: list(extracted_pages(pages, lambda _: True, 1))),
        (f"Broadsheet extract, {cores} worker processes", lambda: list(extracted_pages(pages, lambda _: True, cores))),
        (f"bare trafilatura.extract, {cores} processes", lambda: _pool_bare(pages, cores)),
    ):
        started = time.perf_counter()
        with TreeCpu() as cpu:
            run()
        wall = time.perf_counter() - started
        print(f"{label:46} {wall:7.1f} {cpu.seconds:7.1f} {len(pages) / wall:8.1f}")


def _pool_bare(pages: list[FetchedPage], workers: int) -> list[str | None]:
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(_bare, (page.body for page in pages), chunksize=4))


if __name__ == "__main__":
    main()
