"""Fixtures of the faults suite: a database that lives as long as a test module (one hostile night is
crawled and loaded once, then examined by many tests)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest


@pytest.fixture(scope="module")
def module_database_url(postgres_server: str) -> Iterator[str]:
    name = f"broadsheet_faults_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'create database "{name}"')
    try:
        yield psycopg.conninfo.make_conninfo(postgres_server, dbname=name)
    finally:
        with psycopg.connect(postgres_server, autocommit=True) as admin:
            admin.execute(f'drop database if exists "{name}" with (force)')
