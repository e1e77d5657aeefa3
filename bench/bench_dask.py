"""200 tiny jobs on the ``dask`` compute adapter against the same work with a raw ``Client.submit``.

Both sides run the same tiny ``main.py`` as a subprocess on the same LocalCluster (2 worker
processes, 1 thread each, 127.0.0.1) and read its result.json. The adapter adds shipping the job
directory, a temp dir per job, live event forwarding and the outcome logic. Prints the ratio.

    python bench/bench_dask.py [--jobs 200] [--rounds 2] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from forgelab.adapters.compute.base import JobSpec
from forgelab.adapters.compute.dask import DaskCompute

MAIN = """\
import json
print("tiny job")
with open("result.json", "w") as f:
    json.dump({"status": "succeeded", "outputs": {}}, f)
"""


def raw_job(main: str) -> dict:
    """The baseline task: the same script as a subprocess in a temp dir, result.json read back."""
    with tempfile.TemporaryDirectory(prefix="bench-raw-") as folder:
        Path(folder, "main.py").write_text(main)
        subprocess.run([sys.executable, "main.py"], cwd=folder, check=True, capture_output=True)
        return json.loads(Path(folder, "result.json").read_text())


async def with_adapter(adapter: DaskCompute, root: Path, jobs: int) -> float:
    specs = []
    for n in range(jobs):
        folder = root / f"job{n}"
        folder.mkdir()
        (folder / "main.py").write_text(MAIN)
        (folder / "job.json").write_text(json.dumps({"job": f"job{n}"}))
        specs.append(
            JobSpec(f"job{n}-{time.time_ns()}", "bench", str(folder), [sys.executable, "main.py"])
        )
    start = time.perf_counter()
    handles = [await adapter.submit(spec, lambda event: None) for spec in specs]
    outcomes = await asyncio.gather(*(adapter.wait(h) for h in handles))
    elapsed = time.perf_counter() - start
    bad = [o for o in outcomes if o.status != "succeeded"]
    if bad:
        raise SystemExit(f"{len(bad)} adapter jobs failed: {bad[0].error}")
    return elapsed


async def with_raw_client(client, jobs: int) -> float:
    start = time.perf_counter()
    futures = [client.submit(raw_job, MAIN, pure=False) for _ in range(jobs)]
    results = await client.gather(futures)
    elapsed = time.perf_counter() - start
    assert all(r["status"] == "succeeded" for r in results)
    return elapsed


async def main(jobs: int, workers: int, rounds: int) -> None:
    adapter = DaskCompute({"local_cluster": {"n_workers": workers, "threads_per_worker": 1}})
    await adapter.start()
    try:
        # Warm both paths (imports on the workers) before timing.
        await with_raw_client(adapter.client, workers)
        with tempfile.TemporaryDirectory(prefix="bench-dask-") as root:
            warm = Path(root, "warm")
            warm.mkdir()
            await with_adapter(adapter, warm, workers)
            raws, ourses = [], []
            for n in range(
                rounds
            ):  # interleaved, best of each, so drift on a shared machine evens out
                raws.append(await with_raw_client(adapter.client, jobs))
                folder = Path(root, f"round{n}")
                folder.mkdir()
                ourses.append(await with_adapter(adapter, folder, jobs))
            raw, ours = min(raws), min(ourses)
    finally:
        await adapter.close()
    print(f"{jobs} tiny jobs on a LocalCluster of {workers} workers x 1 thread, best of {rounds}")
    print(f"  raw distributed.Client.submit : {raw:7.2f} s  ({raw / jobs * 1000:6.1f} ms/job)")
    print(f"  dask compute adapter          : {ours:7.2f} s  ({ours / jobs * 1000:6.1f} ms/job)")
    print(f"  ratio adapter / raw           : {ours / raw:7.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args()
    asyncio.run(main(args.jobs, args.workers, args.rounds))
