"""Read the page's own metadata: JSON-LD, OpenGraph and meta tags, canonical link; dates via date_candidates.

Each value keeps where it came from, so later stages can choose by trust and record provenance.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from broadsheet.transforms.date_candidates import html_date_candidates
from lxml import html

from broadsheet.records import DateCandidate

logger = logging.getLogger(__name__)

ARTICLE_TYPES = {
    "Article",
    "NewsArticle",
    "ReportageNewsArticle",
    "BlogPosting",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "ReviewNewsArticle",
    "LiveBlogPosting",
    "Report",
    "WebPage",
}


@dataclass
class PageMetadata:
    title: str | None = None
    title_source: str | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    language: str | None = None
    authors: list[str] = field(default_factory=list)
    published: list[DateCandidate] = field(default_factory=list)
    modified: list[DateCandidate] = field(default_factory=list)


def _json_ld_objects(tree: html.HtmlElement) -> Iterator[dict[str, Any]]:
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content() or "null")
        except json.JSONDecodeError:
            logger.debug("ignoring unparsable JSON-LD block")
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.extend(item["@graph"] if isinstance(item["@graph"], list) else [item["@graph"]])
                yield item


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type", [])
    return set(kind if isinstance(kind, list) else [kind])


def _person_names(value: Any) -> list[str]:
    people = value if isinstance(value, list) else [value]
    names = []
    for person in people:
        if isinstance(person, dict) and "Organization" not in _types(person) and person.get("name"):
            names.append(str(person["name"]).strip())
        elif isinstance(person, str) and person.strip():
            names.append(person.strip())
    return names


def _meta(tree: html.HtmlElement, name: str) -> str | None:
    found = tree.xpath("//meta[@property=$n or @name=$n or @itemprop=$n]/@content", n=name)
    return found[0].strip() if found and found[0].strip() else None


def read_page_metadata(tree: html.HtmlElement) -> PageMetadata:
    meta = PageMetadata()
    articles = [o for o in _json_ld_objects(tree) if _types(o) & ARTICLE_TYPES]
    # Prefer a real article type over WebPage when a @graph carries both.
    articles.sort(key=lambda o: "WebPage" in _types(o) and len(_types(o)) == 1)
    for obj in articles:
        if not meta.title and obj.get("headline"):
            meta.title, meta.title_source = str(obj["headline"]).strip(), "json-ld"
        if not meta.authors and obj.get("author"):
            meta.authors = _person_names(obj["author"])
    dates = html_date_candidates(tree)
    meta.published, meta.modified = dates.published, dates.modified

    if not meta.title and (og_title := _meta(tree, "og:title")):
        meta.title, meta.title_source = og_title, "og:title"
    if not meta.title:
        h1 = tree.xpath("//h1")
        if h1 and h1[0].text_content().strip():
            meta.title, meta.title_source = " ".join(h1[0].text_content().split()), "h1"
    if not meta.authors and (author := _meta(tree, "author")):
        meta.authors = [author]
    meta.site_name = _meta(tree, "og:site_name")
    canonical = tree.xpath('//link[@rel="canonical"]/@href')
    meta.canonical_url = canonical[0].strip() if canonical and canonical[0].strip() else None
    lang = tree.xpath("/html/@lang")
    meta.language = lang[0].split("-")[0].lower() if lang and lang[0].strip() else None
    return meta
