"""A Jupyter server with a PostgreSQL store: a pipeline end to end, and the database down."""

from __future__ import annotations

import asyncio
import getpass
import json
import socket
import textwrap
from typing import Any

import pytest
import tornado
from forgelab.operations.introspect import describe
from forgelab.store.store import open_engine
from sqlalchemy import text

SOURCE = textwrap.dedent(
    '''
    def make(*, n: int = 3) -> ("numbers",):
        """Make a list of numbers."""
        print("making", n)
        return list(range(n))

    def total(numbers):
        """Sum the numbers."""
        return sum(numbers)
    '''
)


def _operation(name: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(compile(SOURCE, "<test>", "exec"), namespace)
    return describe(namespace[name], op_id=name, code=SOURCE)


def _pipeline() -> dict[str, Any]:
    return {
        "format": "forgelab.pipeline",
        "version": 1,
        "nodes": [
            {"id": "make", "kind": "operation", "operation": _operation("make")},
            {"id": "total", "kind": "operation", "operation": _operation("total")},
        ],
        "connections": [
            {
                "source": {"node": "make", "port": "numbers"},
                "target": {"node": "total", "port": "numbers"},
            }
        ],
    }


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server_store_url(pg_url: str) -> str:
    """The store the server under test is configured with (a test may parametrize another)."""
    return pg_url


@pytest.fixture
def jp_server_config(jp_server_config, server_store_url):  # noqa: F811 - extends the top-level one
    return {**jp_server_config, "ForgeLabConfig": {"store_url": server_store_url}}


async def _fetch(jp_fetch, *path: str, method: str = "GET", body: Any = None) -> tuple[int, Any]:
    kwargs = {"body": json.dumps(body)} if body is not None else {}
    response = await jp_fetch("forgelab", "api", *path, method=method, **kwargs)
    return response.code, json.loads(response.body) if response.body else None


async def test_a_pipeline_runs_end_to_end_on_a_postgresql_store(
    jp_fetch, server_store_url: str
) -> None:
    code, execution = await _fetch(
        jp_fetch, "executions", method="POST", body={"pipeline": _pipeline(), "set": {"make.n": 5}}
    )
    assert code == 201
    for _ in range(1200):
        _, execution = await _fetch(jp_fetch, "executions", execution["id"])
        if execution["status"] not in ("pending", "running"):
            break
        await asyncio.sleep(0.1)
    assert execution["status"] == "succeeded", execution["jobs"]
    make, total = execution["jobs"]
    _, events = await _fetch(jp_fetch, "executions", execution["id"], "jobs", make["id"], "events")
    assert "making 5" in [e["data"] for e in events["events"] if e["kind"] == "stdout"]
    assert [e["seq"] for e in events["events"]] == list(range(len(events["events"])))
    artifact = total["outputs"]["result"]
    response = await jp_fetch("forgelab", "api", "artifacts", artifact["id"], "download")
    assert json.loads(response.body) == 10
    _, provenance = await _fetch(jp_fetch, "artifacts", artifact["id"], "provenance")
    assert [r["job"]["jobId"] for r in provenance["records"]] == [total["id"], make["id"]]

    # the rows are in PostgreSQL, each with its owner
    engine = open_engine(server_store_url)
    assert engine.dialect.name == "postgresql"
    with engine.connect() as connection:
        owners = {
            table: set(connection.execute(text(f"SELECT owner FROM {table}")).scalars())
            for table in ("executions", "artifacts", "provenance")
        }
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    me = getpass.getuser()
    assert owners == {"executions": {me}, "artifacts": {me}, "provenance": {me}}
    assert version == "0002"


@pytest.mark.parametrize(
    "server_store_url",
    [f"postgresql+psycopg://forgelab:s3cret@127.0.0.1:{_closed_port()}/none"],
    ids=["closed-port"],
)
async def test_an_unreachable_store_answers_503_with_what_to_check(
    jp_fetch, server_store_url: str
) -> None:
    for path in (("executions",), ("executions", "e-missing")):
        with pytest.raises(tornado.httpclient.HTTPClientError) as caught:
            await jp_fetch("forgelab", "api", *path)
        assert caught.value.code == 503
        body = json.loads(caught.value.response.body)
        assert body["message"].startswith("cannot open the store at postgresql+psycopg://")
        assert "forgelab:***@127.0.0.1" in body["message"] and "s3cret" not in body["message"]
        assert "database server is running" in body["message"] and "traceback" not in body
