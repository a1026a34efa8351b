"""Connections to the warehouse, and the embedded PostgreSQL used when BROADSHEET_DATABASE_URL is unset."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from broadsheet.secret_masking import mask_secrets
from broadsheet.settings import Settings

logger = logging.getLogger(__name__)


class WarehouseUnavailable(RuntimeError):
    """The warehouse cannot be reached; the message says which URL and what to check."""


def connect(database_url: str, **options: object) -> psycopg.Connection:
    """A connection to the warehouse; any failure to connect (a malformed URL included, which psycopg quotes
    whole, password and all) is a WarehouseUnavailable whose text is masked, raised without the original."""
    options = {"autocommit": False, "application_name": "broadsheet", **options}
    try:
        return psycopg.connect(database_url, **options)
    except psycopg.Error as error:
        raise WarehouseUnavailable(
            mask_secrets(
                f"cannot connect to the warehouse at {_redacted(database_url)}: {type(error).__name__}: {error}. "
                "Check BROADSHEET_DATABASE_URL, or unset it to use the embedded PostgreSQL."
            )
        ) from None


def _redacted(url: str) -> str:
    """The URL without its password, for messages and logs (a URL psycopg cannot parse is masked as text)."""
    try:
        if "password" in url or ":" in url.split("@")[0]:
            return mask_secrets(psycopg.conninfo.make_conninfo(url, password="***"))
    except psycopg.Error:
        pass
    return mask_secrets(url)


@contextmanager
def embedded_postgres(data_dir: Path) -> Iterator[str]:
    """Start (or reuse) an embedded PostgreSQL with its data in `data_dir`; stop it when the block ends."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (root shells, CI); pgserver then uses /tmp. Harmless.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        import pgserver  # imported here: only needed when no warehouse URL is configured

        data_dir.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(data_dir, cleanup_mode="stop")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()


@contextmanager
def warehouse_url(settings: Settings) -> Iterator[str]:
    """The configured warehouse URL, or an embedded PostgreSQL started for the duration of the block."""
    if settings.database_url is not None:
        yield settings.database_url.get_secret_value()
        return
    with embedded_postgres(settings.embedded_postgres_dir) as url:
        logger.info("BROADSHEET_DATABASE_URL is unset: using embedded PostgreSQL in %s", settings.embedded_postgres_dir)
        yield url


CRAWL_LOCK_NAMESPACE = "broadsheet-crawl"


@contextmanager
def site_crawl_lock(database_url: str, site_key: str) -> Iterator[None]:
    """Hold the site's crawl lock for the block: one crawl of a site at a time, over every run, backfill and
    worker, so overlapping runs never double the load on a site (Airflow pools cannot be per site).

    A PostgreSQL advisory lock on its own connection: released when the block ends, or when the worker dies
    and its connection closes, so a killed task never leaves a site locked.
    """
    key = (CRAWL_LOCK_NAMESPACE, site_key)
    with connect(database_url, autocommit=True, application_name=f"broadsheet crawl {site_key}") as conn:
        if not conn.execute("select pg_try_advisory_lock(hashtext(%s), hashtext(%s))", key).fetchone()[0]:
            logger.info("site=%s is being crawled by another run: waiting for that crawl to finish", site_key)
            conn.execute("select pg_advisory_lock(hashtext(%s), hashtext(%s))", key)
        try:
            yield
        finally:
            conn.execute("select pg_advisory_unlock(hashtext(%s), hashtext(%s))", key)
