"""An article's descriptive metadata from the page's own evidence, each field with the source it came from.

Sources are tried in order of trust: JSON-LD (NewsArticle and kin, also inside @graph), OpenGraph, other meta
tags, microdata (itemprop), then the visible byline. Dates are not read here (see date_candidates and the date
stages); this module gives title, authors, description, main image, canonical URL, site name, section, tags
and language.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import html

from transforms.json_ld import types_of
from transforms.parsed_page import ParsedPage, as_parsed

logger = logging.getLogger(__name__)

ORGANISATION_TYPES = {"Organization", "NewsMediaOrganization", "Corporation", "WebSite"}
TITLE_SEPARATORS = re.compile(r"\s+[|\-–—·:»]\s+")
BYLINE_XPATH = (
    "//*[@rel='author' or contains(concat(' ', normalize-space(@class), ' '), ' byline ')"
    " or contains(@class, 'author-name') or contains(@class, 'byline__name') or contains(@class, 'autor')]"
)
BY_PREFIX = re.compile(r"^\s*(written by|posted by|by|von|por|par|text:|texto:|texte:)\s+", re.I)
AUTHOR_SEPARATORS = re.compile(r"\s*(?:;|,|&|\||\band\b|\bund\b|\bet\b|\by\b(?=\s+[A-ZÁÉÍÓÚ][^\s]+\s+[A-Z]))\s*")
ROLE_WORDS = re.compile(
    r"^(senior |chief |staff |contributing |special |political |foreign |deputy |managing |news |associate )*"
    r"(reporter|writer|editor|correspondent|columnist|contributor|journalist|redakteur(in)?|korrespondent(in)?"
    r"|autor(in)?|rédacteur|rédactrice|journaliste|envoyé spécial|corresponsal|redactor(a)?|periodista"
    r"|photographer|fotograf(in)?|staff|editorial board|newsroom|redaktion|rédaction|redacción)(s|es|en|innen)?$",
    re.I,
)
# "AP Auto Writer", "News Nation Bureau", "Web Desk": a role or a desk, not a person
ROLE_AT_END = re.compile(
    r"\b(writer|reporter|editor|correspondent|columnist|contributor|bureau|desk|staff|team|redaktion|rédaction"
    r"|redacción|korrespondent|newsroom)s?$",
    re.I,
)
AGENCIES = re.compile(
    r"^(the )?(associated press|ap|reuters|afp|agence france-presse|dpa|epd|kna|efe|europa press|ansa|bloomberg"
    r"|upi|pa media|press association|xinhua|kyodo|sid|apa|sda|belga|anp|tass|cnn wire|staff|admin|redaktion"
    r"|wire services?|news desk|web desk|online desk)$",
    re.I,
)


@dataclass
class ArticleMetadata:
    """Descriptive metadata of one page; `sources` names where each filled field came from."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    description: str | None = None
    image_url: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    language: str | None = None
    sources: dict[str, str] = field(default_factory=dict)

    def offer(self, name: str, value: Any, source: str) -> None:
        """Set a field from `source` unless a more trusted source already filled it."""
        if value in (None, "", []) or getattr(self, name) not in (None, "", []):
            return
        setattr(self, name, value)
        self.sources[name] = source


def _clean(value: Any) -> str | None:
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = " ".join(html.fromstring(f"<p>{value}</p>").text_content().split()) if "<" in value else value
    text = " ".join(text.split())
    return text or None


def _names(value: Any, people_only: bool) -> list[str]:
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, dict):
            if people_only and types_of(item) & ORGANISATION_TYPES:
                continue
            name = _clean(item.get("name"))
        else:
            name = _clean(item)
        if name:
            names.append(name)
    return names


def _url(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("@id") or value.get("contentUrl")
    return _clean(value)


def _keywords(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return []
    return [k for k in (_clean(v) for v in value) if k]


def clean_person(name: str) -> str | None:
    """One byline part as a person's name: no "By", no role, no agency, no biography; None if nothing is left."""
    name = BY_PREFIX.sub("", " ".join(name.split())).strip(" ,;:|-–—")
    if not name or "@" in name or "://" in name or re.search(r"\d", name):
        return None
    if ROLE_WORDS.match(name) or AGENCIES.match(name) or ROLE_AT_END.search(name):
        return None
    words = name.split()
    if len(words) > 5 or not any(w[:1].isupper() for w in words):  # a sentence (a bio), not a name
        return None
    return name


def people(names: list[str]) -> list[str]:
    """Bylines as a list of people: "By Jane Doe and John Roe, Staff Writers" is ["Jane Doe", "John Roe"]."""
    found: list[str] = []
    for raw in names:
        raw = BY_PREFIX.sub("", " ".join(raw.split()))
        for part in AUTHOR_SEPARATORS.split(raw):
            person = clean_person(part or "")
            if person and person not in found:
                found.append(person)
    return found


def _meta(page: ParsedPage, *names: str) -> list[str]:
    return [v for v in (_clean(v) for v in page.meta_values(*names)) if v]


def _microdata(tree: html.HtmlElement, prop: str) -> list[html.HtmlElement]:
    return tree.xpath("//*[@itemprop=$p]", p=prop)


def _microdata_text(element: html.HtmlElement) -> str | None:
    return _clean(element.get("content") or element.get("src") or element.get("href") or element.text_content())


def strip_site_name(title: str, site_name: str | None, headline: str | None = None) -> str:
    """The title without a site-name suffix or prefix ("Headline | Site", "Site - Headline")."""
    title = " ".join(title.split())
    parts = TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    if site_name:
        site = site_name.casefold()
        last = parts[-1].casefold()
        if last == site or site in last or (len(last) >= 4 and last.replace(" ", "") in site.replace(" ", "")):
            return TITLE_SEPARATORS.split(title, maxsplit=len(parts) - 2)[0] if len(parts) > 2 else parts[0]
        if parts[0].casefold() == site:
            return title.split(parts[0], 1)[1].lstrip(" |-–—·:»")
    if headline and parts[0].casefold() == " ".join(headline.split()).casefold():
        return parts[0]
    return title


def _from_json_ld(page: ParsedPage, meta: ArticleMetadata) -> None:
    for obj in page.articles:
        source = "json-ld"
        meta.offer("title", _clean(obj.get("headline") or obj.get("name")), source)
        meta.offer("authors", people(_names(obj.get("author"), people_only=True)), source)
        meta.offer("description", _clean(obj.get("description")), source)
        meta.offer("image_url", _url(obj.get("image") or obj.get("thumbnailUrl")), source)
        section = obj.get("articleSection")
        meta.offer("section", _clean(section[0] if isinstance(section, list) and section else section), source)
        meta.offer("tags", _keywords(obj.get("keywords")), source)
        meta.offer("language", _clean(obj.get("inLanguage")), source)
        meta.offer("canonical_url", _url(obj.get("mainEntityOfPage")) or _url(obj.get("url")), source)
        publisher = obj.get("publisher")
        if isinstance(publisher, dict):
            meta.offer("site_name", _clean(publisher.get("name")), source)
    for obj in page.json_ld:
        if types_of(obj) & {"WebSite", "NewsMediaOrganization"}:
            meta.offer("site_name", _clean(obj.get("name")), "json-ld")


def read_article_metadata(page: ParsedPage | html.HtmlElement) -> ArticleMetadata:
    """Everything but dates, from the page's own evidence, most trusted source first."""
    page = as_parsed(page)
    tree = page.tree
    meta = ArticleMetadata()
    _from_json_ld(page, meta)

    for source, names in (
        ("og", ("og:title",)),
        ("meta", ("twitter:title", "parsely-title", "dc.title")),
    ):
        meta.offer("title", next(iter(_meta(page, *names)), None), f"{source}:{names[0]}")
    meta.offer("description", next(iter(_meta(page, "og:description")), None), "og:description")
    meta.offer("description", next(iter(_meta(page, "description", "twitter:description")), None), "meta:description")
    meta.offer("image_url", next(iter(_meta(page, "og:image", "og:image:url")), None), "og:image")
    meta.offer("image_url", next(iter(_meta(page, "twitter:image", "twitter:image:src")), None), "meta:twitter:image")
    meta.offer("site_name", next(iter(_meta(page, "og:site_name")), None), "og:site_name")
    meta.offer("site_name", next(iter(_meta(page, "application-name", "publisher")), None), "meta:application-name")
    meta.offer("section", next(iter(_meta(page, "article:section")), None), "og:article:section")
    meta.offer("section", next(iter(_meta(page, "section", "parsely-section")), None), "meta:section")
    meta.offer("tags", list(dict.fromkeys(_meta(page, "article:tag"))), "og:article:tag")
    meta.offer("tags", [k for v in _meta(page, "news_keywords", "keywords") for k in _keywords(v)], "meta:keywords")
    authors = [a for a in _meta(page, "author", "article:author", "parsely-author", "dc.creator")]
    meta.offer("authors", people(authors), "meta:author")
    canonical = tree.xpath('//link[@rel="canonical"]/@href')
    if canonical and canonical[0].strip():
        # The canonical link is the page's own statement about its address: trusted above JSON-LD's url.
        meta.canonical_url, meta.sources["canonical_url"] = canonical[0].strip(), "link:canonical"
    meta.offer("canonical_url", next(iter(_meta(page, "og:url")), None), "og:url")

    for prop, name in (("headline", "title"), ("description", "description"), ("articleSection", "section")):
        found = _microdata(tree, prop)
        meta.offer(name, _microdata_text(found[0]) if found else None, f"microdata:{prop}")
    images = _microdata(tree, "image")
    meta.offer("image_url", _microdata_text(images[0]) if images else None, "microdata:image")
    keywords = _microdata(tree, "keywords")
    meta.offer("tags", _keywords(_microdata_text(keywords[0])) if keywords else [], "microdata:keywords")
    tag_links = [_clean(a.text_content()) for a in tree.xpath("//a[contains(concat(' ', @rel, ' '), ' tag ')]")]
    meta.offer("tags", list(dict.fromkeys(t for t in tag_links if t)), "link:rel=tag")
    microdata_authors = []
    for element in _microdata(tree, "author"):
        named = element.xpath(".//*[@itemprop='name']")
        microdata_authors.append(_microdata_text(named[0] if named else element) or "")
    meta.offer("authors", people(microdata_authors), "microdata:author")

    meta.offer("authors", people([e.text_content() for e in tree.xpath(BYLINE_XPATH)[:4]]), "byline")
    h1 = tree.xpath("//h1")
    headline = " ".join(h1[0].text_content().split()) if h1 else None
    meta.offer("title", _clean(tree.findtext(".//title")), "title")
    meta.offer("title", headline, "h1")
    if meta.title:
        meta.title = strip_site_name(meta.title, meta.site_name, headline)

    meta.offer("language", next(iter(tree.xpath("/html/@lang")), "").strip(), "html:lang")
    meta.offer("language", next(iter(_meta(page, "og:locale", "content-language", "language")), None), "meta:locale")
    meta.offer("language", next(iter(tree.xpath("//meta[@http-equiv='content-language']/@content")), None), "meta")
    if meta.language:
        meta.language = re.split(r"[-_]", meta.language.strip())[0].lower()
    return meta
