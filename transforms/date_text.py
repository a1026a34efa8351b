"""Read dates out of free text (bylines, labels, relative dates) with dateparser, when the exact formats fail.

dateparser is restricted to the page's and the site's languages, with PREFER_DATES_FROM=past, the site's
day/month order, and relative dates ("vor 3 Stunden", "hace 2 días", "3時間前") counted back from the fetch
time in the site's zone. A byline is split at its separators and read segment by segment, so "2 Min.
Lesezeit" or "3 comments" beside the date are never taken for a day of the month.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateparser.conf import Settings
from dateparser.date import DateDataParser
from dateparser.languages.loader import default_loader
from dateparser.search import search_dates

from transforms.date_formats import (
    DateContext,
    ImpossibleDate,
    ReadDate,
    read_fast,
    read_named_month,
    read_wall_time,
)

logger = logging.getLogger(__name__)

SEGMENT_SEPARATORS = re.compile(r"\s*[|•·\n]\s*|\s+[-–—]\s+")
# "a.m." / "p.m." as dateparser reads them
_MERIDIEM = re.compile(r"\b([ap])\.\s?m\.", re.I)
_BEFORE_FIRST_DIGIT = re.compile(r"^\D*")
_HOUR_H_MINUTE = re.compile(r"\b(\d{1,2})h(\d{2})\b")  # "14h30" (French, Portuguese) as "14:30"
# Arabic-Indic and Eastern Arabic-Indic digits, and full-width digits, as ASCII digits
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹０１２３４５６７８９", "0123456789" * 3)
_HAS_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)|\d{1,2}[./-]\d{1,2}[./-]\d{2}(?!\d)|年")


@lru_cache(maxsize=64)
def _parser(languages: tuple[str, ...], date_order: str, relative_base: datetime) -> DateDataParser:
    settings = {
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": relative_base,
        "DATE_ORDER": date_order,
        "RETURN_TIME_AS_PERIOD": True,
        "PREFER_DAY_OF_MONTH": "first",
    }
    return DateDataParser(languages=list(languages) or None, settings=settings)


_DATE_WORDS = re.compile(
    r"\bago\b|\bnow\b|\bin \d|\b(?:january|february|march|april|may|june|july|august|september|october|"
    r"november|december)\b"
)


@lru_cache(maxsize=4096)
def _names_a_date(text: str, languages: tuple[str, ...]) -> bool:
    """True when a year-less text says a relative date ("vor 3 Stunden", "昨天") or names a month.

    dateparser skips words it does not know, so "Page 2" would otherwise read as the 2nd of this month.
    Its own translation to English tokens ("3 hour ago", "15 march") is the language-independent test.
    """
    for language in languages:
        try:
            translated = default_loader.get_locale(language).translate(text, keep_formatting=False, settings=Settings())
        except (KeyError, ValueError):
            continue
        if _DATE_WORDS.search(translated):
            return True
    return False


_NUMERIC_MONTH = re.compile(r"(?<!\d)\d{1,2}[./-]\d{1,2}(?!\d)|(?<!\d)\d{4}[./-]\d{1,2}(?!\d)|\d{1,2}[./-]\d{4}|月")


def _names_a_month(text: str, languages: tuple[str, ...]) -> bool:
    """True when the text gives a month, by name or in a numeric date. dateparser fills a month the text
    lacks from its relative base: "Jahresbericht 2021" or "Unica.md, 20 septembrie 2020 16:20" read in English
    became this month of 2021 or of 2020."""
    return bool(_NUMERIC_MONTH.search(text)) or _names_a_date(text, languages)


# dateparser's period of a reading -> our precision (a week or year alone is read no finer than day or month)
PERIOD_PRECISION = {"time": "minute", "hour": "minute", "minute": "minute", "second": "minute", "day": "day",
                    "week": "day", "month": "month", "year": "month"}  # fmt: skip


def _from_dateparser(found: datetime, period: str, context: DateContext, is_relative: bool) -> ReadDate:
    precision = PERIOD_PRECISION.get(period, "day")
    if found.tzinfo is not None:
        at = found.astimezone(UTC)
        return ReadDate(at.replace(second=0, microsecond=0), precision, is_timezone_assumed=False)
    if precision == "day":
        found = found.replace(hour=0, minute=0, second=0, microsecond=0)
    elif precision == "month":
        found = found.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    else:
        found = found.replace(second=0, microsecond=0)
    read = read_wall_time(found.timetuple()[:6], context, precision)
    return ReadDate(read.at, precision, True, is_relative)


def _attempts(segment: str, languages: tuple[str, ...]) -> list[str]:
    """The segment whole, then without leading label words ("Published", "Veröffentlicht am"), then from its
    first digit on ("发布时间：2024-03-15 14:30"). A label word has no digit and names no date, so "30" of
    "30 février" or "February" of "February 30" is never dropped to make an impossible date readable.
    """
    words = segment.split()
    attempts = [segment]
    for skip in range(1, min(5, len(words))):
        label = words[skip - 1]
        if re.search(r"\d", label) or _names_a_date(label, languages):
            break
        attempts.append(" ".join(words[skip:]))
    prefix = _BEFORE_FIRST_DIGIT.match(segment)
    if prefix and not _names_a_date(prefix.group(), languages):
        attempts.append(segment[prefix.end() :])
    return [attempt for attempt in dict.fromkeys(attempts) if attempt.strip()]


def _two_digit_year(text: str) -> bool:
    return re.search(r"\d{1,2}[./-]\d{1,2}[./-]\d{2}(?!\d)", text) is not None


# a day, month and four-digit year written with dots or slashes, which no neighbouring word can complete or change
_WHOLE_NUMERIC_DATE = re.compile(r"\d{1,2}([./])\d{1,2}\1\d{4}")


def _stands_alone(span: str, segment: str, languages: tuple[str, ...]) -> bool:
    """False when a found date is a bare year, or part of a longer date dateparser could not read
    ("30 février 2024" found as "février 2024"; "February 30, 2024" as "30, 2024"): the word next to it is
    a number or a month."""
    if re.fullmatch(r"\W*\d{4}\W*", span):
        return False  # a year alone is not a date
    if _WHOLE_NUMERIC_DATE.fullmatch(span.strip()):
        return True  # "28.10.2021" is a whole date whatever stands beside it ("Berlin, 28.10.2021, 058/21")
    before, _, after = segment.partition(span)
    neighbours = [word for word in (before.split()[-1:] + after.replace(",", " ").split()[:1]) if word]
    return not any(re.search(r"\d", word) or _names_a_date(word, languages) for word in neighbours)


_CLOCK_ONLY = re.compile(r"^\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:am|pm|uhr|h)?(?:\s+[A-Z]{1,5})?$", re.I)
_ZONE_ABBREVIATION = re.compile(r"(?<![A-Za-z])\(?([A-Z]{2,5})\)?(?![A-Za-z])")


def _segments(text: str) -> list[str]:
    """The text split at byline separators, a lone clock time joined back to the date before it
    ("5 March 2024 • 10:42am", "05/03/2024 - 10:42")."""
    segments: list[str] = []
    for part in SEGMENT_SEPARATORS.split(text):
        if part and segments and _CLOCK_ONLY.match(part):
            segments[-1] = f"{segments[-1]} {part}"
        elif part:
            segments.append(part)
    return segments


@lru_cache(maxsize=256)
def _zone_offsets(zone: ZoneInfo, year: int) -> dict[str, timedelta]:
    """The zone's own abbreviations in a year (standard and summer time) and their UTC offsets."""
    offsets = {}
    for month in (1, 7):
        moment = datetime(year, month, 1, tzinfo=zone)
        name, offset = moment.tzname(), moment.utcoffset()
        if name and name.isalpha() and offset is not None:
            offsets[name] = offset
    return offsets


def _site_zone_named(text: str, context: DateContext) -> tuple[str, timedelta | None]:
    """A zone abbreviation that is one of the site's own zone's ("IST" on an Asia/Kolkata site, "CEST" on a
    Berlin one) is taken out of the text and its offset returned: abbreviations are ambiguous (IST is India,
    Israel and Ireland), the site's zone settles which one the page meant."""
    offsets = _zone_offsets(context.zone, context.fetched_at.year)
    for match in _ZONE_ABBREVIATION.finditer(text):
        if match.group(1) in offsets:
            return (text[: match.start()] + " " + text[match.end() :]).strip(), offsets[match.group(1)]
    return text, None


def _with_stated_offset(read: ReadDate, offset: timedelta | None, context: DateContext) -> ReadDate:
    """The reading with the wall time taken at the offset the page named, not the one the zone would use."""
    if offset is None or not read.is_timezone_assumed:
        return read
    # the wall time as written: the one that, read in the site's zone with fold=0, gave this instant
    utc = read.at.replace(tzinfo=None)
    for zone_offset in {read.at.astimezone(context.zone).utcoffset(), *_zone_offsets(context.zone, utc.year).values()}:
        wall = utc + (zone_offset or timedelta(0))
        if wall.replace(tzinfo=context.zone, fold=0).astimezone(UTC) == read.at:
            return replace(read, at=(wall - offset).replace(tzinfo=UTC), is_timezone_assumed=False)
    return read


# a clock time ("14:30", "14.30 Uhr", "14h30"), not the day and month of a numeric date ("19.5.2007", "09.08.2020")
_CLOCK_IN_TEXT = re.compile(r"(?<![\d.])\d{1,2}(?::\d{2}|[.h]\d{2}(?![.\d]))")


def read_free_text(raw: str, context: DateContext) -> ReadDate | None:
    """Read a date out of free text such as a byline ("Von A. Brenner | 15. März 2024, 14:30 Uhr | 2 Min.").

    The text is split at its separators; each segment is read whole, then without its first words (dropping
    a label such as "Veröffentlicht am"), then searched. Only segments with a year, a numeric date or a
    relative expression that dateparser recognises count, so "2 Min. Lesezeit" or "3 comments" beside the
    date are never taken for a day of the month.
    """
    base = context.fetched_at.astimezone(context.zone).replace(tzinfo=None, second=0, microsecond=0)
    parser = _parser(context.languages, context.date_order, base)
    text = _HOUR_H_MINUTE.sub(r"\1:\2", _MERIDIEM.sub(r"\1m", raw.translate(_DIGITS)))
    text, stated_offset = _site_zone_named(text, context)
    for segment in _segments(text):
        has_year = bool(_HAS_YEAR.search(segment))
        attempts = _attempts(segment, context.languages)
        for attempt in attempts:
            if fast := read_fast(attempt, context) or read_named_month(attempt, context):
                return _with_stated_offset(fast, stated_offset, context)
        for attempt in attempts:
            if not _names_a_date(attempt, context.languages) and not (
                has_year and _names_a_month(attempt, context.languages)
            ):
                continue
            data = parser.get_date_data(attempt)
            found = data.date_obj
            if found is not None and (not has_year or str(found.year) in attempt or _two_digit_year(attempt)):
                read = _from_dateparser(found, data.period or "day", context, is_relative=not has_year)
                return _with_stated_offset(read, stated_offset, context)
        if not has_year:
            continue
        settings = {"PREFER_DATES_FROM": "past", "RELATIVE_BASE": base, "DATE_ORDER": context.date_order}
        found = search_dates(segment, languages=list(context.languages), settings=settings) or []
        found = [
            f
            for f in found
            if _HAS_YEAR.search(f[0])
            and _names_a_month(f[0], context.languages)
            and _stands_alone(f[0], segment, context.languages)
        ]
        if found:
            # the longest matched span carries the most of the date (day, month, year and time)
            span, at = max(found, key=lambda f: len(f[0]))
            has_time = _CLOCK_IN_TEXT.search(span) is not None
            return _from_dateparser(at, "time" if has_time else "day", context, is_relative=False)
    return None


def read_date(raw: str, context: DateContext) -> ReadDate | None:
    """The UTC instant, precision and zone provenance of one date string; None when it holds no date."""
    try:
        return read_fast(raw.translate(_DIGITS), context) or read_free_text(raw, context)
    except ImpossibleDate:
        return None
    except (ValueError, OverflowError) as error:  # dateparser on odd text ("year 99999 is out of range")
        logger.debug("no date read from %r: %s", raw[:80], error)
        return None
