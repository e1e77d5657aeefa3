"""A real dask-gateway server on 127.0.0.1 (local backend, shared password) for the gateway tests,
and a Jupyter server whose ``dask`` adapter reaches it as user "alice"."""

from __future__ import annotations

import asyncio
import json
import textwrap
from collections.abc import Iterator
from typing import Any

import pytest
from forgelab.operations.introspect import describe
from forgelab.testing.gateway import GatewayServer

PASSWORD = "gateway-test-password"

SOURCE = '''
def make(*, n: int = 3) -> ("numbers", "label"):
    """Make a list of numbers."""
    print("making", n, flush=True)
    return list(range(n)), f"{n} numbers"

def wait_then_total(numbers, *, marker: str = ""):
    """Sum the numbers once the marker file exists."""
    import os, time
    print("waiting", flush=True)
    while marker and not os.path.exists(marker):
        time.sleep(0.05)
    return sum(numbers)

def boom(numbers):
    raise ValueError("boom: the numbers are wrong")
'''


@pytest.fixture(scope="session")
def gateway(tmp_path_factory) -> Iterator[GatewayServer]:
    server = GatewayServer(tmp_path_factory.mktemp("gateway"), password=PASSWORD).start()
    yield server
    server.stop()


@pytest.fixture
def gateway_password() -> str:
    """The password the adapter sends (parametrize to send a wrong one)."""
    return PASSWORD


@pytest.fixture
def gateway_config(gateway: GatewayServer, gateway_password: str) -> dict[str, Any]:
    return {
        "gateway": {
            "address": gateway.address,
            "auth": {"kind": "basic", "username": "alice", "password": gateway_password},
            "cluster_options": {"worker_threads": 2},
            "workers": 1,
            "release_after": 0.5,
        }
    }


@pytest.fixture
def jp_server_config(jp_server_config, gateway_config):
    return {**jp_server_config, "ForgeLabConfig": {"compute_adapters": {"dask": gateway_config}}}


def op(function: str) -> dict[str, Any]:
    """Operation JSON of ``function`` in SOURCE (its code is embedded in the job)."""
    code = textwrap.dedent(SOURCE)
    namespace: dict[str, Any] = {}
    exec(compile(code, "<test>", "exec"), namespace)
    return describe(namespace[function], op_id=function, code=code)


def pipeline(second: str, **attributes: Any) -> dict[str, Any]:
    """``make`` feeding ``second`` (an operation of SOURCE)."""
    return {
        "format": "forgelab.pipeline",
        "version": 1,
        "nodes": [
            {"id": "make", "kind": "operation", "operation": op("make"), "attributes": {"n": 4}},
            {
                "id": "second",
                "kind": "operation",
                "operation": op(second),
                "attributes": attributes,
            },
        ],
        "connections": [
            {
                "source": {"node": "make", "port": "numbers"},
                "target": {"node": "second", "port": "numbers"},
            }
        ],
    }


async def fetch(jp_fetch, *path: str, method: str = "GET", body: Any = None, **kw: Any):
    """A ForgeLab REST call: (HTTP code, decoded JSON body)."""
    if body is not None or method == "POST":
        kw["body"] = json.dumps(body if body is not None else {})
    response = await jp_fetch("forgelab", "api", *path, method=method, **kw)
    return response.code, (json.loads(response.body) if response.body else None)


async def until(predicate, what: str, timeout: float = 120.0) -> Any:
    """Poll ``predicate`` (sync or async) until it returns something true (a safety limit)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = predicate()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"{what}: not reached within {timeout:g} s")
        await asyncio.sleep(0.2)
