"""The site registry: one TOML file per site (crawlers/sites/ by default), validated with pydantic on load.

A wrong entry is reported with its file, site and field and what is expected; it does not stop the others
(`scan_registry` returns the good sites and the errors side by side).
"""

from __future__ import annotations

import logging
import re
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


def _check_patterns(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as error:
            raise ValueError(f"invalid regular expression {pattern!r}: {error}") from error
    return patterns


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

    @staticmethod
    def _path(url: str) -> str:
        parts = urlsplit(url)
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    def is_skipped(self, url: str) -> bool:
        path = self._path(url)
        return any(re.search(pattern, path) for pattern in self.skip_patterns)

    def is_article_url(self, url: str) -> bool:
        path = self._path(url)
        return not self.is_skipped(url) and any(re.search(pattern, path) for pattern in self.article_patterns)

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
