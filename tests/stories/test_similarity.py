"""Shingles, signatures, bands, relations and agency credits: pure functions, no database."""

from __future__ import annotations

import pytest

from broadsheet.stories.agencies import agency_credit
from broadsheet.stories.similarity import (
    DEFAULT_PARAMETERS,
    Relation,
    band_keys,
    estimated_jaccard,
    jaccard,
    lsh_match_probability,
    relation_to_first,
    shingles,
    signature,
    signature_bytes,
    signature_from_bytes,
    words_hash,
)

STORY = (
    "Dockworkers at the port of Calder Bay walked off the job on Tuesday after talks over a new three-year contract "
    "broke down late on Monday night, leaving more than forty container ships waiting at anchor outside the harbour. "
    "The union said its members would stay out until the operators withdrew a plan to automate two of the five "
    "terminals, which it says would cost eleven hundred jobs over the next decade. "
    "The port authority said perishable cargo would be diverted to the smaller terminal at Westhaven, and that "
    "ferries and cruise ships were not affected by the strike."
)


def test_shingles_ignore_case_punctuation_and_spacing():
    assert shingles(STORY) == shingles(STORY.upper().replace(",", " ,  ").replace(".", "!"))
    assert len(shingles("one two three")) == 1
    assert shingles("") == frozenset()


def test_a_syndicated_copy_with_a_local_intro_and_a_cut_ending_stays_above_the_threshold():
    copy = "Traders in Linwood fear delays to the spring stock. " + STORY.rsplit(" The port authority", 1)[0]
    similarity = jaccard(shingles(STORY), shingles(copy))
    assert similarity >= DEFAULT_PARAMETERS.jaccard_threshold
    unrelated = "The city council approved a new cycle lane along the lakefront after a two-hour debate on Monday."
    assert jaccard(shingles(STORY), shingles(unrelated)) == 0


def test_signatures_are_deterministic_and_estimate_the_jaccard_similarity():
    first, second = shingles(STORY), shingles(STORY.rsplit(" The port authority", 1)[0])
    assert signature(first) == signature(frozenset(sorted(first)))
    estimate = estimated_jaccard(signature(first), signature(second))
    assert abs(estimate - jaccard(first, second)) < 0.15
    assert signature_from_bytes(signature_bytes(signature(first))) == signature(first)
    assert len(signature_bytes(signature(first))) == 4 * DEFAULT_PARAMETERS.permutations


def test_equal_bands_give_equal_keys_and_bands_never_collide_with_each_other():
    keys = band_keys(signature(shingles(STORY)))
    assert len(keys) == DEFAULT_PARAMETERS.bands == len(set(keys))
    assert keys == band_keys(signature(shingles(STORY + " ")))
    assert all(-(2**63) <= key < 2**63 for key in keys)
    same_rows_everywhere = (7,) * DEFAULT_PARAMETERS.permutations
    assert len(set(band_keys(same_rows_everywhere))) == DEFAULT_PARAMETERS.bands


def test_the_band_curve_finds_near_copies_and_almost_never_unrelated_text():
    assert lsh_match_probability(0.5) > 0.99
    assert lsh_match_probability(DEFAULT_PARAMETERS.jaccard_threshold) > 0.9
    assert lsh_match_probability(0.02) < 0.001  # unrelated news articles share far fewer shingles


@pytest.mark.parametrize(
    ("is_first", "is_same_site", "is_same_words", "relation"),
    [
        (True, True, True, Relation.ORIGINAL),
        (False, True, True, Relation.SAME_SITE_REPUBLISHED),
        (False, True, False, Relation.SAME_SITE_REPUBLISHED),
        (False, False, True, Relation.EXACT_COPY),
        (False, False, False, Relation.NEAR_COPY),
    ],
)
def test_relation_to_the_first_article(is_first, is_same_site, is_same_words, relation):
    assert relation_to_first(is_first=is_first, is_same_site=is_same_site, is_same_words=is_same_words) == relation


def test_an_exact_copy_has_the_same_words_whatever_its_spacing_and_capitals():
    assert words_hash(STORY) == words_hash("  " + STORY.replace(". ", ".\n\n").lower())
    assert words_hash(STORY) != words_hash(STORY + " Updated.")


@pytest.mark.parametrize(
    ("authors", "body", "organisations", "agency"),
    [
        (["By Reuters"], "", (), "Reuters"),
        (["Jane Okafor", "AP"], "", (), "Associated Press"),
        (["Reuters staff"], "", (), "Reuters"),
        (["dpa/lni"], "", (), "dpa"),
        ([], "CALDER BAY (AP) — Dockworkers walked off", (), "Associated Press"),
        ([], "BERLIN (dpa) - Die Hafenarbeiter", (), "dpa"),
        (
            ["Ada Obi"],
            "Importers in Meridian counted the cost.\nCALDER BAY (AP) — Dockworkers walked off",
            (),
            "Associated Press",
        ),
        (["Marta Puig"], "Madrid, 3 mar (EFE).- Los estibadores", (), "EFE"),
        (["Coastal Newswire"], "", ("Coastal Newswire",), "Coastal Newswire"),
        (["Harbour Herald Staff"], "", ("Harbour Herald Staff",), None),  # the site's own newsroom
        (["Redaktion", "Jana Roth"], "", ("Redaktion",), None),
        (["Jane Okafor"], "The council (in a rare move) — voted", (), None),
        (["Apollo Reyes"], "", (), None),
        ([], "", (), None),
    ],
)
def test_agency_credit_from_byline_or_dateline(authors, body, organisations, agency):
    assert agency_credit(authors, body, organisations) == agency
