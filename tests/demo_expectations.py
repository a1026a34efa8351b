"""The demo sites' ground truth (demo/sites/<key>/expected.json), with each path made a URL at the site's origin."""

from __future__ import annotations

import json
from typing import Any

from demo.sites_server import DEMO_SITES_DIR


def load_expected(site_key: str, origin: str) -> dict[str, Any]:
    """A demo site's expected articles, rejects and skips, their URLs at the origin the site is served from."""
    data = json.loads((DEMO_SITES_DIR / site_key / "expected.json").read_text(encoding="utf-8"))
    for article in data["articles"]:
        article["url"] = origin + article["path"]
        article["canonical_url"] = origin + article.get("canonical_path", article["path"])
    for reject in data.get("rejects", []):
        reject["url"] = origin + reject["path"]
    for skip in data.setdefault("skipped", []):  # article URLs the crawl leaves on purpose, with the reason
        skip["url"] = origin + skip["path"]
    return data
