"""What the recorder costs on data-heavy cells: a 50 MB DataFrame changed in place, a 100 MB array,
a Keras model, each given to a cell that changes it or only reads it.

The same cells run in a plain kernel and in a recording kernel, alternating rounds; per cell the
median milliseconds of each, as the client sees them (wall) and as the kernel process spends them
(CPU, steadier on a loaded machine: :mod:`kernel_cpu`), their ratios, the time to fingerprint the
cell's object once and to hash its buffers once with xxHash, both in the same run (the goal: a
cell that touches a large object costs at most one hash of it; the fingerprint after a cell is
kept for the next one). The last column says
whether the recorder counted the object as written: it must be for the cells that change it and
must not be for the cells that only read it.

    python bench/bench_data_heavy.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from forgelab.provenance.headless import KernelRun
from forgelab.store import Store
from kernel_cpu import Timings, single_threaded_kernels

SETUP = """
import numpy as np, pandas as pd, keras
frame = pd.DataFrame(np.random.default_rng(0).random((655_360, 10)), columns=list("abcdefghij"))
big = np.ones(100 * 1024 * 1024 // 8)  # every page written: a zeroed one reads as one page
model = keras.Sequential([keras.Input((256,)), keras.layers.Dense(1024, activation="relu"),
                          keras.layers.Dense(1024, activation="relu"), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
xs = np.random.default_rng(1).random((512, 256), dtype=np.float32)
ys = xs.sum(axis=1, keepdims=True)
first = model.predict(xs, verbose=0)
def bump(f):
    f.loc[::2, "b"] += 1.0
def poke(a):
    a[-1] += 1.0
"""

#: (label, code, the object it touches, whether it changes it).
CELLS = (
    ("frame changed in place (50 MB)", "bump(frame)", "frame", True),
    ("frame read", "summary = frame.describe()", "frame", False),
    ("array changed in place (100 MB)", "poke(big)", "big", True),
    ("array read", "total = big.sum()", "big", False),
    ("model predict (4.5 MB weights)", "pred = model.predict(xs, verbose=0)", "model", False),
    ("model fit, 1 epoch", "history = model.fit(xs, ys, epochs=1, verbose=0)", "model", True),
)


def hash_once(kernel: KernelRun, name: str) -> float:
    """Milliseconds to fingerprint ``name`` once inside the kernel (median of 5)."""
    code = (
        "import time as _t\nfrom forgelab.kernel.fingerprint import fingerprint as _fp\n"
        f"_ms = []\nfor _ in range(5):\n    _s = _t.perf_counter(); _fp({name})\n"
        "    _ms.append((_t.perf_counter() - _s) * 1000)\n"
        "print(sorted(_ms)[2])"
    )
    return float(kernel.execute(code, raise_on_error=True).stdout.split()[0])


def xxhash_once(kernel: KernelRun, name: str) -> float:
    """Milliseconds to hash ``name``'s buffers once with xxHash (XXH3) inside the kernel, median
    of 5: an array's memory, a frame's blocks, a model's weights (as the backend hands them
    over). The goal's yardstick: a cell that touches the object may cost about this much."""
    code = (
        "import time as _t, numpy as _np, xxhash as _xx\n"
        f"_o = {name}\n"
        "if isinstance(_o, _np.ndarray):\n    _bufs = [_o]\n"
        "elif hasattr(_o, '_mgr'):\n    _bufs = [b.values for b in _o._mgr.blocks]\n"
        "else:\n    _bufs = None\n"
        "_ms = []\nfor _ in range(5):\n    _s = _t.perf_counter(); _h = _xx.xxh3_128()\n"
        "    for _b in (_bufs if _bufs is not None else _o.get_weights()):\n"
        "        _h.update(_np.ascontiguousarray(_b))\n"
        "    _ms.append((_t.perf_counter() - _s) * 1000)\n"
        "print(sorted(_ms)[2])"
    )
    return float(kernel.execute(code, raise_on_error=True).stdout.split()[0])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    os.environ.setdefault("KERAS_BACKEND", "torch")
    single_threaded_kernels()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        url = f"sqlite:///{folder / 'provenance.db'}"
        plain = KernelRun(cwd=folder, store_url=url, record=False)
        recorded = KernelRun(cwd=folder, store_url=url, record=True)
        times = {"plain": Timings(), "recorder": Timings()}
        codes = [code for _label, code, _name, _changes in CELLS]
        with plain, recorded:
            for kernel in (plain, recorded):
                kernel.execute(SETUP, raise_on_error=True)
            for _ in range(args.rounds):
                times["plain"].run(plain, codes, raise_on_error=True)
                times["recorder"].run(recorded, codes, raise_on_error=True)
            once = {name: hash_once(plain, name) for name in {c[2] for c in CELLS}}
            xxh = {name: xxhash_once(plain, name) for name in {c[2] for c in CELLS}}
            session = recorded.flush()["session"]
        store = Store(url)
        try:
            records = store.history_records(session=session)
        finally:
            store.close()
    last = records[-len(CELLS) :]
    load = os.getloadavg()[0]
    print(
        f"{args.rounds} rounds, median ms per cell (wall as the client sees it; cpu: the kernel "
        f"process's); hash: the recorder's fingerprint of the object once, xxh: one XXH3 of its "
        f"buffers; extra/xxh: the recorder's added CPU in xxHashes; load average {load:.2f}"
    )
    print(
        f"{'cell':<32} {'plain':>7} {'rec':>7} {'ratio':>6} {'cpu':>7} {'rec cpu':>7}"
        f" {'ratio':>6} {'+cpu':>6} {'hash':>6} {'xxh':>6} {'+/xxh':>6}  written"
    )
    ratios = []
    plain_wall = times["plain"].cell_medians("wall")
    mine_wall = times["recorder"].cell_medians("wall")
    plain_cpu = times["plain"].cell_medians("cpu")
    mine_cpu = times["recorder"].cell_medians("cpu")
    for i, (label, code, name, changes) in enumerate(CELLS):
        base, mine = plain_wall[i], mine_wall[i]
        extra_cpu = mine_cpu[i] - plain_cpu[i]
        wrote = name in {w["name"] for w in last[i]["writes"]}
        assert last[i]["code"] == code
        flag = "yes" if wrote else "no"
        if wrote != changes:
            flag += " (WRONG)" if changes else " (needlessly)"
        ratios.append(mine / base)
        print(
            f"{label:<32} {base:7.1f} {mine:7.1f} {mine / base:5.2f}x {plain_cpu[i]:7.1f}"
            f" {mine_cpu[i]:7.1f} {mine_cpu[i] / plain_cpu[i]:5.2f}x {extra_cpu:+6.1f}"
            f" {once[name]:6.1f} {xxh[name]:6.1f} {extra_cpu / xxh[name]:6.2f}  {flag}"
        )
    print(f"median ratio {statistics.median(ratios):.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
