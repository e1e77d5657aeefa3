"""The orchestrator: from a pipeline to an Execution whose Jobs run on a compute adapter.

Flow (see docs/executions.md): :meth:`Orchestrator.submit` validates the pipeline, freezes a copy
and stores an Execution with one Job per operation node (input and output nodes need no job: an
input's file or artifact is handed to the jobs it feeds, an output names the artifact it
receives). The scheduler (:mod:`.scheduling`) then starts every job whose upstream jobs
succeeded, at most the adapter's ``capacity`` at once, and skips the jobs downstream of a
failure; the job runner (:mod:`.running`) generates each job's directory
(:mod:`forgelab.jobs.codegen`), follows it on its adapter and records how it ended; every state
change is stored before it is announced to listeners (:mod:`.core`).

After a restart, recovery (:mod:`.recovery`) follows the jobs that still run (``reattach``) and
continues their executions; a job that cannot be followed makes its execution ``interrupted``,
and :meth:`~.recovery.Recovery.resume` runs what is left. This module holds the requests:
submit, cancel, re-run and the adapters' connection tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import formats
from ..adapters.registry import AdapterUnavailable, load_class
from ..paths import PathError, inside_root
from ..store import now
from ..store.store import FINAL_JOB_STATES
from . import graph, references, scheduling
from . import pipeline as pipelines
from .errors import ExecutionError, ExecutionNotFound
from .ids import new_id
from .recovery import Recovery


def warm_up(compute: str = "local", storage: str = "local") -> None:
    """Load what a first submission needs: the adapter registry (a scan of the installed
    packages' metadata) and classes, and the pipeline format's compiled check. About half a
    second that the first user to run a pipeline after the server started would otherwise wait."""
    for kind, name in (("compute", compute), ("storage", storage)):
        with contextlib.suppress(AdapterUnavailable):
            load_class(kind, name)  # type: ignore[arg-type]
    empty = {"format": "forgelab.pipeline", "version": 1, "nodes": [], "connections": []}
    formats.issues("pipeline", empty)


class Orchestrator(Recovery):
    """Runs executions; one per Jupyter server (or per ``forgelab run``): submit, cancel, re-run,
    resume, recover, and the adapters' connection tests."""

    # -- submit ----------------------------------------------------------------------------
    def load_pipeline(self, path: str) -> dict[str, Any]:
        """Read a pipeline file (relative to the root, which it may not leave)."""
        if not isinstance(path, str) or "\x00" in path:
            raise ExecutionError(f"{path!r} is not a file path: give the pipeline file's path")
        try:
            full = inside_root(self.root, path) if self.confine else (self.root / path).resolve()
        except PathError as error:
            raise ExecutionError(f"pipeline path: {error}") from None
        if full is None:
            raise ExecutionError(f"{path}: the pipeline must be inside {self.root}")
        if not full.is_file():
            raise ExecutionError(f"{path}: no such pipeline file under {self.root}")
        return formats.load(full, "pipeline")

    def _prepare(
        self,
        pipeline: Mapping[str, Any] | None,
        path: str | None,
        overrides: Mapping[str, Any] | None,
    ) -> tuple[dict[str, Any], list[str]]:
        """The pipeline to run (read, overrides applied, validated) and its node order."""
        doc = dict(pipeline) if pipeline is not None else self.load_pipeline(path or "")
        if overrides:
            doc = pipelines.apply_overrides(doc, overrides)
        pipelines.validate(doc, source=path)
        return doc, pipelines.topological_order(doc)

    async def submit(
        self,
        pipeline: Mapping[str, Any] | None = None,
        *,
        path: str | None = None,
        compute: str | None = None,
        storage: str | None = None,
        overrides: Mapping[str, Any] | None = None,
        timeout: float | None = None,
        owner: str | None = None,
        name: str | None = None,
    ) -> dict[str, Any]:
        """Validate and start a pipeline; returns the new Execution JSON.

        Raises :class:`~forgelab.executions.pipeline.PipelineError` for a pipeline that cannot run,
        :class:`ExecutionError` for an unknown adapter or file.
        """
        if pipeline is None and path is None:
            raise ExecutionError("give a pipeline document or the path of a pipeline file")
        timeout = _checked_timeout(timeout)
        # Validation is CPU work that grows with the pipeline: off the event loop.
        doc, order = await asyncio.get_running_loop().run_in_executor(
            None, self._prepare, pipeline, path, overrides
        )
        self._check_files(doc, path)
        self._check_files_exist(doc, path, owner or self.owner)
        compute = compute or self.default_compute
        storage = storage or self.default_storage
        for kind, adapter_name in (("compute", compute), ("storage", storage)):
            try:
                load_class(kind, adapter_name)  # type: ignore[arg-type]
            except AdapterUnavailable as error:
                raise ExecutionError(str(error)) from None
        execution_id = new_id("e")
        ops = {n["id"]: n for n in pipelines.operation_nodes(doc)}
        feeding = graph.feeders(doc)
        created = now()
        jobs = [
            {
                "id": new_id("j"),
                "position": i,
                "node": node_id,
                "name": ops[node_id].get("label") or ops[node_id]["operation"]["name"],
                "status": "pending",
                "attempt": 1,
                "compute": compute,
                "timeout": timeout,
                "outputs": {},
            }
            for i, node_id in enumerate(n for n in order if n in ops)
        ]
        # Jobs that wait for no other job are queued here, with their first event stored before
        # submit returns: the driver starts only when the event loop is free again, which in a
        # burst of submissions is after the last of them.
        ready = [j for j in jobs if not any(n in ops for n in feeding.get(j["node"], ()))]
        for job in ready:
            job.update(status="queued", queued_at=created)
        self.store.create_execution(
            {
                "id": execution_id,
                "name": name or doc.get("name") or (Path(path).name if path else None),
                "owner": owner or self.owner,
                "status": "pending",
                "pipeline": doc,
                "pipeline_path": path,
                "compute": compute,
                "storage": storage,
                "created_at": now(),
                "parent": None,
                "settings": {"overrides": dict(overrides or {}), "timeout": timeout},
            },
            jobs,
        )
        for job in ready:
            event = self.store.add_event(job["id"], execution_id, "status", {"status": "queued"})
            self._announce(execution_id, event)
        self._start(execution_id, queued={j["id"] for j in ready})
        return self.get(execution_id)

    def _check_files_exist(
        self, doc: Mapping[str, Any], path: str | None, owner: str | None
    ) -> None:
        """Refuse references and Input sources that name no file (nor, for a source, one of
        the owner's artifacts): found now, not when a job fails with a path on the server."""

        def known(source: str) -> bool:
            found = self.store.get_artifact(source, owner=owner) or self.store.find_artifact(
                uri=source, owner=owner
            )
            return found is not None

        base = (self.root / path).parent if path else self.root
        references.check(doc, base, self.root, known, source=path)

    # -- cancel, re-run, resume, recover --------------------------------------------------
    async def cancel(self, execution_id: str) -> dict[str, Any]:
        """Cancel every job not yet finished; running processes are really stopped."""
        if self.store.execution_row(execution_id) is None:
            raise ExecutionNotFound(f"no execution {execution_id!r}")
        self._cancelled_executions.add(execution_id)
        waiting = []
        for job in self.store.job_rows(execution_id):
            change = await self._cancel_job(execution_id, job.id, job.status)
            if change:
                waiting.append(change)
        batch = scheduling.ENDED_BATCH
        for start in range(0, len(waiting), batch):  # one transaction per batch
            self._set_jobs(execution_id, waiting[start : start + batch])
            await asyncio.sleep(0)
        if execution_id not in self._drivers:
            self._cancelled_executions.discard(execution_id)
            execution = self.get(execution_id)
            if execution["status"] in ("pending", "running", "interrupted"):
                self._set_execution(execution_id, "cancelled", ended_at=now())
        return self.get(execution_id)

    async def cancel_job(self, execution_id: str, job_id: str) -> dict[str, Any]:
        job = self.store.job_row(job_id)
        if job is None or job.execution_id != execution_id:
            raise ExecutionNotFound(f"no job {job_id!r} in execution {execution_id!r}")
        change = await self._cancel_job(execution_id, job_id, job.status)
        if change:
            self._set_jobs(execution_id, [change])
        return self.get(execution_id)

    async def _cancel_job(
        self, execution_id: str, job_id: str, status: str
    ) -> tuple[str, str, dict[str, Any]] | None:
        """Stop a running job; a waiting job with no driver to end it is returned, for the
        caller to record as cancelled (many at once in one transaction)."""
        if status in FINAL_JOB_STATES:
            return None
        self._cancelled_jobs.add(job_id)
        if job_id in self._handles:
            compute, handle = self._handles[job_id]
            await (await self.compute(compute)).cancel(handle)
        elif execution_id not in self._drivers:
            return (job_id, "cancelled", {"ended_at": now(), "error": {"message": "cancelled"}})
        return None

    async def rerun(self, execution_id: str, mode: str = "failed") -> dict[str, Any]:
        """A new execution of the same snapshot; ``failed`` reuses the succeeded jobs' artifacts."""
        if mode not in ("failed", "all"):
            raise ExecutionError(f"re-run from {mode!r}: expected 'failed' or 'all'")
        parent = self.get(execution_id)
        if execution_id in self._drivers:
            raise ExecutionError(f"execution {execution_id} is still running; cancel it or wait")
        row = self.store.execution_row(execution_id)
        assert row is not None
        self._check_files(row.pipeline, row.pipeline_path)
        new = new_id("e")
        jobs = []
        for old in self.store.job_rows(execution_id):
            reuse = mode == "failed" and old.status == "succeeded"
            jobs.append(
                {
                    "id": new_id("j"),
                    "position": old.position,
                    "node": old.node,
                    "name": old.name,
                    "status": "succeeded" if reuse else "pending",
                    "attempt": 1,
                    "compute": old.compute,
                    "timeout": old.timeout,
                    "outputs": dict(old.outputs or {}) if reuse else {},
                    "reused_from": old.id if reuse else None,
                    "provenance": old.provenance if reuse else None,
                    "input_records": dict(old.input_records or {}) if reuse else None,
                    "started_at": old.started_at if reuse else None,
                    "ended_at": old.ended_at if reuse else None,
                }
            )
        self.store.create_execution(
            {
                "id": new,
                "name": parent.get("name"),
                "owner": parent.get("owner"),
                "status": "pending",
                "pipeline": row.pipeline,
                "pipeline_path": row.pipeline_path,
                "compute": row.compute,
                "storage": row.storage,
                "created_at": now(),
                "parent": execution_id,
                "settings": row.settings,
            },
            jobs,
        )
        self._start(new)
        return self.get(new)

    async def test_adapter(self, kind: str, name: str) -> dict[str, Any]:
        """Check an adapter's connection; ``{"ok": False, "message"}`` instead of raising."""
        try:
            if kind == "compute":
                answer = await (await self.compute(name)).test_connection()
            elif kind == "storage":
                answer = await asyncio.get_running_loop().run_in_executor(
                    None, functools.partial(self.storage(name).test_connection, owner=self.owner)
                )
            else:
                raise ExecutionError(f"unknown adapter kind {kind!r}: expected compute or storage")
        except Exception as error:  # noqa: BLE001 - the message is the answer
            return {"ok": False, "message": f"{type(error).__name__}: {error}"}
        return {"ok": bool(answer.get("ok", True)), "message": str(answer.get("message", "ok"))}


def _checked_timeout(timeout: Any) -> float | None:
    """A job timeout in seconds (``None`` or 0: none); anything but a finite positive number is
    refused before it is stored."""
    if timeout is None or (timeout == 0 and not isinstance(timeout, bool)):
        return None
    if (
        isinstance(timeout, bool)
        or not isinstance(timeout, (int, float))
        or not math.isfinite(timeout)
        or timeout < 0
    ):
        raise ExecutionError(
            f"timeout {timeout!r}: give a positive number of seconds (or none for no timeout)"
        )
    return float(timeout)
