"""Read the date formats we know exactly, without dateparser, as UTC instants with precision and zone provenance.

- Epoch seconds/milliseconds, ISO 8601 (also year-month and date-only), RFC 2822, and the C locale's
  `date` / Java `Date.toString()` format ("Mon Oct 11 14:57:21 CEST 2021"), English whatever the page's language.
- Numeric dates ("15.03.2024", "03/15/24") in the site's day/month order (`site_date_order`): settled once per
  site from its registry entry, never guessed from the string; year-first dates as URLs write them.
- Written dates with month names in any language dateparser knows ("15. März 2024, 14:30 Uhr", "March 9, 2024
  at 10:40 pm", "15 de marzo de 2024"), using dateparser's locale data but not its parser; CJK 年月日 dates.
- Two-digit years: the century that puts the year at most one year after the fetch.

Precision: "instant" (seconds given), "minute", "day" or "month". A date without a time is stored at
midnight of that day (the 1st of the month for "month") in the site's zone, and its precision says so: it
is not an instant, and consumers must not read the midnight as one.

Time zones: a stated offset or zone wins; a naive time is read in the site's zone and marked as assumed.
DST rule: a wall time in the spring-forward gap or in the repeated autumn hour is read with `fold=0`, i.e.
with the offset in force *before* the change (02:30 on the New York spring-forward day is 02:30 EST =
07:30 UTC; 01:30 on the autumn day is the first 01:30, EDT). One rule for both, the same as zoneinfo's default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_tz
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateparser.languages.loader import default_loader


@dataclass(frozen=True)
class ReadDate:
    """A date string read: the UTC instant it stands for, how precise it is, whether its zone was assumed."""

    at: datetime
    precision: str
    is_timezone_assumed: bool
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


_ISO = re.compile(
    r"^(\d{4})-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?)?$",
    re.I,
)
_ZONE_SUFFIX = re.compile(r"\[[A-Za-z_/+-]+\]$")
_ISO_BASIC = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?(?=Z|[+-]|$)")


def _extended(match: re.Match[str]) -> str:
    year, month, day, hour, minute, second = match.groups()
    return f"{year}-{month}-{day}T{hour}:{minute}" + (f":{second}" if second else "")


_EPOCH = re.compile(r"^(\d{9,10}|\d{12,13})(?:\.\d+)?$")
_RFC_2822 = re.compile(r"^(?:[A-Za-z]{3},?\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}")
_RFC_2822_ZONE = re.compile(r"\d:\d{2}(?::\d{2})?\s+(?:[+-]\d{4}|UT|UTC|GMT|Z|[ECMP][SD]T)\s*$")
# The C locale's `date` (and Java's Date.toString()): English names whatever the page's language
_C_LOCALE = re.compile(
    r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s+(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+(\d{1,2})\s+"
    r"(\d{1,2}):(\d{2}):(\d{2})(?:\s+([A-Z]{1,5}))?\s+(\d{4})$"
)
_C_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Zone abbreviations that name one zone only (IST, CST, BST … name several and are left to the site's zone)
UNAMBIGUOUS_ZONES = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "MSK": 3,
    "EST": -5, "EDT": -4, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7, "JST": 9, "KST": 9,
    "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
}  # fmt: skip
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


def read_wall_time(parts: tuple[int, ...], context: DateContext, precision: str) -> ReadDate:
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
        return read_wall_time((int(year), int(month), 1), context, "month")
    if hour is None:
        return read_wall_time((int(year), int(month), int(day)), context, "day")
    precision = "instant" if second is not None else "minute"
    parts = (int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    if zone is None:
        return read_wall_time(parts, context, precision)
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
        return read_wall_time((year, month, day), context, "day")
    precision = "instant" if seconds else "minute"
    return read_wall_time((year, month, day, int(hour), int(minute), int(seconds or 0)), context, precision)


def _from_c_locale(match: re.Match[str], context: DateContext) -> ReadDate:
    month, day, hour, minute, second, zone, year = match.groups()
    parts = (int(year), _C_MONTHS.index(month) + 1, int(day), int(hour), int(minute), int(second))
    if zone is None or zone not in UNAMBIGUOUS_ZONES:
        return read_wall_time(parts, context, "instant")
    try:
        naive = datetime(*parts)
    except ValueError as error:
        raise ImpossibleDate(str(error)) from error
    at = naive - timedelta(hours=UNAMBIGUOUS_ZONES[zone])
    return ReadDate(at.replace(tzinfo=UTC), "instant", is_timezone_assumed=False)


def read_fast(raw: str, context: DateContext) -> ReadDate | None:
    """Read the machine formats without dateparser; None when the string is not one of them.

    Raises ImpossibleDate for a well-formed date that does not exist: no other reading would be right.
    """
    text = _ZONE_SUFFIX.sub("", raw.strip())  # RFC 9557 "...+01:00[Europe/Berlin]": the offset decides
    text = _ISO_BASIC.sub(_extended, text)  # ISO 8601 basic format, "20240315T143000Z"
    if match := _ISO.match(text):
        return _from_iso(match, context)
    if match := _EPOCH.match(text):
        seconds = float(text) / (1000 if len(match.group(1)) > 10 else 1)
        return ReadDate(datetime.fromtimestamp(seconds, tz=UTC), "instant", is_timezone_assumed=False)
    if match := _C_LOCALE.match(text):
        return _from_c_locale(match, context)
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
            return read_wall_time(parts, context, precision)
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
            return read_wall_time((int(year), int(month), 1), context, "month")
        return read_wall_time((int(year), int(month), int(day)), context, "day")
    return None


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
            return read_wall_time((int(year), int(month), int(day)), context, "day")
        return read_wall_time((int(year), int(month), int(day), int(hour), int(minute)), context, "minute")
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
        return read_wall_time((year, month, day), context, "day")
    precision = "instant" if len(clock) == 3 else "minute"
    return read_wall_time((year, month, day, *clock), context, precision)
