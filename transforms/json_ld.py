"""The page's JSON-LD objects, read once the same way for metadata and for dates, with ONE list of article types.

CMSs nest the article in a `@graph` or as a WebPage's `mainEntity`, write control characters inside strings,
and wrap the block in `//<![CDATA[ ... //]]>` or `<!-- ... -->` for old browsers; every reader must handle
these, so they are handled here, once per page.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import Any

from lxml import html

logger = logging.getLogger(__name__)

NESTING_KEYS = ("@graph", "mainEntity")  # an article inside a graph, or a WebPage's main entity
# The article itself: its headline, authors and dates are the page's. The order is the order of trust when a
# page has several (a NewsArticle beside the ClaimReview or LiveBlogPosting that wraps it).
ARTICLE_TYPES = (
    "NewsArticle",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "BackgroundNewsArticle",
    "OpinionNewsArticle",
    "ReviewNewsArticle",
    "AskPublicNewsArticle",
    "SatiricalArticle",
    "Article",
    "BlogPosting",
    "LiveBlogPosting",
    "TechArticle",
    "ScholarlyArticle",
    "Report",
    "ClaimReview",  # a fact check: the article is the review
)
# Objects whose dates may be the article's but are trusted less (a page wrapper, an embedded video).
GENERIC_TYPES = ("WebPage", "VideoObject")
# What old-browser guards leave around the JSON: `//<![CDATA[`, `//]]>`, `<!--`, `-->`.
_GUARDS = re.compile(r"^\s*(?://\s*)?(?:<!\[CDATA\[|<!--)|(?://\s*)?(?:\]\]>|-->)\s*$")


def _unguarded(text: str) -> str:
    previous = None
    while previous != text:
        previous, text = text, _GUARDS.sub("", text.strip())
    return text


def json_ld_objects(tree: html.HtmlElement) -> Iterator[dict[str, Any]]:
    """Every JSON object of the page's JSON-LD blocks, nested ones included; unparsable blocks are skipped."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(_unguarded(script.text_content() or "") or "null", strict=False)
        except (json.JSONDecodeError, RecursionError):  # broken, or nested deeper than Python's stack
            logger.debug("ignoring unparsable JSON-LD block")
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                for key in NESTING_KEYS:
                    nested = item.get(key)
                    if isinstance(nested, dict | list):
                        stack.extend(nested if isinstance(nested, list) else [nested])
                yield item


def types_of(obj: dict[str, Any]) -> set[str]:
    """The object's @type values as a set of strings (JSON-LD allows one or a list; "schema:NewsArticle" too)."""
    kind = obj.get("@type", [])
    return {str(k).rsplit(":", 1)[-1].rsplit("/", 1)[-1] for k in (kind if isinstance(kind, list) else [kind])}


def article_rank(obj: dict[str, Any]) -> int | None:
    """The object's place in ARTICLE_TYPES (lower is more the article), None when it is not an article."""
    ranks = [ARTICLE_TYPES.index(kind) for kind in types_of(obj) if kind in ARTICLE_TYPES]
    return min(ranks) if ranks else None


def article_objects(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The page's article objects, the most article-like first (page order among equals)."""
    ranked = [(rank, index, obj) for index, obj in enumerate(objects) if (rank := article_rank(obj)) is not None]
    return [obj for _, _, obj in sorted(ranked, key=lambda item: item[:2])]
