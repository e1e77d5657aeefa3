"""What every part of the orchestrator shares: its state, the adapters, the listeners, and the
one way a job's or an execution's state changes (stored first, then announced).

The orchestrator is split by concern, each part a class on top of the one before:
:class:`ExecutionsCore` here, job running (:mod:`.running`), scheduling (:mod:`.scheduling`),
recovery (:mod:`.recovery`) and the requests (:mod:`.orchestrator`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import environment
from ..adapters.compute.base import ComputeAdapter
from ..adapters.registry import load_class
from ..adapters.storage.base import StorageAdapter
from ..store import Store, now
from .errors import ExecutionNotFound

Listener = Callable[[dict[str, Any]], None]
INTERRUPTED = "interrupted by a server restart while it ran; resume the execution to run it again"


class ExecutionsCore:
    """State of one orchestrator (one per Jupyter server, or per ``forgelab run``)."""

    def __init__(
        self,
        store: Store,
        *,
        root: str | Path,
        compute_configs: Mapping[str, Mapping[str, Any]] | None = None,
        storage_configs: Mapping[str, Mapping[str, Any]] | None = None,
        jobs_dir: str | Path | None = None,
        default_compute: str = "local",
        default_storage: str = "local",
        owner: str | None = None,
        confine: bool = True,
    ) -> None:
        self.store = store
        self.confine = confine
        """Refuse pipeline files outside ``root`` (the server); the CLI runs any file."""
        self.root = Path(root).resolve()
        self.jobs_dir = Path(jobs_dir).resolve() if jobs_dir else self.root / ".forgelab" / "jobs"
        self.compute_configs = {k: dict(v) for k, v in (compute_configs or {}).items()}
        self.storage_configs = {k: dict(v) for k, v in (storage_configs or {}).items()}
        self.storage_configs.setdefault("local", {})
        self.storage_configs["local"].setdefault("root", str(self.root / ".forgelab" / "artifacts"))
        self.default_compute, self.default_storage = default_compute, default_storage
        self.owner = owner or environment.user_name()
        self._compute: dict[str, ComputeAdapter] = {}
        self._storage: dict[str, StorageAdapter] = {}
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._drivers: dict[str, asyncio.Task[None]] = {}
        self._handles: dict[str, tuple[str, str]] = {}
        self._cancelled_jobs: set[str] = set()
        self._cancelled_executions: set[str] = set()
        self._listeners: dict[str | None, set[Listener]] = {}

    # -- adapters --------------------------------------------------------------------------
    async def compute(self, name: str) -> ComputeAdapter:
        """The started compute adapter called ``name``."""
        if name not in self._compute:
            cls = load_class("compute", name)
            adapter = cls(self.compute_configs.get(name, {}))
            await adapter.start()
            self._compute[name] = adapter
            self._slots[name] = asyncio.Semaphore(max(1, adapter.capacity))
        return self._compute[name]

    def storage(self, name: str) -> StorageAdapter:
        """The storage adapter called ``name``."""
        if name not in self._storage:
            cls = load_class("storage", name)
            self._storage[name] = cls(self.storage_configs.get(name, {}))
        return self._storage[name]

    async def close(self) -> None:
        """Stop driving executions (jobs keep running: :meth:`recover` follows them later)."""
        for task in list(self._drivers.values()):
            task.cancel()
        for task in list(self._drivers.values()):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._drivers.clear()
        for adapter in self._compute.values():
            with contextlib.suppress(Exception):
                await adapter.close()
        self._compute.clear()

    # -- listeners -------------------------------------------------------------------------
    def subscribe(self, execution_id: str | None, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with each event and status change (of one execution, or all)."""
        self._listeners.setdefault(execution_id, set()).add(listener)
        return lambda: self._listeners.get(execution_id, set()).discard(listener)

    def _announce(self, execution_id: str, message: dict[str, Any]) -> None:
        message = {**message, "execution": execution_id}
        for key in (execution_id, None):
            for listener in list(self._listeners.get(key, ())):
                with contextlib.suppress(Exception):
                    listener(message)

    def _set_job(self, execution_id: str, job_id: str, status: str, **fields: Any) -> None:
        """Record a job's new state, log it as a status event, then announce it."""
        self._set_jobs(execution_id, [(job_id, status, fields)])

    def _set_jobs(
        self, execution_id: str, changes: Sequence[tuple[str, str, Mapping[str, Any]]]
    ) -> None:
        """Record jobs' new states ``(job id, status, fields)`` and their status events in one
        transaction, then announce each event in order."""
        if len(changes) == 1:
            job_id, status, fields = changes[0]
            self.store.update_job(job_id, status=status, **fields)
            events = [
                self.store.add_event(job_id, execution_id, "status", _status_data(status, fields))
            ]
        else:
            events = self.store.update_jobs(
                execution_id,
                [
                    (
                        job_id,
                        {"status": status, **fields},
                        {"kind": "status", "data": _status_data(status, fields)},
                    )
                    for job_id, status, fields in changes
                ],
            )
        for event in events:
            self._announce(execution_id, event)

    def _cancel_asked(self, execution_id: str, job_id: str) -> bool:
        """Whether the job or its execution was cancelled."""
        return job_id in self._cancelled_jobs or execution_id in self._cancelled_executions

    def _cancel_if_asked(self, execution_id: str, job_id: str) -> bool:
        """Whether the job or its execution was cancelled; if so the job, not yet handed to an
        adapter, is recorded as cancelled before it started."""
        if not self._cancel_asked(execution_id, job_id):
            return False
        self._set_job(execution_id, job_id, "cancelled", **cancelled_before_start())
        return True

    def _set_execution(self, execution_id: str, status: str, **fields: Any) -> None:
        self.store.update_execution(execution_id, status=status, **fields)
        self._announce(execution_id, {"kind": "status", "job": None, "data": {"status": status}})

    def get(self, execution_id: str) -> dict[str, Any]:
        execution = self.store.get_execution(execution_id)
        if execution is None:
            raise ExecutionNotFound(f"no execution {execution_id!r}")
        return execution


def cancelled_before_start() -> dict[str, Any]:
    """The fields of a job cancelled before an adapter had it."""
    return {"ended_at": now(), "error": {"message": "cancelled before it started"}}


def _status_data(status: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """A status event's data: the state, and the error's message and kind when it has one."""
    data: dict[str, Any] = {"status": status}
    error = fields.get("error")
    if error:
        data["error"] = error["message"]
        for key in ("type", "known"):  # what the browser's failure notice and panel show
            if error.get(key):
                data[key] = error[key]
    return data
