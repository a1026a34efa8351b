"""Extraction details that the demo-site tests do not isolate."""

from __future__ import annotations

import pytest

from transforms.article_metadata import people
from transforms.extract import clean_title


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["By Jane Doe"], ["Jane Doe"]),
        (["Thomas Lindner und Julia Hartmann"], ["Thomas Lindner", "Julia Hartmann"]),
        (["Ana Ruiz, Luis Gómez & Marta Vidal"], ["Ana Ruiz", "Luis Gómez", "Marta Vidal"]),
        (["Von Anna Brenner"], ["Anna Brenner"]),
        (["José Ortega y Gasset"], ["José Ortega y Gasset"]),
        (["Jane Doe", "Jane Doe"], ["Jane Doe"]),
    ],
)
def test_author_bylines_become_one_name_per_person(names, expected):
    assert people(names) == expected


def test_the_site_name_suffix_is_dropped_from_the_title():
    assert clean_title("Fähre startet früher | Rheinblick", "Rheinblick") == "Fähre startet früher"
    assert (
        clean_title("Council approves budget - The Harbour Herald", "The Harbour Herald") == "Council approves budget"
    )
    assert clean_title("A headline - with a dash", None) == "A headline - with a dash"
