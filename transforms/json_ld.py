"""The page's JSON-LD objects, read once the same way for metadata and for dates.

CMSs nest the article in a `@graph` or as a WebPage's `mainEntity`, and some write control characters inside
strings; both are common enough that every reader must handle them, so they are handled here.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

from lxml import html

logger = logging.getLogger(__name__)

NESTING_KEYS = ("@graph", "mainEntity")  # an article inside a graph, or a WebPage's main entity


def json_ld_objects(tree: html.HtmlElement) -> Iterator[dict[str, Any]]:
    """Every JSON object of the page's JSON-LD blocks, nested ones included; unparsable blocks are skipped."""
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content() or "null", strict=False)
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
    """The object's @type values as a set of strings (JSON-LD allows one or a list)."""
    kind = obj.get("@type", [])
    return {str(k) for k in (kind if isinstance(kind, list) else [kind])}
