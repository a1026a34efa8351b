"""Whole-page extraction on pages we wrote in the markup of real CMSs (WordPress, Arc XP, Drupal, Ghost, a
custom one) and in several languages: every article paragraph kept, every piece of boilerplate dropped,
structure kept in the markup, and the metadata read from the page's own evidence.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from broadsheet.records import ExtractedArticle, FetchedPage
from transforms.extract import extract_article

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "extraction"
PAGES = sorted(path.stem for path in FIXTURES.glob("*.html"))


def _words(text: str) -> str:
    return " ".join(text.split())


def _extract(name: str) -> tuple[ExtractedArticle, dict]:
    expected = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    page = FetchedPage(
        site_key="fixture",
        requested_url=expected["url"],
        final_url=expected["url"],
        status=200,
        headers={"content-type": "text/html; charset=utf-8"},
        body=(FIXTURES / f"{name}.html").read_bytes(),
        fetched_at=datetime(2026, 3, 10, tzinfo=UTC),
    )
    article = extract_article(page)
    assert isinstance(article, ExtractedArticle), f"{name}: expected an article, got {article!r}"
    return article, expected


def test_there_are_pages_from_several_cmss_and_languages():
    assert len(PAGES) >= 5
    languages = {json.loads((FIXTURES / f"{name}.json").read_text())["language"] for name in PAGES}
    assert {"en", "de", "fr", "es"} <= languages


@pytest.mark.parametrize("name", PAGES)
def test_every_article_paragraph_is_kept_in_order(name):
    article, expected = _extract(name)
    body = _words(article.body_text)
    positions = []
    for paragraph in expected["body_paragraphs"]:
        assert _words(paragraph) in body, f"missing from the body: {paragraph!r}"
        positions.append(body.index(_words(paragraph)))
    assert positions == sorted(positions), "paragraphs out of order"


@pytest.mark.parametrize("name", PAGES)
def test_no_boilerplate_is_left_in_the_body(name):
    article, expected = _extract(name)
    body = _words(article.body_text).casefold()
    left = [text for text in expected["boilerplate"] if _words(text).casefold() in body]
    assert left == []
    assert _words(article.title).casefold() not in body, "the headline is repeated inside the body"


@pytest.mark.parametrize("name", PAGES)
def test_structure_is_kept_in_the_markup(name):
    article, expected = _extract(name)
    assert article.body_markup is not None
    for piece in expected["markup_has"]:
        assert piece in article.body_markup


@pytest.mark.parametrize("name", PAGES)
def test_metadata_comes_from_the_page_with_its_source(name):
    article, expected = _extract(name)
    for field in ("title", "authors", "language", "site_name", "section", "tags", "description", "image_url"):
        assert getattr(article, field) == expected[field], field
        if expected[field]:
            assert article.metadata_sources.get(field), f"no source recorded for {field}"
    assert article.metadata_sources["body"].startswith(("trafilatura", "baseline"))
