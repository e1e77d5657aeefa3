"""Run every benchmark in this folder (``bench_*.py``), one process each, and print their output.

Each benchmark measures its baseline in the same run and prints the ratio, so numbers from
different machines or loads stay comparable. ``python bench/run.py NAME`` runs the benchmarks
whose file name contains NAME.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    here = Path(__file__).resolve().parent
    wanted = argv[1:]
    scripts = sorted(
        p for p in here.glob("bench_*.py") if not wanted or any(w in p.name for w in wanted)
    )
    if not scripts:
        print(f"no benchmark matches {' '.join(wanted)}", file=sys.stderr)
        return 2
    env = {**os.environ, "KERAS_BACKEND": os.environ.get("KERAS_BACKEND", "torch")}
    failed = []
    for script in scripts:
        print(f"== {script.name}", flush=True)
        start = time.perf_counter()
        result = subprocess.run([sys.executable, str(script)], env=env, cwd=here.parent)
        print(
            f"== {script.name}: exit {result.returncode} in {time.perf_counter() - start:.1f} s\n"
        )
        if result.returncode:
            failed.append(script.name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
