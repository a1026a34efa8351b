"""Our call of trafilatura's metadata readers reads what trafilatura.extract_metadata reads, field for field.

It runs them without htmldate and the category, tag and licence readers (transforms/fallback_metadata.py);
this test is what tells a trafilatura upgrade that changed the readers' order or clean-up.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
import trafilatura
from services import missing_service

from broadsheet.settings import Settings
from demo.sites_server import DEMO_SITES_DIR
from transforms.fallback_metadata import fallback_metadata
from transforms.page_parsing import load_page

FIXTURES = Path(__file__).parents[1] / "fixtures"
PAGES = sorted([*FIXTURES.rglob("*.html"), *DEMO_SITES_DIR.rglob("*.html")])


def test_there_are_pages_of_every_kind_to_compare():
    assert len(PAGES) >= 50


@pytest.mark.parametrize("path", PAGES, ids=lambda path: str(path.relative_to(path.parents[2])))
def test_fallback_metadata_reads_what_extract_metadata_reads(path: Path):
    url = f"http://127.0.0.1:8000/{path.name}"
    text = path.read_bytes().decode("utf-8", "replace")
    tree, reference_tree = load_page(text), load_page(text)
    assert tree is not None

    ours = fallback_metadata(tree, url)
    theirs = trafilatura.extract_metadata(reference_tree, default_url=url)

    assert (ours.title, ours.site_name, ours.author) == (theirs.title, theirs.sitename, theirs.author)


def test_on_the_benchmark_real_pages_too():
    """181 real pages of many CMSs (read in place from the datasets folder; under CI=true a missing one fails)."""
    pages_dir = Settings().datasets_dir / "article-extraction-benchmark" / "html"
    if not pages_dir.is_dir():
        missing_service(f"article-extraction benchmark pages not found at {pages_dir} (set BROADSHEET_DATASETS_DIR)")
    differing = []
    for path in sorted(pages_dir.glob("*.html.gz")):
        text = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        url = f"http://127.0.0.1:8000/{path.name.removesuffix('.html.gz')}.html"
        ours = fallback_metadata(load_page(text), url)
        theirs = trafilatura.extract_metadata(load_page(text), default_url=url)
        if (ours.title, ours.site_name, ours.author) != (theirs.title, theirs.sitename, theirs.author):
            differing.append(path.name)
    assert differing == []
