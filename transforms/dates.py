"""Normalise an article's dates to UTC, choosing among the page's candidates by trust, keeping provenance.

ISO 8601 and RFC 2822 strings take a fast path; free text goes to dateparser, restricted to the site's
languages. A naive local time is read in the site's time zone. DST rule: a wall time in the spring-forward
gap or the repeated autumn hour is read with `fold=0`, i.e. with the offset in force *before* the change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import dateparser
from dateparser.search import search_dates

from broadsheet.records import DateCandidate

# Lower is more trusted: structured data, then meta tags, then <time>, then visible text.
SOURCE_TRUST = {"json-ld": 0, "time[datetime]": 2, "byline": 3}
META_TRUST = 1
FUTURE_TOLERANCE = timedelta(hours=1)
EARLIEST_PLAUSIBLE = datetime(1990, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class NormalisedDate:
    at: datetime  # UTC
    raw: str
    source: str


def _trust(candidate: DateCandidate) -> int:
    return META_TRUST if candidate.source.startswith("meta:") else SOURCE_TRUST.get(candidate.source, 9)


def _fast_path(raw: str) -> datetime | None:
    text = raw.strip()
    if re.match(r"^\d{4}-\d{2}-\d{2}", text):
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1))
        except ValueError:
            return None
    if re.match(r"^\d{9,10}(\.\d+)?$", text):  # epoch seconds
        return datetime.fromtimestamp(float(text), tz=UTC)
    if re.match(r"^(\w{3},\s*)?\d{1,2}\s+\w{3}\s+\d{4}\s+\d", text):
        try:
            return parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
    return None


BYLINE_SEPARATORS = re.compile(r"\s*[|•·\n]\s*")
_DATEPARSER_SETTINGS = {"RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DATES_FROM": "past", "STRICT_PARSING": False}


def _free_text(raw: str, languages: list[str]) -> datetime | None:
    """Read a date out of free text such as a byline ("Von A. Brenner | 15. März 2024, 14:30 Uhr | 2 Min.").

    A byline is split at its separators and only segments with a four-digit year are read, so that
    "2 Min. Lesezeit" or "3 comments" beside the date are never taken for a day of the month.
    """
    text = re.sub(r"\b([ap])\.\s?m\.", r"\1m", raw, flags=re.I)
    for segment in BYLINE_SEPARATORS.split(text):
        if not re.search(r"\d{4}", segment):
            continue
        parsed = dateparser.parse(segment, languages=languages, settings=_DATEPARSER_SETTINGS)
        if parsed is not None:
            return parsed
        found = search_dates(segment, languages=languages, settings=_DATEPARSER_SETTINGS) or []
        # the longest matched span carries the most of the date (day, month, year and time)
        found = [f for f in found if re.search(r"\d{4}", f[0])]
        if found:
            return max(found, key=lambda f: len(f[0]))[1]
    return None


def parse_candidate(candidate: DateCandidate, zone: ZoneInfo, languages: list[str]) -> datetime | None:
    """The candidate as an aware UTC datetime, or None when it cannot be read."""
    parsed = _fast_path(candidate.raw) or _free_text(candidate.raw, languages)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone, fold=0)
    return parsed.astimezone(UTC)


def normalise_date(
    candidates: list[DateCandidate], timezone: str, languages: list[str], fetched_at: datetime
) -> NormalisedDate | None:
    """The most trusted candidate that parses and is plausible (not in the future, not before 1990)."""
    zone = ZoneInfo(timezone)
    for candidate in sorted(candidates, key=_trust):
        at = parse_candidate(candidate, zone, languages)
        if at is None or at < EARLIEST_PLAUSIBLE or at > fetched_at + FUTURE_TOLERANCE:
            continue
        return NormalisedDate(at=at, raw=candidate.raw, source=candidate.source)
    return None
