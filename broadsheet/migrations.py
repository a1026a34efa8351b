"""Apply the numbered SQL migrations in sql/, in order, each in its own transaction.

A migration already applied is skipped; one that was edited after it was applied is refused, because the
databases it already ran on would silently differ from new ones.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg

logger = logging.getLogger(__name__)

MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
_BOOTSTRAP = """
create schema if not exists etl;
create table if not exists etl.schema_migrations (
    version text primary key,
    file_name text not null,
    checksum text not null,
    applied_at timestamptz not null default now()
);
comment on table etl.schema_migrations is 'Which numbered SQL migrations have been applied, with their checksums.';
comment on column etl.schema_migrations.version is 'The migration''s number (NNN of NNN_name.sql).';
comment on column etl.schema_migrations.file_name is 'The migration file that was applied.';
comment on column etl.schema_migrations.checksum is 'SHA-256 of the file when applied; an edited file is refused.';
comment on column etl.schema_migrations.applied_at is 'When it was applied.';
"""


class MigrationError(RuntimeError):
    """A migration cannot be applied; the message names the file and what to do."""


@dataclass(frozen=True)
class Migration:
    version: str
    path: Path

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def find_migrations(sql_dir: Path) -> list[Migration]:
    migrations = []
    for path in sorted(sql_dir.glob("*.sql")):
        match = MIGRATION_NAME.match(path.name)
        if not match:
            raise MigrationError(f"{path}: migration files are named NNN_snake_case.sql")
        migrations.append(Migration(match.group(1), path))
    versions = [m.version for m in migrations]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"{sql_dir}: two migrations share a number: {versions}")
    return migrations


def apply_migrations(conn: psycopg.Connection, sql_dir: Path) -> list[str]:
    """Apply what is not applied yet; returns the file names applied now."""
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(hashtext('broadsheet.migrations'))")
        conn.execute(_BOOTSTRAP)
    applied_now = []
    for migration in find_migrations(sql_dir):
        with conn.transaction():
            conn.execute("select pg_advisory_xact_lock(hashtext('broadsheet.migrations'))")
            row = conn.execute(
                "select checksum from etl.schema_migrations where version = %s", (migration.version,)
            ).fetchone()
            if row is not None:
                if row[0] != migration.checksum:
                    raise MigrationError(
                        f"{migration.path.name} was edited after it was applied to this database. "
                        "Released migrations are never edited: restore the file and add a new numbered migration."
                    )
                continue
            conn.execute(migration.sql)
            conn.execute(
                "insert into etl.schema_migrations (version, file_name, checksum) values (%s, %s, %s)",
                (migration.version, migration.path.name, migration.checksum),
            )
            applied_now.append(migration.path.name)
            logger.info("applied migration %s", migration.path.name)
    return applied_now
