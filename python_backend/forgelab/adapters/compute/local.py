"""``local`` compute: each job is a subprocess on the Jupyter server's machine.

The job runs in its own session (process group) with stdout, stderr and events written to files
in the job directory, so it does not depend on the server staying alive: after a restart,
:meth:`LocalCompute.reattach` finds the process by pid (checking its start time, so a reused pid
is not mistaken for it) and follows its files again. A small ``sh`` wrapper records the exit
status in ``.exit_code`` so that even a job killed by a signal says how it ended.

Events forwarded to ``on_event`` carry ``_stream`` and ``_offset`` (which file, and the byte
offset after the line) so that an orchestrator following a job again can skip what it has seen.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from .base import ComputeAdapter, EventCallback, JobOutcome, JobSpec
from .gpus import GpuPool, detect_gpus
from .outcome import iso_time, outcome_from_exit

#: Runs the job's command, then records its exit status (128+N when killed by signal N).
_WRAPPER = '"$@"; echo $? > .exit_code'
#: How often a job's files are looked at for new lines: a ``print`` reaches the store (and the
#: browser) at most this late. Each look is one ``stat`` per file while nothing was written.
POLL_INTERVAL = 0.02
KILL_GRACE = 3.0
STREAMS = (("stdout", "stdout.log"), ("stderr", "stderr.log"), ("events", "events.jsonl"))


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (None if it is gone or a zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] in ("Z", "X"):
        return None
    return fields[19]


def _alive(pid: int, start: str | None) -> bool:
    if sys.platform.startswith("linux"):
        current = _start_time(pid)
        return current is not None and (start is None or current == start)
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


@dataclass
class _Run:
    pid: int
    directory: Path
    start: str | None
    on_event: EventCallback
    timeout: float | None
    process: asyncio.subprocess.Process | None = None
    offsets: dict[str, int] = field(default_factory=dict)
    cancelled: bool = False
    timed_out: bool = False
    done: asyncio.Future[JobOutcome] | None = None
    holds_slot: bool = False
    devices: list[str] = field(default_factory=list)


class LocalCompute(ComputeAdapter):
    """Run jobs as subprocesses of the Jupyter server's machine (the default)."""

    name = "local"
    config_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "capacity": {
                "type": "integer",
                "minimum": 1,
                "title": "Parallel jobs",
                "description": "How many jobs may run at once (default: the number of CPUs).",
            },
            "env": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "title": "Environment",
                "description": "Extra environment variables for every job.",
            },
            "gpus": {
                "type": "integer",
                "minimum": 0,
                "title": "GPUs",
                "description": "How many GPUs to hand out, one job each (default: those "
                "nvidia-smi lists).",
            },
        },
    }

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config)
        self._runs: dict[str, _Run] = {}
        self._slots: asyncio.Semaphore | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._gpu_pool: GpuPool | None = None

    @property
    def capacity(self) -> int:
        return int(self.config.get("capacity") or os.cpu_count() or 1)

    def _semaphore(self) -> asyncio.Semaphore:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.capacity)
        return self._slots

    def _environment(self, spec: JobSpec) -> dict[str, str]:
        directory = Path(spec.directory).resolve()
        env = dict(os.environ)
        env.update(self.config.get("env", {}))
        env.setdefault("KERAS_BACKEND", "torch")
        env.update(
            {
                "FORGELAB_EVENTS_FILE": str(directory / "events.jsonl"),
                "MPLBACKEND": "module://forgelab.jobs.mpl_backend",
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(spec.env)
        return env

    def _gpu_devices(self) -> GpuPool:
        if self._gpu_pool is None:
            self._gpu_pool = GpuPool(detect_gpus(self.config.get("gpus")).devices)
        return self._gpu_pool

    async def gpus(self) -> dict[str, Any]:
        return detect_gpus(self.config.get("gpus")).to_json()

    async def _assign_devices(self, spec: JobSpec) -> dict[str, str]:
        """The GPUs a job asked for, its own until it ends, as ``CUDA_VISIBLE_DEVICES``;
        waits while they are all taken. A job that asks none gets no variable set."""
        if not spec.gpus:
            return {}
        devices = await self._gpu_devices().acquire(spec.gpus)
        return {"CUDA_VISIBLE_DEVICES": ",".join(devices)}

    def _release_devices(self, run: _Run) -> None:
        if run.devices:
            self._gpu_devices().release(run.devices)
            run.devices = []

    async def submit(self, spec: JobSpec, on_event: EventCallback) -> str:
        assigned = await self._assign_devices(spec)
        devices = assigned["CUDA_VISIBLE_DEVICES"].split(",") if assigned else []
        try:
            await self._semaphore().acquire()
        except BaseException:
            self._gpu_devices().release(devices)
            raise
        directory = Path(spec.directory).resolve()
        try:
            for _, filename in STREAMS:
                (directory / filename).touch()
            (directory / ".exit_code").unlink(missing_ok=True)
            stdout = open(directory / "stdout.log", "ab")  # noqa: SIM115 - handed to the child
            stderr = open(directory / "stderr.log", "ab")  # noqa: SIM115
            try:
                process = await asyncio.create_subprocess_exec(
                    "/bin/sh",
                    "-c",
                    _WRAPPER,
                    "forgelab-job",
                    *spec.command,
                    cwd=str(directory),
                    env={**self._environment(spec), **assigned},
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=stdout,
                    stderr=stderr,
                    start_new_session=True,
                )
            finally:
                stdout.close()
                stderr.close()
        except BaseException:
            self._semaphore().release()
            self._gpu_devices().release(devices)
            raise
        run = _Run(
            process.pid,
            directory,
            _start_time(process.pid),
            on_event,
            spec.timeout,
            process,
            holds_slot=True,
            devices=devices,
        )
        handle = json.dumps({"pid": process.pid, "start": run.start, "dir": str(directory)})
        self._follow(handle, run)
        return handle

    def _follow(self, handle: str, run: _Run) -> None:
        run.done = asyncio.get_running_loop().create_future()
        self._runs[handle] = run
        task = asyncio.ensure_future(self._monitor(run))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def reattach(self, handle: str, spec: JobSpec, on_event: EventCallback) -> bool:
        """Follow a job started before a restart: True if it still runs or left its result."""
        try:
            info = json.loads(handle)
            pid, directory = int(info["pid"]), Path(info["dir"])
        except (ValueError, KeyError, TypeError):
            return False
        if not directory.is_dir():
            return False
        if (
            not _alive(pid, info.get("start"))
            and not (directory / "result.json").exists()
            and not (directory / ".exit_code").exists()
        ):
            return False
        self._follow(handle, _Run(pid, directory, info.get("start"), on_event, spec.timeout))
        return True

    async def wait(self, handle: str) -> JobOutcome:
        run = self._runs.get(handle)
        if run is None or run.done is None:
            raise KeyError(f"unknown local job handle {handle}; submit or reattach it first")
        try:
            return await asyncio.shield(run.done)
        finally:
            if run.done.done():
                self._runs.pop(handle, None)

    async def cancel(self, handle: str) -> None:
        run = self._runs.get(handle)
        if run is None:
            with contextlib.suppress(ValueError, KeyError, TypeError):
                info = json.loads(handle)
                if _alive(int(info["pid"]), info.get("start")):
                    await self._kill(int(info["pid"]), None)
            return
        run.cancelled = True
        await self._kill(run.pid, run.process)

    async def _kill(self, pid: int, process: asyncio.subprocess.Process | None) -> None:
        """SIGTERM the job's process group, SIGKILL it if still there after a grace period."""
        for sig, grace in ((signal.SIGTERM, KILL_GRACE), (signal.SIGKILL, 5.0)):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, sig)
            deadline = time.monotonic() + grace
            while time.monotonic() < deadline:
                if process is not None and process.returncode is not None:
                    return
                if process is None and _start_time(pid) is None:
                    return
                await asyncio.sleep(0.05)

    async def _end_group(self, pid: int) -> None:
        """Stop what is left of the job's process group once its leader, the wrapper, is gone:
        SIGTERM, then SIGKILL after the grace period. Nothing to do for a job that ended whole."""
        for sig, grace in ((signal.SIGTERM, KILL_GRACE), (signal.SIGKILL, 0.0)):
            try:
                os.killpg(pid, sig)
            except (ProcessLookupError, PermissionError):
                return
            deadline = time.monotonic() + grace
            while time.monotonic() < deadline:
                try:
                    os.killpg(pid, 0)
                except (ProcessLookupError, PermissionError):
                    return
                await asyncio.sleep(0.05)

    def _drain(self, run: _Run) -> None:
        """Forward the complete lines written to the job's files since the last call."""
        for stream, filename in STREAMS:
            path = run.directory / filename
            offset = run.offsets.get(stream, 0)
            try:
                if os.stat(path).st_size <= offset:
                    continue
                with open(path, "rb") as handle:
                    handle.seek(offset)
                    chunk = handle.read()
            except FileNotFoundError:
                continue
            end = chunk.rfind(b"\n")
            if end < 0:
                continue
            for raw in chunk[: end + 1].splitlines(keepends=True):
                offset += len(raw)
                line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
                if stream == "events":
                    try:
                        event = json.loads(line)
                    except json.JSONDecodeError:
                        event = {"kind": "stderr", "data": f"[unreadable event] {line}"}
                else:
                    event = {"kind": stream, "data": line}
                event.setdefault("time", iso_time())
                event["_stream"], event["_offset"] = stream, offset
                try:
                    run.on_event(event)
                except Exception:  # noqa: BLE001 - a failing listener must not stop the job's log
                    pass
            run.offsets[stream] = offset

    async def _monitor(self, run: _Run) -> None:
        started = time.monotonic()
        try:
            while True:
                self._drain(run)
                if run.process is not None:
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(asyncio.shield(run.process.wait()), POLL_INTERVAL)
                    if run.process.returncode is not None:
                        break
                else:
                    if not _alive(run.pid, run.start):
                        break
                    await asyncio.sleep(POLL_INTERVAL)
                if run.timeout and time.monotonic() - started > run.timeout and not run.timed_out:
                    run.timed_out = True
                    await self._kill(run.pid, run.process)
            # The wrapper has ended; whatever it started must not outlive it (the wrapper killed
            # alone leaves ``python main.py`` running, and a job may have spawned workers).
            await self._end_group(run.pid)
            self._drain(run)
            outcome = self._outcome(run)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - the waiter must always get an answer
            outcome = JobOutcome("failed", None, f"following the local job failed: {error}")
        finally:
            self._release_devices(run)
            if run.holds_slot:
                run.holds_slot = False
                self._semaphore().release()
        if run.done is not None and not run.done.done():
            run.done.set_result(outcome)

    def _outcome(self, run: _Run) -> JobOutcome:
        if run.cancelled:
            return JobOutcome("cancelled", None, "cancelled: the job's processes were stopped")
        if run.timed_out:
            return JobOutcome(
                "failed", None, f"timed out after {run.timeout:g} s: the job was stopped"
            )
        result = None
        with contextlib.suppress(OSError, ValueError):
            result = json.loads((run.directory / "result.json").read_text())
        exit_code: int | None = None
        with contextlib.suppress(OSError, ValueError):
            status = int((run.directory / ".exit_code").read_text().strip())
            exit_code = -(status - 128) if status > 128 else status
        if exit_code is None and run.process is not None:
            exit_code = run.process.returncode
        if exit_code is None and result is not None:
            exit_code = 0 if result.get("status") == "succeeded" else 1
        tail: list[str] = []
        with contextlib.suppress(OSError):
            tail = (run.directory / "stderr.log").read_text(errors="replace").splitlines()[-10:]
        return outcome_from_exit(exit_code, result, where="on this machine", stderr_tail=tail)

    async def test_connection(self) -> dict[str, Any]:
        gpus = detect_gpus(self.config.get("gpus")).to_json()["count"]
        return {
            "ok": True,
            "message": f"{sys.executable}, up to {self.capacity} jobs at once, {gpus} GPUs",
            "gpus": gpus,
        }

    async def close(self) -> None:
        """Stop following jobs; the processes themselves keep running (reattach later)."""
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._runs.clear()
