"""Choosing one date among a page's candidates: how far each source is trusted, and which readings are plausible.

Candidates are tried in trust order (SOURCE_TRUST). One that cannot be read, is later than the fetch time plus a
tolerance, or is before 1990 is skipped (the implausible ones leave a flag) and the next is tried. What the chosen
date is then checked against is in transforms/date_offsets.py and transforms/shown_dates.py; transforms/dates.py
runs the whole choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from broadsheet.records import DateCandidate
from transforms import date_candidates as sources
from transforms.date_formats import DateContext, ReadDate
from transforms.date_text import read_date

# Lower is more trusted. Meta tags are "meta:<name>", microdata "microdata:<prop>".
SOURCE_TRUST = {
    sources.JSON_LD: 0,
    sources.MICRODATA: 0,
    "meta": 1,
    "json-ld:": 2,  # a generic WebPage or VideoObject, not the article object
    sources.TIME_ELEMENT: 2,
    sources.NEWS_SITEMAP: 3,
    sources.BYLINE: 4,
    sources.TIME_TEXT: 4,
    sources.FEED: 5,
    sources.URL_PATH: 6,
    sources.HTMLDATE: 7,
    sources.SITEMAP_LASTMOD: 8,
    sources.HTTP_LAST_MODIFIED: 9,
}
# Sources whose disagreement with the chosen date is worth a flag (the page's and discovery's own statements).
TRUSTED_UP_TO = SOURCE_TRUST[sources.URL_PATH]
LAST_CHANGED_SOURCES = {sources.SITEMAP_LASTMOD, sources.HTTP_LAST_MODIFIED}
FUTURE_TOLERANCE = timedelta(hours=1)
DISAGREEMENT = timedelta(days=1)
EARLIEST_PLAUSIBLE = datetime(1990, 1, 1, tzinfo=UTC)
PRECISIONS = ("instant", "minute", "day", "month")  # finest first
VISIBLE_SOURCES = {sources.BYLINE, sources.TIME_TEXT}  # what a reader sees: a byline, a <time>'s own text
Readings = list[tuple[DateCandidate, ReadDate | None]]  # each candidate with its reading (None: no date in it)


@dataclass(frozen=True)
class NormalisedDate:
    """A chosen date as the warehouse stores it: the instant, the text as found, where it was found, how precise
    it is, and whether its zone was the site's assumption or a relative phrase's guess."""

    at: datetime  # UTC
    raw: str
    source: str
    precision: str = "instant"
    is_timezone_assumed: bool = False
    is_relative: bool = False


def chosen_date(candidate: DateCandidate, read: ReadDate, *, timezone_assumed: bool | None = None) -> NormalisedDate:
    """`candidate` read as `read`, as a chosen date (its zone assumed as the reading says, unless told)."""
    assumed = read.is_timezone_assumed if timezone_assumed is None else timezone_assumed
    return NormalisedDate(read.at, candidate.raw, candidate.source, read.precision, assumed, read.is_relative)


def source_trust(source: str) -> int:
    """The source's rank in SOURCE_TRUST ("meta:article:published_time" as "meta"); unknown sources last."""
    if source.startswith(f"{sources.JSON_LD}:"):
        return SOURCE_TRUST["json-ld:"]
    kind = source.split(":", 1)[0] if source.startswith(("meta:", "microdata:")) else source
    return SOURCE_TRUST.get(kind, len(SOURCE_TRUST))


def implausible(read: ReadDate, context: DateContext) -> str | None:
    if read.at > context.fetched_at + FUTURE_TOLERANCE:
        return "after_fetch"
    if read.at < EARLIEST_PLAUSIBLE:
        return "before_1990"
    return None


# A relative or year-less reading ("vor 3 Stunden", "Gestern um 02:12", "13 Aug") is only as good as the guess of
# when the page was written: after every absolute reading of the page, before the "last changed" signals.
RELATIVE_TRUST = SOURCE_TRUST[sources.HTMLDATE] + 0.5


def _reading_trust(candidate: DateCandidate, read: ReadDate | None) -> float:
    trust = source_trust(candidate.source)
    if read is not None and read.is_relative and candidate.source not in LAST_CHANGED_SOURCES:
        return max(trust, RELATIVE_TRUST)
    return trust


def read_all(candidates: list[DateCandidate], context: DateContext) -> Readings:
    """Every candidate with its reading, most trusted first (page order within a source). A relative reading
    counts back from the fetch, which says nothing about a page that has been online for years: it comes after
    every absolute date the page or its URL states."""
    readings = [(candidate, read_date(candidate.raw, context)) for candidate in candidates]
    return sorted(readings, key=lambda pair: _reading_trust(*pair))  # stable


def choose(
    kind: str,
    readings: Readings,
    context: DateContext,
    flags: list[str],
    skipped: list[str],
    not_before: datetime | None = None,
) -> NormalisedDate | None:
    for candidate, read in readings:
        if read is None:
            skipped.append(f"{candidate.source} {candidate.raw[:60]!r}: no date in it")
            continue
        if problem := implausible(read, context):
            flags.append(f"{kind}_{problem}")
            skipped.append(f"{candidate.source} {candidate.raw[:60]!r}: {problem.replace('_', ' ')}")
            continue
        if not_before is not None and read.at < not_before:
            # A page that says it changed before it was published is worth a flag; a stale file date
            # (HTTP Last-Modified, sitemap lastmod) only says the file was not touched since.
            if candidate.source not in LAST_CHANGED_SOURCES:
                flags.append("modified_before_published")
            skipped.append(f"{candidate.source} {candidate.raw[:60]!r}: before the published date")
            continue
        return chosen_date(candidate, read)
    return None


def disagrees(chosen: NormalisedDate, readings: Readings) -> bool:
    if source_trust(chosen.source) > TRUSTED_UP_TO:
        return False
    return any(
        read is not None
        and source_trust(candidate.source) <= TRUSTED_UP_TO
        and abs(read.at - chosen.at) > DISAGREEMENT
        and read.at >= EARLIEST_PLAUSIBLE
        for candidate, read in readings
    )
