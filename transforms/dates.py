"""Normalise an article's dates to UTC, choosing among the page's candidates by trust, keeping provenance.

Reading one string is `read_date` (transforms/date_text.py, over the exact formats of
transforms/date_formats.py, which also documents precision and the DST rule).

Choosing (`normalise_article_dates`): candidates are tried in trust order (SOURCE_TRUST). One that cannot be
read, is later than the fetch time plus a tolerance, or is before 1990 is skipped (the implausible ones
leave a flag) and the next is tried; a modified date before the published date is skipped the same way.
Published dates from "last changed" signals (sitemap lastmod, HTTP Last-Modified) are a flagged last resort.
Trusted sources that disagree with the chosen date by more than a day leave the flag `sources_disagree`.
A chosen date without a time takes its time from a less trusted source on the same day, if one has it.
The published date is then checked against what the page shows a reader (a byline, a <time>'s text, an
"Updated" line): where the hidden machine-readable dates disagree with it in the ways real pages do (a CMS's
last save written as the publication, a <time> attribute that is the last edit, a page that shows only its
update), the shown date, or the machine-readable date that confirms it, wins; each way is one function below.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from broadsheet.records import DateCandidate
from transforms import date_candidates as sources
from transforms.date_formats import DateContext, ReadDate
from transforms.date_text import read_date

__all__ = ["ArticleDates", "DateContext", "NormalisedDate", "normalise_article_dates", "normalise_date", "read_date"]

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


@dataclass(frozen=True)
class NormalisedDate:
    at: datetime  # UTC
    raw: str
    source: str
    precision: str = "instant"
    is_timezone_assumed: bool = False
    is_relative: bool = False


def _normalised(candidate: DateCandidate, read: ReadDate, *, timezone_assumed: bool | None = None) -> NormalisedDate:
    """`candidate` read as `read`, as a chosen date (its zone assumed as the reading says, unless told)."""
    assumed = read.is_timezone_assumed if timezone_assumed is None else timezone_assumed
    return NormalisedDate(read.at, candidate.raw, candidate.source, read.precision, assumed, read.is_relative)


@dataclass(frozen=True)
class ArticleDates:
    published: NormalisedDate | None
    modified: NormalisedDate | None
    flags: list[str] = field(default_factory=list)
    # why each published candidate was not used, for the reject row of an undated article
    skipped: list[str] = field(default_factory=list)


def source_trust(source: str) -> int:
    if source.startswith(f"{sources.JSON_LD}:"):
        return SOURCE_TRUST["json-ld:"]
    kind = source.split(":", 1)[0] if source.startswith(("meta:", "microdata:")) else source
    return SOURCE_TRUST.get(kind, len(SOURCE_TRUST))


def _implausible(read: ReadDate, context: DateContext) -> str | None:
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


def _read_all(candidates: list[DateCandidate], context: DateContext) -> list[tuple[DateCandidate, ReadDate | None]]:
    """Every candidate with its reading, most trusted first (page order within a source). A relative reading
    counts back from the fetch, which says nothing about a page that has been online for years: it comes after
    every absolute date the page or its URL states."""
    readings = [(candidate, read_date(candidate.raw, context)) for candidate in candidates]
    return sorted(readings, key=lambda pair: _reading_trust(*pair))  # stable


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
            # A page that says it changed before it was published is worth a flag; a stale file date
            # (HTTP Last-Modified, sitemap lastmod) only says the file was not touched since.
            if candidate.source not in LAST_CHANGED_SOURCES:
                flags.append("modified_before_published")
            skipped.append(f"{candidate.source} {candidate.raw[:60]!r}: before the published date")
            continue
        return _normalised(candidate, read)
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


def _with_time_of_day(
    chosen: NormalisedDate, readings: list[tuple[DateCandidate, ReadDate | None]], context: DateContext
) -> NormalisedDate:
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
        if _implausible(read, context) or candidate.source in LAST_CHANGED_SOURCES:
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
            return _normalised(candidate, read)
    return chosen


_STATED_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")


def _offset_of(raw: str) -> timedelta | None:
    """The UTC offset written at the end of an ISO-like date string ("...+05:30", "...Z"), if any."""
    found = _STATED_OFFSET.search(raw.strip())
    if found is None:
        return None
    text = found.group(1).replace(":", "")
    if text == "Z":
        return timedelta(0)
    sign = 1 if text[0] == "+" else -1
    return sign * timedelta(hours=int(text[1:3]), minutes=int(text[3:5]))


def _with_offset_from_page(
    chosen: NormalisedDate, readings: list[tuple[DateCandidate, ReadDate | None]], context: DateContext
) -> NormalisedDate:
    """A naive time made exact by another source on the page that gives the same wall-clock time with an offset.

    JSON-LD "2024-03-15T14:30:00" (no offset) and a meta tag "2024-03-15T14:30:00+01:00" are one statement; the
    meta tag says which zone the page meant, which beats assuming the site's zone.
    """
    if not chosen.is_timezone_assumed or chosen.precision not in ("instant", "minute"):
        return chosen
    wall = chosen.at.astimezone(context.zone).replace(tzinfo=None, second=0, microsecond=0)
    for candidate, read in readings:
        if read is None or read.is_timezone_assumed or (offset := _offset_of(candidate.raw)) is None:
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


def _with_ambiguous_zones_settled(
    readings: list[tuple[DateCandidate, ReadDate | None]], stated_offsets: set[timedelta], context: DateContext
) -> list[tuple[DateCandidate, ReadDate | None]]:
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


def _in_the_pages_own_offset(
    chosen: NormalisedDate, readings: list[tuple[DateCandidate, ReadDate | None]], context: DateContext
) -> NormalisedDate:
    """A time stated in UTC ("...T06:35:29Z"), as another source on the page states the same instant at the
    page's own offset ("2023-11-08T22:35:29-08:00"): same instant, and the day and wall clock the page's
    readers were told (a UTC statement puts a late-evening story on the next day)."""
    if _offset_of(chosen.raw) != timedelta(0) or chosen.precision not in ("instant", "minute"):
        return chosen
    for candidate, read in readings:
        if (
            read is not None
            and not read.is_timezone_assumed
            and _offset_of(candidate.raw)  # a non-zero offset (timedelta(0) is false)
            and abs(read.at - chosen.at) < timedelta(minutes=1)
            and not _implausible(read, context)
        ):
            return _normalised(candidate, read)
    return chosen


VISIBLE_SOURCES = {sources.BYLINE, sources.TIME_TEXT}


def _with_offset_the_page_shows(
    chosen: NormalisedDate, readings: list[tuple[DateCandidate, ReadDate | None]], context: DateContext
) -> NormalisedDate:
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
            and not _implausible(read, context)
        ):
            return _normalised(candidate, read)
    return chosen


def _shown(readings: list[tuple[DateCandidate, ReadDate | None]], context: DateContext) -> Iterator[ReadDate]:
    """The page's visible absolute dates (a byline, a <time>'s text), in page order."""
    return (
        read
        for candidate, read in readings
        if candidate.source in VISIBLE_SOURCES
        and read is not None
        and not read.is_relative
        and not _implausible(read, context)
    )


def _first_shown(readings: list[tuple[DateCandidate, ReadDate | None]], context: DateContext) -> ReadDate | None:
    """The page's first visible absolute date."""
    return next(_shown(readings, context), None)


def _shown_days(readings: list[tuple[DateCandidate, ReadDate | None]], context: DateContext) -> set[date]:
    """The days, in the site's zone, of every visible absolute date on the page."""
    return {_local_day(read.at, context) for read in _shown(readings, context)}


def _as_the_page_shows_it(
    chosen: NormalisedDate, readings: list[tuple[DateCandidate, ReadDate | None]], context: DateContext
) -> NormalisedDate:
    """When the page's machine-readable published dates disagree by days, the one the visible date confirms.

    JSON-LD "2023-11-03T10:25:56Z" (when the draft was made), a meta tag "2023-11-06T14:25:00Z" and a byline
    "6. November 2023, 15:25 Uhr": the reader is told the 6th, and a machine-readable source says so too.
    Only the page's first visible absolute date is asked, and only when JSON-LD, microdata and meta tags name
    exactly two days (more is a list of posts or teasers, as a page's many <time> elements often are).
    """
    machine = [
        (candidate, read)
        for candidate, read in readings
        if read is not None
        and source_trust(candidate.source) <= SOURCE_TRUST["meta"]
        and not _implausible(read, context)
    ]
    if source_trust(chosen.source) > SOURCE_TRUST["meta"] or len({read.at.date() for _, read in machine}) != 2:
        return chosen  # one date, or a list of other articles' dates (a feed of posts in JSON-LD)
    shown = _first_shown(readings, context)
    if shown is None or (
        abs(shown.at - chosen.at) <= DISAGREEMENT and _on_the_shown_day(chosen.at, chosen.raw, shown, context)
    ):
        return chosen
    for candidate, read in machine:
        if read.at != chosen.at and _on_the_shown_day(read.at, candidate.raw, shown, context):
            return _normalised(candidate, read)
    return chosen


def _not_after_the_modified_date(
    chosen: NormalisedDate,
    readings: list[tuple[DateCandidate, ReadDate | None]],
    modified: list[tuple[DateCandidate, ReadDate | None]],
    context: DateContext,
) -> NormalisedDate:
    """A published date later than the page's own machine-readable modified date, when the <time datetime> the
    page shows is not after the modified date: the <time> gives the first publication.

    JSON-LD datePublished "19 Nov 2019 07:09 GMT", dateModified "19 Nov 2019 05:44 GMT" and a <time datetime>
    "...05:44:06": the article went out at 05:44. A <time> that agrees with the later published date (a
    publication scheduled after the last edit) leaves it.
    """
    if source_trust(chosen.source) > SOURCE_TRUST["meta"]:
        return chosen
    changed = next(
        (
            read
            for candidate, read in modified
            if read is not None and source_trust(candidate.source) <= source_trust(chosen.source)
        ),
        None,
    )
    if changed is None or chosen.at <= changed.at + timedelta(minutes=1):
        return chosen
    for candidate, read in readings:
        if (
            read is not None
            and candidate.source == sources.TIME_ELEMENT
            and read.precision in ("instant", "minute")
            and timedelta(0) <= changed.at - read.at <= DISAGREEMENT
            and not _implausible(read, context)
        ):
            return _normalised(candidate, read, timezone_assumed=False)
    return chosen


def _as_the_page_shows_its_only_time(
    chosen: NormalisedDate,
    readings: list[tuple[DateCandidate, ReadDate | None]],
    modified: list[tuple[DateCandidate, ReadDate | None]],
    context: DateContext,
) -> NormalisedDate:
    """The date the page shows, labelled "Updated", when the page shows no published date at all.

    JSON-LD datePublished "2019-11-20T06:35:39Z" (hidden) and one visible line "Updated 1:39 am EST, Wednesday,
    November 20, 2019": the reader is told 1:39 am and nothing earlier, and the page dates itself by it, however
    long after the hidden date ("Updated May 06, 2019" on a page first saved in 2016). A shown date without its
    zone or time only counts when it names a later day: on the hidden date's own day it adds nothing but a
    guessed zone. A page that shows a published date (a byline, a <time>) keeps the one it shows.
    """
    if source_trust(chosen.source) > SOURCE_TRUST["meta"]:
        return chosen
    if any(
        candidate.source in VISIBLE_SOURCES | {sources.TIME_ELEMENT} and read is not None and not read.is_relative
        for candidate, read in readings
    ):
        return chosen  # the page shows a published date: that is what the reader is told
    for candidate, read in modified:
        if read is None or candidate.source not in VISIBLE_SOURCES or read.is_relative or _implausible(read, context):
            continue
        exact = read.precision == "minute" and not read.is_timezone_assumed
        if read.at - chosen.at >= (timedelta(minutes=-1) if exact else DISAGREEMENT):
            return _normalised(candidate, read)
    return chosen


def _dated_as_last_changed(
    chosen: NormalisedDate,
    readings: list[tuple[DateCandidate, ReadDate | None]],
    modified: list[tuple[DateCandidate, ReadDate | None]],
    context: DateContext,
) -> NormalisedDate:
    """A page that shows the day of its last change as its date: the machine-readable modified date it confirms.

    meta article:published_time "2018-10-07T09:00:35-08:00" (hidden), article:modified_time
    "2018-11-12T17:36:26-08:00" and a post line "November 12, 2018": the reader is told the 12th, the day the
    post was last revised, and the machine-readable modified time gives that day its time and offset. Only the
    page's first visible absolute date is asked: when it is days away from the published date, or on the next
    day and the only day the page shows (a WebPage's "2018-09-15T10:15:48+02:00" under "By Kim - 2018-09-16");
    a page showing several days may head them with today's date in its masthead.
    """
    if source_trust(chosen.source) > SOURCE_TRUST["json-ld:"]:
        return chosen
    shown = _first_shown(readings, context)
    if shown is None or (
        abs(shown.at - chosen.at) <= DISAGREEMENT
        and (_on_the_shown_day(chosen.at, chosen.raw, shown, context) or len(_shown_days(readings, context)) > 1)
    ):
        return chosen  # the day the page shows, or one of a list of teasers' dates (a masthead's today)
    for candidate, read in modified:
        if (
            read is not None
            and source_trust(candidate.source) <= SOURCE_TRUST[sources.TIME_ELEMENT]
            and read.at > chosen.at
            and _on_the_shown_day(read.at, candidate.raw, shown, context)
            and not _implausible(read, context)
        ):
            return _normalised(candidate, read)
    return chosen


def _on_the_shown_day(at: datetime, raw: str, shown: ReadDate, context: DateContext) -> bool:
    """True when a machine-readable time names the day a shown date names: at the offset it states, for a
    day-only shown date ("November 12, 2018" and "2018-11-12T17:36:26-08:00"); within a day otherwise. A day-only
    date is read as midnight in the site's zone, so its day is the one in that zone, not its UTC day."""
    if shown.precision != "day":
        return abs(at - shown.at) <= DISAGREEMENT
    return (at + (_offset_of(raw) or timedelta(0))).date() == _local_day(shown.at, context)


def _local_day(at: datetime, context: DateContext) -> date:
    return at.astimezone(context.zone).date()


def _as_the_time_element_reads(
    chosen: NormalisedDate, readings: list[tuple[DateCandidate, ReadDate | None]], context: DateContext
) -> NormalisedDate:
    """A <time datetime> days away from the date the page shows, with no other machine-readable date to back it:
    the date the reader is told.

    <time datetime="2019-07-03T10:18:46Z">Publié le 29 juin 2019</time> on a page without JSON-LD or meta dates:
    the attribute is when the entry was last saved, the text when it was published. Only a page's one <time>.
    """
    if chosen.source != sources.TIME_ELEMENT or [c.source for c, _ in readings].count(sources.TIME_ELEMENT) > 1:
        return chosen  # several <time>s are a list of posts or comments, each with its own date
    shown = _first_shown(readings, context)
    if shown is None or abs(shown.at - chosen.at) <= DISAGREEMENT:
        return chosen
    if any(
        read is not None and source_trust(candidate.source) <= SOURCE_TRUST["meta"] and not _implausible(read, context)
        for candidate, read in readings
    ):
        return chosen  # JSON-LD or a meta tag speaks too: the rules above settle it
    for candidate, read in readings:
        if read is shown:
            return _normalised(candidate, read)
    return chosen


def _before_the_last_save(
    chosen: NormalisedDate,
    readings: list[tuple[DateCandidate, ReadDate | None]],
    modified: list[tuple[DateCandidate, ReadDate | None]],
    context: DateContext,
) -> NormalisedDate:
    """A published date identical to the modified date, on a page whose one <time datetime> and shown date name
    an earlier day: the CMS wrote its last save into both, the <time> says when the article went out.

    JSON-LD datePublished and dateModified "2019-11-19 19:31:39", <time datetime="2019-11-18 19:14:00"> and a
    byline "November 18, 2019 -- 19:14 GMT": published on the 18th.
    """
    if source_trust(chosen.source) > SOURCE_TRUST["meta"]:
        return chosen
    if not any(read is not None and read.at == chosen.at for _, read in modified):
        return chosen
    times = [(c, r) for c, r in readings if c.source == sources.TIME_ELEMENT]
    shown = _first_shown(readings, context)
    if len(times) != 1 or shown is None or times[0][1] is None:
        return chosen
    candidate, read = times[0]
    on_the_shown_day = _local_day(read.at, context) == _local_day(shown.at, context)
    if read.at < chosen.at - DISAGREEMENT and on_the_shown_day and not _implausible(read, context):
        return _normalised(candidate, read)
    return chosen


# meta tags named only "date": a page's generation or last-change time as often as its publication
GENERIC_META = {"meta:date", "meta:dc.date", "meta:dcterms.date"}


def _shown_before_a_generic_meta_date(
    chosen: NormalisedDate, readings: list[tuple[DateCandidate, ReadDate | None]], context: DateContext
) -> NormalisedDate:
    """A zoned time the page shows as published, hours before the one date the page's generic meta `date` gives.

    <meta name="date" content="2019-11-19T01:48:03Z"> and a byline "November 18, 2019 at 2:26 PM HST" (00:26 UTC):
    the meta tag is when the page was last generated, the byline when the story went out.
    """
    if chosen.source not in GENERIC_META:
        return chosen
    for candidate, read in readings:
        if (
            read is not None
            and candidate.source in VISIBLE_SOURCES
            and read.precision == "minute"
            and not read.is_timezone_assumed
            and not read.is_relative
            and timedelta(minutes=1) < chosen.at - read.at <= DISAGREEMENT
        ):
            return _normalised(candidate, read)
    return chosen


def normalise_article_dates(
    published: list[DateCandidate], modified: list[DateCandidate], context: DateContext
) -> ArticleDates:
    """The article's published and modified dates, each the most trusted plausible candidate, with flags."""
    flags: list[str] = []
    skipped: list[str] = []
    stated_offsets = {o for c in [*published, *modified] if (o := _offset_of(c.raw)) is not None and o}
    published_readings = _with_ambiguous_zones_settled(_read_all(published, context), stated_offsets, context)
    modified_readings = _with_ambiguous_zones_settled(_read_all(modified, context), stated_offsets, context)
    chosen_published = _choose("published", published_readings, context, flags, skipped)
    if chosen_published is not None:
        chosen_published = _as_the_page_shows_it(chosen_published, published_readings, context)
        chosen_published = _with_time_of_day(chosen_published, published_readings, context)
        # the page's modified date may state the wall clock it shows with its offset (a story never edited)
        chosen_published = _with_offset_from_page(chosen_published, [*published_readings, *modified_readings], context)
        chosen_published = _with_offset_the_page_shows(chosen_published, published_readings, context)
        chosen_published = _in_the_pages_own_offset(chosen_published, published_readings, context)
        # then what the reader is shown, against the machine-readable dates that disagree with it
        chosen_published = _not_after_the_modified_date(
            chosen_published, published_readings, modified_readings, context
        )
        chosen_published = _as_the_time_element_reads(chosen_published, published_readings, context)
        chosen_published = _shown_before_a_generic_meta_date(chosen_published, published_readings, context)
        chosen_published = _before_the_last_save(chosen_published, published_readings, modified_readings, context)
        chosen_published = _dated_as_last_changed(chosen_published, published_readings, modified_readings, context)
        chosen_published = _as_the_page_shows_its_only_time(
            chosen_published, published_readings, modified_readings, context
        )
    ignored: list[str] = []
    chosen_modified = _choose(
        "modified",
        modified_readings,
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
