"""Fixtures of the security tests: a real S3 endpoint (moto) on 127.0.0.1, and helpers to call
the ForgeLab API and wait for an execution."""

from __future__ import annotations

import asyncio
import json
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tornado
from forgelab.testing.s3 import MotoServer

BIN = Path(sys.executable).parent

#: Credentials of the S3 store: recognisable, so that a leak is easy to find in any answer.
S3_KEY = "AKIA-KEY-abc123-DO-NOT-LEAK"
S3_SECRET = "SECRET-abc123-DO-NOT-LEAK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Moto(MotoServer):
    """moto on 127.0.0.1 with two buckets, ``artifacts`` and ``elsewhere``."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.launch()
        self.client = self.boto3_client("s3", S3_KEY, S3_SECRET)
        self.client.create_bucket(Bucket="artifacts")
        self.client.create_bucket(Bucket="elsewhere")

    def config(self) -> dict[str, Any]:
        return {
            "endpoint_url": self.url,
            "bucket": "artifacts",
            "prefix": "forgelab",
            "key": S3_KEY,
            "secret": S3_SECRET,
        }

    def keys(self, bucket: str) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=bucket)
        return sorted(o["Key"] for o in listed.get("Contents", []))


@pytest.fixture(scope="session")
def moto(tmp_path_factory) -> Iterator[Moto]:
    server = Moto(tmp_path_factory.mktemp("moto"))
    yield server
    server.stop()


async def call(
    jp_fetch,
    *path: str,
    method: str = "GET",
    body: Any = None,
    raw: bytes | None = None,
    **kw: Any,
):
    """``(status, JSON answer)`` of a ForgeLab endpoint, errors included; ``raw`` is sent byte
    for byte instead of ``body`` as JSON."""
    data = raw if body is None else json.dumps(body)
    try:
        response = await jp_fetch(
            "forgelab", "api", *path, method=method, body=data, allow_nonstandard_methods=True, **kw
        )
    except tornado.httpclient.HTTPClientError as error:
        response = error.response
        assert response is not None, error
    text = response.body.decode() if response.body else "null"
    try:
        return response.code, json.loads(text)
    except json.JSONDecodeError:
        return response.code, text


async def finished(jp_fetch, execution_id: str, seconds: float = 120) -> dict[str, Any]:
    """The execution once it is no longer pending or running."""
    deadline = time.monotonic() + seconds
    while True:
        _, execution = await call(jp_fetch, "executions", execution_id)
        if execution["status"] not in ("pending", "running"):
            return execution
        assert time.monotonic() < deadline, f"execution still {execution['status']}"
        await asyncio.sleep(0.2)


def pipeline(nodes: list[dict[str, Any]], connections=()) -> dict[str, Any]:
    """A pipeline document; connections as (source node, port, target node, port)."""
    return {
        "format": "forgelab.pipeline",
        "version": 1,
        "nodes": nodes,
        "connections": [
            {"source": {"node": a, "port": p}, "target": {"node": b, "port": q}}
            for a, p, b, q in connections
        ],
    }


def inline(code: str, function: str, **operation: Any) -> dict[str, Any]:
    """Operation JSON of an inline operation (as the editor's introspection would give)."""
    return {
        "id": f"inline:{function}",
        "name": function,
        "inputs": [],
        "outputs": [{"name": "result", "type": "any"}],
        "attributes": [],
        "source": {"language": "python", "function": function, "code": code},
        **operation,
    }
