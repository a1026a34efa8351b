"""Read article links (and their dates, where given) out of RSS and Atom feeds."""

from __future__ import annotations

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


def parse_feed(body: bytes) -> Iterator[FeedEntry]:
    """Entries of an RSS 2.0 or Atom feed; a broken feed yields nothing rather than stopping the crawl."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(body, parser=parser)
    if root is None:
        return
    for item in root.iter("item"):
        link = (item.findtext("link") or item.findtext("guid") or "").strip()
        if link:
            yield FeedEntry(link, _parse_feed_date(item.findtext("pubDate")))
    for entry in root.iter(f"{ATOM}entry"):
        links = entry.findall(f"{ATOM}link")
        href = next((lk.get("href") for lk in links if lk.get("rel", "alternate") == "alternate"), None)
        if href:
            published = entry.findtext(f"{ATOM}published") or entry.findtext(f"{ATOM}updated")
            yield FeedEntry(href.strip(), _parse_feed_date(published))
