"""The typed records that cross stage boundaries: crawl -> archive -> extract -> normalise -> load."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

# The kinds of credit a byline gives (warehouse.authors.kind).
PERSON, ORGANISATION = "person", "organisation"


@dataclass(frozen=True)
class FetchedPage:
    """One HTTP exchange as the crawler saw it and the archive keeps it."""

    site_key: str
    requested_url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime
    archive_location: str = ""  # "<warc file name>#<byte offset>", set when read back from the archive
    # What discovery said about the URL before it was fetched, e.g. {"source": "news-sitemap",
    # "lastmod": "...", "news_publication_date": "...", "news_title": "...", "feed_published": "..."}.
    discovery: dict[str, str] = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass(frozen=True)
class ArchivedPage:
    """What the warehouse keeps of one fetch (raw.pages): everything but the body, which stays in the WARC."""

    site_key: str
    requested_url: str
    final_url: str
    status: int
    headers: dict[str, str]
    fetched_at: datetime
    content_hash: str
    archive_location: str

    @classmethod
    def of(cls, page: FetchedPage) -> ArchivedPage:
        return cls(
            site_key=page.site_key,
            requested_url=page.requested_url,
            final_url=page.final_url,
            status=page.status,
            headers=page.headers,
            fetched_at=page.fetched_at,
            content_hash=hashlib.sha256(page.body).hexdigest(),
            archive_location=page.archive_location,
        )


@dataclass(frozen=True)
class DateCandidate:
    """A date string found on a page, with where it was found."""

    raw: str
    source: str  # e.g. "json-ld", "meta:article:published_time", "time[datetime]", "byline"


@dataclass(frozen=True)
class ExtractedArticle:
    """What extraction got from one page: clean body and raw metadata, before normalisation."""

    site_key: str
    url: str
    canonical_url: str
    title: str
    authors: list[str]
    body_text: str
    language: str | None
    published_candidates: list[DateCandidate]
    modified_candidates: list[DateCandidate]
    fetched_at: datetime
    archive_location: str
    # Descriptive metadata (issue 7); `metadata_sources` says where each came from, e.g. {"title": "json-ld"}.
    body_markup: str | None = None
    description: str | None = None
    image_url: str | None = None
    site_name: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    metadata_sources: dict[str, str] = field(default_factory=dict)
    # Quality flags of the extraction itself (issue 14), e.g. "short_body": a brief kept on the page's evidence.
    extraction_flags: list[str] = field(default_factory=list)
    # PERSON or ORGANISATION for each of `authors` (an agency or newsroom credit is an organisation).
    author_kinds: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ChosenDate:
    """One of an article's dates as normalisation chose it: the UTC instant, the text it was read from, where
    it was found, how precise it is ("instant" | "minute" | "day" | "month") and whether its zone was assumed
    from the site's registry entry (True) or stated by the page (False). All None when no plausible date was
    found."""

    at: datetime | None = None
    raw: str | None = None
    source: str | None = None
    precision: str | None = None
    is_timezone_assumed: bool | None = None


@dataclass(frozen=True)
class ChosenDates:
    """An article's dates part: published and modified, and quality flags such as "sources_disagree" or
    "modified_before_published"."""

    published: ChosenDate = field(default_factory=ChosenDate)
    modified: ChosenDate = field(default_factory=ChosenDate)
    flags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Article:
    """An article ready for the warehouse: what extraction found, and its dates part. What the warehouse
    derives from the two (its columns) is declared once, in broadsheet/loader.py's ARTICLE_COLUMNS."""

    extracted: ExtractedArticle
    dates: ChosenDates = field(default_factory=ChosenDates)

    @property
    def word_count(self) -> int:
        return len(self.extracted.body_text.split())

    @property
    def character_count(self) -> int:
        return len(self.extracted.body_text)


class RejectReason(StrEnum):
    """Why a fetched page did not become an article. Small on purpose: details go in Reject.detail."""

    HTTP_ERROR = "http_error"
    TOO_LARGE = "too_large"  # the response exceeded max_response_bytes and was not downloaded
    REDIRECT_LOOP = "redirect_loop"  # redirects that lead back into their own chain, or too many of them
    OFF_SITE_REDIRECT = "off_site_redirect"  # a redirect to another host, or another port of the site's host
    FORBIDDEN_ADDRESS = "forbidden_address"  # off the site's hosts and ports, or a loopback/private address
    DNS_ERROR = "dns_error"  # the host name does not resolve
    SITEMAP_LIMIT = "sitemap_limit"  # a sitemap beyond the depth or count limit, not read
    EXTRACTION_ERROR = "extraction_error"  # extraction raised on this page (the exception's type in detail)
    FOREIGN_CANONICAL = "foreign_canonical"  # the article's canonical URL belongs to another site
    NOT_HTML = "not_html"
    UNDECODABLE = "undecodable"
    NO_ARTICLE_BODY = "no_article_body"
    NO_TITLE = "no_title"
    NO_DATE = "no_date"


@dataclass(frozen=True)
class Reject:
    """A page that could not be used, with the stage that refused it and why."""

    site_key: str
    url: str
    stage: str
    reason: RejectReason
    detail: str
    archive_location: str
