"""Per-job overhead of the ``local`` compute adapter against a bare ``python -c pass`` subprocess.

Three measurements in one run, on the same machine:
1. baseline: ``subprocess.run([python, "-c", "pass"])``;
2. adapter: the same command through ``LocalCompute.submit`` + ``wait`` (wrapper shell, log files,
   event tailing, result reading);
3. orchestrated: a one-job pipeline through the orchestrator and store (generated job directory,
   ``main.py`` with the runtime, a JSON output stored and hashed, provenance recorded).

Prints the mean seconds per job and the ratios to the baseline.
Run: ``python bench/bench_local_overhead.py [N]``
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from forgelab.adapters.compute.base import JobSpec
from forgelab.adapters.compute.local import LocalCompute
from forgelab.executions import Orchestrator
from forgelab.operations.introspect import describe
from forgelab.store import Store, default_url

CODE = "def nothing(*, value: int = 1):\n    return value\n"


def baseline(n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        subprocess.run([sys.executable, "-c", "pass"], check=True)
    return (time.perf_counter() - start) / n


async def adapter(n: int, root: Path) -> float:
    compute = LocalCompute({"capacity": 1})
    start = time.perf_counter()
    for i in range(n):
        directory = root / f"job{i}"
        directory.mkdir(parents=True)
        handle = await compute.submit(
            JobSpec(f"j{i}", "e", str(directory), [sys.executable, "-c", "pass"]),
            lambda event: None,
        )
        outcome = await compute.wait(handle)
        assert outcome.exit_code == 0, outcome
    return (time.perf_counter() - start) / n


async def orchestrated(n: int, root: Path) -> float:
    namespace: dict = {}
    exec(CODE, namespace)
    operation = describe(namespace["nothing"], op_id="nothing", code=CODE)
    doc = {
        "format": "forgelab.pipeline",
        "version": 1,
        "nodes": [{"id": "n", "kind": "operation", "operation": operation}],
        "connections": [],
    }
    store = Store(default_url(root))
    orchestrator = Orchestrator(store, root=root, compute_configs={"local": {"capacity": 1}})
    start = time.perf_counter()
    for _ in range(n):
        final = await orchestrator.wait((await orchestrator.submit(doc))["id"])
        assert final["status"] == "succeeded", final
    elapsed = (time.perf_counter() - start) / n
    await orchestrator.close()
    store.close()
    return elapsed


def main(n: int = 20) -> None:
    base = baseline(n)
    with tempfile.TemporaryDirectory() as folder:
        local = asyncio.run(adapter(n, Path(folder) / "adapter"))
        (Path(folder) / "orch").mkdir()
        full = asyncio.run(orchestrated(n, Path(folder) / "orch"))
    print(f"jobs per measurement:            {n}")
    print(f"bare `python -c pass`:           {base * 1000:8.1f} ms/job")
    print(f"local adapter, same command:     {local * 1000:8.1f} ms/job  ratio {local / base:5.2f}")
    print(f"orchestrated one-job pipeline:   {full * 1000:8.1f} ms/job  ratio {full / base:5.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
