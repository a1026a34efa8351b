"""URL normalisation: one spelling per page before URLs are compared, requested or stored.

courlan lowercases scheme and host, drops default ports, fragments and tracking parameters (utm_*, fbclid,
ref...) and sorts the query. The URL we request keeps its trailing slash (servers treat `/a` and `/a/` as
different resources); the identity used to recognise "the same page" drops it too.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit, urlunsplit

from courlan import normalize_url


def clean_url(url: str) -> str:
    """The URL to request and store: normalised, without fragment or tracking parameters."""
    try:
        normalised = normalize_url(url)  # strict mode would also drop meaningful parameters such as ?id=
    except ValueError:
        return url
    return normalised.split("#", 1)[0]


def url_identity(url: str) -> str:
    """The key two spellings of one page share: the clean URL without a trailing slash on its path."""
    parts = urlsplit(clean_url(url))
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def absolute_url(base: str, href: str) -> str | None:
    """`href` resolved against `base`, or None when it is not a URL at all ("http://[broken" raises in
    urllib): one bad link in a page must not cost the page's other links."""
    try:
        return urljoin(base, href.strip())
    except ValueError:
        return None
