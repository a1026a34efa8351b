"""Load one site's articles for one run into the warehouse: COPY into staging, then one set-based upsert.

Everything for a site and data interval happens in one transaction under an advisory lock, so two runs of
the same site and interval cannot interleave, and a re-run changes nothing: rows whose content hash is
unchanged are not rewritten, and the canonical URL keeps every article to one row.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg

from broadsheet.crawlers.registry import SiteConfig
from broadsheet.records import Article, Reject

logger = logging.getLogger(__name__)

STAGED_COLUMNS = (
    "site_key",
    "canonical_url",
    "url",
    "title",
    "authors",
    "published_at",
    "published_raw",
    "published_source",
    "modified_at",
    "modified_raw",
    "modified_source",
    "language",
    "body_text",
    "word_count",
    "content_hash",
    "archive_location",
    "fetched_at",
)


@dataclass(frozen=True)
class RunContext:
    run_id: str
    site: SiteConfig
    interval_start: datetime
    interval_end: datetime


@dataclass(frozen=True)
class LoadSummary:
    site_key: str
    pages_fetched: int
    articles_new: int
    articles_changed: int
    articles_unchanged: int
    rejects: int


def content_hash(article: Article) -> str:
    return hashlib.sha256(f"{article.title}\n\n{article.body_text}".encode()).hexdigest()


def _staged_row(article: Article) -> tuple:
    return (
        article.site_key,
        article.canonical_url,
        article.url,
        article.title,
        article.authors,
        article.published_at,
        article.published_raw,
        article.published_source,
        article.modified_at,
        article.modified_raw,
        article.modified_source,
        article.language,
        article.body_text,
        article.word_count,
        content_hash(article),
        article.archive_location,
        article.fetched_at,
    )


_UPSERT_ARTICLES = """
with latest_per_article as (
    select distinct on (canonical_url) *
    from staged_articles
    order by canonical_url, fetched_at desc
)
insert into warehouse.articles (
    site_key, canonical_url, url, title, authors,
    published_at, published_raw, published_source,
    modified_at, modified_raw, modified_source,
    language, body_text, word_count, content_hash, archive_location,
    first_seen_at, last_seen_at, loaded_by_run_id
)
select
    site_key, canonical_url, url, title, authors,
    published_at, published_raw, published_source,
    modified_at, modified_raw, modified_source,
    language, body_text, word_count, content_hash, archive_location,
    fetched_at, fetched_at, %(run_id)s
from latest_per_article
on conflict (canonical_url) do update set
    url = excluded.url,
    title = excluded.title,
    authors = excluded.authors,
    published_at = excluded.published_at,
    published_raw = excluded.published_raw,
    published_source = excluded.published_source,
    modified_at = excluded.modified_at,
    modified_raw = excluded.modified_raw,
    modified_source = excluded.modified_source,
    language = excluded.language,
    body_text = excluded.body_text,
    word_count = excluded.word_count,
    content_hash = excluded.content_hash,
    archive_location = excluded.archive_location,
    last_seen_at = greatest(warehouse.articles.last_seen_at, excluded.last_seen_at),
    loaded_by_run_id = excluded.loaded_by_run_id
where warehouse.articles.content_hash is distinct from excluded.content_hash
returning (xmax = 0) as is_new
"""

_TOUCH_UNCHANGED = """
update warehouse.articles as article
set last_seen_at = staged.fetched_at
from staged_articles as staged
where article.canonical_url = staged.canonical_url
  and article.content_hash = staged.content_hash
  and staged.fetched_at > article.last_seen_at
"""


def _upsert_site(conn: psycopg.Connection, site: SiteConfig) -> None:
    conn.execute(
        """
        insert into warehouse.sites (site_key, name, base_url, timezone, languages)
        values (%s, %s, %s, %s, %s)
        on conflict (site_key) do update set
            name = excluded.name, base_url = excluded.base_url,
            timezone = excluded.timezone, languages = excluded.languages
        where (warehouse.sites.name, warehouse.sites.base_url, warehouse.sites.timezone, warehouse.sites.languages)
            is distinct from (excluded.name, excluded.base_url, excluded.timezone, excluded.languages)
        """,
        (site.key, site.name, site.base_url, site.timezone, site.languages),
    )


def load_site_run(
    conn: psycopg.Connection,
    run: RunContext,
    articles: Iterable[Article],
    rejects: Iterable[Reject],
    pages_fetched: int,
) -> LoadSummary:
    """Load one site's run in one transaction; returns what changed."""
    started_at = datetime.now(UTC)
    with conn.transaction():
        conn.execute(
            "select pg_advisory_xact_lock(hashtext(%s), hashtext(%s))",
            (run.site.key, run.interval_start.isoformat()),
        )
        _upsert_site(conn, run.site)
        conn.execute(
            "create temporary table staged_articles (like warehouse.articles including defaults) on commit drop"
        )
        conn.execute(
            "alter table staged_articles drop column article_id, drop column first_seen_at, "
            "drop column last_seen_at, drop column loaded_by_run_id, add column fetched_at timestamptz not null"
        )
        staged = 0
        with conn.cursor() as cursor:
            with cursor.copy(f"copy staged_articles ({', '.join(STAGED_COLUMNS)}) from stdin") as copy:
                for article in articles:
                    copy.write_row(_staged_row(article))
                    staged += 1
            cursor.execute(_UPSERT_ARTICLES, {"run_id": run.run_id})
            results = [row[0] for row in cursor.fetchall()]
            cursor.execute(_TOUCH_UNCHANGED)
            distinct_articles = cursor.execute("select count(distinct canonical_url) from staged_articles").fetchone()[
                0
            ]
        new = sum(1 for is_new in results if is_new)
        changed = len(results) - new
        reject_count = 0
        for reject in rejects:
            conn.execute(
                """
                insert into etl.rejects (run_id, site_key, url, stage, reason, detail, archive_location)
                values (%s, %s, %s, %s, %s, %s, %s)
                on conflict (run_id, site_key, url, stage) do update set
                    reason = excluded.reason, detail = excluded.detail, archive_location = excluded.archive_location
                """,
                (
                    run.run_id,
                    reject.site_key,
                    reject.url,
                    reject.stage,
                    reject.reason.value,
                    reject.detail,
                    reject.archive_location,
                ),
            )
            reject_count += 1
        summary = LoadSummary(
            site_key=run.site.key,
            pages_fetched=pages_fetched,
            articles_new=new,
            articles_changed=changed,
            articles_unchanged=distinct_articles - new - changed,
            rejects=reject_count,
        )
        conn.execute(
            """
            insert into etl.runs (
                run_id, site_key, interval_start, interval_end, started_at, finished_at,
                pages_fetched, articles_new, articles_changed, articles_unchanged, rejects, status
            )
            values (%s, %s, %s, %s, %s, now(), %s, %s, %s, %s, %s, 'succeeded')
            on conflict (run_id, site_key) do update set
                interval_start = excluded.interval_start, interval_end = excluded.interval_end,
                started_at = excluded.started_at, finished_at = excluded.finished_at,
                pages_fetched = excluded.pages_fetched, articles_new = excluded.articles_new,
                articles_changed = excluded.articles_changed, articles_unchanged = excluded.articles_unchanged,
                rejects = excluded.rejects, status = excluded.status
            """,
            (
                run.run_id,
                run.site.key,
                run.interval_start,
                run.interval_end,
                started_at,
                summary.pages_fetched,
                summary.articles_new,
                summary.articles_changed,
                summary.articles_unchanged,
                summary.rejects,
            ),
        )
    logger.info(
        "site=%s run=%s stage=load staged=%d new=%d changed=%d unchanged=%d rejects=%d",
        run.site.key,
        run.run_id,
        staged,
        summary.articles_new,
        summary.articles_changed,
        summary.articles_unchanged,
        summary.rejects,
    )
    return summary
