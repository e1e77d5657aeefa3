"""What the recorder costs on data-heavy cells: a 50 MB DataFrame changed in place, a 100 MB array,
a Keras model, each given to a cell that changes it or only reads it.

The same cells run in a plain kernel and in a recording kernel, alternating rounds; per cell the
median milliseconds of each, their ratio, the extra milliseconds, and the time to fingerprint the
cell's object once in this process (the goal: a cell that touches a large object costs at most
one hash of it; the fingerprint after a cell is kept for the next one). The last column says
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
import time
from pathlib import Path

from forgelab.provenance.headless import KernelRun
from forgelab.store import Store

SETUP = """
import numpy as np, pandas as pd, keras
frame = pd.DataFrame(np.random.default_rng(0).random((655_360, 10)), columns=list("abcdefghij"))
big = np.zeros(100 * 1024 * 1024 // 8)
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


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    os.environ.setdefault("KERAS_BACKEND", "torch")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        url = f"sqlite:///{folder / 'provenance.db'}"
        plain = KernelRun(cwd=folder, store_url=url, record=False)
        recorded = KernelRun(cwd=folder, store_url=url, record=True)
        times: dict[str, list[list[float]]] = {"plain": [], "recorder": []}
        with plain, recorded:
            for kernel in (plain, recorded):
                kernel.execute(SETUP, raise_on_error=True)
            for _ in range(args.rounds):
                for which, kernel in (("plain", plain), ("recorder", recorded)):
                    run = []
                    for _label, code, _name, _changes in CELLS:
                        began = time.perf_counter()
                        kernel.execute(code, raise_on_error=True)
                        run.append((time.perf_counter() - began) * 1000)
                    times[which].append(run)
            once = {name: hash_once(plain, name) for name in {c[2] for c in CELLS}}
            session = recorded.flush()["session"]
        store = Store(url)
        try:
            records = store.history_records(session=session)
        finally:
            store.close()
    last = records[-len(CELLS) :]
    load = os.getloadavg()[0]
    print(f"{args.rounds} rounds, median ms per cell; load average {load:.2f}")
    print(
        f"{'cell':<34} {'plain':>8} {'recorder':>9} {'ratio':>6} {'extra':>7} {'hash':>6}  written"
    )
    ratios = []
    for i, (label, code, name, changes) in enumerate(CELLS):
        base = statistics.median(t[i] for t in times["plain"])
        mine = statistics.median(t[i] for t in times["recorder"])
        wrote = name in {w["name"] for w in last[i]["writes"]}
        assert last[i]["code"] == code
        flag = "yes" if wrote else "no"
        if wrote != changes:
            flag += " (WRONG)" if changes else " (needlessly)"
        ratios.append(mine / base)
        print(
            f"{label:<34} {base:8.1f} {mine:9.1f} {mine / base:5.2f}x {mine - base:+7.1f}"
            f" {once[name]:6.1f}  {flag}"
        )
    print(f"median ratio {statistics.median(ratios):.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
