"""Normalise an article's dates to UTC, choosing among the page's candidates by trust, keeping provenance.

Reading a string (`read_date`):
- Fast path, no dateparser: epoch seconds/milliseconds, ISO 8601 (also year-month and date-only), RFC 2822,
  numeric dates ("15.03.2024", "03/15/24") in the site's day/month order, year-first dates from URLs.
- Everything else goes to dateparser, restricted to the page's and the site's languages, with
  PREFER_DATES_FROM=past and relative dates ("vor 3 Stunden", "hace 2 días") counted back from the fetch time.
- Day/month order is the site's (`site_date_order`): settled once per site from its registry entry, never
  guessed from the string.
- Two-digit years: the century that puts the year at most one year after the fetch.

Precision: "instant" (seconds given), "minute", "day" or "month". A date without a time is stored at
midnight of that day (the 1st of the month for "month") in the site's zone, and its precision says so: it
is not an instant, and consumers must not read the midnight as one.

Time zones: a stated offset or zone wins; a naive time is read in the site's zone and marked as assumed.
DST rule: a wall time in the spring-forward gap or in the repeated autumn hour is read with `fold=0`, i.e.
with the offset in force *before* the change (02:30 on the New York spring-forward day is 02:30 EST =
07:30 UTC; 01:30 on the autumn day is the first 01:30, EDT). One rule for both, the same as zoneinfo's default.

Choosing (`normalise_article_dates`): candidates are tried in trust order (SOURCE_TRUST). One that cannot be
read, is later than the fetch time plus a tolerance, or is before 1990 is skipped (the implausible ones
leave a flag) and the next is tried; a modified date before the published date is skipped the same way.
Published dates from "last changed" signals (sitemap lastmod, HTTP Last-Modified) are a flagged last resort.
Trusted sources that disagree with the chosen date by more than a day leave the flag `sources_disagree`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_tz
from functools import lru_cache
from zoneinfo import ZoneInfo

from broadsheet.transforms import date_candidates as sources
from dateparser.conf import Settings
from dateparser.date import DateDataParser
from dateparser.languages.loader import default_loader
from dateparser.search import search_dates

from broadsheet.records import DateCandidate

# Lower is more trusted. Meta tags are "meta:<name>", microdata "microdata:<prop>".
SOURCE_TRUST = {
    sources.JSON_LD: 0,
    sources.MICRODATA: 0,
    "meta": 1,
    "json-ld:": 2,  # a generic WebPage or VideoObject, not the article object
    sources.TIME_ELEMENT: 2,
    sources.NEWS_SITEMAP: 3,
    sources.BYLINE: 4,
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


@dataclass(frozen=True)
class ReadDate:
    """A date string read: the UTC instant it stands for, how precise it is, whether its zone was assumed."""

    at: datetime
    precision: str
    is_timezone_assumed: bool
    is_relative: bool = False


@dataclass(frozen=True)
class NormalisedDate:
    at: datetime  # UTC
    raw: str
    source: str
    precision: str = "instant"
    is_timezone_assumed: bool = False
    is_relative: bool = False


@dataclass(frozen=True)
class DateContext:
    """What reading a date needs besides the string: the site's zone, languages, day/month order, fetch time."""

    zone: ZoneInfo
    languages: tuple[str, ...]
    date_order: str
    fetched_at: datetime

    @classmethod
    def for_site(
        cls, timezone: str, languages: list[str], fetched_at: datetime, page_language: str | None = None
    ) -> DateContext:
        wanted = [page_language] if page_language else []
        wanted += [language for language in languages if language not in wanted]
        known = tuple(language for language in wanted if _is_known_language(language))
        return cls(ZoneInfo(timezone), known, site_date_order(timezone, languages), fetched_at)


@lru_cache(maxsize=256)
def _is_known_language(code: str) -> bool:
    """Whether dateparser has the language; a page may declare one it lacks (lang="x-klingon")."""
    try:
        default_loader.get_locale(code)
    except (KeyError, ValueError):
        return False
    return True


@dataclass(frozen=True)
class ArticleDates:
    published: NormalisedDate | None
    modified: NormalisedDate | None
    flags: list[str] = field(default_factory=list)
    # why each published candidate was not used, for the reject row of an undated article
    skipped: list[str] = field(default_factory=list)


def site_date_order(timezone: str, languages: list[str]) -> str:
    """The order of day, month and year in the site's numeric dates, from its main language and region.

    English in the Americas writes month first (03/15/2024); Chinese, Japanese, Korean, Hungarian and
    Lithuanian write year first; everyone else writes day first.
    """
    main = languages[0] if languages else "en"
    if main == "en" and timezone.startswith("America/"):
        return "MDY"
    if main in {"zh", "ja", "ko", "hu", "lt", "mn"}:
        return "YMD"
    return "DMY"


def source_trust(source: str) -> int:
    if source.startswith(f"{sources.JSON_LD}:"):
        return SOURCE_TRUST["json-ld:"]
    kind = source.split(":", 1)[0] if source.startswith(("meta:", "microdata:")) else source
    return SOURCE_TRUST.get(kind, len(SOURCE_TRUST))


# ---------------------------------------------------------------- fast path

_ISO = re.compile(
    r"^(\d{4})-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?)?$",
    re.I,
)
_EPOCH = re.compile(r"^(\d{9,10}|\d{12,13})(?:\.\d+)?$")
_RFC_2822 = re.compile(r"^(?:[A-Za-z]{3},?\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}")
_RFC_2822_ZONE = re.compile(r"\d:\d{2}(?::\d{2})?\s+(?:[+-]\d{4}|UT|UTC|GMT|Z|[ECMP][SD]T)\s*$")
_NUMERIC = re.compile(
    r"^(\d{1,4})([./-])(\d{1,2})\2(\d{2,4})\.?(?:,?\s+(?:um\s+|à\s+|at\s+|a las\s+|às\s+|alle\s+|om\s+)?"
    r"(\d{1,2})[:.h](\d{2})(?::(\d{2}))?\s*(?:uhr|h)?)?$",
    re.I,
)
_YEAR_FIRST = re.compile(r"^(\d{4})[/-](\d{1,2})(?:[/-](\d{1,2}))?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


class ImpossibleDate(ValueError):
    """The string is a well-formed date that does not exist (30 February) or is out of range."""


def _full_year(year: int, digits: int, fetched_at: datetime) -> int:
    if digits > 2:
        return year
    pivot = (fetched_at.year + 1) % 100
    century = fetched_at.year // 100 * 100
    return century + year if year <= pivot else century - 100 + year


def _offset(text: str) -> timedelta:
    if text.upper() in ("Z", "UTC", "GMT"):
        return timedelta(0)
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))


def _local(parts: tuple[int, ...], context: DateContext, precision: str) -> ReadDate:
    """A naive wall time (or day, or month) read in the site's zone, fold=0 (see the module's DST rule)."""
    try:
        naive = datetime(*parts)
    except ValueError as error:
        raise ImpossibleDate(str(error)) from error
    at = naive.replace(tzinfo=context.zone, fold=0).astimezone(UTC)
    return ReadDate(at, precision, is_timezone_assumed=True)


def _from_iso(match: re.Match[str], context: DateContext) -> ReadDate:
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    if day is None:
        return _local((int(year), int(month), 1), context, "month")
    if hour is None:
        return _local((int(year), int(month), int(day)), context, "day")
    precision = "instant" if second is not None else "minute"
    parts = (int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    if zone is None:
        return _local(parts, context, precision)
    try:
        micro = int((fraction or "0").ljust(6, "0")[:6])
        naive = datetime(*parts, micro)
    except ValueError as error:
        raise ImpossibleDate(str(error)) from error
    return ReadDate((naive - _offset(zone)).replace(tzinfo=UTC), precision, is_timezone_assumed=False)


def _from_numeric(match: re.Match[str], context: DateContext) -> ReadDate:
    first, _, second, third, hour, minute, seconds = match.groups()
    if len(first) == 4:
        year, month, day = int(first), int(second), int(third)
    else:
        order = context.date_order if context.date_order != "YMD" else "DMY"
        day, month = (int(first), int(second)) if order == "DMY" else (int(second), int(first))
        year = _full_year(int(third), len(third), context.fetched_at)
    if hour is None:
        return _local((year, month, day), context, "day")
    precision = "instant" if seconds else "minute"
    return _local((year, month, day, int(hour), int(minute), int(seconds or 0)), context, precision)


def read_fast(raw: str, context: DateContext) -> ReadDate | None:
    """Read the machine formats without dateparser; None when the string is not one of them.

    Raises ImpossibleDate for a well-formed date that does not exist: no other reading would be right.
    """
    text = raw.strip()
    if match := _ISO.match(text):
        return _from_iso(match, context)
    if match := _EPOCH.match(text):
        seconds = float(text) / (1000 if len(match.group(1)) > 10 else 1)
        return ReadDate(datetime.fromtimestamp(seconds, tz=UTC), "instant", is_timezone_assumed=False)
    if _RFC_2822.match(text):
        parsed = parsedate_tz(text)
        if parsed is None:
            return None
        year = _full_year(parsed[0], 4 if parsed[0] >= 100 else 2, context.fetched_at)
        has_seconds = re.search(r"\d:\d{2}:\d{2}", text) is not None
        parts = (year, *parsed[1:6])
        precision = "instant" if has_seconds else "minute"
        zone = _RFC_2822_ZONE.search(text)
        if zone is None:
            if re.search(r"\d:\d{2}(?::\d{2})?\s*$", text) is None:
                return None  # a zone name email.utils does not know: dateparser may
            return _local(parts, context, precision)
        try:
            naive = datetime(*parts)
        except ValueError as error:
            raise ImpossibleDate(str(error)) from error
        return ReadDate(
            (naive - timedelta(seconds=parsed[9] or 0)).replace(tzinfo=UTC), precision, is_timezone_assumed=False
        )
    if match := _NUMERIC.match(text):
        return _from_numeric(match, context)
    if (match := _YEAR_FIRST.match(text)) or (match := _COMPACT.match(text)):
        year, month, day = match.groups()
        if day is None:
            return _local((int(year), int(month), 1), context, "month")
        return _local((int(year), int(month), int(day)), context, "day")
    return None


# ---------------------------------------------------------------- free text (dateparser)

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
    read = _local(found.timetuple()[:6], context, precision)
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


def _stands_alone(span: str, segment: str, languages: tuple[str, ...]) -> bool:
    """False when a found date is a bare year, or part of a longer date dateparser could not read
    ("30 février 2024" found as "février 2024"; "February 30, 2024" as "30, 2024"): the word next to it is
    a number or a month."""
    if re.fullmatch(r"\W*\d{4}\W*", span):
        return False  # a year alone is not a date
    before, _, after = segment.partition(span)
    neighbours = [word for word in (before.split()[-1:] + after.replace(",", " ").split()[:1]) if word]
    return not any(re.search(r"\d", word) or _names_a_date(word, languages) for word in neighbours)


MONTH_KEYS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
WEEKDAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Words that join the parts of a written date in our languages ("15 de marzo de 2024 a las 14:30").
JOINING_WORDS = {
    "de", "del", "of", "the", "am", "um", "à", "às", "a", "las", "la", "alle", "om", "в", "at", "le", "el", "il",
    "on", "uhr", "h", "den", "der", "du", "do", "da", "o", "г.", "года", "saat", "tarihinde",
}  # fmt: skip
_DAY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th|er|e|º|ª)?\.?$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_CJK = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日(?:\s*(\d{1,2})[:時](\d{2})分?)?$")


@lru_cache(maxsize=64)
def _calendar_words(languages: tuple[str, ...]) -> tuple[dict[str, int], frozenset[str]]:
    """Month names (and abbreviations) to month numbers, and weekday names, in the given languages."""
    months: dict[str, int] = {}
    weekdays: set[str] = set()
    for language in languages:
        info = default_loader.get_locale(language).info
        for number, key in enumerate(MONTH_KEYS, start=1):
            for name in info.get(key, []):
                name = re.sub(r"^(?:de |d')", "", name.lower()).rstrip(".")
                if name.isalpha():
                    months.setdefault(name, number)
        weekdays.update(name.lower().rstrip(".") for key in WEEKDAY_KEYS for name in info.get(key, []))
    return months, frozenset(weekdays)


def read_named_month(text: str, context: DateContext) -> ReadDate | None:
    """Read "15. März 2024, 14:30 Uhr", "March 9, 2024 at 10:40 pm", "15 de marzo de 2024" without dateparser.

    Every word must be a day, a month name of the site's or page's languages, a four-digit year, a clock
    time, am/pm, a weekday or a joining word; anything else (a zone name, a relative word) is left to
    dateparser. One day, one month and one year are required.
    """
    if match := _CJK.match(text.strip()):
        year, month, day, hour, minute = match.groups()
        if hour is None:
            return _local((int(year), int(month), int(day)), context, "day")
        return _local((int(year), int(month), int(day), int(hour), int(minute)), context, "minute")
    months, weekdays = _calendar_words(context.languages)
    day = month = year = None
    clock: list[int] | None = None
    for word in text.lower().replace(",", " ").split():
        word = re.sub(r"^(?:d'|d’)", "", word)
        if (found := _DAY.match(word)) and day is None:
            day = int(found.group(1))
        elif re.fullmatch(r"\d{4}\.?", word) and year is None:
            year = int(word.rstrip("."))
        elif (found := _CLOCK.match(word)) and clock is None:
            clock = [int(part) for part in found.groups() if part is not None]
        elif word.rstrip(".") in months and month is None:
            month = months[word.rstrip(".")]
        elif word in ("am", "pm") and clock is not None and 1 <= clock[0] <= 12:
            clock[0] = clock[0] % 12 + (12 if word == "pm" else 0)
        elif word.rstrip(".") in weekdays or word in JOINING_WORDS:
            continue
        else:
            return None
    if day is None or month is None or year is None:
        return None
    if clock is None:
        return _local((year, month, day), context, "day")
    precision = "instant" if len(clock) == 3 else "minute"
    return _local((year, month, day, *clock), context, precision)


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
            if not (has_year or _names_a_date(attempt, context.languages)):
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
        found = [f for f in found if _HAS_YEAR.search(f[0]) and _stands_alone(f[0], segment, context.languages)]
        if found:
            # the longest matched span carries the most of the date (day, month, year and time)
            span, at = max(found, key=lambda f: len(f[0]))
            has_time = re.search(r"\d{1,2}[:.h]\d{2}", span) is not None
            return _from_dateparser(at, "time" if has_time else "day", context, is_relative=False)
    return None


def read_date(raw: str, context: DateContext) -> ReadDate | None:
    """The UTC instant, precision and zone provenance of one date string; None when it holds no date."""
    try:
        return read_fast(raw.translate(_DIGITS), context) or read_free_text(raw, context)
    except ImpossibleDate:
        return None


# ---------------------------------------------------------------- choosing


def _implausible(read: ReadDate, context: DateContext) -> str | None:
    if read.at > context.fetched_at + FUTURE_TOLERANCE:
        return "after_fetch"
    if read.at < EARLIEST_PLAUSIBLE:
        return "before_1990"
    return None


def _read_all(candidates: list[DateCandidate], context: DateContext) -> list[tuple[DateCandidate, ReadDate | None]]:
    ordered = sorted(candidates, key=lambda c: source_trust(c.source))  # stable: page order within a source
    return [(candidate, read_date(candidate.raw, context)) for candidate in ordered]


def _choose(
    kind: str,
    readings: list[tuple[DateCandidate, ReadDate | None]],
    context: DateContext,
    flags: list[str],
    skipped: list[str],
    not_before: datetime | None = None,
) -> NormalisedDate | None:
    for candidate, read in readings:
        if read is None:
            skipped.append(f"{candidate.source} {candidate.raw[:60]!r}: no date in it")
            continue
        if problem := _implausible(read, context):
            flags.append(f"{kind}_{problem}")
            skipped.append(f"{candidate.source} {candidate.raw[:60]!r}: {problem.replace('_', ' ')}")
            continue
        if not_before is not None and read.at < not_before:
            flags.append("modified_before_published")
            skipped.append(f"{candidate.source} {candidate.raw[:60]!r}: before the published date")
            continue
        return NormalisedDate(
            read.at, candidate.raw, candidate.source, read.precision, read.is_timezone_assumed, read.is_relative
        )
    return None


def _disagrees(chosen: NormalisedDate, readings: list[tuple[DateCandidate, ReadDate | None]]) -> bool:
    if source_trust(chosen.source) > TRUSTED_UP_TO:
        return False
    return any(
        read is not None
        and source_trust(candidate.source) <= TRUSTED_UP_TO
        and abs(read.at - chosen.at) > DISAGREEMENT
        and read.at >= EARLIEST_PLAUSIBLE
        for candidate, read in readings
    )


def normalise_article_dates(
    published: list[DateCandidate], modified: list[DateCandidate], context: DateContext
) -> ArticleDates:
    """The article's published and modified dates, each the most trusted plausible candidate, with flags."""
    flags: list[str] = []
    skipped: list[str] = []
    published_readings = _read_all(published, context)
    chosen_published = _choose("published", published_readings, context, flags, skipped)
    ignored: list[str] = []
    chosen_modified = _choose(
        "modified",
        _read_all(modified, context),
        context,
        flags,
        ignored,
        not_before=chosen_published.at - timedelta(minutes=1) if chosen_published else None,
    )
    if chosen_published is None:
        flags.append("no_published_date")
    else:
        if chosen_published.source in LAST_CHANGED_SOURCES:
            flags.append("published_from_last_modified")
        if chosen_published.is_relative:
            flags.append("published_relative")
        if _disagrees(chosen_published, published_readings):
            flags.append("sources_disagree")
    return ArticleDates(chosen_published, chosen_modified, list(dict.fromkeys(flags)), skipped)


def normalise_date(
    candidates: list[DateCandidate],
    timezone: str,
    languages: list[str],
    fetched_at: datetime,
    page_language: str | None = None,
) -> NormalisedDate | None:
    """The most trusted candidate that reads as a plausible date (not after the fetch, not before 1990)."""
    context = DateContext.for_site(timezone, languages, fetched_at, page_language)
    return _choose("published", _read_all(candidates, context), context, [], [])
