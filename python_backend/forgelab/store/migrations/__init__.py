"""The store's schema revisions (Alembic, run programmatically) and the lock around them.

:func:`upgrade` brings any store to :data:`HEAD`: an empty database gets every table, a store
written before revisions existed (tables but no ``alembic_version``) is stamped ``0001`` first,
an older one is upgraded in place, and one written by a newer ForgeLab is refused untouched.
Only one process migrates at a time: PostgreSQL takes a transaction-level advisory lock, SQLite
a lock file beside the database, so two servers opening a new store never both create tables.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from ..errors import StoreError

HEAD = "0002"
"""The newest revision this code knows (the last file of ``versions/``)."""

BASELINE = "0001"
"""The schema of every store written before revisions were recorded."""

VERSION_TABLE = "alembic_version"

# An arbitrary, fixed key: every ForgeLab process migrating this database agrees on it.
_PG_LOCK_KEY = 0x466F72_67654C  # "ForgeL"


def alembic_config(connection: Connection | None = None) -> Any:
    """Alembic's Config for the revisions shipped here, migrating on ``connection``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent))
    config.attributes["connection"] = connection
    return config


def known_revisions() -> list[str]:
    """Every revision shipped with this ForgeLab, oldest first."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def _read_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def current(engine: Engine) -> str | None:
    """The store's revision: None when empty, :data:`BASELINE` when tables predate revisions."""
    with engine.connect() as connection:
        revision = _read_revision(connection)
        if revision is None and inspect(connection).has_table("executions"):
            return BASELINE
        return revision


def is_current(engine: Engine) -> bool:
    """Whether the store is already at :data:`HEAD` (one cheap query, no Alembic import)."""
    with engine.connect() as connection:
        try:
            return _read_revision(connection) == HEAD
        except SQLAlchemyError:
            return False


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the store to :data:`HEAD` under the migration lock; returns (before, after).

    Raises :class:`StoreError` without touching anything when the store is newer than this code.
    """
    from alembic import command

    with _migration_lock(engine) as connection:
        before = _read_revision(connection)
        unstamped = before is None and inspect(connection).has_table("executions")
        if before is not None and before not in known_revisions():
            raise StoreError(
                f"the store at {describe_url(engine)} is at schema revision {before!r}, "
                f"newer than this ForgeLab (which knows revisions up to {HEAD!r}); "
                "upgrade ForgeLab to use this store"
            )
        config = alembic_config(connection)
        if unstamped:
            command.stamp(config, BASELINE)
            before = BASELINE
        if before != HEAD:
            command.upgrade(config, "head")
        return before, _read_revision(connection) or HEAD


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that only one process at a time holds for this database."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            # Released by the commit (or rollback) that ends the migration.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
            yield connection
        return
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        with engine.begin() as connection:
            yield connection
        return
    with _file_lock(Path(database).with_name(Path(database).name + ".migrate.lock")):
        with engine.begin() as connection:
            yield connection


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive OS lock on ``path`` (created), waited for; released when the block ends."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
            import msvcrt

            handle.seek(0)
            while True:
                try:
                    msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
                    break
                except OSError:
                    continue
            try:
                yield
            finally:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def describe_url(engine_or_url: Engine | Any) -> str:
    """The store's URL with its password masked (for messages and logs)."""
    url = getattr(engine_or_url, "url", engine_or_url)
    if isinstance(url, str):
        from sqlalchemy.engine import make_url

        url = make_url(url)
    return url.render_as_string(hide_password=True)


__all__ = [
    "BASELINE",
    "HEAD",
    "alembic_config",
    "current",
    "describe_url",
    "is_current",
    "known_revisions",
    "upgrade",
]
