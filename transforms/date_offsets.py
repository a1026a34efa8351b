"""A chosen date completed from the page's other sources: its time of day, and the offset it was written in.

A day from a trusted source takes its time from a less trusted one on the same day; a naive time takes the offset
another source gives for the same wall clock; an ambiguous zone abbreviation ("IST") takes the offset the page's
own ISO dates state.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from transforms import date_candidates as sources
from transforms.date_choice import (
    LAST_CHANGED_SOURCES,
    PRECISIONS,
    SOURCE_TRUST,
    VISIBLE_SOURCES,
    NormalisedDate,
    Readings,
    chosen_date,
    implausible,
    source_trust,
)
from transforms.date_formats import DateContext, ReadDate
from transforms.date_text import read_date


def with_time_of_day(chosen: NormalisedDate, readings: Readings, context: DateContext) -> NormalisedDate:
    """A day (or month) from a trusted source, made exact by a less trusted one that agrees with it.

    JSON-LD that says only "2024-03-15" and a byline "15. März 2024, 14:30 Uhr" give 13:30 UTC from the byline:
    the trusted source settles the day, the other one only adds the time. A candidate on another day does not.
    A URL's month folder (/2021/10/) takes a day of that month or of the month after it: pages are filed in
    the folder of the month they were started.
    """
    if chosen.precision not in ("day", "month"):
        return chosen
    local = chosen.at.astimezone(context.zone)
    for candidate, read in readings:
        if read is None or PRECISIONS.index(read.precision) >= PRECISIONS.index(chosen.precision):
            continue
        # a finer date from any reading of the page itself (htmldate included) may refine a coarse one that it
        # agrees with: a URL's /2024/03/ never outranks the page's own 2024-03-15 14:30
        if implausible(read, context) or candidate.source in LAST_CHANGED_SOURCES:
            continue
        other = read.at.astimezone(context.zone)
        if chosen.precision == "day":
            same = other.date() == local.date()
        elif chosen.source == sources.URL_PATH:
            # a URL's month folder (/2021/10/) is when the page was filed: published then or the month after
            months_later = (other.year - local.year) * 12 + other.month - local.month
            same = 0 <= months_later <= 1 and not read.is_relative
        else:
            same = other.timetuple()[:2] == local.timetuple()[:2]
        if same:
            return chosen_date(candidate, read)
    return chosen


_STATED_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")


def offset_of(raw: str) -> timedelta | None:
    """The UTC offset written at the end of an ISO-like date string ("...+05:30", "...Z"), if any."""
    found = _STATED_OFFSET.search(raw.strip())
    if found is None:
        return None
    text = found.group(1).replace(":", "")
    if text == "Z":
        return timedelta(0)
    sign = 1 if text[0] == "+" else -1
    return sign * timedelta(hours=int(text[1:3]), minutes=int(text[3:5]))


def with_offset_from_page(chosen: NormalisedDate, readings: Readings, context: DateContext) -> NormalisedDate:
    """A naive time made exact by another source on the page that gives the same wall-clock time with an offset.

    JSON-LD "2024-03-15T14:30:00" (no offset) and a meta tag "2024-03-15T14:30:00+01:00" are one statement; the
    meta tag says which zone the page meant, which beats assuming the site's zone.
    """
    if not chosen.is_timezone_assumed or chosen.precision not in ("instant", "minute"):
        return chosen
    wall = chosen.at.astimezone(context.zone).replace(tzinfo=None, second=0, microsecond=0)
    for candidate, read in readings:
        if read is None or read.is_timezone_assumed or (offset := offset_of(candidate.raw)) is None:
            continue
        if (read.at.replace(tzinfo=None) + offset).replace(second=0, microsecond=0) == wall:
            return replace(chosen, at=read.at, is_timezone_assumed=False)
    return chosen


# Zone abbreviations that name several zones, and their offsets: dateparser picks one (IST as Israel).
AMBIGUOUS_ZONES = {
    "IST": (timedelta(hours=5, minutes=30), timedelta(hours=2), timedelta(hours=1)),  # India, Israel, Ireland
    "CST": (timedelta(hours=-6), timedelta(hours=8), timedelta(hours=-5)),  # US Central, China, Cuba
    "BST": (timedelta(hours=1), timedelta(hours=6)),  # British Summer, Bangladesh
    "AST": (timedelta(hours=-4), timedelta(hours=3)),  # Atlantic, Arabia
    "GST": (timedelta(hours=4), timedelta(hours=-2)),  # Gulf, South Georgia
}
_ABBREVIATION = re.compile(rf"(?<![A-Za-z])({'|'.join(AMBIGUOUS_ZONES)})(?![A-Za-z])")


def with_ambiguous_zones_settled(readings: Readings, stated_offsets: set[timedelta], context: DateContext) -> Readings:
    """Readings of "01:38 PM IST" taken at the offset the page's own ISO dates state ("...+05:30"), when exactly
    one of the abbreviation's zones has it. The site's zone, when it has the abbreviation, already settled it."""
    settled = []
    for candidate, read in readings:
        match = _ABBREVIATION.search(candidate.raw)
        if read is not None and match is not None:
            own = {datetime(read.at.year, month, 1, tzinfo=context.zone).tzname() for month in (1, 7)}
            offsets = [o for o in AMBIGUOUS_ZONES[match.group(1)] if o in stated_offsets]
            if match.group(1) not in own and len(offsets) == 1:
                naive = read_date(candidate.raw[: match.start()] + candidate.raw[match.end() :], context)
                if naive is not None and naive.is_timezone_assumed:
                    wall = naive.at.astimezone(context.zone).replace(tzinfo=None)
                    read = replace(naive, at=(wall - offsets[0]).replace(tzinfo=UTC), is_timezone_assumed=False)
        settled.append((candidate, read))
    return settled


def in_the_pages_own_offset(chosen: NormalisedDate, readings: Readings, context: DateContext) -> NormalisedDate:
    """A time stated in UTC ("...T06:35:29Z"), as another source on the page states the same instant at the
    page's own offset ("2023-11-08T22:35:29-08:00"), or writes its wall clock without an offset
    ("2023-11-08 22:35:29", "November 8, 2023 at 10:35 p.m."): same instant, and the day and wall clock the page's
    readers were told (a UTC statement puts a late-evening story on the next day).

    A wall clock without an offset is read in the site's zone; when it falls whole hours from the UTC statement
    with the same minutes (and seconds, where both give them), the page is in another zone than the site's, and
    the UTC statement fixes the instant.
    """
    if offset_of(chosen.raw) != timedelta(0) or chosen.precision not in ("instant", "minute"):
        return chosen
    for candidate, read in readings:
        if read is None or implausible(read, context):
            continue
        if not read.is_timezone_assumed:
            if offset_of(candidate.raw) and abs(read.at - chosen.at) < timedelta(minutes=1):  # a non-zero offset
                return chosen_date(candidate, read)
        elif read.precision in ("instant", "minute") and not read.is_relative and _same_clock_hours_apart(read, chosen):
            return replace(chosen, raw=candidate.raw, source=candidate.source)  # the instant, as the page writes it
    return chosen


def _same_clock_hours_apart(read: ReadDate, chosen: NormalisedDate) -> bool:
    """`read` is `chosen`'s instant written at a wall clock 1 to 14 whole hours away, to the minute (and second)."""
    apart = read.at - chosen.at
    if read.precision == "minute" or chosen.precision == "minute":
        apart = read.at.replace(second=0, microsecond=0) - chosen.at.replace(second=0, microsecond=0)
    else:
        apart -= timedelta(microseconds=read.at.microsecond - chosen.at.microsecond)
    return timedelta(hours=1) <= abs(apart) <= timedelta(hours=14) and apart % timedelta(hours=1) == timedelta(0)


def with_offset_the_page_shows(chosen: NormalisedDate, readings: Readings, context: DateContext) -> NormalisedDate:
    """A machine-readable time with a wrong UTC offset, outvoted by the time the reader sees and another
    machine-readable source that agree with each other.

    JSON-LD "2024-03-15T04:31:13-06:00" beside a meta tag "2024-03-15T04:31:13+00:00" and a byline
    "Mar 14, 2024, 10:31 pm CST": the byline states its zone and names the meta tag's instant; the JSON-LD
    wrote the UTC wall time with the local offset. Only a difference of whole hours (a zone) is corrected.
    """
    if chosen.precision not in ("instant", "minute") or source_trust(chosen.source) > SOURCE_TRUST["meta"]:
        return chosen

    def _whole_hours_apart(at: datetime) -> bool:
        apart = abs(at.replace(second=0, microsecond=0) - chosen.at.replace(second=0, microsecond=0))
        return timedelta(hours=1) <= apart <= timedelta(hours=14) and apart % timedelta(hours=1) == timedelta(0)

    shown = [
        read.at.replace(second=0, microsecond=0)
        for candidate, read in readings
        if candidate.source in VISIBLE_SOURCES
        and read is not None
        and not read.is_timezone_assumed
        and read.precision == "minute"
        and _whole_hours_apart(read.at)
    ]
    for candidate, read in readings:
        if (
            read is not None
            and candidate.source not in VISIBLE_SOURCES
            and source_trust(candidate.source) <= SOURCE_TRUST[sources.TIME_ELEMENT]
            and not read.is_timezone_assumed
            and read.at.replace(second=0, microsecond=0) in shown
            and not implausible(read, context)
        ):
            return chosen_date(candidate, read)
    return chosen
