"""The ``dask`` adapter through dask-gateway against the same adapter on a LocalCluster.

A real dask-gateway server (local backend, 127.0.0.1) gives a cluster of 1 worker per run; the
baseline is a LocalCluster of 1 worker process started by the adapter itself, in the same run.
Measured for each: the cold start (adapter created → first job's first event, which includes
starting the cluster) and the time for tiny jobs on the warm cluster (through the gateway's TLS
proxy). Prints the ratios.

    python bench/bench_gateway.py [--jobs 30] [--rounds 2]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from forgelab.adapters.compute.base import JobSpec
from forgelab.adapters.compute.dask import DaskCompute
from forgelab.testing.gateway import GatewayServer

MAIN = """\
import json
print("tiny job", flush=True)
with open("result.json", "w") as f:
    json.dump({"status": "succeeded", "outputs": {}}, f)
"""


def job(root: Path, name: str) -> JobSpec:
    folder = root / name
    folder.mkdir()
    (folder / "main.py").write_text(MAIN)
    return JobSpec(f"{name}-{time.time_ns()}", "bench", str(folder), [sys.executable, "main.py"])


async def measure(config: dict, root: Path, jobs: int) -> tuple[float, float]:
    """(seconds to the first event of the first job from cold, seconds for ``jobs`` tiny jobs)."""
    start = time.perf_counter()
    adapter = DaskCompute(config)
    first = asyncio.Event()
    try:
        spec = job(root, "cold")
        await adapter.submit(spec, lambda event: first.set())
        await first.wait()
        cold = time.perf_counter() - start
        outcome = await adapter.wait(spec.job_id)
        if outcome.status != "succeeded":
            raise SystemExit(f"the cold job failed: {outcome.error}")
        specs = [job(root, f"warm{n}") for n in range(jobs)]
        start = time.perf_counter()
        handles = [await adapter.submit(s, lambda event: None) for s in specs]
        outcomes = await asyncio.gather(*(adapter.wait(h) for h in handles))
        warm = time.perf_counter() - start
        bad = [o for o in outcomes if o.status != "succeeded"]
        if bad:
            raise SystemExit(f"{len(bad)} jobs failed: {bad[0].error}")
        return cold, warm
    finally:
        await adapter.close()


async def main(jobs: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-gateway-") as folder:
        gateway = GatewayServer(Path(folder, "gateway")).start()
        try:
            auth = {"kind": "basic", "username": "bench", "password": gateway.password}
            configs = {
                "local_cluster": {"local_cluster": {"n_workers": 1, "threads_per_worker": 1}},
                "gateway": {"gateway": {"address": gateway.address, "auth": auth, "workers": 1}},
            }
            results: dict[str, list[tuple[float, float]]] = {name: [] for name in configs}
            for n in range(rounds):
                for name, config in configs.items():
                    root = Path(folder, f"{name}-{n}")
                    root.mkdir()
                    results[name].append(await measure(config, root, jobs))
        finally:
            gateway.stop()
    for index, what in ((0, "cold start to first event"), (1, f"{jobs} tiny jobs, warm")):
        local = statistics.median(r[index] for r in results["local_cluster"])
        via = statistics.median(r[index] for r in results["gateway"])
        print(
            f"{what}: gateway {via:.2f} s, LocalCluster {local:.2f} s, "
            f"ratio {via / local:.2f} (median of {rounds})"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    asyncio.run(main(args.jobs, args.rounds))
