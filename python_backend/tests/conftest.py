"""Fixtures shared by every ForgeLab test area: a real Jupyter server with ForgeLab enabled, and
one real PostgreSQL server for the areas that need a shared store."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from forgelab.testing.postgres import PostgresServer, PostgresUnavailable

os.environ.setdefault("KERAS_BACKEND", "torch")

pytest_plugins = ("pytest_jupyter.jupyter_server",)

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"


@pytest.fixture
def jp_server_config(jp_server_config):  # noqa: F811 - extends pytest-jupyter's fixture
    return {"ServerApp": {"jpserver_extensions": {"forgelab": True}}}


@pytest.fixture(scope="module", autouse=True)
def _module_environment() -> Iterator[None]:
    """Each test module starts from the session's ``$FORGELAB_STORE_URL``: a Jupyter server started
    in this process exports its store there for its kernels, and a later module's CLI runs would
    otherwise write to that store (a real server is one process, so it has no such neighbours)."""
    saved = os.environ.get("FORGELAB_STORE_URL")
    yield
    if saved is None:
        os.environ.pop("FORGELAB_STORE_URL", None)
    else:
        os.environ["FORGELAB_STORE_URL"] = saved


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """Debian's PostgreSQL on 127.0.0.1, started once for the whole session; each user of it
    makes its own database with ``create_database``."""
    try:
        server = PostgresServer()
        server.start()
    except PostgresUnavailable as error:
        pytest.fail(str(error))
    try:
        yield server
    finally:
        server.stop()
