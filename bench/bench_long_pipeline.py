"""Long pipelines: how ordering, validation and reading a request body grow with the chain.

Run: ``KERAS_BACKEND=torch python bench/bench_long_pipeline.py``. For chains of 250 to 10,000
operations it prints the median time of :func:`topological_order`, of :func:`check` (schema,
cycle, ports, attributes, every operation's code parsed) and of reading the ``POST executions``
body (:func:`forgelab.server.bodies.read`), and each as a ratio per node against the 250-node
chain measured in the same run: a ratio near 1 is linear time. The quadratic order it replaced
(a set of the done nodes rebuilt per node per round) is timed up to 1,000 nodes as the old
baseline.

Then it cancels a 5,000-job chain on the ``local`` adapter while its first job runs, and prints
how long ``cancel`` took, how long until the execution ended, and the longest time the event loop
was not free (what any other request waited), with the waiting jobs recorded in batches of
``scheduling.ENDED_BATCH`` against one transaction per job (batch of 1) in the same run.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from forgelab.executions import Orchestrator, graph, scheduling
from forgelab.executions import pipeline as pipelines
from forgelab.server import bodies
from forgelab.store import Store

SIZES = (250, 1_000, 2_500, 10_000)


def chain(size: int, code: str = "def step(x=None):\n    return x\n") -> dict[str, Any]:
    """``size`` inline operations in a line, listed last to first (the order has work to do)."""
    step = {
        "id": "step",
        "name": "step",
        "inputs": [{"name": "x", "type": "any", "optional": True}],
        "outputs": [{"name": "result", "type": "any"}],
        "attributes": [],
        "source": {
            "language": "python",
            "function": "step",
            "code": code,
        },
    }
    return {
        "format": "forgelab.pipeline",
        "version": 1,
        "nodes": [
            {"id": f"n{i}", "kind": "operation", "operation": step} for i in reversed(range(size))
        ],
        "connections": [
            {
                "source": {"node": f"n{i}", "port": "result"},
                "target": {"node": f"n{i + 1}", "port": "x"},
            }
            for i in range(size - 1)
        ],
    }


def quadratic_order(doc: Mapping[str, Any]) -> list[str]:
    """The order as it was computed before: every round rebuilds ``set(done)`` per node."""
    order_index = {n["id"]: i for i, n in enumerate(doc["nodes"])}
    remaining = dict(graph.feeders(doc))
    done: list[str] = []
    while remaining:
        ready = sorted((n for n, ups in remaining.items() if ups <= set(done)), key=order_index.get)
        done.extend(ready)
        for n in ready:
            del remaining[n]
    return done


def median(run: Callable[[], Any], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    bodies.read("submit", b'{"pipeline": {}}')  # compile the schema gate once
    base: dict[str, float] = {}
    print(f"{'nodes':>7} {'step':>10} {'seconds':>9} {'per node vs 250':>16}")
    for size in SIZES:
        doc = chain(size)
        raw = json.dumps({"pipeline": doc}).encode()
        steps: dict[str, Callable[[], Any]] = {
            "order": lambda doc=doc: pipelines.topological_order(doc),
            "check": lambda doc=doc: pipelines.check(doc),
            "body": lambda raw=raw: bodies.read("submit", raw),
        }
        if size <= 1_000:
            steps["old order"] = lambda doc=doc: quadratic_order(doc)
        for name, run in steps.items():
            seconds = median(run)
            per_node = seconds / size
            base.setdefault(name, per_node)
            print(f"{size:>7} {name:>10} {seconds:>9.4f} {per_node / base[name]:>16.2f}")


SLOW = "def step(x=None):\n    import time\n    time.sleep(120)\n    return x\n"


async def cancel_times(size: int, batch: int, folder: Path) -> tuple[float, float, float]:
    """Cancel a ``size``-job chain once its first job runs: (cancel, until ended, longest stall)."""
    scheduling.ENDED_BATCH = batch
    store = Store(f"sqlite:///{folder / 'store.db'}")
    orchestrator = Orchestrator(store, root=folder, owner="bench")
    stalls = [0.0]

    async def watch() -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.005)
            stalls.append(time.perf_counter() - before - 0.005)

    try:
        execution = await orchestrator.submit(chain(size, SLOW))
        first = execution["jobs"][0]["id"]
        while store.job_row(first).status != "running":
            await asyncio.sleep(0.05)
        watcher = asyncio.ensure_future(watch())
        await asyncio.sleep(0.05)
        start = time.perf_counter()
        await orchestrator.cancel(execution["id"])
        cancelled = time.perf_counter() - start
        final = await orchestrator.wait(execution["id"])
        ended = time.perf_counter() - start
        watcher.cancel()
        assert final["status"] == "cancelled", final["status"]
        assert {j["status"] for j in final["jobs"]} == {"cancelled"}
    finally:
        await orchestrator.close()
        store.close()
    return cancelled, ended, max(stalls)


def cancelling(size: int = 5_000) -> None:
    print(f"\ncancel a {size}-job chain while its first job runs (local adapter, SQLite)")
    print(f"{'writes':>22} {'cancel s':>9} {'ended s':>8} {'longest stall s':>16}")
    rows = {}
    for batch, label in ((1, "one per job"), (scheduling.ENDED_BATCH, "batches")):
        with tempfile.TemporaryDirectory() as name:
            rows[label] = asyncio.run(cancel_times(size, batch, Path(name)))
        cancel, ended, stall = rows[label]
        print(f"{label + f' ({batch})':>22} {cancel:>9.2f} {ended:>8.2f} {stall:>16.3f}")
    old, new = rows["one per job"], rows["batches"]
    print(f"ratio batches / one per job: until ended {new[1] / old[1]:.2f}")


if __name__ == "__main__":
    main()
    cancelling()
