"""Load one site's run into the warehouse: COPY into staging, then set-based upserts, in one transaction.

Everything for a site and data interval happens in one transaction under an advisory lock, so two runs of
the same site and interval cannot interleave, a load killed half way leaves nothing behind, and a re-run
changes nothing: rows whose content hash is unchanged are not rewritten, the canonical URL keeps every
article to one row, each distinct content becomes one row of article_versions, and a page that now
answers 404/410 marks its article removed. Rows are streamed: a load never holds a night in memory.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import attrgetter

import psycopg

from broadsheet.page_guard import storable
from broadsheet.records import PERSON, ArchivedPage, Article, Reject, RejectReason
from broadsheet.sites import SiteConfig

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArticleColumn:
    """A column of staging.article_rows and warehouse.articles, and how an Article gives its value."""

    name: str
    value: Callable[[Article], object]
    is_derived: bool = True  # derived by the pipeline (not where or when fetched): a change updates the row
    is_stored: bool = True  # a column of warehouse.articles; False: staging only (fetched_at feeds *_seen_at)
    copy_as: Callable[[object], object] = lambda value: value  # what COPY is given, when not the value itself
    # A column added after rows were loaded: while its value means what the rows loaded before it mean (e.g.
    # every author a person), it is left out of the record hash, so an upgrade does not rewrite those rows.
    left_out_of_hash_when: Callable[[object], bool] = lambda value: False


def _date_columns(kind: str) -> tuple[ArticleColumn, ...]:
    """The five columns of an article's published or modified date (records.ChosenDate)."""
    return tuple(
        ArticleColumn(name, attrgetter(f"dates.{kind}.{part}"))
        for name, part in [
            (f"{kind}_at", "at"),
            (f"{kind}_raw", "raw"),
            (f"{kind}_source", "source"),
            (f"{kind}_precision", "precision"),
            (f"is_{kind}_timezone_assumed", "is_timezone_assumed"),
        ]
    )


def content_hash(article: Article) -> str:
    """What makes two loads of an article "the same content": its title and body (one version each)."""
    return hashlib.sha256(f"{article.extracted.title}\n\n{article.extracted.body_text}".encode()).hexdigest()


def record_hash(article: Article) -> str:
    """What makes two loads of an article "the same row": every value the pipeline derived, so that a
    re-extraction with better date or metadata rules updates the row although the text is unchanged."""
    values = {
        column.name: value
        for column in ARTICLE_COLUMNS
        if column.is_derived and not column.left_out_of_hash_when(value := column.value(article))
    }
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


# The one declaration of an article's columns: the staging COPY, the upsert into warehouse.articles and the
# record hash all follow it. A new field is a property or field of the record, a line here, and a migration
# adding the column to staging.article_rows and warehouse.articles.
ARTICLE_COLUMNS: tuple[ArticleColumn, ...] = (
    ArticleColumn("site_key", attrgetter("extracted.site_key"), is_derived=False),
    ArticleColumn("canonical_url", attrgetter("extracted.canonical_url")),
    ArticleColumn("url", attrgetter("extracted.url"), is_derived=False),
    ArticleColumn("title", attrgetter("extracted.title")),
    ArticleColumn("authors", attrgetter("extracted.authors")),
    ArticleColumn(
        "author_kinds", attrgetter("extracted.author_kinds"), left_out_of_hash_when=lambda kinds: set(kinds) <= {PERSON}
    ),
    ArticleColumn("section", attrgetter("extracted.section")),
    ArticleColumn("tags", attrgetter("extracted.tags")),
    *_date_columns("published"),
    *_date_columns("modified"),
    ArticleColumn("date_flags", attrgetter("dates.flags")),
    ArticleColumn("language", attrgetter("extracted.language")),
    ArticleColumn("body_text", attrgetter("extracted.body_text")),
    ArticleColumn("body_markup", attrgetter("extracted.body_markup")),
    ArticleColumn("word_count", attrgetter("word_count"), is_derived=False),
    ArticleColumn("character_count", attrgetter("character_count"), is_derived=False),
    ArticleColumn("content_hash", content_hash, is_derived=False),
    ArticleColumn("archive_location", attrgetter("extracted.archive_location"), is_derived=False),
    ArticleColumn("fetched_at", attrgetter("extracted.fetched_at"), is_derived=False, is_stored=False),
    ArticleColumn("description", attrgetter("extracted.description")),
    ArticleColumn("image_url", attrgetter("extracted.image_url")),
    ArticleColumn("publisher_name", attrgetter("extracted.site_name")),  # the page's own name for its publication
    ArticleColumn("metadata_sources", attrgetter("extracted.metadata_sources"), copy_as=json.dumps),
    ArticleColumn("record_hash", record_hash, is_derived=False),
)
STAGING_COLUMNS = ("load_id", *(column.name for column in ARTICLE_COLUMNS))
_STORED = [column.name for column in ARTICLE_COLUMNS if column.is_stored]
_UPDATED = [name for name in _STORED if name not in ("site_key", "canonical_url")]  # the key stays

PAGE_COLUMNS = (
    "load_id", "site_key", "requested_url", "final_url", "status", "headers", "fetched_at", "content_hash",
    "archive_location",
)  # fmt: skip
GONE_STATUSES = (404, 410)


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
    articles_removed: int
    rejects: int


@dataclass
class LoadOutcomes:
    """What became of each article of a load, for the run's books (broadsheet/accounting.py): filled by
    load_site_run when handed one. A staged article neither new nor changed was unchanged."""

    new: set[str] = field(default_factory=set)  # canonical URLs inserted
    changed: set[str] = field(default_factory=set)  # canonical URLs updated
    refused: dict[str, str] = field(default_factory=dict)  # archive location -> reason: not loaded


_TOUCHED_URLS = """
select article.canonical_url, touched.is_new
from touched_articles as touched
join warehouse.articles as article using (article_id)
"""


def article_row(load_id: uuid.UUID, article: Article) -> tuple:
    """The article's row for staging.article_rows, in STAGING_COLUMNS' order."""
    return (load_id, *(column.copy_as(column.value(article)) for column in ARTICLE_COLUMNS))


def _page_row(load_id: uuid.UUID, page: ArchivedPage) -> tuple:
    return (
        load_id, page.site_key, page.requested_url, page.final_url, page.status, json.dumps(page.headers),
        page.fetched_at, page.content_hash, page.archive_location,
    )  # fmt: skip


_UPSERT_SITE = """
insert into warehouse.sites (site_key, name, base_url, timezone, languages)
values (%(key)s, %(name)s, %(base_url)s, %(timezone)s, %(languages)s)
on conflict (site_key) do update set
    name = excluded.name,
    base_url = excluded.base_url,
    timezone = excluded.timezone,
    languages = excluded.languages
where (warehouse.sites.name, warehouse.sites.base_url, warehouse.sites.timezone, warehouse.sites.languages)
    is distinct from (excluded.name, excluded.base_url, excluded.timezone, excluded.languages)
"""

_INSERT_PAGES = """
insert into raw.pages (
    run_id, site_key, requested_url, final_url, status, headers, fetched_at, content_hash, archive_location
)
select
    %(run_id)s, site_key, requested_url, final_url, status, headers, fetched_at, content_hash, archive_location
from staging.page_rows
where load_id = %(load_id)s
on conflict (site_key, archive_location) do nothing
"""

_UPSERT_ARTICLES = """
with latest_per_article as (
    select distinct on (canonical_url) *
    from staging.article_rows
    where load_id = %(load_id)s
    -- the newest fetch; two in the same second: the later record of the archive
    order by canonical_url, fetched_at desc, nullif(split_part(archive_location, '#', 2), '')::bigint desc nulls last
),
new_or_changed as (
    -- Unchanged articles never reach the insert: PostgreSQL would compute the search vector of every
    -- candidate row before finding the conflict.
    select staged.*
    from latest_per_article as staged
    where not exists (
        select 1 from warehouse.articles as article
        where article.canonical_url = staged.canonical_url and article.record_hash = staged.record_hash
    )
),
upserted as (
    insert into warehouse.articles (
        {columns},
        search_config,
        first_seen_at,
        last_seen_at,
        fetched_at,
        loaded_by_run_id
    )
    select
        {staged_columns},
        coalesce(search_language.search_config, 'simple'),
        staged.fetched_at,
        staged.fetched_at,
        staged.fetched_at,
        %(run_id)s
    from new_or_changed as staged
    left join warehouse.search_languages as search_language on search_language.language = staged.language
    on conflict (canonical_url) do update set
        {updates},
        search_config = excluded.search_config,
        last_seen_at = greatest(warehouse.articles.last_seen_at, excluded.last_seen_at),
        search_vector = null,
        removed_at = null,
        loaded_by_run_id = excluded.loaded_by_run_id,
        fetched_at = excluded.fetched_at
    where warehouse.articles.record_hash is distinct from excluded.record_hash
      -- an older fetch loaded later (a backfill) never replaces a newer one; the same fetch re-extracted does
      and excluded.fetched_at >= coalesce(warehouse.articles.fetched_at, '-infinity')
      and warehouse.articles.site_key = excluded.site_key  -- a site never overwrites another's article
    returning article_id, (xmax = 0) as is_new
)
insert into touched_articles (article_id, is_new)
select article_id, is_new
from upserted
""".format(
    columns=",\n        ".join(_STORED),
    staged_columns=",\n        ".join(f"staged.{name}" for name in _STORED),
    updates=",\n        ".join(f"{name} = excluded.{name}" for name in _UPDATED),
)

_TOUCH_UNCHANGED = """
update warehouse.articles as article
set
    last_seen_at = greatest(article.last_seen_at, staged.fetched_at),
    removed_at = null
from staging.article_rows as staged
where staged.load_id = %(load_id)s
  and article.canonical_url = staged.canonical_url
  and article.record_hash = staged.record_hash
  and (staged.fetched_at > article.last_seen_at or article.removed_at is not null)
"""

_CREATE_TOUCHED = """
create temporary table if not exists touched_articles (
    article_id bigint primary key,
    is_new boolean not null
) on commit delete rows
"""

_INSERT_VERSIONS = """
insert into warehouse.article_versions (
    article_id, content_hash, title, authors, body_text, body_markup, published_at, modified_at, word_count,
    archive_location, first_seen_at, loaded_by_run_id
)
select
    article.article_id, article.content_hash, article.title, article.authors, article.body_text,
    article.body_markup, article.published_at, article.modified_at, article.word_count, article.archive_location,
    article.last_seen_at, %(run_id)s
from touched_articles as touched
join warehouse.articles as article using (article_id)
on conflict (article_id, content_hash) do nothing
"""

_INSERT_AUTHORS = """
insert into warehouse.authors (site_key, name, kind)
select distinct on (article.site_key, credit.name) article.site_key, credit.name, coalesce(credit.kind, 'person')
from touched_articles as touched
join warehouse.articles as article using (article_id)
cross join lateral unnest(article.authors, article.author_kinds) as credit(name, kind)
where credit.name is not null
order by article.site_key, credit.name, article.last_seen_at desc  -- the latest load's judgement wins
on conflict (site_key, name) do update set kind = excluded.kind
where warehouse.authors.kind is distinct from excluded.kind
"""

_COUNT_TOUCHED = """
select
    count(*) filter (where is_new),
    count(*) filter (where not is_new),
    (select count(distinct canonical_url) from staging.article_rows where load_id = %(load_id)s)
from touched_articles
"""

_INDEX_FOR_SEARCH = """
update warehouse.articles
set search_vector = setweight(to_tsvector(search_config, title), 'A')
    || setweight(to_tsvector(search_config, body_text), 'B')
where site_key = %(site_key)s and search_vector is null
"""

_RELINK_AUTHORS = """
with current_bylines as (
    select article.article_id, author.author_id, min(byline.position)::smallint as position
    from touched_articles as touched
    join warehouse.articles as article using (article_id)
    cross join lateral unnest(article.authors) with ordinality as byline(name, position)
    join warehouse.authors as author on author.site_key = article.site_key and author.name = byline.name
    group by article.article_id, author.author_id
),
stale_links as (
    delete from warehouse.article_authors as link
    where link.article_id in (select article_id from touched_articles)  -- a byline left empty included
      and not exists (
          select 1 from current_bylines as wanted
          where wanted.article_id = link.article_id and wanted.author_id = link.author_id
      )
)
insert into warehouse.article_authors (article_id, author_id, position)
select article_id, author_id, position
from current_bylines
on conflict (article_id, author_id) do update set position = excluded.position
where warehouse.article_authors.position is distinct from excluded.position
"""

_MARK_REMOVED = """
with gone_pages as (
    select requested_url, final_url, fetched_at
    from staging.page_rows
    where load_id = %(load_id)s and status = any(%(gone_statuses)s)
)
update warehouse.articles as article
set removed_at = gone_pages.fetched_at
from gone_pages
where article.site_key = %(site_key)s
  and article.removed_at is null
  and article.url in (gone_pages.requested_url, gone_pages.final_url)
  and not exists (
      select 1 from staging.article_rows as staged
      where staged.load_id = %(load_id)s and staged.canonical_url = article.canonical_url
  )
"""

_INSERT_REJECT = """
insert into etl.rejects (run_id, site_key, url, stage, reason, detail, archive_location, page_id)
values (
    %(run_id)s, %(site_key)s, %(url)s, %(stage)s, %(reason)s, %(detail)s, %(archive_location)s,
    (select page_id from raw.pages where site_key = %(site_key)s and archive_location = %(archive_location)s)
)
on conflict (run_id, site_key, url, stage) do update set
    reason = excluded.reason,
    detail = excluded.detail,
    archive_location = excluded.archive_location,
    page_id = excluded.page_id
"""

_RECORD_RUN = """
insert into etl.runs (
    run_id, site_key, interval_start, interval_end, started_at, finished_at,
    pages_fetched, pages_not_modified, articles_new, articles_changed, articles_unchanged, articles_removed,
    rejects, status
)
values (
    %(run_id)s, %(site_key)s, %(interval_start)s, %(interval_end)s, %(started_at)s, now(),
    %(pages_fetched)s, %(pages_not_modified)s, %(articles_new)s, %(articles_changed)s, %(articles_unchanged)s,
    %(articles_removed)s, %(rejects)s, 'succeeded'
)
on conflict (run_id, site_key) do update set
    interval_start = excluded.interval_start,
    interval_end = excluded.interval_end,
    started_at = excluded.started_at,
    finished_at = excluded.finished_at,
    pages_fetched = excluded.pages_fetched,
    pages_not_modified = excluded.pages_not_modified,
    articles_new = excluded.articles_new,
    articles_changed = excluded.articles_changed,
    articles_unchanged = excluded.articles_unchanged,
    articles_removed = excluded.articles_removed,
    rejects = excluded.rejects,
    status = excluded.status,
    error = null
"""

_RECORD_FAILED_RUN = """
insert into etl.runs (run_id, site_key, interval_start, interval_end, started_at, finished_at, status, error)
values (%(run_id)s, %(site_key)s, %(interval_start)s, %(interval_end)s, now(), now(), 'failed', %(error)s)
on conflict (run_id, site_key) do update set
    finished_at = excluded.finished_at,
    status = 'failed',
    error = excluded.error
where etl.runs.status <> 'succeeded'
"""


def _copy(cursor: psycopg.Cursor, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
    count = 0
    with cursor.copy(f"copy {table} ({', '.join(columns)}) from stdin") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def record_failed_run(conn: psycopg.Connection, run: RunContext, error: str) -> None:
    """Record that a site's run failed, in its own transaction (the failed load's own was rolled back).

    A run that already succeeded is left as it is: a later retry's failure does not undo a success.
    """
    if conn.info.transaction_status == psycopg.pq.TransactionStatus.INERROR:
        conn.rollback()
    with conn.transaction():
        conn.execute(_UPSERT_SITE, run.site.model_dump())
        conn.execute(
            _RECORD_FAILED_RUN,
            {"run_id": run.run_id, "site_key": run.site.key, "interval_start": run.interval_start,
             "interval_end": run.interval_end, "error": error[:2000]},
        )  # fmt: skip


def index_for_search(conn: psycopg.Connection, site_key: str) -> int:
    """Fill the full-text search vector of the site's new and changed articles; returns how many.

    Its own transaction, after the load: to_tsvector is the most expensive part of loading an article, and
    holding the load's lock and transaction for it would slow every load. Articles are readable at once;
    they become searchable when this commits, moments later. Safe to re-run: it only fills nulls.
    """
    with conn.transaction():
        return conn.execute(_INDEX_FOR_SEARCH, {"site_key": site_key}).rowcount


def _own_articles(site: SiteConfig, articles: Iterable[Article], refused: list[Reject]) -> Iterator[Article]:
    """The articles whose canonical URL is the site's own, made storable; the others become rejects
    `foreign_canonical` in `refused`: one site's pages never write another publisher's rows."""
    for article in articles:
        found = article.extracted
        foreign = site.foreign_origin(found.canonical_url)
        if foreign:
            detail = f"canonical URL {found.canonical_url} is not this site's ({foreign}): not loaded"
            refused.append(
                Reject(site.key, found.url, "load", RejectReason.FOREIGN_CANONICAL, detail, found.archive_location)
            )
            continue
        yield storable(article)


def load_site_run(
    conn: psycopg.Connection,
    run: RunContext,
    articles: Iterable[Article],
    rejects: Iterable[Reject],
    pages: Iterable[ArchivedPage] = (),
    pages_not_modified: int = 0,
    outcomes: LoadOutcomes | None = None,
) -> LoadSummary:
    """Load one site's run in one transaction; returns what changed (and, into `outcomes`, which articles)."""
    started_at = datetime.now(UTC)
    load_id = uuid.uuid4()
    params = {"load_id": load_id, "run_id": run.run_id, "site_key": run.site.key, "gone_statuses": list(GONE_STATUSES)}
    with conn.transaction(), conn.cursor() as cursor:
        cursor.execute(
            "select pg_advisory_xact_lock(hashtext(%s), hashtext(%s))", (run.site.key, run.interval_start.isoformat())
        )
        cursor.execute(_UPSERT_SITE, run.site.model_dump())
        pages_fetched = _copy(cursor, "staging.page_rows", PAGE_COLUMNS, (_page_row(load_id, p) for p in pages))
        cursor.execute(_INSERT_PAGES, params)
        refused: list[Reject] = []  # rows that would write another site's article
        own = _own_articles(run.site, articles, refused)
        staged = _copy(cursor, "staging.article_rows", STAGING_COLUMNS, (article_row(load_id, a) for a in own))
        cursor.execute(_CREATE_TOUCHED)
        cursor.execute("delete from touched_articles")  # a caller's open transaction may still hold rows
        cursor.execute(_UPSERT_ARTICLES, params)
        new, changed, distinct_articles = cursor.execute(_COUNT_TOUCHED, params).fetchone()
        if outcomes is not None:
            for canonical_url, is_new in cursor.execute(_TOUCHED_URLS).fetchall():
                (outcomes.new if is_new else outcomes.changed).add(canonical_url)
            outcomes.refused.update((reject.archive_location, reject.reason.value) for reject in refused)
        cursor.execute(_TOUCH_UNCHANGED, params)
        cursor.execute(_INSERT_VERSIONS, params)
        cursor.execute(_INSERT_AUTHORS, params)
        cursor.execute(_RELINK_AUTHORS, params)
        removed = cursor.execute(_MARK_REMOVED, params).rowcount
        reject_rows = [
            {**params, "url": r.url, "stage": r.stage, "reason": r.reason.value, "detail": r.detail,
             "archive_location": r.archive_location}
            for r in map(storable, (*rejects, *refused))
        ]  # fmt: skip
        cursor.executemany(_INSERT_REJECT, reject_rows)
        cursor.execute("delete from staging.article_rows where load_id = %(load_id)s", params)
        cursor.execute("delete from staging.page_rows where load_id = %(load_id)s", params)
        summary = LoadSummary(
            site_key=run.site.key,
            pages_fetched=pages_fetched,
            articles_new=new,
            articles_changed=changed,
            articles_unchanged=distinct_articles - new - changed,
            articles_removed=removed,
            rejects=len(reject_rows),
        )
        cursor.execute(
            _RECORD_RUN,
            {
                **params,
                "interval_start": run.interval_start,
                "interval_end": run.interval_end,
                "started_at": started_at,
                "pages_not_modified": pages_not_modified,
                **{k: v for k, v in summary.__dict__.items() if k != "site_key"},
            },
        )
    logger.info(
        "site=%s run=%s stage=load pages=%d staged=%d new=%d changed=%d unchanged=%d removed=%d rejects=%d",
        run.site.key, run.run_id, pages_fetched, staged, summary.articles_new, summary.articles_changed,
        summary.articles_unchanged, summary.articles_removed, summary.rejects,
    )  # fmt: skip
    return summary
