"""Date normalisation: each source style to the exact UTC instant, trust order, plausibility, DST."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from broadsheet.transforms.dates import normalise_date

from broadsheet.records import DateCandidate

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
    # DST rule: a wall time in the spring-forward gap is read with the offset before the change (EST)
    ("2024-03-10 02:30", "byline", "America/New_York", ["en"], "2024-03-10T07:30:00"),
    # ... and the repeated autumn hour is read as its first occurrence (still EDT)
    ("2024-11-03 01:30", "byline", "America/New_York", ["en"], "2024-11-03T05:30:00"),
]


@pytest.mark.parametrize(("raw", "source", "zone", "languages", "expected_utc"), CASES)
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
