"""Fixtures of the faults suite: a database that lives as long as a test module (one hostile night is
crawled and loaded once, then examined by many tests)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from databases import fresh_database


@pytest.fixture(scope="module")
def module_database_url(postgres_server: str) -> Iterator[str]:
    with fresh_database(postgres_server, prefix="broadsheet_faults") as url:
        yield url
