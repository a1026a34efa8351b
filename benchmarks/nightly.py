"""A real night at scale: real news pages served as local sites, run through the real DAG, two nights.

    .venv/bin/python benchmarks/nightly.py --articles 5000             # 35 minutes on a loaded 2-core machine
    .venv/bin/python benchmarks/nightly.py --articles 20000            # the issue's night
    .venv/bin/python benchmarks/nightly.py --articles 5000 --nights 1  # the first night only
    .venv/bin/python benchmarks/nightly.py --route scheduler --parallelism 4 --crawl-slots 2 --extract-workers 1

The pages are the real ones of <Settings.datasets_dir> (article-extraction-benchmark, trafilatura-eval,
htmldate-eval: about 2,100 pages, read in place at run time, never copied). They are served as `--sites`
local news sites on free ports of 127.0.0.1 by a Twisted server in its own process, each site with
robots.txt, a sitemap index, sitemaps, a Google News sitemap and an RSS feed, the pages replicated under
distinct URLs up to `--articles` articles (each replica with its own canonical URL, so every one is an
article of its own). Responses carry what a production server sends: ETag and Last-Modified (a conditional
request for an unchanged article is answered 304) and gzip.

Each night is one `airflow dags test broadsheet_nightly <date>` (Airflow 3's dag.test(): the real DAG, its
mapped site task groups run one after the other, in a temporary AIRFLOW_HOME with SQLite metadata) against a
fresh PostgreSQL warehouse; with `--route scheduler`, one run on a real running Airflow (api-server,
scheduler with LocalExecutor, DAG processor, triggerer; metadata in PostgreSQL) whose pools let
`--parallelism` site tasks (`--crawl-slots` of them crawls) run at once, as production runs the DAG: the
first night is the run the scheduler makes when the DAG is unpaused, the second is triggered. On the second
night `--changed` of the articles have changed (a sentence added to their text, new ETag, Last-Modified and
sitemap lastmod); the others are asked conditionally.

Per stage (crawl, extract, normalise, load, summed over the sites; the stages' times come from
etl.stage_timings, which the DAG's tasks write) and per night: wall time, CPU time and peak memory (the sum
of RSS, and PSS: shared pages once) of the process tree under this script (Airflow, the Scrapy crawl process,
the extraction workers; not this script, not the sites' server, not PostgreSQL), sampled with psutil; pages/s.
Beside them, in the same run: `scrapy bench`, bare `trafilatura.extract` over the distinct pages on a process
pool of one worker per core, and a raw COPY of as many article rows (benchmarks/crawl.py, extraction_cores.py
and load.py measure the same way).
Every measurement is also written as a JSON line (`--jsonl`).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from itertools import pairwise
from pathlib import Path

DATASETS = ("article-extraction-benchmark", "trafilatura-eval", "htmldate-eval")
NIGHT_ONE = datetime(2024, 6, 2, tzinfo=UTC)  # the first night's logical date: its interval ends then
SITEMAP_SIZE = 500
FEED_SIZE = 50
NEWS_SITEMAP_SIZE = 1000  # Google News reads at most 1,000 URLs per news sitemap
ARTICLE_PATH = re.compile(r"/news/(\d{4})/(\d{2})/(\d{2})/story-(\d+)\.html")
ARTICLE_PATTERN = r"^/news/\d{4}/\d{2}/\d{2}/story-\d+\.html$"
STAGES = ("crawl", "extract", "normalise", "load")
HEAD = re.compile(rb"<head\b[^>]*>", re.IGNORECASE)
CANONICAL = re.compile(rb"<link\b[^>]*\brel\s*=\s*[\"']?canonical\b[^>]*>", re.IGNORECASE)
OG_URL = re.compile(rb"<meta\b[^>]*\bproperty\s*=\s*[\"']og:url[\"'][^>]*>", re.IGNORECASE)


def source_pages(datasets_dir: Path) -> list[Path]:
    """Every page of the three corpora (gzipped HTML files, read in place), in a fixed order."""
    missing = [name for name in DATASETS if not (datasets_dir / name).is_dir()]
    if missing:
        raise FileNotFoundError(
            f"{', '.join(missing)} not found under {datasets_dir}: set BROADSHEET_DATASETS_DIR to the folder "
            "holding the shared datasets"
        )
    return sorted(path for name in DATASETS for path in (datasets_dir / name).rglob("*.html.gz"))


@dataclass(frozen=True)
class BenchSites:
    """Which article of which site is which real page, when it was published and whether it changed: the plan
    both the server and the benchmark's counts read. Articles are numbered per site from 0."""

    sites: int
    articles: int
    sources: int  # how many distinct real pages there are
    changed: float = 0.05

    def site_key(self, site: int) -> str:
        return f"nightly_site_{site:02d}"

    def site_articles(self, site: int) -> int:
        return self.articles // self.sites + (site < self.articles % self.sites)

    def source(self, site: int, number: int) -> int:
        """The real page this article is: consecutive articles of all sites go round the whole corpus."""
        first = sum(self.site_articles(s) for s in range(site))
        return (first + number) % self.sources

    def published_at(self, site: int, number: int) -> datetime:
        """Spread over the 30 days before the first night's interval; article 0 is the newest."""
        spacing = timedelta(days=30) / max(self.site_articles(site), 1)
        return NIGHT_ONE - timedelta(days=1, minutes=site) - number * spacing

    def is_changed(self, site: int, number: int, night: int) -> bool:
        """Whether the article has changed by `night` (from the second night on, the same `changed` share)."""
        digest = hashlib.blake2b(f"{site}/{number}".encode(), digest_size=4).digest()
        return night >= 2 and int.from_bytes(digest) < self.changed * 2**32

    def modified_at(self, site: int, number: int, night: int) -> datetime:
        if self.is_changed(site, number, night):
            return NIGHT_ONE + timedelta(hours=6)  # inside the second night's interval
        return self.published_at(site, number)

    def path(self, site: int, number: int) -> str:
        return f"/news/{self.published_at(site, number):%Y/%m/%d}/story-{number}.html"

    def etag(self, site: int, number: int, night: int) -> str:
        return f'"{site}-{number}-v{2 if self.is_changed(site, number, night) else 1}"'

    def changed_count(self, night: int) -> int:
        return sum(
            self.is_changed(site, n, night) for site in range(self.sites) for n in range(self.site_articles(site))
        )


def _w3c(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


class SiteDocuments:
    """One site's robots.txt, sitemap index, sitemaps, news sitemap, feed and article pages, for a night."""

    def __init__(self, plan: BenchSites, site: int, origin: str, templates: dict[int, tuple[bytes, bytes]]) -> None:
        self.plan, self.site, self.origin, self.templates = plan, site, origin, templates
        self.count = plan.site_articles(site)

    def document(self, path: str, night: int) -> tuple[bytes, str] | None:
        """(body, content type) of a listing, or None."""
        if path == "/robots.txt":
            text = (
                f"User-agent: *\nDisallow: /search\n\nSitemap: {self.origin}/sitemap_index.xml\n"
                f"Sitemap: {self.origin}/news-sitemap.xml\n"
            )
            return text.encode(), "text/plain; charset=utf-8"
        if path == "/sitemap_index.xml":
            entries = "".join(
                f"<sitemap><loc>{self.origin}/sitemaps/articles-{page}.xml</loc></sitemap>"
                for page in range((self.count + SITEMAP_SIZE - 1) // SITEMAP_SIZE)
            )
            return _xml(f'<sitemapindex xmlns="{SITEMAP_NS}">{entries}</sitemapindex>')
        if match := re.fullmatch(r"/sitemaps/articles-(\d+)\.xml", path):
            first = int(match[1]) * SITEMAP_SIZE
            urls = "".join(
                f"<url><loc>{self.origin}{self.plan.path(self.site, n)}</loc>"
                f"<lastmod>{_w3c(self.plan.modified_at(self.site, n, night))}</lastmod></url>"
                for n in range(first, min(first + SITEMAP_SIZE, self.count))
            )
            return _xml(f'<urlset xmlns="{SITEMAP_NS}">{urls}</urlset>')
        if path == "/news-sitemap.xml":
            urls = "".join(
                f"<url><loc>{self.origin}{self.plan.path(self.site, n)}</loc><news:news><news:publication>"
                f"<news:name>Nightly Site {self.site:02d}</news:name><news:language>en</news:language>"
                f"</news:publication><news:publication_date>{_w3c(self.plan.published_at(self.site, n))}"
                f"</news:publication_date><news:title>Story {n}</news:title></news:news></url>"
                for n in range(min(NEWS_SITEMAP_SIZE, self.count))
            )
            return _xml(f'<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">{urls}</urlset>')
        if path == "/feed.xml":
            items = "".join(
                f"<item><title>Story {n}</title><link>{self.origin}{self.plan.path(self.site, n)}</link>"
                f"<guid>{self.origin}{self.plan.path(self.site, n)}</guid>"
                f"<pubDate>{format_datetime(self.plan.published_at(self.site, n), usegmt=True)}</pubDate></item>"
                for n in range(min(FEED_SIZE, self.count))
            )
            channel = f"<title>Nightly Site {self.site:02d}</title><link>{self.origin}/</link>{items}"
            return (
                f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>{channel}</channel></rss>'.encode(),
                "application/rss+xml; charset=utf-8",
            )
        return None

    def article_number(self, path: str) -> int | None:
        match = ARTICLE_PATH.fullmatch(path)
        if match is None or int(match[4]) >= self.count or self.plan.path(self.site, int(match[4])) != path:
            return None
        return int(match[4])

    def article_gzip(self, number: int, night: int) -> bytes:
        """The page gzipped: its own canonical link in a small first gzip member, the rest of the page
        compressed once per real page (a gzip stream may hold several members; every client reads them)."""
        head, rest = self.templates[self.plan.source(self.site, number)]
        canonical = f'<link rel="canonical" href="{self.origin}{self.plan.path(self.site, number)}">'.encode()
        if self.plan.is_changed(self.site, number, night):
            return gzip.compress(head + canonical + _changed(gzip.decompress(rest), night), 1, mtime=0)
        return gzip.compress(head + canonical, 1, mtime=0) + rest


SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


def _xml(text: str) -> tuple[bytes, str]:
    return ('<?xml version="1.0" encoding="UTF-8"?>' + text).encode(), "application/xml; charset=utf-8"


def _changed(rest: bytes, night: int) -> bytes:
    """An edit of the article: a sentence added to the paragraph in the middle of the page's paragraphs."""
    ends = [match.start() for match in re.finditer(rb"</p>", rest, re.IGNORECASE)]
    at = ends[len(ends) // 2] if ends else len(rest)
    return rest[:at] + f" (Updated on night {night}: this article was corrected.)".encode() + rest[at:]


def page_template(path: Path) -> tuple[bytes, bytes]:
    """A real page split for serving: everything up to its <head> tag, and the rest gzipped, without the
    page's own canonical link and og:url (each replica gets its own canonical URL)."""
    html = gzip.decompress(path.read_bytes())
    html = OG_URL.sub(b"", CANONICAL.sub(b"", html))
    head = HEAD.search(html, 0, 20_000)
    cut = head.end() if head else 0
    return html[:cut], gzip.compress(html[cut:], 6, mtime=0)


def serve(plan: BenchSites, datasets_dir: Path) -> None:
    """Serve every site on its own free port of 127.0.0.1; print {site_key: port} as one JSON line, then serve
    until killed. A line `night <n>` on stdin switches to that night's versions of the articles."""
    import threading

    from twisted.internet import reactor
    from twisted.web.resource import Resource
    from twisted.web.server import Site

    pages = source_pages(datasets_dir)
    used = {plan.source(site, n) for site in range(plan.sites) for n in range(plan.site_articles(site))}
    templates = {index: page_template(pages[index]) for index in sorted(used)}
    state = {"night": 1}

    class SiteResource(Resource):
        isLeaf = True

        def __init__(self, site: int) -> None:
            super().__init__()
            self.site = site
            self.documents: SiteDocuments | None = None

        def render_GET(self, request) -> bytes:
            night, path = state["night"], request.path.decode()
            if self.documents is None:
                self.documents = SiteDocuments(plan, self.site, f"http://127.0.0.1:{request.getHost().port}", templates)
            gzip_ok = b"gzip" in (request.getHeader(b"accept-encoding") or b"")
            number = self.documents.article_number(path)
            if number is None:
                found = self.documents.document(path, night)
                if found is None:
                    request.setResponseCode(404)
                    request.setHeader(b"content-type", b"text/plain")
                    return b"not found"
                request.setHeader(b"content-type", found[1].encode())
                return _encoded(request, found[0], gzip_ok)
            etag = plan.etag(self.site, number, night)
            request.setHeader(b"etag", etag.encode())
            request.setHeader(b"last-modified", format_datetime(plan.modified_at(self.site, number, night), True))
            request.setHeader(b"content-type", b"text/html")  # the page's own meta charset says which
            request.setHeader(b"vary", b"Accept-Encoding")
            if etag in (request.getHeader(b"if-none-match") or b"").decode():
                request.setResponseCode(304)
                return b""
            body = self.documents.article_gzip(number, night)
            if gzip_ok:
                request.setHeader(b"content-encoding", b"gzip")
                return body
            return gzip.decompress(body)

    ports = {}
    for site in range(plan.sites):
        listening = reactor.listenTCP(0, Site(SiteResource(site)), interface="127.0.0.1")
        ports[plan.site_key(site)] = listening.getHost().port

    def read_nights() -> None:
        for line in sys.stdin:
            if line.startswith("night "):
                state["night"] = int(line.split()[1])
                print(f"night {state['night']}", flush=True)

    threading.Thread(target=read_nights, daemon=True).start()
    print(json.dumps(ports), flush=True)
    reactor.run()


def _encoded(request, body: bytes, gzip_ok: bool) -> bytes:
    if gzip_ok and len(body) >= 1024:
        request.setHeader(b"content-encoding", b"gzip")
        return gzip.compress(body, 1, mtime=0)
    return body


class SitesServer:
    """The sites' server in its own process (so its CPU is not the pipeline's): start, switch night, stop."""

    def __init__(self, plan: BenchSites, datasets_dir: Path) -> None:
        spec = json.dumps({"sites": plan.sites, "articles": plan.articles, "changed": plan.changed})
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve", spec, "--datasets-dir", str(datasets_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.process.stdout.readline()
        if not line:
            self.stop()
            raise RuntimeError("the sites' server did not start (see its error above)")
        self.origins = {key: f"http://127.0.0.1:{port}" for key, port in json.loads(line).items()}

    def night(self, night: int) -> None:
        self.process.stdin.write(f"night {night}\n")
        self.process.stdin.flush()
        self.process.stdout.readline()

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()

    def __enter__(self) -> SitesServer:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def write_site_entries(plan: BenchSites, origins: dict[str, str], sites_dir: Path) -> None:
    """One registry entry per site, as an operator writes one for a local mirror."""
    sites_dir.mkdir(parents=True, exist_ok=True)
    for site in range(plan.sites):
        key = plan.site_key(site)
        (sites_dir / f"{key}.toml").write_text(
            f'name = "Nightly Site {site:02d}"\nbase_url = "{origins[key]}"\nsitemaps = ["/robots.txt"]\n'
            f'news_sitemaps = ["/news-sitemap.xml"]\nfeeds = ["/feed.xml"]\n'
            f"article_patterns = ['{ARTICLE_PATTERN}']\n"
            f'timezone = "UTC"\nlanguages = ["en", "de"]\n'
            f'allowed_addresses = ["127.0.0.1"]  # served on this machine\n\n'
            f"[limits]\nmax_pages = {plan.site_articles(site) + 100}\nconcurrency = 16\ndelay_seconds = 0\n",
            encoding="utf-8",
        )


# --- measuring --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measurement:
    night: str
    stage: str
    items: int
    wall_seconds: float
    cpu_seconds: float
    peak_rss_mib: float
    peak_pss_mib: float = float("nan")  # shared pages counted once (see TreeCpu)

    @property
    def pages_per_second(self) -> float:
        return self.items / self.wall_seconds if self.wall_seconds else 0.0


def stage_measurements(
    night: str,
    timings: list[tuple[str, str, datetime, datetime, int]],
    timeline: list[tuple[float, float, float]],
    overlapping: bool = False,
) -> list[Measurement]:
    """Per stage, summed over the sites: wall time from etl.stage_timings, and the CPU time and peak memory of
    the process tree's samples taken inside that stage's intervals (the DAG test runs one task at a time). When
    a scheduler runs several sites' tasks at once (`overlapping`), one sample belongs to several stages: the
    stage rows then give the tasks' summed seconds only, and the night's row the tree's CPU and memory."""
    result = []
    for stage in STAGES:
        intervals = [(start.timestamp(), end.timestamp()) for _, name, start, end, _ in timings if name == stage]
        cpu, peak = (float("nan"), float("nan")) if overlapping else (0.0, 0.0)
        for (t0, cpu0, _), (t1, cpu1, rss1) in pairwise([] if overlapping else timeline):
            middle = (t0 + t1) / 2
            if any(start <= middle <= end for start, end in intervals):
                cpu += cpu1 - cpu0
                peak = max(peak, rss1)
        wall = sum(end - start for start, end in intervals)
        items = sum(count for _, name, _, _, count in timings if name == stage)
        result.append(Measurement(night, stage, items, wall, cpu, peak))
    return result


def site_peaks(timings: list[tuple[str, str, datetime, datetime, int]], timeline: list) -> dict[str, list[float]]:
    """Per stage, the tree's peak RSS while it ran for each site, in the order it ran: flat if memory does not
    grow with the night (the DAG test runs a stage for every site before the next stage)."""
    peaks: dict[str, list[float]] = {}
    for _, stage, start, end, _ in sorted(timings, key=lambda timing: timing[2]):
        a, b = start.timestamp(), end.timestamp()
        peaks.setdefault(stage, []).append(max((rss for t, _, rss in timeline if a <= t <= b), default=0.0))
    return peaks


def _dag_run(settings, database_url: str, logical_date: datetime, seconds: float, exclude: frozenset[int]) -> bool:
    """Run the DAG for one interval; after `seconds`, stop it (this script's own child processes, by id,
    the sites' server excepted). Whether it finished."""
    import threading

    import psutil

    from demo.airflow_local import run_dag_once

    errors: list[Exception] = []

    def run() -> None:
        try:
            run_dag_once(settings, database_url, logical_date, migrate=False)
        except Exception as error:  # re-raised below unless the run was stopped on purpose
            errors.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(max(seconds, 0) if seconds != float("inf") else None)
    if thread.is_alive():
        for child in psutil.Process().children(recursive=True):
            if child.pid not in exclude:
                child.kill()
        thread.join()
        return False
    if errors:
        raise errors[0]
    return True


def _scheduled_run(airflow, night: int, seconds: float) -> bool:
    """One night on a running Airflow (scheduler, LocalExecutor): the first is the run the scheduler makes when
    the DAG is unpaused (catchup is off: the latest interval), later ones are triggered as an operator would.
    Whether it finished within `seconds`; a failed run stops the benchmark, naming Airflow's logs."""
    from demo.airflow_local import DAG_ID

    client = airflow.client
    if night == 1:
        client.patch(f"/api/v2/dags/{DAG_ID}", json={"is_paused": False}).raise_for_status()
        wanted = lambda run: run["run_type"] == "scheduled"  # noqa: E731
    else:
        response = client.post(f"/api/v2/dags/{DAG_ID}/dagRuns", json={"logical_date": None})
        response.raise_for_status()
        run_id = response.json()["dag_run_id"]
        wanted = lambda run: run["dag_run_id"] == run_id  # noqa: E731
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        airflow.check_alive()
        runs = client.get(f"/api/v2/dags/{DAG_ID}/dagRuns", params={"limit": 100}).json()["dag_runs"]
        states = {run["state"] for run in runs if wanted(run)}
        if states == {"success"}:
            return True
        if "failed" in states:
            [failed] = [run["dag_run_id"] for run in runs if wanted(run) and run["state"] == "failed"]
            raise RuntimeError(f"night {night}'s DAG run failed:\n{_failed_tasks_log(client, failed)}")
        time.sleep(1)
    client.patch(f"/api/v2/dags/{DAG_ID}", json={"is_paused": True})
    return False


def _failed_tasks_log(client, run_id: str, lines: int = 40) -> str:
    """The end of each failed task's log, read through the REST API (the Airflow home is a temporary folder)."""
    from demo.airflow_local import DAG_ID

    run_path = f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances"
    failed = [
        ti for ti in client.get(run_path, params={"limit": 200}).json()["task_instances"] if ti["state"] == "failed"
    ]
    parts = []
    for ti in failed:
        log = client.get(
            f"{run_path}/{ti['task_id']}/logs/{max(ti['try_number'], 1)}",
            params={"map_index": ti["map_index"]},
            headers={"Accept": "application/x-ndjson"},
        ).text
        events = [json.loads(line).get("event", line) for line in log.splitlines() if line.startswith("{")]
        parts.append(f"--- {ti['task_id']}[{ti['map_index']}] ---\n" + "\n".join(map(str, events[-lines:])))
    return "\n".join(parts) or "(no failed task)"


def run_night(
    database_url: str, night: int, exclude: frozenset[int], run: Callable[[int], bool], route: str
) -> tuple[list[Measurement], dict]:
    """One night through the real DAG (`run(night)`: whether it finished in time), sampled; the stages' figures
    and the night's. A night stopped at its time limit gives the figures of the stages that finished, marked
    partial."""
    import psycopg
    from extraction_cores import TreeCpu

    started_at = datetime.now(UTC)
    clock = time.perf_counter()
    with TreeCpu(interval=0.25, exclude=exclude, include_self=False) as tree:  # the night runs in child processes
        finished = run(night)
    wall = time.perf_counter() - clock
    with psycopg.connect(database_url) as conn:
        timings = conn.execute(
            "select site_key, stage, started_at, finished_at, items from etl.stage_timings where started_at >= %s",
            (started_at,),
        ).fetchall()
        counts = conn.execute(
            """
            select coalesce(sum(articles_new), 0), coalesce(sum(articles_changed), 0),
                   coalesce(sum(articles_unchanged), 0), coalesce(sum(rejects), 0), count(*)
            from etl.runs where started_at >= %s
            """,
            (started_at,),
        ).fetchone()
        not_modified = conn.execute(
            "select count(*) from raw.pages where status = 304 and fetched_at >= %s", (started_at,)
        ).fetchone()[0]
    name = f"night {night}"
    stages = stage_measurements(name, timings, tree.timeline, overlapping=not route.startswith("airflow dags test"))
    loaded = counts[0] + counts[1] + counts[2]
    whole = Measurement(
        name, f"whole night ({route})", loaded, wall, tree.seconds, tree.peak_rss_mib, tree.peak_pss_mib
    )
    facts = {
        "new": counts[0], "changed": counts[1], "unchanged": counts[2], "rejects": counts[3], "sites_loaded": counts[4],
        "not_modified": not_modified, "site_peaks": site_peaks(timings, tree.timeline), "partial": not finished,
    }  # fmt: skip
    return [*stages, whole], facts


def bare_trafilatura(pages: list[Path]) -> Measurement:
    """Bare trafilatura.extract over the distinct real pages, one process per core (extraction_cores.py)."""
    from types import SimpleNamespace

    from extraction_cores import TreeCpu, _pool_bare

    from broadsheet.parallel_extraction import worker_count

    bodies = [SimpleNamespace(body=gzip.decompress(path.read_bytes())) for path in pages]
    cores = worker_count(0)
    clock = time.perf_counter()
    with TreeCpu(interval=0.25) as tree:
        _pool_bare(bodies, cores)
    wall = time.perf_counter() - clock
    return Measurement("baseline", f"bare trafilatura.extract, {cores} processes", len(bodies), wall, tree.seconds,
                       tree.peak_rss_mib)  # fmt: skip


def scrapy_bench() -> Measurement:
    """`scrapy bench` as benchmarks/crawl.py runs it (its CPU time includes its own bench server's)."""
    from crawl import scrapy_bench as bench
    from extraction_cores import TreeCpu

    with TreeCpu(interval=0.25) as tree:
        rate, peak, pages = bench()
    return Measurement("baseline", "scrapy bench (10 s)", pages, pages / rate, tree.seconds, peak)


def raw_copy(rows: int) -> Measurement:
    from load import run_child

    result = run_child("raw_copy", rows)
    return Measurement("baseline", f"raw COPY of {rows:,} article rows", rows, result["seconds"], float("nan"),
                       result["peak_rss_mib"])  # fmt: skip


# --- reporting --------------------------------------------------------------------------------------------


def print_table(title: str, rows: list[Measurement]) -> None:
    print(f"\n{title}")
    print(
        f"{'stage':40} {'items':>7} {'wall s':>8} {'CPU s':>8} {'cores':>6} {'pages/s':>8} {'/CPU s':>7} "
        f"{'MiB':>6} {'PSS':>6}"
    )
    for row in rows:
        cores = row.cpu_seconds / row.wall_seconds if row.wall_seconds else 0.0
        per_cpu = row.items / row.cpu_seconds if row.cpu_seconds else 0.0  # pages per CPU second: a loaded
        # machine stretches wall time, much less the CPU time a page costs
        print(
            f"{row.stage:40} {row.items:7,} {row.wall_seconds:8.1f} {row.cpu_seconds:8.1f} {cores:6.2f} "
            f"{row.pages_per_second:8.1f} {per_cpu:7.1f} {row.peak_rss_mib:6.0f} {row.peak_pss_mib:6.0f}"
        )


def _jsonl(handle, row: Measurement, **extra: object) -> None:
    record = {**row.__dict__, "pages_per_second": round(row.pages_per_second, 2), **extra}
    handle.write(json.dumps(record, default=str) + "\n")
    handle.flush()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=20_000, help="articles over all the sites")
    parser.add_argument("--sites", type=int, default=20, help="local news sites")
    parser.add_argument("--nights", type=int, default=2, help="nights to run, the first one full")
    parser.add_argument("--changed", type=float, default=0.05, help="share of articles changed each later night")
    parser.add_argument("--jsonl", type=Path, help="where to write one JSON line per measurement")
    parser.add_argument("--skip-baselines", action="store_true", help="only the nights")
    parser.add_argument("--baseline-pages", type=int, default=0, help="bare trafilatura on this many pages (0: all)")
    parser.add_argument("--time-limit", type=float, default=0, help="minutes; stop the night running then (0: none)")
    parser.add_argument("--datasets-dir", type=Path, help="default: Settings.datasets_dir")
    parser.add_argument(
        "--route", choices=("dags-test", "scheduler"), default="dags-test",
        help="dags-test: `airflow dags test`, one task at a time; scheduler: a running Airflow (LocalExecutor) "
        "that runs several sites' tasks at once, as production does",
    )  # fmt: skip
    parser.add_argument("--parallelism", type=int, default=3, help="scheduler route: tasks at once (pool slots)")
    parser.add_argument("--crawl-slots", type=int, default=1, help="scheduler route: crawls at once")
    parser.add_argument(
        "--extract-workers", type=int, help="BROADSHEET_EXTRACT_WORKERS for the nights (default: one per core)"
    )
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    from broadsheet.settings import Settings

    datasets_dir = args.datasets_dir or Settings().datasets_dir
    if args.serve:
        spec = json.loads(args.serve)
        serve(BenchSites(spec["sites"], spec["articles"], len(source_pages(datasets_dir)), spec["changed"]),
              datasets_dir)  # fmt: skip
        return
    try:
        pages = source_pages(datasets_dir)
    except FileNotFoundError as error:
        raise SystemExit(str(error)) from None
    plan = BenchSites(args.sites, args.articles, len(pages), args.changed)
    jsonl_path = args.jsonl or Path(tempfile.gettempdir()) / f"broadsheet-nightly-{args.articles}.jsonl"
    print(
        f"{args.articles:,} articles on {args.sites} sites from {len(pages):,} real pages; {os.cpu_count()} cores; "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; JSON lines: {jsonl_path}",
        flush=True,
    )
    deadline = time.monotonic() + args.time_limit * 60 if args.time_limit else float("inf")
    with jsonl_path.open("w", encoding="utf-8") as jsonl:
        if not args.skip_baselines:  # first, so that a night stopped at the time limit leaves them measured
            used = sorted({plan.source(s, n) for s in range(plan.sites) for n in range(plan.site_articles(s))})
            sample = used[:: max(len(used) // args.baseline_pages, 1)] if args.baseline_pages else used
            baselines = [scrapy_bench(), bare_trafilatura([pages[i] for i in sample]), raw_copy(args.articles)]
            print_table(f"baselines, same run (load average {os.getloadavg()[0]:.2f})", baselines)
            for row in baselines:
                _jsonl(jsonl, row, articles=args.articles, sites=args.sites)
        with tempfile.TemporaryDirectory(prefix="broadsheet-nightly-") as folder:
            nights(args, plan, datasets_dir, Path(folder), jsonl, deadline)


def nights(
    args: argparse.Namespace, plan: BenchSites, datasets_dir: Path, folder: Path, jsonl, deadline: float
) -> None:
    from load import _database, _drop

    from broadsheet.settings import Settings
    from demo.airflow_local import migrate_airflow

    os.environ |= {
        "BROADSHEET_DOWNLOAD_DELAY_SECONDS": "0",
        "BROADSHEET_AUTOTHROTTLE_ENABLED": "false",
        "BROADSHEET_CONCURRENT_REQUESTS_PER_DOMAIN": "16",
        "BROADSHEET_MAX_PAGES_PER_SITE": str(max(plan.site_articles(0) + 100, 5000)),
    }
    if args.extract_workers is not None:
        os.environ["BROADSHEET_EXTRACT_WORKERS"] = str(args.extract_workers)
    database = f"broadsheet_nightly_{os.getpid()}"
    database_url = _database(database)
    try:
        with SitesServer(plan, datasets_dir) as server:
            write_site_entries(plan, server.origins, folder / "sites")
            settings = Settings(
                data_dir=folder / "data", sites_dir=folder / "sites", site_origins={}, database_url=None,
                task_retries=0, pool_slots=args.parallelism, crawl_pool_slots=args.crawl_slots,
            )  # fmt: skip
            exclude = frozenset({server.process.pid})
            with ExitStack() as stack:
                if args.route == "dags-test":
                    migrate_airflow(settings, database_url)
                    run = lambda night: _dag_run(  # noqa: E731
                        settings, database_url, NIGHT_ONE + timedelta(days=night - 1),
                        deadline - time.monotonic(), exclude,
                    )  # fmt: skip
                else:
                    airflow = stack.enter_context(_running_airflow(settings, database_url, args.parallelism))
                    run = lambda night: _scheduled_run(airflow, night, deadline - time.monotonic())  # noqa: E731
                _each_night(args, plan, server, database_url, exclude, run, jsonl)
    finally:
        _drop(database)


@contextmanager
def _running_airflow(settings, database_url: str, parallelism: int) -> Iterator:
    """A real Airflow (api-server, scheduler with LocalExecutor, DAG processor, triggerer) on free ports, with
    its metadata in a database of its own that is dropped when the block ends."""
    from load import SERVER_URL, _database, _drop

    from demo.airflow_server import AirflowConfig, free_port, running_airflow, with_database

    name = f"broadsheet_nightly_airflow_{os.getpid()}"
    _database(name)
    config = AirflowConfig(
        metadata_url=with_database(SERVER_URL, name), api_port=free_port(), parallelism=parallelism, fast_parsing=True
    )
    try:
        with running_airflow(settings, config, database_url) as airflow:
            print(f"Airflow ready in {airflow.started_in_seconds:.0f} s at {airflow.base_url}", flush=True)
            yield airflow
    finally:
        _drop(name)


def _each_night(args, plan, server, database_url: str, exclude: frozenset[int], run, jsonl) -> None:
    route = "airflow dags test" if args.route == "dags-test" else f"scheduler, parallelism {args.parallelism}"
    for night in range(1, args.nights + 1):
        server.night(night)
        load_before = os.getloadavg()[0]
        rows, facts = run_night(database_url, night, exclude, run, route)
        facts |= {"load_average_before": load_before, "load_average_after": os.getloadavg()[0],
                  "changed_served": plan.changed_count(night)}  # fmt: skip

        print_table(
            f"night {night}: new {facts['new']:,}, changed {facts['changed']:,}, unchanged "
            f"{facts['unchanged']:,}, 304s {facts['not_modified']:,}, rejects {facts['rejects']:,} "
            f"on {facts['sites_loaded']} sites (articles changed on the sites: {facts['changed_served']:,}); "
            f"load average {load_before:.2f} before, {facts['load_average_after']:.2f} after",
            rows,
        )
        for stage, peaks in facts["site_peaks"].items():
            print(
                f"{stage}: peak tree RSS MiB per site in the order they ran: first {peaks[0]:.0f}, "
                f"max {max(peaks):.0f}, last {peaks[-1]:.0f}"
            )
        for row in rows:
            _jsonl(jsonl, row, articles=args.articles, sites=args.sites, **facts)
        if facts["partial"]:
            print(f"night {night} stopped at the time limit: figures of the stages that finished only")
            break


if __name__ == "__main__":
    main()
