"""Logins for BI tools: one PostgreSQL login per tool, member of the read-only role broadsheet_bi.

The password is generated here and sent to the server only as a SCRAM-SHA-256 verifier, so it appears in no
server log (even with log_statement = 'ddl'); the caller prints it once, in the connection string.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from urllib.parse import quote

import psycopg
from psycopg import sql

BI_ROLE = "broadsheet_bi"
LOGIN_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class BiLoginError(RuntimeError):
    """The login cannot be created; the message says why and what to do."""


@dataclass(frozen=True)
class BiLogin:
    name: str
    password: str
    host: str
    port: int
    dbname: str

    @property
    def url(self) -> str:
        """A libpq URL; SQLAlchemy and Superset take it as is (postgresql://...)."""
        return self.url_with_password(quote(self.password, safe=""))

    def url_with_password(self, password: str) -> str:
        """The URL with another password text, e.g. Superset's mask XXXXXXXXXX."""
        if self.host.startswith("/"):  # a Unix socket directory (the embedded PostgreSQL)
            return f"postgresql://{self.name}:{password}@/{self.dbname}?host={quote(self.host)}&port={self.port}"
        return f"postgresql://{self.name}:{password}@{self.host}:{self.port}/{self.dbname}"


def create_bi_login(admin_url: str, name: str, *, reset_password: bool = False, host: str | None = None) -> BiLogin:
    """Create login `name` in broadsheet_bi with a new random password (or give an existing one a new password
    with `reset_password`); returns how to connect to the warehouse `admin_url` points at."""
    if not LOGIN_NAME.match(name):
        raise BiLoginError(f"login name {name!r}: use lowercase letters, digits and _ (a PostgreSQL identifier)")
    password = secrets.token_urlsafe(24)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("select 1 from pg_roles where rolname = %s", (BI_ROLE,)).fetchone():
            raise BiLoginError(f"role {BI_ROLE} does not exist: run `broadsheet migrate` on this warehouse first")
        verifier = conn.pgconn.encrypt_password(password.encode(), name.encode(), b"scram-sha-256").decode()
        exists = conn.execute("select 1 from pg_roles where rolname = %s", (name,)).fetchone()
        login = sql.Identifier(name)
        if exists and not reset_password:
            raise BiLoginError(f"role {name} exists already: pass --reset-password to give it a new password")
        if exists:
            member = conn.execute("select pg_has_role(%s, %s, 'member')", (name, BI_ROLE)).fetchone()[0]
            if not member:
                raise BiLoginError(f"role {name} exists and is not a BI login (not in {BI_ROLE}): choose another name")
            conn.execute(sql.SQL("alter role {} login password {}").format(login, sql.Literal(verifier)))
        else:
            conn.execute(
                sql.SQL("create role {} login password {} in role {}").format(
                    login, sql.Literal(verifier), sql.Identifier(BI_ROLE)
                )
            )
        # A BI login reads: even a function that could write would run in a read-only transaction.
        conn.execute(sql.SQL("alter role {} set default_transaction_read_only = on").format(login))
        conn.execute(sql.SQL("alter role {} set search_path = marts, warehouse").format(login))
        info = conn.info
        return BiLogin(name, password, host or info.host, info.port, info.dbname)
