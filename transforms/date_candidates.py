"""Gather every date a page offers, each with its raw string and the named source it came from.

Nothing is parsed here: transforms/dates.py reads the strings and chooses among them by trust. Two kinds of
source exist. In the HTML: JSON-LD (including @graph and epoch numbers), microdata `itemprop`, named meta
tags, `<time datetime>`, byline text, and htmldate as a fallback when the page has none of these. Around the
HTML: what discovery said (news sitemap publication date, feed date, sitemap lastmod), dates in the URL path,
and the HTTP Last-Modified header, which only says when the file last changed and is therefore a last resort.
"""

from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass, replace
from typing import Any

from lxml import html

from broadsheet.records import DateCandidate, ExtractedArticle, FetchedPage
from transforms.json_ld import GENERIC_TYPES, types_of
from transforms.parsed_page import ParsedPage, as_parsed

logger = logging.getLogger(__name__)

# Source names, as stored in warehouse.articles.published_source / modified_source.
JSON_LD = "json-ld"
MICRODATA = "microdata"
TIME_ELEMENT = "time[datetime]"
TIME_TEXT = "time"
BYLINE = "byline"
HTMLDATE = "htmldate"
NEWS_SITEMAP = "news-sitemap"
FEED = "feed"
URL_PATH = "url-path"
SITEMAP_LASTMOD = "sitemap:lastmod"
HTTP_LAST_MODIFIED = "http:last-modified"
META_PREFIX = "meta:"

# Named meta tags (name, property, itemprop or http-equiv), matched case-insensitively, most specific first.
PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "article:published",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "cxenseparse:recs:publishtime",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "article_date_original",
    "original-publish-date",
    "citation_publication_date",
    "prism.publicationdate",
    "dc.date.issued",
    "dc.date.created",
    "dcterms.issued",
    "dcterms.created",
    "dc.date",
    "dcterms.date",
    "date",
)
MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "article:updated_time",
    "datemodified",
    "dcterms.modified",
    "dc.date.modified",
    "last-modified",
    "lastmod",
    "revised",
)
# an author line ("By Jo Doe - 2018-09-16", "04.02.2022 | 15:33 Uhr | Jo Doe") often carries the date too
AUTHOR_CLASS = re.compile(r"author", re.I)
BYLINE_CLASSES = re.compile(
    r"byline|date|dateline|(?:article|post|entry)(?:-|_|__)?meta|published|posted|time|author", re.I
)
# Containers whose dates belong to other articles or to readers, not to this article.
ELSEWHERE_CLASSES = re.compile(
    r"related|teaser|sidebar|comment|widget|recommend|suggestion|promo|most-read|trending|masthead|site-header"
    r"|top-?bar",
    re.I,
)
# a <blockquote> holds quoted or embedded posts (a tweet, an Instagram post) with their own dates
ELSEWHERE_TAGS = {"aside", "footer", "nav", "blockquote"}
_PAGE_CONTAINERS = {"html", "body", "main", "article"}
# "Updated" in the languages we crawl: the text after it is a modified date, the text before it published.
UPDATED_WORDS = re.compile(
    r"\b(?:last\s+)?(?:updated?|aktualisiert|actualizado|actualizada|actualitzat|actualitzada|mis à jour|"
    r"modifié|atualizad[oa]|"
    r"aggiornat[oa]|bijgewerkt|zaktualizowano|обновлено|güncelleme|güncellendi|tarihinde güncellendi|"
    r"cập nhật|diperbarui)\b|更新|تحديث|آخر تحديث",
    re.I,
)
PUBLISHED_WORDS = re.compile(
    r"\b(?:published|posted|veröffentlicht|erstellt|publicado|publicada|publié|publiée|publicat|"
    r"pubblicato|gepubliceerd|opublikowano|опубликовано|yayınlanma|yayınlandı)\b|发布|公開|نشر",
    re.I,
)
UPDATED_CLASSES = re.compile(r"updated|modified", re.I)

URL_DATES = (
    # /2024/03/05/ or /2024-03-05/ (year, month, day)
    re.compile(r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?=[/_.-]|$)"),
    # 20240305 as a path segment or slug part
    re.compile(r"(?<=[/_-])((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=[/_.-]|$)"),
    # /2024/03/ (year and month only)
    re.compile(r"/((?:19|20)\d{2})/(0[1-9]|1[0-2])(?=/)"),
)


@dataclass(frozen=True)
class DateCandidates:
    published: list[DateCandidate]
    modified: list[DateCandidate]


def _add(bucket: list[DateCandidate], raw: Any, source: str) -> None:
    if isinstance(raw, list) and raw:
        raw = raw[0]  # some CMSs write ["2024-03-15T14:30:00+01:00"]
    if isinstance(raw, bool):
        return
    if isinstance(raw, int | float):
        raw = str(raw)  # epoch seconds or milliseconds
    if isinstance(raw, str) and raw.strip():
        candidate = DateCandidate(" ".join(raw.split()), source)
        if candidate not in bucket:
            bucket.append(candidate)


def _from_json_ld(page: ParsedPage, found: DateCandidates) -> None:
    """Dates of the page's article objects ("json-ld"), then of generic WebPage/VideoObject objects, named
    "json-ld:<type>" and trusted less: an embedded video's uploadDate, or a WebPage wrapper's date, is not
    the article's when the page's meta tags or microdata describe the article itself.
    """
    generic = [o for o in page.json_ld if types_of(o) & set(GENERIC_TYPES) and o not in page.articles]
    for obj in [*page.articles, *generic]:
        kinds = types_of(obj) & set(GENERIC_TYPES)
        source = f"{JSON_LD}:{sorted(kinds)[0]}" if obj in generic else JSON_LD
        for key, bucket in (
            ("datePublished", found.published),
            ("dateCreated", found.published),
            ("uploadDate", found.published),
            ("dateModified", found.modified),
        ):
            _add(bucket, obj.get(key), source)


def _is_elsewhere(element: html.HtmlElement) -> bool:
    """True when the element sits in a sidebar, footer, comment, teaser or quoted post, or in the site's masthead
    (which often shows today's date): its date is not this article's."""
    return any(_is_elsewhere_itself(ancestor) for ancestor in element.iterancestors())


def _is_elsewhere_itself(element: html.HtmlElement) -> bool:
    if element.tag in ELSEWHERE_TAGS:
        return True
    if ELSEWHERE_CLASSES.search(element.get("class", "")):
        # <body class="has-sidebar">, a page wrapper "layout-with-sidebar": a class on what holds the article's
        # own headline describes the page's layout, not a sidebar
        return element.tag not in _PAGE_CONTAINERS and element.find(".//h1") is None
    return element.tag == "header" and not element.xpath(".//h1 | ancestor::article")


def _from_microdata(tree: html.HtmlElement, found: DateCandidates) -> None:
    for prop, bucket in (("datePublished", found.published), ("dateModified", found.modified)):
        for element in tree.xpath("//*[@itemprop=$p]", p=prop):
            if _is_elsewhere(element):
                continue
            value = element.get("content") or element.get("datetime") or element.text_content()
            _add(bucket, value, f"{MICRODATA}:{prop}")


def _from_meta(page: ParsedPage, found: DateCandidates) -> None:
    for names, bucket in ((PUBLISHED_META, found.published), (MODIFIED_META, found.modified)):
        for name in names:
            if values := page.meta.get(name):
                _add(bucket, values[0], META_PREFIX + name)


def _says_updated(element: html.HtmlElement) -> bool:
    if UPDATED_CLASSES.search(element.get("class", "")) or element.get("itemprop") == "dateModified":
        return True
    parent = element.getparent()
    label = (parent.text or "") if parent is not None else ""
    previous = element.getprevious()
    while previous is not None and not isinstance(previous.tag, str):  # a comment or processing instruction
        label += " " + (previous.tail or "")
        previous = previous.getprevious()
    if previous is not None:
        label += " " + (previous.tail or "") + " " + previous.text_content()
    return bool(UPDATED_WORDS.search(label))


def _from_time_elements(tree: html.HtmlElement, found: DateCandidates) -> None:
    for time in tree.xpath("//time"):
        if _is_elsewhere(time):
            continue
        bucket = found.modified if _says_updated(time) else found.published
        if time.get("datetime"):
            _add(bucket, time.get("datetime"), TIME_ELEMENT)
        else:  # <time>5 March 2024</time>: visible text, trusted like a byline
            _add(bucket, time.text_content(), TIME_TEXT)


def split_byline(text: str) -> tuple[str | None, str | None]:
    """A byline's published part and its updated part, in either order.

    "Published 5 March 2024 | Updated 6 March 2024" and "Updated 6 March 2024 · Published 5 March 2024" both
    give ("…5 March 2024", "Updated 6 March 2024"); a part without a digit is None.
    """
    updated = UPDATED_WORDS.search(text)
    if updated is None:
        return text, None
    published = PUBLISHED_WORDS.search(text, updated.end())
    if published is not None:
        parts = text[published.start() :], text[updated.start() : published.start()]
    else:
        parts = text[: updated.start()], text[updated.start() :]
    published_part, updated_part = (part.strip(" |•·-–—,;") for part in parts)
    return (
        published_part if re.search(r"\d", published_part) else None,
        updated_part if re.search(r"\d", updated_part) else None,
    )


# A forum's or portal's clock ("Aktuelle Zeit: 14.10.2020, 12:18", "It is currently Tue Oct 13, 2020"): the time
# the page was served, in a classed element that looks like a byline, never when anything was published.
PAGE_CLOCK = re.compile(
    r"^\W*(?:aktuelle zeit|aktuelles datum(?: und uhrzeit)?|heute ist|it is currently|current (?:date and )?time"
    r"|today is|nous sommes le|date et heure actuelles|fecha y hora actual|hora actual|data e ora attuali"
    r"|текущее время|сейчас)\b",
    re.I,
)


# A user profile's join date or a forum thread's last post ("Joined March 2007", "Letzter Beitrag: 18.10.2010"):
# the text from the label on says when someone joined or last wrote, not when this page was published.
NOT_PUBLISHED_LABEL = re.compile(
    r"\b(?:joined|member since|mitglied seit|registriert seit|dabei seit|inscrit depuis|miembro desde"
    r"|last post|latest post|letzter beitrag|neuester beitrag|dernier message|último mensaje|ultimo messaggio)\b",
    re.I,
)


_DIGIT = re.compile(r"\d")


def _from_bylines(tree: html.HtmlElement, found: DateCandidates) -> None:
    for element in tree.xpath("//*[@class]"):
        # the cheap class test first: walking every ancestor of every classed element cost more than the rest
        if element.tag in ("html", "body", "time", "script", "style") or not BYLINE_CLASSES.search(
            element.get("class")
        ):
            continue
        text = " ".join(element.text_content().split())
        if not _DIGIT.search(text):
            continue  # no date in it (most author and meta lines): no need to walk its ancestors
        if _is_elsewhere(element) or element.find(".//h1") is not None:
            continue  # a wrapper round the headline ("post_meta_wrapper"): its byline children are read alone
        if AUTHOR_CLASS.search(element.get("class")) and next(element.iterancestors("a"), None) is not None:
            continue  # an author line inside a link credits the linked article (a teaser); a linked date alone
            # is often this post's own permalink or day archive
        if label := NOT_PUBLISHED_LABEL.search(text):
            text = text[: label.start()].strip()
        if not (6 <= len(text) <= 200 and re.search(r"\d", text)) or PAGE_CLOCK.match(text):
            continue
        published, modified = split_byline(text)
        if UPDATED_CLASSES.search(element.get("class", "")) and not UPDATED_WORDS.search(text):
            published, modified = None, text
        if published:
            _add(found.published, published, BYLINE)
        if modified:
            _add(found.modified, modified, BYLINE)


def _from_htmldate(tree: html.HtmlElement, found: DateCandidates) -> None:
    """htmldate's reading of the page, only when the page offers no machine-readable date (it is slower)."""
    from htmldate import find_date

    try:
        # the whole page: htmldate's own rules weigh its parts (pruning sidebars first made it worse on real pages)
        value = find_date(copy.deepcopy(tree), original_date=True, extensive_search=True, outputformat="%Y-%m-%d")
    except Exception as error:  # a fallback must not cost the article: log what was lost and go on
        logger.warning("htmldate failed on a page, no htmldate candidate: %s: %s", type(error).__name__, error)
        return
    _add(found.published, value, HTMLDATE)


def html_date_candidates(page: ParsedPage | html.HtmlElement) -> DateCandidates:
    """Every date the HTML itself states, most trusted sources first."""
    page = as_parsed(page)
    tree = page.tree
    found = DateCandidates([], [])
    _from_json_ld(page, found)
    _from_microdata(tree, found)
    _from_meta(page, found)
    _from_time_elements(tree, found)
    _from_bylines(tree, found)
    if all(candidate.source in (BYLINE, TIME_TEXT) for candidate in found.published):
        _from_htmldate(tree, found)  # the page states no machine-readable date: bylines may be noise
    return found


def url_date(url: str) -> str | None:
    """The date written in a URL's path ("/2024/03/05/", "-20240305-", "/2024/03/"), as found."""
    path = re.sub(r"^[a-z]+://[^/]+", "", url).split("?")[0]
    for pattern in URL_DATES:
        match = pattern.search(path)
        if match:
            return "/".join(match.groups())
    return None


def page_date_candidates(page: FetchedPage) -> DateCandidates:
    """The dates known about a page from outside its HTML: discovery, its URL, its HTTP headers."""
    found = DateCandidates([], [])
    _add(found.published, page.discovery.get("news_publication_date"), NEWS_SITEMAP)
    _add(found.published, page.discovery.get("feed_published"), FEED)
    _add(found.published, url_date(page.final_url), URL_PATH)
    # "last changed" signals: modified candidates, and published ones only as a flagged last resort
    _add(found.modified, page.discovery.get("lastmod"), SITEMAP_LASTMOD)
    _add(found.published, page.discovery.get("lastmod"), SITEMAP_LASTMOD)
    _add(found.modified, page.headers.get("last-modified"), HTTP_LAST_MODIFIED)
    _add(found.published, page.headers.get("last-modified"), HTTP_LAST_MODIFIED)
    return found


def with_page_date_candidates(article: ExtractedArticle, page: FetchedPage) -> ExtractedArticle:
    """The article with the dates known from outside its HTML added to the ones its HTML gave."""
    extra = page_date_candidates(page)
    return replace(
        article,
        published_candidates=[*article.published_candidates, *extra.published],
        modified_candidates=[*article.modified_candidates, *extra.modified],
    )
