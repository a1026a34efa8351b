"""The date table (date_cases.csv): one string per row, read as a page of a site in a zone and languages.

Each row states the exact UTC instant, the precision and whether the zone was assumed, or that no date
must come out (impossible, before 1990, after the fetch, or no date at all).
"""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from broadsheet.records import DateCandidate
from transforms.dates import normalise_date

FETCHED_AT = datetime(2025, 3, 15, 12, 0, tzinfo=UTC)
TABLE = Path(__file__).with_name("date_cases.csv")


def _rows() -> list[dict[str, str]]:
    lines = [line for line in TABLE.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines))


ROWS = _rows()


def test_the_table_covers_enough_cases_and_languages():
    languages = {row["languages"] for row in ROWS}
    assert len(ROWS) >= 150
    assert {"de", "fr", "es", "pt", "it", "ru", "ar", "ja", "zh", "tr"} <= languages


def _case_id(number: int, row: dict[str, str]) -> str:
    """An ASCII id (row number, languages, the raw text's Latin letters and digits): tools that select tests
    by id, such as mutmut, cannot select ids holding non-ASCII text."""
    return f"{number:03d}-{row['languages']}-{re.sub(r'[^A-Za-z0-9]+', '-', row['raw'])[:30].strip('-')}"


@pytest.mark.parametrize("row", ROWS, ids=[_case_id(number, row) for number, row in enumerate(ROWS)])
def test_each_date_string_lands_on_its_utc_instant_precision_and_zone_provenance(row):
    got = normalise_date([DateCandidate(row["raw"], "byline")], row["zone"], row["languages"].split(), FETCHED_AT)
    if not row["expected_utc"]:
        assert got is None, f"{row['raw']!r} should give no date, got {got}"
        return
    assert got is not None, f"{row['raw']!r} was not read"
    expected = datetime.fromisoformat(row["expected_utc"].replace("Z", "+00:00"))
    assert (got.at, got.precision, got.is_timezone_assumed) == (expected, row["precision"], row["assumed"] == "true")
    assert got.at.tzinfo == UTC
