"""The seen-URL store (raw.seen_urls): what the crawler last knew about each article URL.

Before a crawl, the validators (ETag, Last-Modified) of the site's URLs are written to a file the crawl's
ConditionalRequestMiddleware reads; after it, every archived fetch is recorded, and a body identical to the
one last loaded is marked unchanged so that extraction skips it. A re-run of the same pipeline run ignores
what that run itself recorded: it fetches and extracts again, as it did the first time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from broadsheet.records import ArchivedPage

NOT_MODIFIED = 304

_VALIDATORS = """
select url, etag, last_modified
from raw.seen_urls
where site_key = %(site_key)s
  and last_run_id <> %(run_id)s
  and (etag is not null or last_modified is not null)
"""

_LOADED_HASHES = """
select url, loaded_content_hash
from raw.seen_urls
where site_key = %(site_key)s and last_run_id <> %(run_id)s and loaded_content_hash is not null
"""

_CREATE_FETCHES = """
create temporary table if not exists seen_fetches (
    url text not null,
    final_url text not null,
    fetched_at timestamptz not null,
    status integer not null,
    etag text,
    last_modified text,
    content_hash text,
    archive_location text
) on commit drop
"""

_RECORD_FETCHES = """
insert into raw.seen_urls as seen (
    site_key, url, final_url, first_fetched_at, last_fetched_at, last_status, etag, last_modified,
    content_hash, archive_location, times_not_modified, last_run_id
)
select distinct on (url)
    %(site_key)s, url, final_url, fetched_at, fetched_at, status, etag, last_modified,
    content_hash, archive_location, (status = 304)::integer, %(run_id)s
from seen_fetches
order by url, fetched_at desc
on conflict (site_key, url) do update set
    final_url = excluded.final_url,
    last_fetched_at = excluded.last_fetched_at,
    last_status = excluded.last_status,
    etag = coalesce(excluded.etag, seen.etag),
    last_modified = coalesce(excluded.last_modified, seen.last_modified),
    content_hash = case when excluded.last_status = 304 then seen.content_hash else excluded.content_hash end,
    archive_location = case
        when excluded.last_status = 304 then seen.archive_location else excluded.archive_location end,
    times_fetched = seen.times_fetched + (seen.last_run_id <> excluded.last_run_id)::integer,
    times_not_modified = seen.times_not_modified + excluded.times_not_modified,
    last_run_id = excluded.last_run_id
"""

_MARK_LOADED = """
update raw.seen_urls
set loaded_content_hash = content_hash
where site_key = %(site_key)s and last_run_id = %(run_id)s and last_status between 200 and 299
"""


@dataclass(frozen=True)
class FetchOutcome:
    """What the store made of a run's fetches."""

    pages_not_modified: int
    unchanged_locations: set[str] = field(default_factory=set)  # archive locations not to extract again


_TOUCH_SEEN_AGAIN = """
with seen_again as (
    select url, max(fetched_at) as fetched_at
    from unnest(%(urls)s::text[], %(fetched)s::timestamptz[]) as page_fetch (url, fetched_at)
    group by url
),
touched as (
    update warehouse.articles as article
    set last_seen_at = greatest(article.last_seen_at, seen_again.fetched_at),
        removed_at = null
    from seen_again
    where article.site_key = %(site_key)s and article.url = seen_again.url
    returning article.article_id
)
select count(distinct article_id) from touched
"""

_COUNT_UNCHANGED = """
update etl.runs
set articles_unchanged = articles_unchanged + %(count)s
where run_id = %(run_id)s and site_key = %(site_key)s
"""


def _fetch_row(page: ArchivedPage) -> tuple:
    return (
        page.requested_url, page.final_url, page.fetched_at, page.status, page.headers.get("etag"),
        page.headers.get("last-modified"), page.content_hash, page.archive_location,
    )  # fmt: skip


def write_validators(conn: psycopg.Connection, site_key: str, run_id: str, path: Path) -> int:
    """Write {url, etag, last_modified} per known URL of the site as JSONL; returns how many."""
    count = 0
    with path.open("w", encoding="utf-8") as stream:
        for url, etag, last_modified in conn.execute(_VALIDATORS, {"site_key": site_key, "run_id": run_id}):
            stream.write(json.dumps({"url": url, "etag": etag, "last_modified": last_modified}) + "\n")
            count += 1
    return count


def record_fetches(conn: psycopg.Connection, site_key: str, run_id: str, pages: Iterable[ArchivedPage]) -> FetchOutcome:
    """Record every archived article fetch; returns the 304 count and the unchanged bodies, in one transaction."""
    params = {"site_key": site_key, "run_id": run_id}
    with conn.transaction(), conn.cursor() as cursor:
        loaded = dict(cursor.execute(_LOADED_HASHES, params).fetchall())
        cursor.execute(_CREATE_FETCHES)
        not_modified = 0
        unchanged: set[str] = set()
        with cursor.copy(
            "copy seen_fetches (url, final_url, fetched_at, status, etag, last_modified, content_hash, "
            "archive_location) from stdin"
        ) as copy:
            for page in pages:
                if page.status == NOT_MODIFIED:
                    not_modified += 1
                elif loaded.get(page.requested_url) == page.content_hash:
                    unchanged.add(page.archive_location)
                copy.write_row(_fetch_row(page))
        cursor.execute(_RECORD_FETCHES, params)
    return FetchOutcome(not_modified, unchanged)


def record_load(
    conn: psycopg.Connection, site_key: str, run_id: str, pages: Iterable[ArchivedPage], unchanged_locations: set[str]
) -> int:
    """After a successful load: the bodies this run fetched are the ones the warehouse now holds, and the
    articles whose page answered 304 or an unchanged body were seen again (last_seen_at moves on; they count
    as unchanged in the run's etl.runs row, as they would had they been extracted). Returns how many."""
    urls, fetched = [], []
    for page in pages:
        if page.status == NOT_MODIFIED or page.archive_location in unchanged_locations:
            urls.append(page.final_url)
            fetched.append(page.fetched_at)
    params = {"site_key": site_key, "run_id": run_id, "urls": urls, "fetched": fetched}
    with conn.transaction():
        conn.execute(_MARK_LOADED, params)
        count = conn.execute(_TOUCH_SEEN_AGAIN, params).fetchone()[0] if urls else 0
        conn.execute(_COUNT_UNCHANGED, {**params, "count": count})
    return count
