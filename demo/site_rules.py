"""What a demo site's server does beyond serving files, from demo/sites/<key>/server.toml (all optional).

last_modified = 2024-03-15T12:00:00Z        # Last-Modified of every file (not its mtime: git resets those)
retry_after_seconds = 1
throttle_once = ["/business/story/"]         # first request of each path answers 429 with Retry-After
[redirects]
"/p/5f3c/" = "/business/story/"              # 301 to the given path
without_last_modified = ["/opinion/story.html"]  # answered without a Last-Modified header
[last_modified_paths]
"/city/story/" = 2024-03-16T09:00:00Z
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

DEFAULT_LAST_MODIFIED = datetime(2024, 3, 1, tzinfo=UTC)


@dataclass(frozen=True)
class SiteRules:
    last_modified: datetime = DEFAULT_LAST_MODIFIED
    last_modified_paths: dict[str, datetime] = field(default_factory=dict)
    without_last_modified: frozenset[str] = frozenset()
    redirects: dict[str, str] = field(default_factory=dict)
    throttle_once: frozenset[str] = frozenset()
    unavailable_once: frozenset[str] = frozenset()
    retry_after_seconds: int = 1
    conditional_requests: bool = True

    def last_modified_for(self, path: str) -> datetime | None:
        if path in self.without_last_modified:
            return None
        return self.last_modified_paths.get(path, self.last_modified)


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def load_site_rules(site_dir: Path) -> SiteRules:
    path = site_dir / "server.toml"
    if not path.exists():
        return SiteRules()
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return SiteRules(
        last_modified=_utc(data.get("last_modified", DEFAULT_LAST_MODIFIED)),
        last_modified_paths={k: _utc(v) for k, v in data.get("last_modified_paths", {}).items()},
        without_last_modified=frozenset(data.get("without_last_modified", [])),
        redirects=dict(data.get("redirects", {})),
        throttle_once=frozenset(data.get("throttle_once", [])),
        unavailable_once=frozenset(data.get("unavailable_once", [])),
        retry_after_seconds=int(data.get("retry_after_seconds", 1)),
        conditional_requests=bool(data.get("conditional_requests", True)),
    )
