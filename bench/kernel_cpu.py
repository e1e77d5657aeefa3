"""CPU time of a kernel process, for the benchmarks that compare a plain and a recording kernel.

On a shared machine the wall time of a cell, as a client measures it, swings with the load (the
same notebooks measured 0.9× to 2.5× a plain kernel between runs); the CPU time the kernel
process spends on the cell does not wait behind other processes, so it is the steadier figure.
Both are reported. Linux only (``/proc``).

A round ends with the kernel at rest (:func:`settle`), so the next starts at rest, and its CPU
time is taken over the whole round: work a cell leaves to other threads (the recorder's writer
storing a batch, IOPub sending the last messages) counts in the round that caused it. Without
that, a round that began while the other kernel's tail was still running measured up to twice
its settled time.
"""

from __future__ import annotations

import os
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from forgelab.kernel.writer import BATCH_DELAY
from forgelab.provenance.headless import KernelRun

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


#: Thread pools of numerical libraries (OpenMP, OpenBLAS, MKL, torch) spin while they wait for
#: work, burning CPU time that depends on scheduling, not on the cell: the same sklearn notebook
#: measured 0.68x and 2.54x of a plain kernel. One thread each, in both kernels, removes that.
SINGLE_THREADED = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
}


def single_threaded_kernels() -> None:
    """Make the kernels started from now on run numerical libraries on one thread (unless the
    environment says otherwise)."""
    for name, value in SINGLE_THREADED.items():
        os.environ.setdefault(name, value)


def kernel_pid(run: KernelRun) -> int:
    """The process id of ``run``'s kernel (started)."""
    assert run.manager is not None, "the kernel is not started"
    pid = run.manager.provisioner.pid  # type: ignore[union-attr]
    assert pid is not None
    return int(pid)


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) the threads of process ``pid`` have run so far, in seconds.

    Nanoseconds from each thread's ``/proc/<pid>/task/<tid>/schedstat``; where the kernel has no
    schedstat, clock ticks (10 ms) from ``/proc/<pid>/stat``, which also counts threads that
    have ended. A kernel's threads (its shell, heartbeat, I/O, the recorder's writer, BLAS and
    torch pools) live as long as it does.
    """
    try:
        total = 0
        for task in Path(f"/proc/{pid}/task").iterdir():
            total += int((task / "schedstat").read_text().split()[0])
        return total / 1e9
    except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK


def settle(pid: int, *, quiet_ms: float = 0.5, limit: float = 3.0) -> None:
    """Wait until process ``pid`` uses less than ``quiet_ms`` of CPU over a step longer than the
    recorder's writer waits to batch records (at most ``limit`` seconds)."""
    step = BATCH_DELAY + 0.05
    deadline = time.monotonic() + limit
    last = cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(step)
        now = cpu_seconds(pid)
        if (now - last) * 1000 < quiet_ms:
            return
        last = now


@dataclass
class Timings:
    """Per round and cell: milliseconds of wall time (the client's round trip) and of the
    kernel's CPU time; per round, the kernel's CPU time from rest to rest."""

    wall: list[list[float]] = field(default_factory=list)
    cpu: list[list[float]] = field(default_factory=list)
    whole_cpu: list[float] = field(default_factory=list)

    def run(self, kernel: KernelRun, sources: list[str], *, raise_on_error: bool = False) -> None:
        """Execute ``sources`` in ``kernel`` once, as one round."""
        pid = kernel_pid(kernel)
        wall, cpu = [], []
        if not self.whole_cpu:
            settle(pid)  # the kernel's start-up; later rounds begin where the last one settled
        began_round = cpu_seconds(pid)
        for source in sources:
            began, used = time.perf_counter(), cpu_seconds(pid)
            kernel.execute(source, raise_on_error=raise_on_error)
            cpu.append((cpu_seconds(pid) - used) * 1000)
            wall.append((time.perf_counter() - began) * 1000)
        settle(pid)
        self.whole_cpu.append((cpu_seconds(pid) - began_round) * 1000)
        self.wall.append(wall)
        self.cpu.append(cpu)

    def round_totals(self, kind: str) -> list[float]:
        """Milliseconds per round, all cells together (``kind``: ``wall`` or ``cpu``; CPU from
        rest to rest)."""
        if kind == "cpu":
            return list(self.whole_cpu)
        return [sum(r) for r in self.wall]

    def cell_medians(self, kind: str) -> list[float]:
        """Each cell's median milliseconds over the rounds."""
        return [statistics.median(c) for c in zip(*getattr(self, kind), strict=True)]


def overhead_of(plain: Timings, recorded: Timings) -> dict[str, float]:
    """Recording against plain: the ratio of the median round (all cells) in wall and in CPU
    time, and the median extra milliseconds per cell of each."""
    out: dict[str, float] = {}
    for kind in ("wall", "cpu"):
        base = statistics.median(plain.round_totals(kind))
        mine = statistics.median(recorded.round_totals(kind))
        out[f"{kind}_ratio"] = mine / base if base else float("nan")
        out[f"{kind}_extra_ms_per_cell"] = statistics.median(
            r - b
            for r, b in zip(recorded.cell_medians(kind), plain.cell_medians(kind), strict=True)
        )
    return out
