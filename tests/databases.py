"""Throw-away databases on the real PostgreSQL server the tests share.

A plain module, not conftest: `from conftest import ...` is ambiguous once a sub-folder has its own conftest
(tests/faults/conftest.py), and which one Python finds depends on the order the xdist worker collected them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

SERVER_URL = os.environ.get("BROADSHEET_TEST_SERVER_URL", "postgresql://postgres@127.0.0.1:5432/test")


def database_url_for(server_url: str, name: str) -> str:
    return psycopg.conninfo.make_conninfo(server_url, dbname=name)


@contextmanager
def fresh_database(server_url: str, prefix: str = "broadsheet_test") -> Iterator[str]:
    """A new, empty database on the real server, dropped when the block ends."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'create database "{name}"')
    try:
        yield database_url_for(server_url, name)
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'drop database if exists "{name}" with (force)')
