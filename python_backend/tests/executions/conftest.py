"""Fixtures of the executions tests: operations from code, pipelines, store, orchestrator."""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from forgelab.executions import Orchestrator
from forgelab.operations.introspect import describe
from forgelab.store import Store, default_url


def op(code: str, function: str) -> dict[str, Any]:
    """Operation JSON of ``function`` defined in ``code`` (embedded in the job as its source)."""
    code = textwrap.dedent(code)
    namespace: dict[str, Any] = {}
    exec(compile(code, "<test>", "exec"), namespace)
    return describe(namespace[function], op_id=function, code=code)


def pipeline(
    nodes: list[dict[str, Any]], connections: list[tuple[str, str, str, str]]
) -> dict[str, Any]:
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


def node(node_id: str, operation: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"id": node_id, "kind": "operation", "operation": operation, **extra}


SOURCE = '''
def make(*, n: int = 3) -> ("numbers", "label"):
    """Make a list of numbers."""
    print("making", n)
    return list(range(n)), f"{n} numbers"

def total(numbers, *, scale: float = 1.0):
    """Sum the numbers."""
    return sum(numbers) * scale

def boom(numbers):
    raise ValueError("boom: the numbers are wrong")

def kill_myself(numbers):
    import os, signal
    print("about to die", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

def unpicklable(numbers):
    import threading
    return threading.Lock()

def sleepy(numbers, *, seconds: float = 60.0):
    import time
    print("sleeping", flush=True)
    time.sleep(seconds)
    return numbers

def flaky(numbers, *, marker: str = ""):
    import os
    if marker and not os.path.exists(marker):
        raise RuntimeError("the marker file is missing")
    return len(numbers)
'''


@pytest.fixture
def ops() -> dict[str, dict[str, Any]]:
    names = ("make", "total", "boom", "kill_myself", "unpicklable", "sleepy", "flaky")
    return {name: op(SOURCE, name) for name in names}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture
def store(workspace: Path):
    store = Store(default_url(workspace))
    yield store
    store.close()


@pytest.fixture
def orchestrator(store: Store, workspace: Path, jp_asyncio_loop) -> Iterator[Orchestrator]:
    orch = Orchestrator(store, root=workspace, compute_configs={"local": {"capacity": 2}})
    yield orch

    async def stop() -> None:
        for execution_id in store.execution_ids(statuses=("pending", "running")):
            await orch.cancel(execution_id)
            await orch.wait(execution_id)
        await orch.close()

    jp_asyncio_loop.run_until_complete(stop())


async def wait_for(predicate, timeout: float = 60.0, interval: float = 0.1) -> None:
    """Poll until ``predicate()`` is true (a safety limit, not a timing assertion)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(interval)
