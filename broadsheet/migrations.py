"""Apply the numbered SQL migrations in sql/, in order, each in its own transaction; then re-create the views.

Tables live in numbered migrations: one already applied is skipped, and one that was edited after it was applied
is refused, because the databases it already ran on would silently differ from new ones. Views hold no data, so
they are repeatable instead: one view per file in sql/views/ (`marts.articles.sql`), all dropped and created
again on every migrate, so changing a view is an edit of its one file, never a copy of it in a new migration.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

logger = logging.getLogger(__name__)

MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
VIEW_NAME = re.compile(r"^([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)\.sql$")
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
    """Apply what is not applied yet, then re-create sql/views/; returns the migration file names applied now."""
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
    if (sql_dir / "views").is_dir():
        recreate_views(conn, sql_dir / "views")
    return applied_now


@dataclass(frozen=True)
class ViewDefinition:
    """One file of sql/views/: `schema.view.sql` creates that view and comments on it."""

    schema: str
    name: str
    path: Path

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")


def find_views(views_dir: Path) -> list[ViewDefinition]:
    views = []
    for path in sorted(views_dir.glob("*.sql")):
        match = VIEW_NAME.match(path.name)
        if not match:
            raise MigrationError(f"{path}: view files are named schema.view_name.sql, one view per file")
        views.append(ViewDefinition(match.group(1), match.group(2), path))
    return views


def recreate_views(conn: psycopg.Connection, views_dir: Path) -> list[str]:
    """Drop every view of the schemas that sql/views/ manages and create each file's view again, in one transaction.

    A view may read another view: files are created in name order, and one whose input does not exist yet is
    retried after the others, until all exist or no more can be made (then the error names the file).
    """
    views = find_views(views_dir)
    schemas = sorted({view.schema for view in views})
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(hashtext('broadsheet.migrations'))")
        existing = conn.execute(
            "select schemaname, viewname from pg_views where schemaname = any(%s)", (schemas,)
        ).fetchall()
        for schema, name in existing:
            conn.execute(sql.SQL("drop view if exists {} cascade").format(sql.Identifier(schema, name)))
        pending = views
        while pending:
            waiting: list[tuple[ViewDefinition, psycopg.Error]] = []
            for view in pending:
                try:
                    with conn.transaction():
                        conn.execute(view.sql)
                except psycopg.errors.UndefinedTable as error:
                    waiting.append((view, error))
            if len(waiting) == len(pending):
                view, error = waiting[0]
                raise MigrationError(f"{view.path}: cannot create the view: {error}")
            pending = [view for view, _ in waiting]
    return [f"{view.schema}.{view.name}" for view in views]
