"""Read article links (and their dates, where given) out of RSS and Atom feeds."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass(frozen=True)
class FeedEntry:
    url: str
    published_at: datetime | None
    published_raw: str | None = None  # the date string as found, for the date stage (FetchedPage.discovery)


def _parse_feed_date(value: str | None) -> datetime | None:
    if not value:
        return None
    value = value.strip()
    try:
        return parsedate_to_datetime(value)  # RSS: RFC 822
    except (TypeError, ValueError):
        pass
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))  # Atom: RFC 3339
    except ValueError:
        return None


# A document type declaration, with its internal subset: sitemaps and feeds never need one, and its entities
# are how a billion-laughs document stops libxml2 half way (dropping every entry after the bomb).
DOCTYPE = re.compile(rb"<!DOCTYPE(?:[^\[>]*)(?:\[.*?\]\s*)?>", re.DOTALL | re.IGNORECASE)


def _xml_root(body: bytes) -> etree._Element | None:
    """The root element of a feed or sitemap, read leniently (libxml2's recover mode, no DTD and so no
    entities, no network); None when there is no XML to recover at all (an empty body, binary junk, an HTML
    error page that libxml2 gives up on)."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    body = DOCTYPE.sub(b"", body, count=1)
    try:
        return etree.fromstring(body, parser=parser) if body.strip() else None
    except etree.XMLSyntaxError:
        return None


def parse_feed(body: bytes) -> Iterator[FeedEntry]:
    """Entries of an RSS 2.0 or Atom feed; a broken feed yields nothing rather than stopping the crawl."""
    root = _xml_root(body)
    if root is None:
        return
    for item in root.iter("item"):
        link = (item.findtext("link") or item.findtext("guid") or "").strip()
        if link:
            raw = item.findtext("pubDate")
            yield FeedEntry(link, _parse_feed_date(raw), raw.strip() if raw else None)
    for entry in root.iter(f"{ATOM}entry"):
        links = entry.findall(f"{ATOM}link")
        href = next((lk.get("href") for lk in links if lk.get("rel", "alternate") == "alternate"), None)
        if href:
            published = entry.findtext(f"{ATOM}published") or entry.findtext(f"{ATOM}updated")
            yield FeedEntry(href.strip(), _parse_feed_date(published), published.strip() if published else None)


SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def sitemap_discovery(body: bytes) -> dict[str, dict[str, str]]:
    """Per `<loc>` of a urlset, what the sitemap said about it (raw strings), for FetchedPage.discovery.

    Scrapy's own sitemap reader drops nested elements such as `<news:news>`, so the dates and titles a
    Google News sitemap gives are read here; a broken sitemap yields an empty mapping.
    """
    root = _xml_root(body)
    found: dict[str, dict[str, str]] = {}
    if root is None:
        return found
    for url in root.iter(f"{SITEMAP}url"):
        loc = (url.findtext(f"{SITEMAP}loc") or "").strip()
        if not loc:
            continue
        info = {"source": "sitemap"}
        lastmod = url.findtext(f"{SITEMAP}lastmod")
        if lastmod and lastmod.strip():
            info["lastmod"] = lastmod.strip()
        news = url.find(f"{NEWS}news")
        if news is not None:
            info["source"] = "news-sitemap"
            for tag, key in (("publication_date", "news_publication_date"), ("title", "news_title")):
                value = news.findtext(f"{NEWS}{tag}")
                if value and value.strip():
                    info[key] = value.strip()
        found[loc] = info
    return found


def sitemap_index_entries(body: bytes) -> list[tuple[str, str | None]] | None:
    """The (loc, lastmod) of each child sitemap if `body` is a sitemap index, else None (a urlset or junk)."""
    root = _xml_root(body)
    if root is None or not isinstance(root.tag, str) or root.tag.rpartition("}")[2] != "sitemapindex":
        return None
    entries = []
    for sitemap in root.iter(f"{SITEMAP}sitemap"):
        loc = (sitemap.findtext(f"{SITEMAP}loc") or "").strip()
        if loc:
            lastmod = sitemap.findtext(f"{SITEMAP}lastmod")
            entries.append((loc, lastmod.strip() if lastmod else None))
    return entries
