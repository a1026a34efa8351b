"""A run's books: every URL it discovered ends in exactly one recorded outcome, or the run fails naming it.

After a site's load, `check_books` follows every URL the run knew of (the article URLs its crawl discovered,
every page of the interval's archive, the URLs of crawl rejects) through the stages' records to the one
outcome it ended in:

    loaded        new, changed or unchanged (a body already loaded is "unchanged" without being extracted)
    not_modified  the site answered 304
    skipped       outside_window, over_page_cap, forbidden_by_robots, not_followed (a skip pattern, a loop)
    rejected      a reject reason (etl.rejects)

and checks the balances between the stages:

    discovered = the sum of outcomes                       every URL has exactly one outcome
    fetched    = archived                                  every response the crawl got is in its WARC
    archived   = extracted + rejected + not modified + unchanged    every archived page was dealt with
    extracted  = loaded + refused + outside the interval   every article reached the warehouse or a reason

A URL that falls through is counted under `missing`, with where it was lost. The counts are stored per
attempt (etl.run_books, etl.run_outcomes: a re-run adds an attempt, never overwrites one), and books that do
not balance fail the task (BooksDoNotBalance) after they are recorded, naming the equation and the first URLs.

It reads only the stage results' record files; it is the one place these counts are computed.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import psycopg

from broadsheet.urls import url_identity

if TYPE_CHECKING:
    from broadsheet.pipeline import Crawled, Extracted, Loaded, Normalised

logger = logging.getLogger(__name__)

DISCOVERED_OUTCOMES = "discovered = the sum of outcomes"
FETCHED_ARCHIVED = "fetched = archived"
ARCHIVED_EXTRACTED = "archived = extracted + rejected + not modified + unchanged"
EXTRACTED_LOADED = "extracted = loaded + refused + outside the interval"
EQUATIONS = (DISCOVERED_OUTCOMES, FETCHED_ARCHIVED, ARCHIVED_EXTRACTED, EXTRACTED_LOADED)
SHOWN_URLS = 10  # missing URLs an error message names, per equation

# the crawl's outcome of a discovered URL (crawlers/spider.py) that is final: a skip, with its reason
CRAWL_SKIPS = {"outside_window", "over_page_cap", "forbidden_by_robots", "not_followed"}


@dataclass(frozen=True)
class DiscoveredUrl:
    """An article URL the crawl discovered, and what the crawl did with it (crawlers/spider.py)."""

    url: str
    outcome: str  # fetched, not_modified (a 304), failed, requested (never answered), or a skip of CRAWL_SKIPS


@dataclass(frozen=True)
class LoadedArticle:
    """What the load did with one article: loaded (new, changed, unchanged) or refused with a reason."""

    archive_location: str
    canonical_url: str
    outcome: str  # "loaded" or "rejected"
    reason: str  # new / changed / unchanged, or the reject reason


@dataclass(frozen=True)
class Missing:
    """A URL without an outcome: which balance it breaks and where it was lost."""

    equation: str
    url: str
    why: str


@dataclass
class RunBooks:
    """The books of one site's run: the outcome of every URL, and the terms the balances compare."""

    run_id: str
    site_key: str
    outcomes: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # identity -> (url, outcome, reason)
    pages_fetched: int = 0
    pages_archived: int = 0
    pages_read: int = 0
    pages_extracted: int = 0
    pages_rejected: int = 0
    pages_not_modified: int = 0
    pages_unchanged: int = 0
    missing: list[Missing] = field(default_factory=list)

    @property
    def urls_discovered(self) -> int:
        return len(self.outcomes)

    @property
    def urls_accounted(self) -> int:
        return sum(outcome != "missing" for _, outcome, _ in self.outcomes.values())

    @property
    def counts(self) -> Counter[tuple[str, str]]:
        """(outcome, reason) -> URLs."""
        return Counter((outcome, reason) for _, outcome, reason in self.outcomes.values())

    @property
    def is_balanced(self) -> bool:
        return not self.missing and self.urls_accounted == self.urls_discovered

    def lose(self, equation: str, url: str, why: str) -> tuple[str, str]:
        self.missing.append(Missing(equation, url, why))
        return "missing", why

    def unbalanced(self) -> str | None:
        """Which balances failed, each with its first missing URLs; None when the books balance."""
        if self.is_balanced:
            return None
        parts = []
        for equation in EQUATIONS:
            lost = [missing for missing in self.missing if missing.equation == equation]
            if lost:
                shown = "; ".join(f"{missing.url} ({missing.why})" for missing in lost[:SHOWN_URLS])
                more = f" and {len(lost) - SHOWN_URLS} more" if len(lost) > SHOWN_URLS else ""
                parts.append(f"{equation} fails: {len(lost)} missing: {shown}{more}")
        return " | ".join(parts)

    def summary(self) -> str:
        counts = ", ".join(f"{outcome}{'/' + reason if reason else ''}={count}" for (outcome, reason), count in
                           sorted(self.counts.items()))  # fmt: skip
        return f"discovered={self.urls_discovered} accounted={self.urls_accounted} ({counts})"


class BooksDoNotBalance(RuntimeError):
    """A run lost URLs between its stages: the message names the equation that failed and the URLs."""

    def __init__(self, books: RunBooks) -> None:
        self.books = books
        super().__init__(
            f"the books of run {books.run_id} for site {books.site_key} do not balance: {books.unbalanced()}. "
            "The outcomes counted are in etl.run_outcomes; fix the stage that lost them and re-run the site."
        )


def build_books(
    crawled: Crawled,
    extracted: Extracted,
    normalised: Normalised,
    loaded: Loaded,
    in_warehouse: Iterable[str] | None = None,
) -> RunBooks:
    """Follow every URL of the run to its outcome. `in_warehouse`: the canonical URLs of the site's articles
    in the warehouse (None: not checked), so an article counted unchanged must be there."""
    run = loaded.run
    books = RunBooks(run.run_id, run.site_key)

    # --- the archive, page by page (extract's pages: the latest fetch of each URL of the interval) ----------
    pages = list(extracted.pages.read())
    page_by_identity: dict[str, str] = {}  # URL identity (requested, then final) -> archive location
    for page in pages:
        page_by_identity.setdefault(url_identity(page.requested_url), page.archive_location)
    for page in pages:
        page_by_identity.setdefault(url_identity(page.final_url), page.archive_location)
    unchanged = set()
    if crawled.archive.unchanged is not None and not run.options.force_reextract:
        unchanged = set(crawled.archive.unchanged.read())
    article_locations = {article.archive_location for article in extracted.articles.read()}
    rejected_locations: dict[str, str] = {}
    for reject in extracted.rejects.read():  # a reject beside an article is a flag, not the page's outcome
        if reject.archive_location not in article_locations:
            rejected_locations.setdefault(reject.archive_location, reject.reason.value)
    outside = set(normalised.outside.read()) if normalised.outside is not None else set()
    kept = {article.extracted.archive_location for article in normalised.articles.read()}
    loaded_articles = {item.archive_location: item for item in loaded.articles.read()} if loaded.articles else {}
    known = set(in_warehouse) if in_warehouse is not None else None

    page_outcome: dict[str, tuple[str, str]] = {}
    books.pages_read = len(pages)
    for page in pages:
        location, url = page.archive_location, page.requested_url
        if page.status == 304:
            books.pages_not_modified += 1
            page_outcome[location] = ("not_modified", "")
        elif location in unchanged:
            books.pages_unchanged += 1
            page_outcome[location] = ("loaded", "unchanged")
        elif location in article_locations:
            books.pages_extracted += 1
            if location in outside:
                page_outcome[location] = ("skipped", "outside_window")
            elif location in loaded_articles:
                item = loaded_articles[location]
                if item.reason == "unchanged" and known is not None and item.canonical_url not in known:
                    why = f"counted unchanged, but {item.canonical_url} is not in the warehouse"
                    page_outcome[location] = books.lose(EXTRACTED_LOADED, url, why)
                else:
                    page_outcome[location] = (item.outcome, item.reason)
            elif location in kept:
                page_outcome[location] = books.lose(EXTRACTED_LOADED, url, "normalised, never loaded")
            else:
                page_outcome[location] = books.lose(EXTRACTED_LOADED, url, "extracted, never normalised")
        elif location in rejected_locations:
            books.pages_rejected += 1
            page_outcome[location] = ("rejected", rejected_locations[location])
        else:
            page_outcome[location] = books.lose(ARCHIVED_EXTRACTED, url, "archived, neither extracted nor rejected")

    # --- this run's crawl: what it fetched must be in its WARC, and in what extract read -------------------
    archived: set[str] = set()
    if crawled.archived is not None:
        for page in crawled.archived.read():
            archived.update((url_identity(page.requested_url), url_identity(page.final_url)))
            books.pages_archived += 1
    crawl_rejects: dict[str, tuple[str, str]] = {}
    for reject in crawled.rejects.read():
        crawl_rejects.setdefault(url_identity(reject.url), (reject.url, reject.reason.value))

    def settle(identity: str, url: str, outcome: tuple[str, str]) -> None:
        if identity not in books.outcomes:
            books.outcomes[identity] = (url, *outcome)

    for found in crawled.discovered.read() if crawled.discovered is not None else ():
        identity = url_identity(found.url)
        if found.outcome in CRAWL_SKIPS:
            settle(identity, found.url, ("skipped", found.outcome))
        elif found.outcome in ("fetched", "not_modified"):
            books.pages_fetched += 1
            location = page_by_identity.get(identity)
            if identity not in archived:
                settle(identity, found.url, books.lose(FETCHED_ARCHIVED, found.url, "fetched, never archived"))
            elif found.outcome == "not_modified":
                settle(identity, found.url, ("not_modified", ""))  # extract read the earlier body, if any
            elif location is not None:
                settle(identity, found.url, page_outcome[location])
            else:
                lost = books.lose(ARCHIVED_EXTRACTED, found.url, "archived, never read by extract")
                settle(identity, found.url, lost)
        elif found.outcome == "failed" and identity in crawl_rejects:
            settle(identity, found.url, ("rejected", crawl_rejects[identity][1]))
        elif found.outcome == "failed":
            settle(identity, found.url, books.lose(DISCOVERED_OUTCOMES, found.url, "download failed, no reject"))
        else:
            settle(identity, found.url, books.lose(DISCOVERED_OUTCOMES, found.url, f"crawl left it {found.outcome}"))

    # pages archived by earlier runs of the interval, or not discovered again: the archive's own outcome
    for page in pages:
        settle(url_identity(page.requested_url), page.requested_url, page_outcome[page.archive_location])
    for identity, (url, reason) in crawl_rejects.items():  # a sitemap that could not be read, say
        settle(identity, url, ("rejected", reason))
    return books


_NEXT_ATTEMPT = """
select coalesce(max(attempt), 0) + 1 from etl.run_books where run_id = %(run_id)s and site_key = %(site_key)s
"""

_INSERT_BOOKS = """
insert into etl.run_books (
    run_id, site_key, attempt, urls_discovered, urls_accounted, pages_fetched, pages_archived, pages_read,
    pages_extracted, pages_rejected, pages_not_modified, pages_unchanged, is_balanced, unbalanced
)
values (
    %(run_id)s, %(site_key)s, %(attempt)s, %(urls_discovered)s, %(urls_accounted)s, %(pages_fetched)s,
    %(pages_archived)s, %(pages_read)s, %(pages_extracted)s, %(pages_rejected)s, %(pages_not_modified)s,
    %(pages_unchanged)s, %(is_balanced)s, %(unbalanced)s
)
"""

_INSERT_OUTCOME = """
insert into etl.run_outcomes (run_id, site_key, attempt, outcome, reason, urls)
values (%(run_id)s, %(site_key)s, %(attempt)s, %(outcome)s, %(reason)s, %(urls)s)
"""

_FAIL_RUN = """
update etl.runs
set status = 'failed', error = %(error)s
where run_id = %(run_id)s and site_key = %(site_key)s
"""


def record_books(conn: psycopg.Connection, books: RunBooks) -> int:
    """Store the books as the run's next attempt (earlier attempts stay); books that do not balance mark the
    run failed in etl.runs. Returns the attempt number."""
    params = {"run_id": books.run_id, "site_key": books.site_key}
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(hashtext('etl.run_books'), hashtext(%s))", (books.site_key,))
        attempt = conn.execute(_NEXT_ATTEMPT, params).fetchone()[0]
        conn.execute(
            _INSERT_BOOKS,
            {
                **params,
                "attempt": attempt,
                "urls_discovered": books.urls_discovered,
                "urls_accounted": books.urls_accounted,
                "pages_fetched": books.pages_fetched,
                "pages_archived": books.pages_archived,
                "pages_read": books.pages_read,
                "pages_extracted": books.pages_extracted,
                "pages_rejected": books.pages_rejected,
                "pages_not_modified": books.pages_not_modified,
                "pages_unchanged": books.pages_unchanged,
                "is_balanced": books.is_balanced,
                "unbalanced": books.unbalanced(),
            },
        )
        with conn.cursor() as cursor:
            cursor.executemany(
                _INSERT_OUTCOME,
                [
                    {**params, "attempt": attempt, "outcome": outcome, "reason": reason, "urls": count}
                    for (outcome, reason), count in sorted(books.counts.items())
                ],
            )
        if not books.is_balanced:
            conn.execute(_FAIL_RUN, {**params, "error": f"books do not balance: {books.unbalanced()}"[:2000]})
    return attempt


def check_books(
    conn: psycopg.Connection, crawled: Crawled, extracted: Extracted, normalised: Normalised, loaded: Loaded
) -> RunBooks:
    """Build the run's books, record them as a new attempt, and raise BooksDoNotBalance if they do not balance."""
    site_key = loaded.run.site_key
    articles = loaded.articles.read() if loaded.articles is not None else ()
    counted_unchanged = [item.canonical_url for item in articles if item.reason == "unchanged"]
    with conn.transaction():  # its own: the books are committed before the task fails
        query = "select canonical_url from warehouse.articles where site_key = %s and canonical_url = any(%s)"
        in_warehouse = [url for (url,) in conn.execute(query, (site_key, counted_unchanged))]
    books = build_books(crawled, extracted, normalised, loaded, in_warehouse)
    attempt = record_books(conn, books)
    logger.info("site=%s run=%s stage=books attempt=%d %s", site_key, books.run_id, attempt, books.summary())
    if not books.is_balanced:
        raise BooksDoNotBalance(books)
    return books
