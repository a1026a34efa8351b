"""One page cannot fail a site: the extract stage's guard around each page, and text made storable.

Whatever extraction raises on one page (a parser bug, a lone surrogate pydantic cannot serialise, a
MemoryError on a monstrous page) becomes a reject `extraction_error` naming the exception's type, and the
stage goes on with the next page. What extraction returns is made safe to store before it is written:
NUL characters (PostgreSQL refuses them in text) and lone surrogates (not encodable as UTF-8 or JSON) are
removed, the title and body are cut to their limits (a cut body is flagged with a reject `too_large`, the
article still loaded), and a canonical URL off the site's own hosts is ignored (flagged `foreign_canonical`):
a page may not claim another publisher's article.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from enum import Enum
from typing import Any, TypeVar

from pydantic import TypeAdapter

from broadsheet.records import ExtractedArticle, FetchedPage, Reject, RejectReason
from broadsheet.secret_masking import mask_secrets
from broadsheet.sites import SiteConfig

logger = logging.getLogger(__name__)
T = TypeVar("T")

# NUL, and UTF-16 surrogates that are not part of a pair (Python strings may hold them; UTF-8 cannot)
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_EXTRACTED = TypeAdapter(ExtractedArticle)


def storable_text(text: str) -> str:
    """`text` without NUL characters and lone surrogates."""
    return _UNSTORABLE.sub("", text)


def storable(value: T) -> T:
    """`value` with every string in it (in lists, dicts, dataclasses) made storable."""
    if isinstance(value, Enum):  # a reason code: ours, already clean
        return value
    if isinstance(value, str):
        return storable_text(value)  # type: ignore[return-value]
    if isinstance(value, list):
        return [storable(item) for item in value]  # type: ignore[return-value]
    if isinstance(value, tuple):
        return tuple(storable(item) for item in value)  # type: ignore[return-value]
    if isinstance(value, dict):
        return {storable(key): storable(item) for key, item in value.items()}  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            field.name: storable(getattr(value, field.name)) for field in dataclasses.fields(value) if field.init
        }
        return dataclasses.replace(value, **changes)
    return value


def _reject(page: FetchedPage, reason: RejectReason, detail: str) -> Reject:
    return Reject(
        page.site_key,
        page.final_url,
        "extract",
        reason,
        storable_text(mask_secrets(detail))[:2000],
        page.archive_location,
    )


def within_limits(
    item: ExtractedArticle, page: FetchedPage, site: SiteConfig, max_title_chars: int, max_body_chars: int
) -> tuple[ExtractedArticle, list[Reject]]:
    """The article made storable, its title and body cut to the limits and a foreign canonical URL ignored;
    with a flag (a reject row, the article still loaded) for each thing changed."""
    flags: list[Reject] = []
    item = storable(item)
    changes: dict[str, Any] = {}
    if len(item.title) > max_title_chars:
        changes["title"] = item.title[:max_title_chars]
    if len(item.body_text) > max_body_chars:
        changes["body_text"] = item.body_text[:max_body_chars]
        if item.body_markup and len(item.body_markup) > max_body_chars:
            changes["body_markup"] = None  # markup cut half way would not be markup
        flags.append(
            _reject(
                page,
                RejectReason.TOO_LARGE,
                f"body of {len(item.body_text)} characters cut to {max_body_chars} (max_body_chars); loaded cut",
            )
        )
    foreign = site.foreign_origin(item.canonical_url) if item.canonical_url != item.url else None
    if foreign:
        changes["canonical_url"] = item.url
        flags.append(
            _reject(
                page,
                RejectReason.FOREIGN_CANONICAL,
                f"canonical URL {item.canonical_url} ignored ({foreign}); the article is keyed by its own URL",
            )
        )
    return (dataclasses.replace(item, **changes) if changes else item), flags


def guarded_extract(
    page: FetchedPage,
    site: SiteConfig,
    extract: Any,
    *,
    max_title_chars: int,
    max_body_chars: int,
) -> list[ExtractedArticle | Reject]:
    """`extract(page)` (the article, or a reject), made storable and within limits; anything it raises is a
    reject naming the exception's type. Never raises for one page's sake."""
    try:
        result = extract(page)
        if isinstance(result, Reject):
            return [storable(result)]
        item, flags = within_limits(result, page, site, max_title_chars, max_body_chars)
        _EXTRACTED.dump_json(item)  # what the stage writes next: fail here, for this page only
        return [item, *flags]
    except Exception as error:  # the guard's whole point: one page's failure is its reject
        logger.warning(
            "site=%s stage=extract url=%s extraction raised %s: the page is rejected",
            page.site_key,
            page.final_url,
            type(error).__name__,
        )
        return [_reject(page, RejectReason.EXTRACTION_ERROR, f"{type(error).__name__}: {error}")]
