"""GPUs of a compute resource: finding them, and handing them out one job each.

A job that asks for GPUs (an operation's ``gpu``, :attr:`JobSpec.gpus`) gets devices of its own,
named to it in ``CUDA_VISIBLE_DEVICES``, so two jobs never share one; when none is free it waits
in line, first come first served. The count is found with ``nvidia-smi`` or set in the adapter's
configuration (``gpus``), which is also how a machine without GPUs tests the scheduling.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections import deque
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class GpuInfo:
    """What a compute resource has: device ids and names, and where that was learnt."""

    devices: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    source: str = "none"
    """``nvidia-smi``, ``configuration`` (a set count) or ``none``."""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"count": len(self.devices), "source": self.source}
        if self.names:
            data["names"] = list(self.names)
        return data


def detect_gpus(configured: int | None = None) -> GpuInfo:
    """The GPUs of this machine: ``configured`` devices when set, else what ``nvidia-smi -L``
    lists (no GPU, no driver: none)."""
    if configured is not None:
        return GpuInfo(tuple(str(i) for i in range(configured)), (), "configuration")
    executable = shutil.which("nvidia-smi")
    if executable is None:
        return GpuInfo()
    try:
        listed = subprocess.run(
            [executable, "-L"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return GpuInfo()
    names = [
        line.split(":", 1)[1].split("(UUID")[0].strip()
        for line in listed.splitlines()
        if line.startswith("GPU ")
    ]
    return GpuInfo(tuple(str(i) for i in range(len(names))), tuple(names), "nvidia-smi")


@dataclass
class GpuPool:
    """Devices handed out to one job each; jobs that find none free wait in line."""

    devices: tuple[str, ...]
    _free: list[str] = field(init=False)
    _waiting: deque[tuple[int, asyncio.Future[list[str]]]] = field(
        init=False, default_factory=deque
    )

    def __post_init__(self) -> None:
        self._free = list(self.devices)

    @property
    def free(self) -> list[str]:
        """The devices no job holds now."""
        return list(self._free)

    async def acquire(self, count: int) -> list[str]:
        """``count`` devices for one job, waiting for them when they are taken.

        Raises ``ValueError`` at once when the resource has fewer than ``count`` devices.
        """
        if count > len(self.devices):
            have = f"{len(self.devices)} GPU{'s' if len(self.devices) != 1 else ''}"
            raise ValueError(
                f"the job asks for {count} GPU{'s' if count != 1 else ''} but this compute has "
                f"{have}; ask for fewer or run it on a compute with GPUs"
            )
        if not self._waiting and len(self._free) >= count:
            return self._take(count)
        future: asyncio.Future[list[str]] = asyncio.get_running_loop().create_future()
        self._waiting.append((count, future))
        try:
            return await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.release(future.result())
            else:
                self._waiting = deque(w for w in self._waiting if w[1] is not future)
            raise

    def release(self, devices: list[str]) -> None:
        """Give a job's devices back, and hand them to the jobs waiting first."""
        self._free.extend(d for d in devices if d not in self._free)
        self._free.sort(key=self.devices.index)
        while self._waiting and len(self._free) >= self._waiting[0][0]:
            count, future = self._waiting.popleft()
            if not future.done():
                future.set_result(self._take(count))

    def _take(self, count: int) -> list[str]:
        taken, self._free = self._free[:count], self._free[count:]
        return taken
