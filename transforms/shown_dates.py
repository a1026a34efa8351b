"""The published date checked against what the page shows a reader (a byline, a <time>'s text, an "Updated" line).

Where the hidden machine-readable dates disagree with it in the ways real pages do (a CMS's last save written as
the publication, a <time> attribute that is the last edit, a page that shows only its update), the shown date, or
the machine-readable date that confirms it, wins; each way is one function below.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

from transforms import date_candidates as sources
from transforms.date_choice import (
    DISAGREEMENT,
    SOURCE_TRUST,
    VISIBLE_SOURCES,
    NormalisedDate,
    Readings,
    chosen_date,
    implausible,
    source_trust,
)
from transforms.date_formats import DateContext, ReadDate
from transforms.date_offsets import offset_of


def _shown(readings: Readings, context: DateContext) -> Iterator[ReadDate]:
    """The page's visible absolute dates (a byline, a <time>'s text), in page order."""
    return (
        read
        for candidate, read in readings
        if candidate.source in VISIBLE_SOURCES
        and read is not None
        and not read.is_relative
        and not implausible(read, context)
    )


def _first_shown(readings: Readings, context: DateContext) -> ReadDate | None:
    """The page's first visible absolute date."""
    return next(_shown(readings, context), None)


def _shown_days(readings: Readings, context: DateContext) -> set[date]:
    """The days, in the site's zone, of every visible absolute date on the page."""
    return {_local_day(read.at, context) for read in _shown(readings, context)}


def as_the_page_shows_it(chosen: NormalisedDate, readings: Readings, context: DateContext) -> NormalisedDate:
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
        and not implausible(read, context)
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
            return chosen_date(candidate, read)
    return chosen


def not_after_the_modified_date(
    chosen: NormalisedDate,
    readings: Readings,
    modified: Readings,
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
            and not implausible(read, context)
        ):
            return chosen_date(candidate, read, timezone_assumed=False)
    return chosen


def as_the_page_shows_its_only_time(
    chosen: NormalisedDate,
    readings: Readings,
    modified: Readings,
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
        if read is None or candidate.source not in VISIBLE_SOURCES or read.is_relative or implausible(read, context):
            continue
        exact = read.precision == "minute" and not read.is_timezone_assumed
        if read.at - chosen.at >= (timedelta(minutes=-1) if exact else DISAGREEMENT):
            return chosen_date(candidate, read)
    return chosen


def dated_as_last_changed(
    chosen: NormalisedDate,
    readings: Readings,
    modified: Readings,
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
            and not implausible(read, context)
        ):
            return chosen_date(candidate, read)
    return chosen


def _on_the_shown_day(at: datetime, raw: str, shown: ReadDate, context: DateContext) -> bool:
    """True when a machine-readable time names the day a shown date names: at the offset it states, for a
    day-only shown date ("November 12, 2018" and "2018-11-12T17:36:26-08:00"); within a day otherwise. A day-only
    date is read as midnight in the site's zone, so its day is the one in that zone, not its UTC day."""
    if shown.precision != "day":
        return abs(at - shown.at) <= DISAGREEMENT
    return (at + (offset_of(raw) or timedelta(0))).date() == _local_day(shown.at, context)


def _local_day(at: datetime, context: DateContext) -> date:
    return at.astimezone(context.zone).date()


def as_the_time_element_reads(chosen: NormalisedDate, readings: Readings, context: DateContext) -> NormalisedDate:
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
        read is not None and source_trust(candidate.source) <= SOURCE_TRUST["meta"] and not implausible(read, context)
        for candidate, read in readings
    ):
        return chosen  # JSON-LD or a meta tag speaks too: the rules above settle it
    for candidate, read in readings:
        if read is shown:
            return chosen_date(candidate, read)
    return chosen


def before_the_last_save(
    chosen: NormalisedDate,
    readings: Readings,
    modified: Readings,
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
    if read.at < chosen.at - DISAGREEMENT and on_the_shown_day and not implausible(read, context):
        return chosen_date(candidate, read)
    return chosen


# meta tags named only "date": a page's generation or last-change time as often as its publication
GENERIC_META = {"meta:date", "meta:dc.date", "meta:dcterms.date"}


def shown_before_a_generic_meta_date(
    chosen: NormalisedDate, readings: Readings, context: DateContext
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
            return chosen_date(candidate, read)
    return chosen
