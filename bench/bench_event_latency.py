"""How late a job's ``print`` reaches a subscriber of its execution, on ``local`` and ``dask``.

A one-job pipeline prints ``tick <time.time()>`` every 10 ms; a subscriber of the execution (what
the server's events websocket does for the browser: ``orchestrator.subscribe``, then one
``write_message``) notes when each line arrives. The baseline, in the same run: the same loop as
a plain subprocess whose stdout pipe is read line by line (what no file, store or poll costs).
Prints p50 / p95 / max milliseconds of each and the ratio of the p95s. The ``dask`` row runs the
job on a Dask ``LocalCluster`` (scheduler and two worker processes on 127.0.0.1, started before
the clock runs), so a line crosses the worker and the scheduler before it reaches the server.

    python bench/bench_event_latency.py [TICKS]      (default 300)
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from forgelab.executions import Orchestrator
from forgelab.operations.introspect import describe
from forgelab.store import Store

CODE = (
    "def ticks(*, count: int = 300):\n"
    "    import time\n"
    "    for _ in range(count):\n"
    "        print(f'tick {time.time():.6f}', flush=True)\n"
    "        time.sleep(0.01)\n"
    "    return count\n"
)


def _delays(lines: list[tuple[float, str]]) -> list[float]:
    return [arrived - float(text.split()[1]) for arrived, text in lines if text.startswith("tick ")]


async def baseline(ticks: int) -> list[float]:
    """A plain subprocess, its stdout read as it comes."""
    program = CODE + f"ticks(count={ticks})\n"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", program, stdout=asyncio.subprocess.PIPE
    )
    assert process.stdout is not None
    lines = []
    async for raw in process.stdout:
        lines.append((time.time(), raw.decode().strip()))
    await process.wait()
    return _delays(lines)


async def through_forgelab(ticks: int, folder: Path, compute: str = "local") -> list[float]:
    """The same loop as a pipeline job, heard by a subscriber of its execution."""
    namespace: dict = {}
    exec(CODE, namespace)
    operation = describe(namespace["ticks"], op_id="ticks", code=CODE)
    doc = {
        "format": "forgelab.pipeline",
        "version": 1,
        "nodes": [
            {"id": "t", "kind": "operation", "operation": operation, "attributes": {"count": ticks}}
        ],
        "connections": [],
    }
    folder.mkdir(parents=True, exist_ok=True)
    store = Store(f"sqlite:///{folder / 'store.db'}")
    orchestrator = Orchestrator(
        store,
        root=folder,
        owner="bench",
        compute_configs={"dask": {"local_cluster": {"n_workers": 2, "threads_per_worker": 1}}},
    )
    lines: list[tuple[float, str]] = []

    def heard(message: dict) -> None:
        if message.get("kind") == "stdout":
            lines.append((time.time(), str(message.get("data"))))

    try:
        if compute != "local":  # the cluster starts before the clock runs, as a warm server's
            answer = await orchestrator.test_adapter("compute", compute)
            assert answer["ok"], answer
        execution = await orchestrator.submit(doc, compute=compute)
        orchestrator.subscribe(execution["id"], heard)
        final = await orchestrator.wait(execution["id"])
        assert final["status"] == "succeeded", final
    finally:
        await orchestrator.close()
        store.close()
    return _delays(lines)


def _summary(label: str, delays: list[float]) -> float:
    ms = sorted(d * 1000 for d in delays)
    p95 = statistics.quantiles(ms, n=20, method="inclusive")[-1]
    print(
        f"{label:<28} lines {len(ms):4d}  p50 {statistics.median(ms):7.1f} ms"
        f"  p95 {p95:7.1f} ms  max {ms[-1]:7.1f} ms"
    )
    return p95


async def main(ticks: int) -> None:
    with tempfile.TemporaryDirectory() as name:
        raw = await baseline(ticks)
        local = await through_forgelab(ticks, Path(name) / "local")
        dask = await through_forgelab(ticks, Path(name) / "dask", compute="dask")
    print(f"a job prints every 10 ms, {ticks} times; load average {os.getloadavg()[0]:.2f}")
    base = _summary("plain subprocess (pipe)", raw)
    for label, delays, goal in (("local", local, 100), ("dask", dask, 250)):
        p95 = _summary(f"{label} adapter → subscriber", delays)
        print(
            f"p95 ratio {label} adapter / pipe: {p95 / max(base, 1e-3):.1f}x"
            f" (goal: p95 < {goal} ms)"
        )


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 300))
