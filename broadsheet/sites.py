"""The site registry: one TOML file per site (crawlers/sites/ by default), validated with pydantic on load.

A wrong entry is reported with its file, site and field and what is expected; it does not stop the others
(`scan_registry` returns the good sites and the errors side by side).
"""

from __future__ import annotations

import ipaddress
import logging
import re
import re._parser as regex_parser
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

logger = logging.getLogger(__name__)

SITE_KEY_PATTERN = r"^[a-z][a-z0-9_]*$"
LANGUAGE_PATTERN = r"^[a-z]{2}$"
DOMAIN_PATTERN = r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$"


class RegistryError(ValueError):
    """A registry entry is wrong; the message names the file, the field and what is expected."""


MAX_URL_LENGTH = 2048  # longer URLs are never articles: patterns are not run on them
START_POINT_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_repeat(opcode: object, bounds: tuple) -> bool:
    return opcode in (regex_parser.MAX_REPEAT, regex_parser.MIN_REPEAT, regex_parser.POSSESSIVE_REPEAT) and (
        bounds[1] > 1
    )


def _first_literals(branch: list) -> int | None:
    """The character a branch must start with, when it is a plain literal (else None: it may overlap)."""
    if branch and branch[0][0] == regex_parser.LITERAL:
        return branch[0][1]
    return None


def _ambiguous_repeat(items: list, inside_repeat: bool = False) -> str | None:
    """Why matching `items` may backtrack exponentially: a repeat inside a repeat (`(a+)+`), or alternatives
    that can start alike inside a repeat (`(a|ab)*`); None when neither occurs."""
    for opcode, argument in items:
        if opcode in (regex_parser.MAX_REPEAT, regex_parser.MIN_REPEAT, regex_parser.POSSESSIVE_REPEAT):
            low, high, body = argument
            repeated = _is_repeat(opcode, (low, high))
            if repeated and inside_repeat and opcode != regex_parser.POSSESSIVE_REPEAT:
                return "a repeated group contains another repeat, e.g. (a+)+"
            found = _ambiguous_repeat(list(body), inside_repeat or repeated)
            if found:
                return found
        elif opcode == regex_parser.SUBPATTERN:
            found = _ambiguous_repeat(list(argument[-1]), inside_repeat)
            if found:
                return found
        elif opcode == regex_parser.BRANCH:
            branches = argument[1]
            starts = [_first_literals(list(branch)) for branch in branches]
            if inside_repeat and (None in starts or len(set(starts)) < len(starts)):
                return "a repeated group has alternatives that can match alike, e.g. (a|ab)*"
            for branch in branches:
                found = _ambiguous_repeat(list(branch), inside_repeat)
                if found:
                    return found
        elif opcode in (regex_parser.ASSERT, regex_parser.ASSERT_NOT):
            found = _ambiguous_repeat(list(argument[1]), inside_repeat)
            if found:
                return found
    return None


def backtracking_risk(pattern: str) -> str | None:
    """Why `pattern` may take exponential time on a hostile URL (catastrophic backtracking), or None.

    Python's `re` has no timeout, so a pattern like `(a+)+$` run on a crafted 40-character path would stall
    the crawl; such a pattern is refused when the registry is read instead.
    """
    return _ambiguous_repeat(list(regex_parser.parse(pattern)))


def _check_patterns(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as error:
            raise ValueError(f"invalid regular expression {pattern!r}: {error}") from error
        risk = backtracking_risk(pattern)
        if risk:
            raise ValueError(
                f"regular expression {pattern!r} can backtrack catastrophically ({risk}); "
                "rewrite it without nested or ambiguous repeats"
            )
    return patterns


def _check_start_points(values: list[str]) -> list[str]:
    for value in values:
        scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", value)
        if scheme and scheme.group(1).lower() not in START_POINT_SCHEMES:
            raise ValueError(f"start point {value!r} is not an http(s) URL or a path on the site; only http and https")
    return values


class CrawlLimits(BaseModel):
    """How much of a site one run may fetch, and how gently. Unset values fall back to Broadsheet's settings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_pages: int | None = Field(default=None, ge=1, description="hard cap on article pages fetched per run")
    max_depth: int = Field(default=2, ge=0, description="link hops followed from a section page")
    concurrency: int | None = Field(default=None, ge=1, le=32, description="parallel requests to the site")
    delay_seconds: float | None = Field(default=None, ge=0, le=60, description="pause between requests")


class SiteConfig(BaseModel):
    """One news site: where to start, which URLs are articles, what to skip, and how to read its dates."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=SITE_KEY_PATTERN, description="snake_case site key, same as the file name")
    name: str = Field(min_length=1)
    base_url: str = Field(description="scheme://host[:port] of the site")
    domains: list[str] = Field(default_factory=list, description="hosts the crawl may fetch; default base_url's")
    sitemaps: list[str] = Field(default_factory=list, description="robots.txt or sitemap paths/URLs")
    news_sitemaps: list[str] = Field(default_factory=list, description="Google News sitemap paths/URLs")
    feeds: list[str] = Field(default_factory=list, description="RSS/Atom feed paths/URLs")
    sections: list[str] = Field(default_factory=list, description="section pages whose links are followed")
    follow_patterns: list[str] = Field(
        default_factory=list, description="regexes on the URL path of listing pages to follow (pagination)"
    )
    article_patterns: list[str] = Field(min_length=1, description="regexes on the URL path of articles")
    skip_patterns: list[str] = Field(default_factory=list, description="regexes on the URL path never fetched")
    timezone: str = Field(description="IANA zone used for dates the page gives without an offset")
    languages: list[str] = Field(min_length=1, description="ISO 639-1 codes, most used first")
    limits: CrawlLimits = Field(default_factory=CrawlLimits)
    allowed_addresses: list[str] = Field(
        default_factory=list,
        description="loopback/private networks the crawl may connect to (e.g. '127.0.0.1' for a local mirror); "
        "by default only public addresses",
    )
    enabled: bool = True

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown IANA time zone {value!r} (e.g. 'Europe/Berlin')") from error
        return value

    @field_validator("article_patterns", "skip_patterns", "follow_patterns")
    @classmethod
    def _valid_patterns(cls, patterns: list[str]) -> list[str]:
        return _check_patterns(patterns)

    @field_validator("sitemaps", "news_sitemaps", "feeds", "sections")
    @classmethod
    def _web_start_points(cls, values: list[str]) -> list[str]:
        return _check_start_points(values)

    @field_validator("allowed_addresses")
    @classmethod
    def _networks(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                ipaddress.ip_network(value, strict=False)
            except ValueError as error:
                raise ValueError(
                    f"expected an IP address or network such as '127.0.0.1' or '10.0.0.0/8', got {value!r}"
                ) from error
        return values

    @field_validator("languages")
    @classmethod
    def _iso_languages(cls, languages: list[str]) -> list[str]:
        for language in languages:
            if not re.match(LANGUAGE_PATTERN, language):
                raise ValueError(f"expected two-letter ISO 639-1 codes such as 'en' or 'de', got {language!r}")
        return languages

    @field_validator("domains")
    @classmethod
    def _bare_hosts(cls, domains: list[str]) -> list[str]:
        for domain in domains:
            if not re.match(DOMAIN_PATTERN, domain):
                raise ValueError(f"expected bare lowercase host names such as 'www.example.com', got {domain!r}")
        return domains

    @field_validator("base_url")
    @classmethod
    def _origin_only(cls, value: str) -> str:
        if not re.match(r"^https?://[^/]+$", value.rstrip("/")):
            raise ValueError("expected scheme://host[:port] without a path, e.g. 'https://www.example.com'")
        return value.rstrip("/")

    @property
    def allowed_domains(self) -> list[str]:
        """Where the crawl may go: the declared domains plus base_url's host (a local mirror's, in tests)."""
        host = urlsplit(self.base_url).hostname or ""
        return sorted({host, *self.domains})

    def absolute(self, path_or_url: str) -> str:
        return urljoin(self.base_url + "/", path_or_url)

    @property
    def origin(self) -> tuple[str, int]:
        """(host, port) of base_url: the one port of its host the crawl may use."""
        parts = urlsplit(self.base_url)
        return (parts.hostname or "", parts.port or DEFAULT_PORTS[parts.scheme])

    def foreign_origin(self, url: str) -> str | None:
        """Why `url` is not on this site (scheme, host or port), or None when it is: base_url's host on
        base_url's port, or a host of `domains` (or a subdomain) on the default port of http or https.
        Ports count: another service on the site's own host is another site."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return f"not a valid URL: {url!r}"
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            return f"scheme {scheme or '(none)'!r} is not http or https"
        host = (parts.hostname or "").lower()
        port = port or DEFAULT_PORTS[scheme]
        base_host, base_port = self.origin
        if host == base_host and port == base_port:
            return None
        on_domain = any(host == domain or host.endswith("." + domain) for domain in self.domains)
        if on_domain and port in DEFAULT_PORTS.values():
            return None
        if host == base_host or on_domain:
            return f"port {port} of {host} is not the site's (base_url {self.base_url})"
        return f"host {host} is not one of the site's ({', '.join(self.allowed_domains)})"

    @staticmethod
    def _path(url: str) -> str:
        parts = urlsplit(url)
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    def is_skipped(self, url: str) -> bool:
        if len(url) > MAX_URL_LENGTH:
            return True
        path = self._path(url)
        return any(re.search(pattern, path) for pattern in self.skip_patterns)

    def is_article_url(self, url: str) -> bool:
        if self.is_skipped(url):
            return False
        path = self._path(url)
        return any(re.search(pattern, path) for pattern in self.article_patterns)

    def is_listing_url(self, url: str) -> bool:
        """A section or pagination page whose links are followed (not an article)."""
        path = self._path(url)
        if self.is_skipped(url) or self.is_article_url(url):
            return False
        sections = {self._path(self.absolute(section)) for section in self.sections}
        return path in sections or any(re.search(pattern, path) for pattern in self.follow_patterns)


def _field_name(location: tuple) -> str:
    return ".".join(str(part) for part in location) or "(entry)"


def load_site(path: Path) -> SiteConfig:
    """Read and validate one registry file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise RegistryError(f"{path}: cannot read the site entry: {error}") from error
    data.setdefault("key", path.stem)
    try:
        site = SiteConfig.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"field '{_field_name(e['loc'])}': {e['msg']}"
            + (f" (got {e['input']!r})" if e["type"] in {"string_pattern_mismatch", "int_parsing"} else "")
            for e in error.errors()
        )
        raise RegistryError(f"{path}: site '{data.get('key')}': {problems}") from error
    if not (site.sitemaps or site.news_sitemaps or site.feeds or site.sections):
        raise RegistryError(
            f"{path}: site '{site.key}': field 'sitemaps': no start point; "
            "give at least one of sitemaps, news_sitemaps, feeds or sections"
        )
    if site.key != path.stem:
        raise RegistryError(f"{path}: field 'key': site key '{site.key}' must equal the file name '{path.stem}'")
    return site


@dataclass(frozen=True)
class RegistryScan:
    """Every entry of the registry: the sites that validate, and one error per entry that does not."""

    sites: dict[str, SiteConfig]
    errors: dict[str, RegistryError] = field(default_factory=dict)  # by file stem


def scan_registry(sites_dir: Path, origins: dict[str, str] | None = None) -> RegistryScan:
    """Validate every entry; a bad one is recorded in `errors` and the others still load."""
    if not sites_dir.is_dir():
        raise RegistryError(f"{sites_dir}: site registry folder not found (set BROADSHEET_SITES_DIR)")
    sites: dict[str, SiteConfig] = {}
    errors: dict[str, RegistryError] = {}
    for path in sorted(sites_dir.glob("*.toml")):
        try:
            site = load_site(path)
        except RegistryError as error:
            errors[path.stem] = error
            continue
        if origins and site.key in origins:
            site = site.model_copy(update={"base_url": origins[site.key].rstrip("/")})
        sites[site.key] = site
    return RegistryScan(sites, errors)


def load_registry(sites_dir: Path, origins: dict[str, str] | None = None) -> dict[str, SiteConfig]:
    """The sites that validate, keyed by site key; each bad entry is logged and left out.

    `origins` overrides base URLs (local mirrors, tests).
    """
    scan = scan_registry(sites_dir, origins)
    for error in scan.errors.values():
        logger.error("site registry: %s", error)
    return scan.sites
