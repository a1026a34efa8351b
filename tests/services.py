"""How a test reacts to a missing service: a failure under CI=true (a broken build there), a skip elsewhere."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def missing_service(message: str) -> None:
    """Fail under CI (a missing service is a broken build there), skip elsewhere."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"required service missing under CI: {message}")
    pytest.skip(message)


def chromium_path() -> str:
    """Debian's chromium, which Playwright drives (`playwright install` cannot download a browser here)."""
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if Path(candidate).exists():
            return candidate
    missing_service("Debian's chromium is not installed (apt-get install -y chromium)")
    return ""
