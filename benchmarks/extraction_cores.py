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
    RUSAGE_CHILDREN misses them): sampled every `interval` seconds, each process's last reading kept. Also the
    tree's resident memory (the sum of its processes' RSS, so pages a fork shares count twice: an upper bound)
    at its peak, and a timeline of (time, CPU seconds so far, RSS MiB) for attributing both to stages. Processes
    in `exclude` (and their children) are left out: a benchmark's own web server, say; and this process itself
    unless `include_self` (a benchmark whose work runs in child processes measures only them)."""

    def __init__(self, interval: float = 0.5, exclude: frozenset[int] = frozenset(), include_self: bool = True) -> None:
        self._seen: dict[int, float] = {}
        self._interval, self._exclude, self._include_self = interval, exclude, include_self
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self.peak_rss_mib, self._start = 0.0, 0.0
        # PSS (proportional set size: a page shared by n processes counts 1/n in each), read every 4th sample
        # from /proc/<pid>/smaps_rollup: the tree's real memory when forked processes share most of theirs
        self.peak_pss_mib, self._samples = 0.0, 0
        self.timeline: list[tuple[float, float, float]] = []  # (time.time(), CPU s since start, RSS MiB)

    def _tree(self) -> list[psutil.Process]:
        me = psutil.Process()
        excluded = set(self._exclude)
        for pid in self._exclude:
            try:
                excluded.update(child.pid for child in psutil.Process(pid).children(recursive=True))
            except psutil.Error:
                continue
        tree = [me, *me.children(recursive=True)] if self._include_self else me.children(recursive=True)
        return [process for process in tree if process.pid not in excluded]

    def _read(self) -> None:
        rss, pss, with_pss = 0, 0, self._samples % 4 == 0
        self._samples += 1
        for process in self._tree():
            try:
                with process.oneshot():
                    times, memory = process.cpu_times(), process.memory_info()
            except psutil.Error:
                continue
            self._seen[process.pid] = times.user + times.system
            rss += memory.rss
            pss += _pss_bytes(process.pid) if with_pss else 0
        self.peak_rss_mib = max(self.peak_rss_mib, rss / 2**20)
        self.peak_pss_mib = max(self.peak_pss_mib, pss / 2**20)
        self.timeline.append((time.time(), sum(self._seen.values()) - self._start, rss / 2**20))

    def _sample(self) -> None:
        while not self._stop.wait(self._interval):
            self._read()

    def __enter__(self) -> TreeCpu:
        self._read()
        self._start = sum(self._seen.values())
        self.timeline = [(self.timeline[0][0], 0.0, self.timeline[0][2])]
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self._read()
        self.seconds = sum(self._seen.values()) - self._start


def _pss_bytes(pid: int) -> int:
    """A process's proportional set size from the kernel's own sum (0 if it has gone or cannot be read)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            return next((int(line.split()[1]) * 1024 for line in rollup if line.startswith("Pss:")), 0)
    except OSError:
        return 0


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
