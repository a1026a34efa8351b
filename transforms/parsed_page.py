"""One parsed page that every extractor reads: the tree, its JSON-LD objects and its meta tags, each read once.

The body, metadata and date readers used to walk the tree for JSON-LD and meta tags each on their own, with
their own lists of article types that drifted apart. They now read one `ParsedPage`, made before the body
rules change the tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from lxml import etree, html

from transforms.json_ld import article_objects, json_ld_objects

SHOWN_TEXT = etree.XPath(
    "//body//text()[not(parent::script or parent::style or parent::noscript)]", smart_strings=False
)


@dataclass
class ParsedPage:
    """A page's document tree with what several readers need from it, read once."""

    tree: html.HtmlElement
    json_ld: list[dict[str, Any]] = field(default_factory=list)  # every object, nested ones included
    articles: list[dict[str, Any]] = field(default_factory=list)  # the article objects, most article-like first
    # meta tags by lower-cased name, property or http-equiv, contents in page order (empty ones left out)
    meta: dict[str, list[str]] = field(default_factory=dict)
    # elements by their itemprop value, in page order (one walk of the tree instead of one per property)
    microdata: dict[str, list[html.HtmlElement]] = field(default_factory=dict)

    @cached_property
    def shown_text(self) -> str:
        """The text a reader sees in the <body>, without scripts and styles, whitespace squashed (read on first
        use, which must come before the body rules change the tree)."""
        return " ".join(" ".join(SHOWN_TEXT(self.tree)).split())

    def meta_values(self, *names: str) -> list[str]:
        """The contents of the named meta tags, name by name, in page order."""
        return [value for name in names for value in self.meta.get(name, [])]


def parse_page(tree: html.HtmlElement) -> ParsedPage:
    """Read the page's JSON-LD and meta tags once."""
    objects = list(json_ld_objects(tree))
    meta: dict[str, list[str]] = {}
    for element in tree.iter("meta"):
        content = element.get("content")
        if not content or not content.strip() or element.get("itemprop"):
            continue
        for attribute in ("property", "name", "http-equiv"):
            if name := element.get(attribute):
                meta.setdefault(name.strip().lower(), []).append(content)
                break
    microdata: dict[str, list[html.HtmlElement]] = {}
    for element in tree.xpath("//*[@itemprop]"):
        microdata.setdefault(element.get("itemprop"), []).append(element)
    return ParsedPage(tree, objects, article_objects(objects), meta, microdata)


def as_parsed(page: ParsedPage | html.HtmlElement) -> ParsedPage:
    """A ParsedPage from either a ParsedPage or a bare tree (tests and older callers pass trees)."""
    return page if isinstance(page, ParsedPage) else parse_page(page)
