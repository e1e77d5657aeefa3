"""Provenance: recording overhead per cell in a real kernel, and reify time against history length.

1. The same suite of simple cells runs in a plain ipykernel and in one with ForgeLab's recorder
   (``%load_ext forgelab``), alternating rounds; prints the median milliseconds per cell of each
   as the client sees it, the added milliseconds and the ratio, the ratio of the kernel process's
   CPU time (steadier on a loaded machine: :mod:`kernel_cpu`), and the recorder's own median
   cost measured inside the kernel. The anchor is ipyflow's kernel (``ipyflow-core``, whose kernel
   tracks dataflow on every cell), run on the same suite in the same rounds.
2. Reify time for synthetic in-memory histories of 100, 1,000, 10,000 and 100,000 cells (50
   independent variables updated in turn; the target depends on one fiftieth of the history), and
   slicing time for a history where every cell is needed; prints microseconds per record to show
   whether the cost is linear.

    python bench/bench_provenance.py [--rounds 8] [--max-history 100000] [--no-overhead]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from forgelab.provenance import slice_history
from forgelab.provenance.headless import KernelRun
from forgelab.provenance.reify import reify
from kernel_cpu import Timings, overhead_of, single_threaded_kernels

SUITE = [
    "a = 1",
    "b = a + 2",
    "xs = [1, 2, 3]",
    "xs.append(b)",
    "total = sum(xs)",
    "d = {'k': total}",
    "d['j'] = 2",
    "s = 'x' * 10",
    "def f(v):\n    return v * 2",
    "y = f(total)",
    "import math",
    "z = math.sqrt(y)",
    "ys = [f(i) for i in range(20)]",
    "a += 1",
    "print(a)",
    "t = (a, b, total)",
    "n = len(ys)",
    "class P:\n    def __init__(self, v):\n        self.v = v",
    "p = P(n)",
    "p.v = 3",
]


def cell_times(run: KernelRun, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        for code in SUITE:
            start = time.perf_counter()
            result = run.execute(code)
            times.append((time.perf_counter() - start) * 1000)
            if result.status != "ok":
                raise RuntimeError(f"bench cell failed: {code!r}: {result.error}")
    return times


def ipyflow_kernel_spec(folder: str) -> str | None:
    """Write a kernel spec for ipyflow's kernel under ``folder`` and put it on Jupyter's path;
    the kernel's name, or None when ipyflow is not installed."""
    try:
        import ipyflow.kernel  # noqa: F401
    except ImportError:
        return None
    spec = Path(folder) / "kernels" / "forgelab-bench-ipyflow"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipyflow.kernel", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "ipyflow", "language": "python"})
    )
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (folder, os.environ.get("JUPYTER_PATH")) if p
    )
    return spec.name


def overhead(rounds: int) -> None:
    single_threaded_kernels()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        plain = KernelRun(cwd=folder, store_url=url, record=False)
        recorded = KernelRun(cwd=folder, store_url=url, record=True)
        name = ipyflow_kernel_spec(folder)
        flow = (
            KernelRun(cwd=folder, store_url=url, record=False, kernel_name=name) if name else None
        )
        kernels = [k for k in (plain, recorded, flow) if k is not None]
        for kernel in kernels:
            kernel.start()
        try:
            for kernel in kernels:
                cell_times(kernel, 1)  # warm up
            times = {kernel: Timings() for kernel in kernels}
            for _ in range(rounds):  # alternate so that machine load hits all alike
                for kernel in kernels:
                    times[kernel].run(kernel, SUITE, raise_on_error=True)
            base = [t for r in times[plain].wall for t in r]
            with_recorder = [t for r in times[recorded].wall for t in r]
            with_ipyflow = [t for r in times[flow].wall for t in r] if flow is not None else []
            inside = recorded.evaluate(
                "import json, statistics\n"
                "from forgelab.kernel import recorder\n"
                "r = recorder.current()\n"
                "print(json.dumps({'median': statistics.median(r.overhead_ms), "
                "'p90': sorted(r.overhead_ms)[int(len(r.overhead_ms) * 0.9)], "
                "'n': len(r.overhead_ms)}))"
            )
        finally:
            for kernel in kernels:
                kernel.stop()
    b, w = statistics.median(base), statistics.median(with_recorder)
    print(f"cells per kernel: {len(base)} ({len(SUITE)} cells x {rounds} rounds)")
    print(f"plain ipykernel      median {b:7.3f} ms/cell (client round trip)")
    print(f"forgelab recorder    median {w:7.3f} ms/cell")
    print(f"added                median {w - b:+7.3f} ms/cell   ratio {w / b:5.2f}x")
    print(
        f"recorder cost inside the kernel: median {inside['median']:.3f} ms, "
        f"p90 {inside['p90']:.3f} ms over {inside['n']} cells (goal: < 2 ms median)"
    )
    cost = overhead_of(times[plain], times[recorded])
    print(
        f"recording / plain, median round of {len(SUITE)} cells: wall {cost['wall_ratio']:.2f}x, "
        f"kernel CPU {cost['cpu_ratio']:.2f}x ({cost['cpu_extra_ms_per_cell']:+.3f} ms CPU/cell)"
    )
    if with_ipyflow:
        assert flow is not None
        f = statistics.median(with_ipyflow)
        print(f"ipyflow kernel       median {f:7.3f} ms/cell")
        print(f"added                median {f - b:+7.3f} ms/cell   ratio {f / b:5.2f}x")
        print(
            f"forgelab against ipyflow: {(w - b):+.3f} vs {(f - b):+.3f} ms added per cell, "
            f"ratio {w / f:.2f}x of ipyflow's cell time"
        )
    else:
        print("ipyflow anchor: ipyflow-core is not installed; not measured")


def synthetic(n: int, chains: int) -> list[dict[str, Any]]:
    records = []
    versions = [0] * chains
    for i in range(n):
        c = i % chains
        reads = [{"name": f"v{c}", "version": versions[c]}] if versions[c] else []
        versions[c] += 1
        code = f"v{c} = v{c} + {i}" if reads else f"v{c} = {i}"
        records.append(
            {
                "format": "forgelab.provenance",
                "version": 1,
                "id": f"s-{i:07d}",
                "kind": "cell",
                "session": "s",
                "executionCount": i + 1,
                "code": code,
                "startedAt": "2026-01-01T00:00:00Z",
                "status": "ok",
                "reads": reads,
                "writes": [{"name": f"v{c}", "version": versions[c], "type": "int"}],
                "filesRead": [],
                "filesWritten": [],
            }
        )
    return records


def reify_times(max_history: int) -> None:
    sizes = [s for s in (100, 1_000, 10_000, 100_000) if s <= max_history]
    print(
        f"{'history':>9} {'ops':>6} {'reify ms':>10} {'us/record':>10} {'cpu us/rec':>11}"
        f" {'slice-all ms':>13}"
    )
    per_record = []
    reify(synthetic(100, chains=50), "v0")  # warm up: IPython's transformer, jsonschema
    for n in sizes:
        records = synthetic(n, chains=50)
        chain = synthetic(n, chains=1)
        elapsed = cpu = whole = float("inf")
        for _ in range(3):  # best of three: the machine is shared (CPU time is steadier)
            start, started = time.perf_counter(), time.process_time()
            doc = reify(records, "v0")
            elapsed = min(elapsed, time.perf_counter() - start)
            cpu = min(cpu, time.process_time() - started)
            start = time.perf_counter()
            slice_history(chain, "v0")
            whole = min(whole, time.perf_counter() - start)
        ops = sum(1 for node in doc["nodes"] if node["kind"] == "operation")
        per_record.append(cpu / n * 1e6)
        print(
            f"{n:>9} {ops:>6} {elapsed * 1000:>10.1f} {elapsed / n * 1e6:>10.2f}"
            f" {per_record[-1]:>11.2f} {whole * 1000:>13.1f}"
        )
    spread = max(per_record[1:] or per_record) / min(per_record[1:] or per_record)
    print(f"CPU cost per record varies {spread:.2f}x from 1,000 records up (linear: close to 1)")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--max-history", type=int, default=100_000)
    parser.add_argument("--no-overhead", action="store_true", help="only the reify times")
    args = parser.parse_args(argv)
    if not args.no_overhead:
        print("-- recording overhead")
        overhead(args.rounds)
    print("-- reify time against history length")
    reify_times(args.max_history)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
