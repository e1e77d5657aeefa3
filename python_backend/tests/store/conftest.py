"""Fixtures of the store tests: store URLs on SQLite and on the session's real PostgreSQL."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from forgelab.testing.postgres import PostgresServer

_databases = itertools.count()


@pytest.fixture
def pg_url(postgres: PostgresServer) -> str:
    """A new, empty PostgreSQL database for one test."""
    return postgres.create_database(f"test_{next(_databases)}")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest) -> str:
    """An empty store on each backend: SQLite in a temporary folder, then PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")
