"""An operation that asks ``gpu: 1`` runs with a device of its own, through the orchestrator and
the local compute configured with one (fake) GPU: jobs take turns on it."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest
from forgelab.executions import Orchestrator
from forgelab.store import Store

from .conftest import node, op, pipeline

SOURCE = """
import os

def devices() -> str:
    return os.environ.get("CUDA_VISIBLE_DEVICES", "<unset>")
"""


@pytest.fixture
def gpu_orchestrator(store: Store, workspace, jp_asyncio_loop) -> Iterator[Orchestrator]:
    orch = Orchestrator(
        store, root=workspace, compute_configs={"local": {"capacity": 3, "gpus": 1}}
    )
    yield orch
    jp_asyncio_loop.run_until_complete(orch.close())


async def test_gpu_operations_get_a_device_each_in_turn(gpu_orchestrator) -> None:
    gpu = {**op(SOURCE, "devices"), "gpu": 1}
    cpu = op(SOURCE, "devices")
    doc = pipeline(
        [node("first", gpu), node("second", gpu), node("plain", cpu)],
        [],
    )
    execution = await gpu_orchestrator.submit(doc)
    final = await gpu_orchestrator.wait(execution["id"])
    assert final["status"] == "succeeded", final
    storage = gpu_orchestrator.storage("local")
    seen = {}
    for job in final["jobs"]:
        with storage.open(job["outputs"]["result"]["uri"]) as handle:
            seen[job["node"]] = json.load(handle)
    assert seen["first"] == seen["second"] == "0"
    assert seen["plain"] == os.environ.get("CUDA_VISIBLE_DEVICES", "<unset>")
    by_node = {job["node"]: job for job in final["jobs"]}
    first, second = sorted([by_node["first"], by_node["second"]], key=lambda j: j["startedAt"])
    # One device: the second GPU job started only after the first had ended.
    assert first["endedAt"] <= second["startedAt"]
