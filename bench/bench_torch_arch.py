"""PyTorch architecture feedback: shape-check latency after an edit, full check, catalog build.

Run: ``python bench/bench_torch_arch.py``. On ``examples/redshift-torch.arch.json`` (61 layers),
prints medians and ratios against a baseline measured in the same run: plain torch building the
same network with the meta device and running one forward pass on a meta tensor (what a check
has to do at least). The goal is feedback under 300 ms after an edit.
"""

from __future__ import annotations

import copy
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("FORGELAB_CACHE_DIR", tempfile.mkdtemp(prefix="forgelab-bench-"))

import torch  # noqa: E402
from forgelab.pytorch import catalog as catalog_module  # noqa: E402
from forgelab.pytorch import inference  # noqa: E402
from forgelab.pytorch.codegen import to_code  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "redshift-torch.arch.json"
EDITS = 20


def median_ms(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    document = json.loads(EXAMPLE.read_text())
    namespace: dict = {}
    exec(to_code(document), namespace)

    def direct() -> None:
        with torch.device("meta"):
            model = namespace["build_model"]()
            model(torch.empty(2, 5, 64, 64))

    direct()
    baseline = median_ms(direct, 10)

    def cold() -> None:
        inference.clear_memo()
        inference.check(document)

    full = median_ms(cold, 10)

    edits = []
    for i in range(EDITS):
        edited = copy.deepcopy(document)
        head = next(x for x in edited["layers"] if x["id"] == "dense1")
        head["arguments"]["out_features"] = 64 + i + 1
        tail = next(x for x in edited["layers"] if x["id"] == "redshift_bins")
        tail["arguments"]["in_features"] = 64 + i + 1
        edits.append(edited)
    inference.check(document)
    latencies = []
    for edited in edits:
        start = time.perf_counter()
        report = inference.check(edited)
        latencies.append((time.perf_counter() - start) * 1000)
        assert report.ok
    edit = statistics.median(latencies)

    catalog_module._cached.cache_clear()
    start = time.perf_counter()
    catalog_module.catalog(refresh=True)
    catalog_cold = (time.perf_counter() - start) * 1000
    catalog_module._cached.cache_clear()
    start = time.perf_counter()
    catalog_module.catalog()
    catalog_cached = (time.perf_counter() - start) * 1000

    print(f"baseline: torch builds and runs the network on meta: {baseline:.1f} ms")
    print(f"full check (cold memo):      {full:8.1f} ms  ratio {full / baseline:5.2f}")
    print(f"after an edit (median of {EDITS}): {edit:6.1f} ms  ratio {edit / baseline:5.2f}")
    for label, value in (("catalog, built:", catalog_cold), ("catalog, cached:", catalog_cached)):
        print(f"{label:<29}{value:8.1f} ms  ratio {value / baseline:5.2f}")


if __name__ == "__main__":
    main()
