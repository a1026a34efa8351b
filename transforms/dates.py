"""Normalise an article's dates to UTC, choosing among the page's candidates by trust, keeping provenance.

Reading one string is `read_date` (transforms/date_text.py, over the exact formats of
transforms/date_formats.py, which also documents precision and the DST rule).

Choosing (`normalise_article_dates`): the most trusted plausible candidate (transforms/date_choice.py); a modified
date before the published date is skipped the same way. Published dates from "last changed" signals (sitemap
lastmod, HTTP Last-Modified) are a flagged last resort. Trusted sources that disagree with the chosen date by more
than a day leave the flag `sources_disagree`. The published date is completed from the page's other sources (its
time of day, its offset: transforms/date_offsets.py), then checked against what the page shows a reader
(transforms/shown_dates.py), in the order below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from broadsheet.records import DateCandidate
from transforms import date_offsets, shown_dates
from transforms.date_choice import LAST_CHANGED_SOURCES, NormalisedDate, choose, disagrees, read_all
from transforms.date_formats import DateContext
from transforms.date_text import read_date

__all__ = ["ArticleDates", "DateContext", "NormalisedDate", "normalise_article_dates", "normalise_date", "read_date"]


@dataclass(frozen=True)
class ArticleDates:
    published: NormalisedDate | None
    modified: NormalisedDate | None
    flags: list[str] = field(default_factory=list)
    # why each published candidate was not used, for the reject row of an undated article
    skipped: list[str] = field(default_factory=list)


def normalise_article_dates(
    published: list[DateCandidate], modified: list[DateCandidate], context: DateContext
) -> ArticleDates:
    """The article's published and modified dates, each the most trusted plausible candidate, with flags."""
    flags: list[str] = []
    skipped: list[str] = []
    stated_offsets = {o for c in [*published, *modified] if (o := date_offsets.offset_of(c.raw)) is not None and o}
    published_readings = date_offsets.with_ambiguous_zones_settled(
        read_all(published, context), stated_offsets, context
    )
    modified_readings = date_offsets.with_ambiguous_zones_settled(read_all(modified, context), stated_offsets, context)
    chosen_published = choose("published", published_readings, context, flags, skipped)
    if chosen_published is not None:
        chosen_published = shown_dates.as_the_page_shows_it(chosen_published, published_readings, context)
        chosen_published = date_offsets.with_time_of_day(chosen_published, published_readings, context)
        # the page's modified date may state the wall clock it shows with its offset (a story never edited)
        chosen_published = date_offsets.with_offset_from_page(
            chosen_published, [*published_readings, *modified_readings], context
        )
        chosen_published = date_offsets.with_offset_the_page_shows(chosen_published, published_readings, context)
        chosen_published = date_offsets.in_the_pages_own_offset(chosen_published, published_readings, context)
        # then what the reader is shown, against the machine-readable dates that disagree with it
        chosen_published = shown_dates.not_after_the_modified_date(
            chosen_published, published_readings, modified_readings, context
        )
        chosen_published = shown_dates.as_the_time_element_reads(chosen_published, published_readings, context)
        chosen_published = shown_dates.shown_before_a_generic_meta_date(chosen_published, published_readings, context)
        chosen_published = shown_dates.before_the_last_save(
            chosen_published, published_readings, modified_readings, context
        )
        chosen_published = shown_dates.dated_as_last_changed(
            chosen_published, published_readings, modified_readings, context
        )
        chosen_published = shown_dates.as_the_page_shows_its_only_time(
            chosen_published, published_readings, modified_readings, context
        )
    ignored: list[str] = []
    chosen_modified = choose(
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
        if disagrees(chosen_published, published_readings):
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
    return choose("published", read_all(candidates, context), context, [], [])
