"""The archive in object storage: with BROADSHEET_ARCHIVE_URL=s3://bucket/prefix a crawl streams its WARC to
the bucket, later stages read it back from there, and a backfill re-processes it without touching the site.
Against a real S3-compatible server (moto) on 127.0.0.1."""

from __future__ import annotations

from datetime import UTC, datetime

import fsspec
import psycopg

from broadsheet import pipeline
from broadsheet.archive import ArchiveWriter, latest_pages, list_archives, read_page
from broadsheet.pipeline import RunOptions
from broadsheet.records import FetchedPage
from broadsheet.settings import Settings

SITE_KEY = "diari_del_port"
START, END = datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC)  # every article of the site


def _run_stages(settings: Settings, run_id: str, options: RunOptions) -> pipeline.SiteResults:
    return pipeline.run_site(settings, pipeline.SiteRun(SITE_KEY, run_id, START, END, options))


def _articles(database_url: str) -> dict[str, tuple[str, str]]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "select canonical_url, title, archive_location from warehouse.articles where site_key = %s", (SITE_KEY,)
        )
        return {url: (title, location) for url, title, location in rows}


def test_a_night_archives_to_s3_and_a_backfill_reprocesses_from_there(
    tmp_path, demo_origins, database_url, s3_archive_url, expected
):
    settings = Settings(
        data_dir=tmp_path / "data", site_origins=demo_origins, database_url=database_url, archive_url=s3_archive_url
    )
    pipeline.prepare_warehouse(settings)

    night = _run_stages(settings, "scheduled__night", RunOptions())
    [archive] = night.crawled.archive.files
    assert archive.startswith(s3_archive_url + f"/{SITE_KEY}/2024-01-01/")
    assert fsspec.filesystem("s3").size(archive) > 1000
    assert not (settings.archive_dir).exists(), "nothing may be archived on the local disk"
    articles = _articles(database_url)
    assert set(articles) == {a["canonical_url"] for a in expected[SITE_KEY]["articles"]}

    # One article's page, read back from the bucket by its byte range alone.
    title, location = next(iter(articles.values()))
    name, offset = location.split("#")
    page = read_page(f"{s3_archive_url}/{SITE_KEY}/2024-01-01/{name}", int(offset))
    assert page.status == 200 and title.encode() in page.body

    backfill = _run_stages(
        settings, "backfill__2024", RunOptions(mode="reprocess", force_reextract=True, is_backfill=True)
    )
    assert backfill.crawled.crawled is False
    assert backfill.extracted.archive_files == 1
    assert backfill.extracted.articles.count == night.extracted.articles.count
    assert backfill.loaded.summary.articles_new == 0
    assert _articles(database_url) == articles


def _page(url: str, body: bytes) -> FetchedPage:
    return FetchedPage(SITE_KEY, url, url, 200, {"content-type": "text/html"}, body, START)


def test_the_latest_fetch_of_a_url_wins_across_archive_files_in_s3(s3_archive_url):
    first = f"{s3_archive_url}/{SITE_KEY}/2024-01-01/scheduled_1.warc.gz"
    second = f"{s3_archive_url}/{SITE_KEY}/2024-01-01/scheduled_2.warc.gz"
    with ArchiveWriter(first) as writer:
        for n in range(5):
            writer.write(_page(f"http://x/{n}", b"old %d" % n))
    with ArchiveWriter(second) as writer:
        for n in range(4):
            writer.write(_page(f"http://x/{n}", b"new %d" % n))
    with ArchiveWriter(second) as writer:  # a resumed crawl appends to its file
        writer.write(_page("http://x/5", b"resumed"))

    files = list_archives(s3_archive_url, SITE_KEY, ["2024-01-01"])
    assert files == [first, second]
    bodies = {page.requested_url: page.body for page in latest_pages(files)}
    assert bodies == {
        **{f"http://x/{n}": b"new %d" % n for n in range(4)},
        "http://x/4": b"old 4",  # read by its byte range: the rest of the first file was replaced
        "http://x/5": b"resumed",
    }
