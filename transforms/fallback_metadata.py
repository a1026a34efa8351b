"""trafilatura's readers of title, site name and author, for the fields our own metadata reader did not find.

`trafilatura.extract_metadata` runs the same readers in the same order, but also htmldate's `find_date` and
the category, tag and licence readers, none of which extraction uses (our dates come from
transforms/date_candidates.py): on real pages those cost about 12 % of a page's extraction CPU. The fields
read here are the ones `extract_metadata` gives (tests/transforms/test_fallback_metadata.py compares them).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from html import unescape

from lxml import html
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.utils import line_processing

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FallbackMetadata:
    title: str | None
    site_name: str | None
    author: str | None  # trafilatura's form: several names joined by "; "


def _cleaned(value: str | None) -> str | None:
    """trafilatura's final clean-up of a field (Document.clean_and_trim): entities decoded, spaces trimmed."""
    return line_processing(unescape(value)) if value else None


def fallback_metadata(tree: html.HtmlElement, url: str | None) -> FallbackMetadata:
    """Title, site name and author as `trafilatura.extract_metadata(tree, default_url=url)` reads them."""
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None  # as extract_metadata does: a one-word meta author is a handle, not a name
    try:
        metadata = extract_meta_json(tree, metadata)
    except Exception as error:  # trafilatura's JSON-LD reader fails on odd JSON; extract_metadata catches it too
        logger.warning("trafilatura's JSON-LD metadata reader failed: %s: %s", type(error).__name__, error)
    title = metadata.title or extract_title(tree)
    author = metadata.author or extract_author(tree)
    site_name = metadata.sitename or extract_sitename(tree)
    if site_name:
        site_name = site_name.lstrip("@")
        if site_name and "." not in site_name and not site_name[0].isupper():
            site_name = site_name.title()
    else:
        page_url = metadata.url or extract_url(tree, url)
        found = META_URL.match(page_url) if page_url else None
        site_name = found[1] if found else None
    return FallbackMetadata(_cleaned(title), _cleaned(site_name), _cleaned(author))
