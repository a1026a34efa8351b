"""The site registry: one TOML file per site in crawlers/sites/, validated with pydantic on load."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from urllib.parse import urljoin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

SITE_KEY_PATTERN = r"^[a-z][a-z0-9_]*$"


class RegistryError(ValueError):
    """A registry entry is wrong; the message names the file, the field and what is expected."""


class SiteConfig(BaseModel):
    """One news site: where to start, which URLs are articles, and how to read its dates."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=SITE_KEY_PATTERN, description="snake_case site key, same as the file name")
    name: str
    base_url: str = Field(description="scheme://host[:port] of the site")
    sitemaps: list[str] = Field(default_factory=list, description="robots.txt or sitemap paths/URLs")
    feeds: list[str] = Field(default_factory=list, description="RSS/Atom feed paths/URLs")
    article_patterns: list[str] = Field(min_length=1, description="regexes on the URL path of articles")
    timezone: str = Field(description="IANA zone used for dates the page gives without an offset")
    languages: list[str] = Field(min_length=1, description="ISO 639-1 codes, most used first")
    enabled: bool = True

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown IANA time zone {value!r} (e.g. 'Europe/Berlin')") from error
        return value

    @field_validator("article_patterns")
    @classmethod
    def _valid_patterns(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"invalid regular expression {pattern!r}: {error}") from error
        return patterns

    @field_validator("base_url")
    @classmethod
    def _origin_only(cls, value: str) -> str:
        if not re.match(r"^https?://[^/]+$", value.rstrip("/")):
            raise ValueError("expected scheme://host[:port] without a path, e.g. 'https://www.example.com'")
        return value.rstrip("/")

    def absolute(self, path_or_url: str) -> str:
        return urljoin(self.base_url + "/", path_or_url)

    def is_article_url(self, url: str) -> bool:
        path = re.sub(r"^https?://[^/]+", "", url) or "/"
        return any(re.search(pattern, path) for pattern in self.article_patterns)


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
        problems = "; ".join(f"field '{'.'.join(str(p) for p in e['loc'])}': {e['msg']}" for e in error.errors())
        raise RegistryError(f"{path}: site '{data.get('key')}': {problems}") from error
    if site.key != path.stem:
        raise RegistryError(f"{path}: site key '{site.key}' must equal the file name '{path.stem}'")
    return site


def load_registry(sites_dir: Path, origins: dict[str, str] | None = None) -> dict[str, SiteConfig]:
    """All sites in the registry, keyed by site key; `origins` overrides base URLs (local mirrors, tests)."""
    if not sites_dir.is_dir():
        raise RegistryError(f"{sites_dir}: site registry folder not found (set BROADSHEET_SITES_DIR)")
    sites = {}
    for path in sorted(sites_dir.glob("*.toml")):
        site = load_site(path)
        if origins and site.key in origins:
            site = site.model_copy(update={"base_url": origins[site.key].rstrip("/")})
        sites[site.key] = site
    return sites
