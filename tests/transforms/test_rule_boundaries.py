"""Boundaries of rules that a small change would move without another test noticing (found by deliberate
breakage and mutation testing): the one-day disagreement threshold of dates, an "About ..." subheading early
in an article."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from broadsheet.records import DateCandidate
from transforms import body_rules
from transforms.body_blocks import Block
from transforms.dates import DateContext, normalise_article_dates

FETCHED_AT = datetime(2024, 3, 20, 12, 0, tzinfo=UTC)


def _flags(json_ld: str, byline: str) -> list[str]:
    context = DateContext.for_site("UTC", ["en"], FETCHED_AT, "en")
    dates = normalise_article_dates([DateCandidate(json_ld, "json-ld"), DateCandidate(byline, "byline")], [], context)
    assert dates.published is not None and dates.published.source == "json-ld"
    return dates.flags


@pytest.mark.parametrize(
    ("byline", "flagged"),
    [
        ("March 15, 2024 14:00", False),  # the same instant
        ("March 14, 2024 15:00", False),  # 23 hours earlier: within a day
        ("March 14, 2024 13:00", True),  # 25 hours earlier: more than a day
        ("March 13, 2024 14:00", True),  # two days
    ],
)
def test_trusted_sources_are_flagged_as_disagreeing_beyond_one_day_not_three(byline, flagged):
    assert ("sources_disagree" in _flags("2024-03-15T14:00:00Z", byline)) is flagged


ARTICLE = "The council voted on Tuesday after a four-hour debate that ran well past midnight in the old town hall."
HINTS = body_rules.PageHints(titles=("Council approves harbour budget",), descriptions=())


def test_an_about_heading_early_in_an_article_does_not_cut_the_rest():
    """A capitalised "About <Name>" subheading second of six paragraphs is a subhead, not a press-release footer."""
    texts = [ARTICLE, "About Harbour Logistics", *(f"{ARTICLE} Part {n}." for n in range(4))]
    blocks = [Block("p", text) for text in texts]
    assert body_rules.remove_about_company_footer(blocks, HINTS) == blocks


def test_an_about_company_footer_at_the_end_is_still_cut():
    texts = [*(f"{ARTICLE} Part {n}." for n in range(4)), "About Harbour Logistics", "Harbour Logistics runs docks."]
    blocks = [Block("p", text) for text in texts]
    assert [b.text for b in body_rules.remove_about_company_footer(blocks, HINTS)] == texts[:4]
