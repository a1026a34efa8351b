"""Crawl benchmark: Broadsheet's spider crawling and archiving a generated news site, beside `scrapy bench`.

    .venv/bin/python benchmarks/crawl.py                      # 20,000 and 40,000 article pages
    .venv/bin/python benchmarks/crawl.py --sizes 5000         # quicker
    .venv/bin/python benchmarks/crawl.py --sizes 5000 --page-kb 3   # the small pages of the first figures

The site (robots.txt -> sitemap index -> sitemaps of 5,000 URLs -> article pages of --page-kb KB, 120 by
default: the size of a real news page with its scripts and markup, in text varied enough to compress as
such a page does, about 4:1) is generated
in memory and served by a Twisted web server in its own process, as `scrapy bench` serves its pages. Our
crawl runs as the pipeline runs it (`crawl_site`: a child process, robots.txt obeyed, every response written
to a gzipped WARC), with politeness delays off: no download delay, no AutoThrottle, 16 concurrent requests
(scrapy bench: 16). Pages/s is Scrapy's own response_received_count / elapsed_time_seconds in both; peak
memory is the crawl process's VmHWM, polled from /proc while it runs.
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SITEMAP_SIZE = 5000
SECTIONS = ["politics", "business", "city", "sport", "culture"]
PARAGRAPH = (
    "The council met on Tuesday evening to debate the harbour budget, and members spent most of the session on "
    "the ferry timetable, the road repairs along the coast and the new school that the province promised last "
    "year. Residents who spoke during the public comment period asked for more buses and for longer library hours."
)


PAGE_KB = 120
WORDS = PARAGRAPH.replace(",", "").replace(".", "").split()


def _padding(number: int, kilobytes: int) -> str:
    """Markup and prose a real page carries around its article (menus, scripts, related links): words in a
    per-page random order, so that it compresses like real text rather than a repeated string."""
    chooser = random.Random(number)
    chunks, size = [], 0
    while size < kilobytes * 1024:
        words = " ".join(chooser.choice(WORDS) for _ in range(40))
        chunk = (
            f'<li class="related-{chooser.randrange(10**6)}"><a href="/x/{chooser.randrange(10**9)}">{words}</a></li>'
        )
        chunks.append(chunk)
        size += len(chunk)
    return "<aside><ul>" + "".join(chunks) + "</ul></aside>"


def _article(number: int, kilobytes: int = PAGE_KB) -> bytes:
    section = SECTIONS[number % len(SECTIONS)]
    body = "".join(f"<p>{PARAGRAPH} ({number}.{i})</p>\n" for i in range(6))
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Story {number} - Bench Gazette</title>'
        f'<link rel="canonical" href="/{section}/story-{number}.html">'
        f'<meta property="article:published_time" content="2024-03-14T10:00:00Z"></head><body>'
        f'<header><nav><a href="/">Home</a> <a href="/{section}/">{section}</a></nav></header>'
        f"<article><h1>Story {number}</h1><p class=byline>By Staff Writer</p>{body}</article>"
        f"{_padding(number, max(kilobytes - 3, 0))}<footer>&copy; Bench Gazette</footer></body></html>"
    ).encode()


def serve(pages: int, kilobytes: int = PAGE_KB) -> None:
    """Run the generated site on a free port; print the port, then serve until killed."""
    from twisted.internet import reactor
    from twisted.web.resource import Resource
    from twisted.web.server import Site

    sitemaps = (pages + SITEMAP_SIZE - 1) // SITEMAP_SIZE

    class Root(Resource):
        isLeaf = True

        def render_GET(self, request) -> bytes:
            path = request.path.decode()
            origin = f"http://127.0.0.1:{request.getHost().port}"
            request.setHeader(b"content-type", b"text/html; charset=utf-8")
            if path == "/robots.txt":
                request.setHeader(b"content-type", b"text/plain")
                return f"User-agent: *\nDisallow: /private/\nSitemap: {origin}/sitemap.xml\n".encode()
            if path == "/sitemap.xml":
                request.setHeader(b"content-type", b"application/xml")
                entries = "".join(f"<sitemap><loc>{origin}/sitemap-{i}.xml</loc></sitemap>" for i in range(sitemaps))
                return f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'.encode()
            if match := re.fullmatch(r"/sitemap-(\d+)\.xml", path):
                request.setHeader(b"content-type", b"application/xml")
                first = int(match[1]) * SITEMAP_SIZE
                urls = "".join(
                    f"<url><loc>{origin}/{SECTIONS[n % 5]}/story-{n}.html</loc><lastmod>2024-03-14</lastmod></url>"
                    for n in range(first, min(first + SITEMAP_SIZE, pages))
                )
                return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()
            if match := re.fullmatch(r"/[a-z]+/story-(\d+)\.html", path):
                return _article(int(match[1]), kilobytes)
            request.setResponseCode(404)
            return b"not found"

    port = reactor.listenTCP(0, Site(Root()), interface="127.0.0.1")
    print(port.getHost().port, flush=True)
    reactor.run()


def _peak_rss_mib(process: subprocess.Popen) -> float:
    """Poll the process's high-water RSS until it exits."""
    peak = 0
    status = Path(f"/proc/{process.pid}/status")
    while process.poll() is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except (FileNotFoundError, ProcessLookupError):
            break
        time.sleep(0.05)
    return peak / 1024


def scrapy_bench() -> tuple[float, float, int]:
    """`scrapy bench` (10 s against Scrapy's own bench server): pages/s, peak MiB, pages."""
    scrapy = Path(sys.executable).with_name("scrapy")
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen([str(scrapy), "bench"], stdout=log, stderr=subprocess.STDOUT, text=True)
        peak = _peak_rss_mib(process)
        log.seek(0)
        text = log.read()
    responses = int(re.search(r"'response_received_count': (\d+)", text)[1])
    elapsed = float(re.search(r"'elapsed_time_seconds': ([\d.]+)", text)[1])
    return responses / elapsed, peak, responses


def broadsheet_crawl(pages: int, work: Path, kilobytes: int = PAGE_KB) -> tuple[float, float, int, int]:
    """Our spider over the generated site: pages/s, peak MiB, responses, articles archived."""
    from broadsheet.settings import Settings
    from broadsheet.sites import CrawlLimits, SiteConfig
    from crawlers.run import CrawlJob, finish_crawl, start_crawl

    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(pages), "--page-kb", str(kilobytes)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        port = int(server.stdout.readline())
        settings = Settings(
            data_dir=work,
            download_delay_seconds=0,
            autothrottle_enabled=False,
            max_pages_per_site=10 * pages,
            concurrent_requests_per_domain=16,
        )
        site = SiteConfig(
            key="bench_gazette",
            name="Bench Gazette",
            base_url=f"http://127.0.0.1:{port}",
            sitemaps=["/robots.txt"],
            article_patterns=[r"^/[a-z]+/story-\d+\.html$"],
            timezone="UTC",
            languages=["en"],
            limits=CrawlLimits(concurrency=16),
        )
        job = CrawlJob(site, work / f"bench-{pages}.warc.gz")
        process = start_crawl(settings, job)
        peak = _peak_rss_mib(process)
        result = finish_crawl(settings, job, process)
    finally:
        server.kill()
        server.wait()
    responses = int(result.stats["responses"])
    return responses / result.stats["elapsed_seconds"], peak, responses, result.pages_archived


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 40_000], help="article pages per site")
    parser.add_argument("--page-kb", type=int, default=PAGE_KB, help="size of each article page in KB")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.page_kb)
        return
    bench_rate, bench_peak, bench_pages = scrapy_bench()
    print(f"{'measurement':44} {'pages':>8} {'pages/s':>9} {'vs bench':>9} {'peak MiB':>9}")
    print(f"{'scrapy bench (baseline, 10 s)':44} {bench_pages:8,} {bench_rate:9,.0f} {1:9.2f}x {bench_peak:9.0f}")
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            rate, peak, responses, archived = broadsheet_crawl(size, Path(folder), args.page_kb)
            label = f"Broadsheet crawl + WARC, {size:,} x {args.page_kb} KB"
            print(f"{label:44} {responses:8,} {rate:9,.0f} {rate / bench_rate:9.2f}x {peak:9.0f}")
            if archived != size:
                print(f"  warning: {archived:,} articles archived of {size:,}")


if __name__ == "__main__":
    main()
