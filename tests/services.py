"""How a test reacts to a missing service: a failure under CI=true (a broken build there), a skip elsewhere."""

from __future__ import annotations

import os

import pytest


def missing_service(message: str) -> None:
    """Fail under CI (a missing service is a broken build there), skip elsewhere."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"required service missing under CI: {message}")
    pytest.skip(message)
