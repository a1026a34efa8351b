"""Date normalisation: each source style to the exact UTC instant, trust order, plausibility, DST."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from broadsheet.records import DateCandidate
from transforms.dates import DateContext, normalise_article_dates, normalise_date, read_date

FETCHED_AT = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)

CASES = [
    # raw, source, site zone, languages, expected UTC
    ("2024-03-14T09:30:00+01:00", "json-ld", "Africa/Lagos", ["en"], "2024-03-14T08:30:00"),
    ("2024-03-14T08:30:00+00:00", "meta:article:published_time", "Africa/Lagos", ["en"], "2024-03-14T08:30:00"),
    ("2024-03-09T22:40:00-05:00", "json-ld", "America/New_York", ["en"], "2024-03-10T03:40:00"),
    ("2024-03-10T03:15:00-04:00", "json-ld", "America/New_York", ["en"], "2024-03-10T07:15:00"),
    ("2024-03-10T12:00:00Z", "json-ld", "America/New_York", ["en"], "2024-03-10T12:00:00"),
    ("Fri, 15 Mar 2024 14:30:00 +0100", "byline", "Europe/Berlin", ["de"], "2024-03-15T13:30:00"),
    ("1710509400", "json-ld", "Europe/Berlin", ["de"], "2024-03-15T13:30:00"),
    # naive local times: the site's zone decides, either side of the EU change on 2024-03-31
    ("15. März 2024, 14:30 Uhr", "byline", "Europe/Berlin", ["de"], "2024-03-15T13:30:00"),
    ("30. März 2024, 22:15 Uhr", "byline", "Europe/Berlin", ["de"], "2024-03-30T21:15:00"),
    ("31. März 2024, 09:00 Uhr", "byline", "Europe/Berlin", ["de"], "2024-03-31T07:00:00"),
    ("Veröffentlicht am 2. April 2024 um 8:05 Uhr", "byline", "Europe/Berlin", ["de"], "2024-04-02T06:05:00"),
    ("Von Anna Brenner | 3. April 2024, 00:30 Uhr", "byline", "Europe/Berlin", ["de"], "2024-04-02T22:30:00"),
    ("2024-03-31 01:45", "byline", "Europe/Berlin", ["de"], "2024-03-31T00:45:00"),
    ("Published March 9, 2024 at 10:40 p.m.", "byline", "America/New_York", ["en"], "2024-03-10T03:40:00"),
    # the C locale's `date` format, English on a German page, its zone stated or the site's
    ("Mon Oct 11 14:57:21 CEST 2021", "meta:og:article:published_time", "UTC", ["de"], "2021-10-11T12:57:21"),
    ("Mon Oct 11 14:57:21 2021", "meta:date", "Europe/Berlin", ["de"], "2021-10-11T12:57:21"),
    # DST rule: a wall time in the spring-forward gap is read with the offset before the change (EST)
    ("2024-03-10 02:30", "byline", "America/New_York", ["en"], "2024-03-10T07:30:00"),
    # ... and the repeated autumn hour is read as its first occurrence (still EDT)
    ("2024-11-03 01:30", "byline", "America/New_York", ["en"], "2024-11-03T05:30:00"),
]


@pytest.mark.parametrize(
    ("raw", "source", "zone", "languages", "expected_utc"), CASES, ids=[f"case{n:02d}" for n in range(len(CASES))]
)  # ASCII ids: mutmut selects tests by id
def test_each_date_style_lands_on_the_exact_utc_instant(raw, source, zone, languages, expected_utc):
    result = normalise_date([DateCandidate(raw, source)], zone, languages, FETCHED_AT)
    assert result is not None, f"{raw!r} was not parsed"
    assert result.at == datetime.fromisoformat(expected_utc).replace(tzinfo=UTC)
    assert result.at.tzinfo == UTC
    assert (result.raw, result.source) == (raw, source)


def test_structured_data_wins_over_a_byline_that_disagrees():
    candidates = [
        DateCandidate("14. März 2024, 10:00 Uhr", "byline"),
        DateCandidate("2024-03-15T14:30:00+01:00", "json-ld"),
    ]
    result = normalise_date(candidates, "Europe/Berlin", ["de"], FETCHED_AT)
    assert result is not None
    assert result.source == "json-ld"
    assert result.at == datetime(2024, 3, 15, 13, 30, tzinfo=UTC)


def test_a_date_after_the_fetch_time_falls_back_to_the_next_candidate():
    candidates = [
        DateCandidate("2031-01-01T00:00:00+00:00", "json-ld"),
        DateCandidate("2024-03-15T14:30:00+01:00", "meta:article:published_time"),
    ]
    result = normalise_date(candidates, "Europe/Berlin", ["de"], FETCHED_AT)
    assert result is not None
    assert result.source == "meta:article:published_time"


def test_impossible_and_implausible_dates_give_no_date_rather_than_a_wrong_one():
    candidates = [
        DateCandidate("1970-01-01T00:00:00Z", "json-ld"),
        DateCandidate("2024-02-30T10:00:00+01:00", "meta:article:published_time"),
        DateCandidate("no date here at all", "byline"),
    ]
    assert normalise_date(candidates, "Europe/Berlin", ["de"], FETCHED_AT) is None


def _dates(published, modified=(), zone="Europe/Berlin", languages=("de",), page_language=None):
    context = DateContext.for_site(zone, list(languages), FETCHED_AT, page_language)
    return normalise_article_dates(
        [DateCandidate(raw, source) for raw, source in published],
        [DateCandidate(raw, source) for raw, source in modified],
        context,
    )


def test_trusted_sources_more_than_a_day_apart_are_flagged_but_the_most_trusted_still_wins():
    dates = _dates([("2024-03-15T14:30:00+01:00", "json-ld"), ("12. März 2024, 09:00 Uhr", "byline")])
    assert dates.published.source == "json-ld"
    assert "sources_disagree" in dates.flags
    close = _dates([("2024-03-15T14:30:00+01:00", "json-ld"), ("15. März 2024, 14:30 Uhr", "byline")])
    assert close.flags == []


def test_a_modified_date_before_the_published_date_is_flagged_and_the_next_one_is_used():
    dates = _dates(
        [("2024-03-15T14:30:00+01:00", "json-ld")],
        [("2024-03-01T10:00:00+01:00", "json-ld"), ("2024-03-16T08:00:00+01:00", "meta:article:modified_time")],
    )
    assert dates.modified.source == "meta:article:modified_time"
    assert dates.modified.at == datetime(2024, 3, 16, 7, 0, tzinfo=UTC)
    assert "modified_before_published" in dates.flags
    only_wrong = _dates([("2024-03-15T14:30:00+01:00", "json-ld")], [("2024-03-01T10:00:00+01:00", "json-ld")])
    assert only_wrong.modified is None


def test_http_last_modified_is_a_flagged_last_resort_for_the_published_date():
    last_modified = ("Fri, 15 Mar 2024 13:30:00 GMT", "http:last-modified")
    dates = _dates([last_modified])
    assert (dates.published.source, dates.published.at) == (
        "http:last-modified",
        datetime(2024, 3, 15, 13, 30, tzinfo=UTC),
    )
    assert "published_from_last_modified" in dates.flags
    assert _dates([last_modified, ("2024/03/14", "url-path")]).published.source == "url-path"


def test_a_future_date_is_flagged_and_the_next_candidate_is_used():
    dates = _dates([("2031-01-01T00:00:00+00:00", "json-ld"), ("15.03.2024", "byline")])
    assert dates.published.source == "byline"
    assert (dates.published.precision, dates.published.is_timezone_assumed) == ("day", True)
    assert "published_after_fetch" in dates.flags


def test_an_article_without_a_plausible_date_says_why_for_each_candidate():
    dates = _dates([("1970-01-01T00:00:00Z", "json-ld"), ("3 Kommentare", "byline")])
    assert dates.published is None
    assert "no_published_date" in dates.flags and "published_before_1990" in dates.flags
    assert dates.skipped == ["json-ld '1970-01-01T00:00:00Z': before 1990", "byline '3 Kommentare': no date in it"]


def test_a_relative_date_resolves_against_the_fetch_time_and_is_flagged():
    dates = _dates([("vor 2 Stunden", "byline")])
    assert dates.published.at == datetime(2025, 1, 1, 10, 0, tzinfo=UTC)
    assert "published_relative" in dates.flags


def test_the_page_language_is_read_besides_the_site_languages():
    assert _dates([("15 mars 2024 à 14h30", "byline")]).published is None
    dates = _dates([("15 mars 2024 à 14h30", "byline")], page_language="fr")
    assert dates.published.at == datetime(2024, 3, 15, 13, 30, tzinfo=UTC)


def test_day_and_month_order_is_the_site_s_not_the_string_s():
    new_york = _dates([("04/05/2024", "byline")], zone="America/New_York", languages=("en",))
    london = _dates([("04/05/2024", "byline")], zone="Europe/London", languages=("en",))
    assert new_york.published.at.date().isoformat() == "2024-04-05"  # April 5, midnight EDT = 04:00 UTC
    assert london.published.at.isoformat() == "2024-05-03T23:00:00+00:00"  # 4 May, midnight BST


def test_a_trusted_day_takes_its_time_from_a_less_trusted_source_on_the_same_day_only():
    dates = _dates([("2024-03-15", "json-ld"), ("15. März 2024, 14:30 Uhr", "byline")])
    assert (dates.published.source, dates.published.at) == ("byline", datetime(2024, 3, 15, 13, 30, tzinfo=UTC))
    assert dates.published.precision == "minute"
    other_day = _dates([("2024-03-15", "json-ld"), ("16. März 2024, 14:30 Uhr", "byline")])
    assert (other_day.published.source, other_day.published.precision) == ("json-ld", "day")


# Which source wins when two give different dates: the page's article object over its meta tags, those over a
# generic JSON-LD object or a <time>, then discovery, bylines, feeds, the URL, htmldate, and the last-changed
# headers; a source nobody listed comes last. Each pair: (more trusted, less trusted).
TRUST_ORDER = [
    ("json-ld", "meta:article:published_time"),
    ("microdata:datePublished", "meta:article:published_time"),
    ("meta:article:published_time", "json-ld:WebPage"),
    ("meta:og:article:published_time", "time[datetime]"),
    ("json-ld:VideoObject", "news-sitemap"),
    ("time[datetime]", "news-sitemap"),
    ("news-sitemap", "byline"),
    ("news-sitemap", "time"),
    ("byline", "feed"),
    ("time", "feed"),
    ("feed", "url-path"),
    ("url-path", "htmldate"),
    ("htmldate", "sitemap:lastmod"),
    ("sitemap:lastmod", "http:last-modified"),
    ("http:last-modified", "a-source-nobody-listed"),
]


@pytest.mark.parametrize(("trusted", "other"), TRUST_ORDER, ids=[f"{a}>{b}" for a, b in TRUST_ORDER])
def test_the_more_trusted_of_two_disagreeing_sources_gives_the_date(trusted, other):
    candidates = [DateCandidate("2024-03-01T10:00:00Z", other), DateCandidate("2024-03-09T10:00:00Z", trusted)]
    chosen = normalise_date(candidates, "UTC", ["en"], datetime(2024, 3, 15, tzinfo=UTC))
    assert chosen is not None and (chosen.source, chosen.at) == (trusted, datetime(2024, 3, 9, 10, tzinfo=UTC))


def test_the_day_and_month_of_a_numeric_date_in_running_text_are_not_a_clock_time():
    context = DateContext.for_site("UTC", ["de"], FETCHED_AT)
    headline = read_date("Ergebnisse: Regionalmeisterschaft Aalen, 19.5.2007 von Marc Roth", context)
    assert headline.at == datetime(2007, 5, 19, tzinfo=UTC) and headline.precision == "day"
    clock = read_date("Bericht vom 15. März 2024 14.30 Uhr im Rathaus", context)
    assert clock.at == datetime(2024, 3, 15, 14, 30, tzinfo=UTC) and clock.precision == "minute"
