"""The worker side of the ``dask`` compute adapter: run one job directory as a subprocess.

:func:`run_job` is what the adapter submits. On the worker it writes the shipped job files into
a temporary directory, runs the job's command there as a child process in its own session (so
that :func:`kill_job`, called through ``Client.run``, can really stop it), and forwards each
stdout/stderr line and each line of the events file to the client with
``get_worker().log_event(topic, ...)`` while the job runs. It returns the exit code and the job's
``result.json``.

This module is imported on the workers, so ForgeLab must be installed there too.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping
from typing import IO, Any

#: Placeholder for the worker's own Python in a shipped command (the server's path may not exist).
PYTHON = "{python}"

#: Jobs now running in this worker process, by job id.
_RUNNING: dict[str, subprocess.Popen[bytes]] = {}
#: Jobs cancelled before or while they ran here; a cancelled job that starts late stops at once.
_CANCELLED: set[str] = set()
_LOCK = threading.Lock()


def topic_for(job_id: str) -> str:
    """The Dask event topic carrying one job's events."""
    return f"forgelab-job-{job_id}"


def _die_with_parent() -> None:
    """Ask Linux to kill the job if the worker dies, so a killed worker leaves no orphan behind."""
    os.setsid()
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class _Emitter:
    """Sends this job's events to the client through the worker, numbered in order."""

    def __init__(self, job_id: str) -> None:
        from distributed import get_worker

        self.worker = get_worker()
        self.topic = topic_for(job_id)
        self.count = 0
        self._lock = threading.Lock()

    def __call__(self, kind: str, data: Any) -> None:
        with self._lock:
            self.count += 1
            self.worker.log_event(self.topic, {"seq": self.count, "kind": kind, "data": data})


def _pump(stream: IO[bytes], kind: str, emit: _Emitter) -> None:
    for raw in iter(stream.readline, b""):
        emit(kind, raw.decode("utf-8", "replace").rstrip("\r\n"))
    stream.close()


def _tail_events(path: str, emit: _Emitter, stop: threading.Event) -> None:
    """Forward complete lines appended to the events file until ``stop`` is set, then the rest."""
    offset = 0
    pending = b""
    while True:
        finished = stop.is_set()
        with contextlib.suppress(FileNotFoundError), open(path, "rb") as file:
            file.seek(offset)
            chunk = file.read()
            offset += len(chunk)
            pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            if line.strip():
                try:
                    event = json.loads(line)
                except json.JSONDecodeError:
                    emit("stderr", f"[forgelab] unreadable event line: {line[:200]!r}")
                    continue
                emit("event", event)
        if finished:
            return
        stop.wait(0.1)


def _materialise(files: Mapping[str, bytes]) -> str:
    root = tempfile.mkdtemp(prefix="forgelab-job-")
    for rel, content in files.items():
        target = os.path.join(root, rel)
        if os.path.commonpath([root, os.path.abspath(target)]) != root:
            raise ValueError(f"job file {rel!r} points outside the job directory")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as file:
            file.write(content)
    return root


def run_job(
    job_id: str,
    files: Mapping[str, bytes],
    command: list[str],
    env: Mapping[str, str],
    timeout: float | None = None,
    secret_plugin: str | None = None,
) -> dict[str, Any]:
    """Run one job on this worker; return ``{"exit_code", "result", "reason", "events"}``.

    ``secret_plugin`` names the worker plugin holding the job's secret environment variables
    (see :mod:`.dask_secrets`); the secrets themselves never travel inside the task.
    """
    emit = _Emitter(job_id)
    if secret_plugin is not None:
        from .dask_secrets import environment_of

        env = {**env, **environment_of(secret_plugin)}
    with _LOCK:
        if job_id in _CANCELLED:
            return {"exit_code": None, "result": None, "reason": "cancelled", "events": 0}
    directory = _materialise(files)
    events_file = os.path.join(directory, ".forgelab-events.jsonl")
    # Figures stream as events whatever backend the worker's own environment chose.
    child_env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        **env,
        "FORGELAB_EVENTS_FILE": events_file,
        "MPLBACKEND": "module://forgelab.jobs.mpl_backend",
    }
    argv = [sys.executable if part == PYTHON else part for part in command]
    reason = None
    try:
        process = subprocess.Popen(
            argv,
            cwd=directory,
            env=child_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=_die_with_parent,
        )
    except OSError as error:
        shutil.rmtree(directory, ignore_errors=True)
        emit("stderr", f"[forgelab] could not start {argv[0]!r} on the worker: {error}")
        return {
            "exit_code": None,
            "result": None,
            "reason": f"could not start: {error}",
            "events": emit.count,
        }
    with _LOCK:
        _RUNNING[job_id] = process
        if job_id in _CANCELLED:
            _kill(process)
    emit("started", {"worker": emit.worker.address, "worker_pid": os.getpid(), "pid": process.pid})
    stop = threading.Event()
    threads = [
        threading.Thread(target=_pump, args=(process.stdout, "stdout", emit), daemon=True),
        threading.Thread(target=_pump, args=(process.stderr, "stderr", emit), daemon=True),
        threading.Thread(target=_tail_events, args=(events_file, emit, stop), daemon=True),
    ]
    for thread in threads:
        thread.start()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        reason = f"timed out after {timeout:g} s"
        _kill(process)
        process.wait()
    finally:
        with _LOCK:
            _RUNNING.pop(job_id, None)
            if job_id in _CANCELLED:
                reason = "cancelled"
    for thread in threads[:2]:
        thread.join(timeout=5)
    stop.set()
    threads[2].join(timeout=5)
    result = None
    with contextlib.suppress(FileNotFoundError, json.JSONDecodeError, OSError):
        with open(os.path.join(directory, "result.json"), encoding="utf-8") as file:
            result = json.load(file)
    shutil.rmtree(directory, ignore_errors=True)
    # The client waits for this many events before it reports the job finished.
    return {
        "exit_code": process.returncode,
        "result": result,
        "reason": reason,
        "events": emit.count,
    }


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def kill_job(job_id: str) -> bool:
    """Kill the job's process group if it runs in this worker; remember it as cancelled."""
    with _LOCK:
        _CANCELLED.add(job_id)
        process = _RUNNING.get(job_id)
        if process is not None:
            _kill(process)
    return process is not None
