"""The orchestrator: from a pipeline to an Execution whose Jobs run on a compute adapter.

Flow (see docs/executions.md): :meth:`Orchestrator.submit` validates the pipeline, freezes a copy
and stores an Execution with one Job per operation node (input and output nodes need no job: an
input's file or artifact is handed to the jobs it feeds, an output names the artifact it
receives). :meth:`_drive` then starts every job whose upstream jobs succeeded, at most the
adapter's ``capacity`` at once, skips the jobs downstream of a failure, and records each state
change in the store before announcing it to listeners. Jobs are generated directories
(:mod:`forgelab.jobs.codegen`); the adapter's events go to the store with a sequence number.

After a restart, :meth:`recover` follows the jobs that still run (``reattach``) and continues
their executions; a job that cannot be followed makes its execution ``interrupted``, and
:meth:`resume` runs what is left.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .. import environment, formats
from .. import pipeline as pipelines
from ..adapters.compute.base import ComputeAdapter, JobOutcome, JobSpec
from ..adapters.registry import AdapterUnavailable, load_class
from ..adapters.storage.base import StorageAdapter
from ..jobs import codegen
from ..paths import inside_root
from ..store import Store, now
from ..store.store import FINAL_JOB_STATES
from .errors import ExecutionError, ExecutionNotFound
from .ids import new_id

Listener = Callable[[dict[str, Any]], None]
EVENT_KINDS = frozenset({"stdout", "stderr", "progress", "figure", "image", "metric", "status"})
INTERRUPTED = "interrupted by a server restart while it ran; resume the execution to run it again"


class Orchestrator:
    """Runs executions; one per Jupyter server (or per ``forgelab run``)."""

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
        self.owner = owner or _user_name()
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
        self.store.update_job(job_id, status=status, **fields)
        data: dict[str, Any] = {"status": status}
        if fields.get("error"):
            data["error"] = fields["error"]["message"]
        event = self.store.add_event(job_id, execution_id, "status", data)
        self._announce(execution_id, event)

    def _set_execution(self, execution_id: str, status: str, **fields: Any) -> None:
        self.store.update_execution(execution_id, status=status, **fields)
        self._announce(execution_id, {"kind": "status", "job": None, "data": {"status": status}})

    # -- submit ----------------------------------------------------------------------------
    def load_pipeline(self, path: str) -> dict[str, Any]:
        """Read a pipeline file (relative to the root, which it may not leave)."""
        if not isinstance(path, str) or "\x00" in path:
            raise ExecutionError(f"{path!r} is not a file path: give the pipeline file's path")
        full = inside_root(self.root, path) if self.confine else (self.root / path).resolve()
        if full is None:
            raise ExecutionError(f"{path}: the pipeline must be inside {self.root}")
        if not full.is_file():
            raise ExecutionError(f"{path}: no such pipeline file under {self.root}")
        return formats.load(full, "pipeline")

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

        Raises :class:`~forgelab.pipeline.PipelineError` for a pipeline that cannot run,
        :class:`ExecutionError` for an unknown adapter or file.
        """
        if pipeline is None and path is None:
            raise ExecutionError("give a pipeline document or the path of a pipeline file")
        doc = dict(pipeline) if pipeline is not None else self.load_pipeline(path or "")
        if overrides:
            doc = pipelines.apply_overrides(doc, overrides)
        pipelines.validate(doc, source=path)
        if self.confine:
            self._check_files_inside_root(doc, path)
        compute = compute or self.default_compute
        storage = storage or self.default_storage
        for kind, adapter_name in (("compute", compute), ("storage", storage)):
            try:
                load_class(kind, adapter_name)  # type: ignore[arg-type]
            except AdapterUnavailable as error:
                raise ExecutionError(str(error)) from None
        execution_id = new_id("e")
        order = pipelines.topological_order(doc)
        ops = {n["id"]: n for n in pipelines.operation_nodes(doc)}
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
        self._start(execution_id)
        return self.get(execution_id)

    def _check_files_inside_root(self, doc: Mapping[str, Any], path: str | None) -> None:
        """Refuse input files and references that resolve (links followed) outside the root:
        a pipeline from someone else must not make the server read the user's other files."""
        base = (self.root / path).parent if path else self.root
        issues = []
        for index, node in enumerate(doc.get("nodes", [])):
            named: list[tuple[str, Any]] = []
            if node.get("kind") == "input" and node.get("source"):
                source = node["source"]
                known = self.store.get_artifact(source) or self.store.find_artifact(uri=source)
                if known is None:
                    named.append(("source", source))
            for name, ref in (node.get("references") or {}).items():
                named.append((f"references/{name}", ref))
            for where, value in named:
                if not isinstance(value, str) or "\x00" in value:
                    problem = "is not a file path"
                elif inside_root(self.root, base / value) is None:
                    problem = f"is outside {self.root} (links followed)"
                else:
                    problem = None
                if problem:
                    issues.append(
                        pipelines.PipelineIssue(
                            f"/nodes/{index}/{where}",
                            f"{value!r} {problem}: use a file inside the Jupyter root",
                            node.get("id"),
                        )
                    )
        if issues:
            raise pipelines.PipelineError(issues, source=path)

    def _start(self, execution_id: str) -> None:
        task = asyncio.ensure_future(self._drive(execution_id))
        self._drivers[execution_id] = task
        task.add_done_callback(lambda _t: self._drivers.pop(execution_id, None))

    def get(self, execution_id: str) -> dict[str, Any]:
        execution = self.store.get_execution(execution_id)
        if execution is None:
            raise ExecutionNotFound(f"no execution {execution_id!r}")
        return execution

    async def wait(self, execution_id: str) -> dict[str, Any]:
        """Wait until the execution ends; returns its final JSON."""
        task = self._drivers.get(execution_id)
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(task)
        return self.get(execution_id)

    # -- the driving loop ------------------------------------------------------------------
    async def _drive(self, execution_id: str) -> None:
        row = self.store.execution_row(execution_id)
        assert row is not None
        doc = row.pipeline
        jobs = {j.id: j for j in self.store.job_rows(execution_id)}
        by_node = {j.node: j.id for j in jobs.values()}
        upstream: dict[str, set[str]] = {j: set() for j in jobs}
        for conn in doc["connections"]:
            src, dst = by_node.get(conn["source"]["node"]), by_node.get(conn["target"]["node"])
            if src and dst:
                upstream[dst].add(src)
        status = {j.id: j.status for j in jobs.values()}
        if row.status != "running":
            self._set_execution(
                execution_id, "running", started_at=row.started_at or now(), ended_at=None
            )
        running: dict[asyncio.Task[str], str] = {}
        interrupted = False
        for job in jobs.values():
            if job.status == "running":
                running[asyncio.ensure_future(self._follow_job(execution_id, job.id))] = job.id
            elif job.status == "queued":  # never handed to the adapter: start it again
                status[job.id] = "pending"
                self.store.update_job(job.id, status="pending", attempt=(job.attempt or 1) + 1)
        try:
            while True:
                for job_id in jobs:
                    if status[job_id] != "pending" or job_id in running.values():
                        continue
                    ups = upstream[job_id]
                    bad = [u for u in ups if status[u] in ("failed", "cancelled", "skipped")]
                    if execution_id in self._cancelled_executions or job_id in self._cancelled_jobs:
                        status[job_id] = "cancelled"
                        self._set_job(
                            execution_id,
                            job_id,
                            "cancelled",
                            ended_at=now(),
                            error={"message": "cancelled before it started"},
                        )
                    elif bad:
                        names = ", ".join(jobs[u].name or jobs[u].node for u in bad)
                        status[job_id] = "skipped"
                        self._set_job(
                            execution_id,
                            job_id,
                            "skipped",
                            ended_at=now(),
                            error={"message": f"skipped: upstream job {names} did not succeed"},
                        )
                    elif all(status[u] == "succeeded" for u in ups):
                        status[job_id] = "queued"
                        self._set_job(execution_id, job_id, "queued", queued_at=now())
                        running[asyncio.ensure_future(self._run_job(execution_id, job_id))] = job_id
                if not running:
                    break
                done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    job_id = running.pop(task)
                    try:
                        status[job_id] = task.result()
                    except Exception as error:  # noqa: BLE001 - a bug must not leave the job running
                        status[job_id] = "failed"
                        self._set_job(
                            execution_id,
                            job_id,
                            "failed",
                            ended_at=now(),
                            error={
                                "message": "ForgeLab could not run the job: "
                                f"{type(error).__name__}: {error}"
                            },
                        )
                    if status[job_id] == "interrupted":
                        interrupted = True
                        status[job_id] = "cancelled"
        except asyncio.CancelledError:
            for task in running:
                task.cancel()
            raise
        final = set(status.values())
        if interrupted:
            result = "interrupted"
        elif final <= {"succeeded"}:
            result = "succeeded"
        elif execution_id in self._cancelled_executions or (
            "cancelled" in final and "failed" not in final
        ):
            result = "cancelled"
        else:
            result = "failed"
        failed = [jobs[j].name or jobs[j].node for j, s in status.items() if s == "failed"]
        error = (
            f"job {', '.join(failed)} failed" if failed else (INTERRUPTED if interrupted else None)
        )
        self._set_execution(execution_id, result, ended_at=now(), error=error)
        self._cancelled_executions.discard(execution_id)

    # -- one job ---------------------------------------------------------------------------
    def _event_sink(
        self, execution_id: str, job_id: str, seen: Mapping[str, int]
    ) -> Callable[[dict], None]:
        """The ``on_event`` given to the adapter: store, then announce; skip lines seen before."""

        def on_event(event: dict[str, Any]) -> None:
            stream, offset = event.pop("_stream", None), event.pop("_offset", None)
            if stream is not None and offset is not None and offset <= seen.get(stream, -1):
                return
            kind, data = event.get("kind"), event.get("data")
            if kind not in EVENT_KINDS:
                kind, data = "stderr", f"[event of unknown kind {kind!r}] {data}"
            stored = self.store.add_event(
                job_id, execution_id, kind, data, event.get("time"), stream=stream, offset=offset
            )
            self._announce(execution_id, stored)

        return on_event

    def _inputs(
        self, execution_id: str, doc: dict[str, Any], node_id: str, base: Path
    ) -> tuple[dict[str, Any], dict[str, str], set[str]]:
        """Job inputs (port → location), their provenance record ids, and the storages they use."""
        nodes = {n["id"]: n for n in doc["nodes"]}
        jobs = {j.node: j for j in self.store.job_rows(execution_id)}
        inputs: dict[str, Any] = {}
        records: dict[str, str] = {}
        used: set[str] = set()
        for conn in doc["connections"]:
            if conn["target"]["node"] != node_id:
                continue
            port, src = conn["target"]["port"], nodes[conn["source"]["node"]]
            if src["kind"] == "operation":
                artifact_id = (jobs[src["id"]].outputs or {}).get(conn["source"]["port"])
                artifact = self.store.get_artifact(artifact_id) if artifact_id else None
                if artifact is None:
                    raise ExecutionError(
                        f"upstream job {src['id']} left no output {conn['source']['port']!r}"
                    )
            else:
                artifact = self._input_artifact(execution_id, src, base)
            if artifact.get("storage"):
                used.add(artifact["storage"])
            inputs[port] = {
                "storage": artifact.get("storage"),
                "uri": artifact["uri"],
                "serializer": artifact.get("serializer", "file"),
            }
            if artifact.get("provenance"):
                records[port] = artifact["provenance"]
        return inputs, records, used

    def _input_artifact(
        self, execution_id: str, node: dict[str, Any], base: Path
    ) -> dict[str, Any]:
        """What an input node supplies: a known artifact (by id or URI) or a local file.

        Only the execution owner's artifacts are known to it: another user's artifact id is
        no more usable as an input than one that does not exist.
        """
        source = node.get("source", "")
        execution = self.store.execution_row(execution_id)
        owner = execution.owner if execution is not None else None
        known = self.store.get_artifact(source, owner=owner) or self.store.find_artifact(
            uri=source, owner=owner
        )
        if known is not None:
            return known
        path = Path(source) if Path(source).is_absolute() else (base / source)
        if not path.exists():
            raise ExecutionError(
                f"input {node['name']!r}: {source} is neither a file nor a known artifact"
            )
        digest = None
        if path.is_file():
            with open(path, "rb") as handle:
                digest = "sha256:" + hashlib.file_digest(handle, "sha256").hexdigest()
        record = {
            "format": "forgelab.provenance",
            "version": 1,
            "id": new_id("p"),
            "kind": "upload",
            "startedAt": now(),
            "endedAt": now(),
            "status": "ok",
            "filesRead": [{"path": str(path.resolve()), "hash": digest}],
        }
        self.store.add_provenance(record, owner=owner)
        return {
            "storage": None,
            "uri": str(path.resolve()),
            "serializer": "file",
            "provenance": record["id"],
        }

    async def _run_job(self, execution_id: str, job_id: str) -> str:
        """Generate, submit and follow one job; returns its final status."""
        job = self.store.job_row(job_id)
        execution = self.store.execution_row(execution_id)
        assert job is not None and execution is not None
        doc = execution.pipeline
        node = next(n for n in doc["nodes"] if n["id"] == job.node)
        base = (
            (self.root / execution.pipeline_path).parent if execution.pipeline_path else self.root
        )
        adapter = await self.compute(job.compute)
        async with self._slots[job.compute]:
            if job_id in self._cancelled_jobs or execution_id in self._cancelled_executions:
                self._set_job(
                    execution_id,
                    job_id,
                    "cancelled",
                    ended_at=now(),
                    error={"message": "cancelled before it started"},
                )
                return "cancelled"
            inputs, records, storages = self._inputs(execution_id, doc, job.node, base)
            outputs = {}
            for port in node["operation"].get("outputs", []):
                target = self._output_storage(doc, job.node, port["name"]) or execution.storage
                storages.add(target)
                outputs[port["name"]] = {
                    "storage": target,
                    "key": f"{execution_id}/{job_id}/{port['name']}",
                }
            references = {
                name: str((base / ref).resolve())
                for name, ref in node.get("references", {}).items()
            }
            directory = self.jobs_dir / execution_id / f"{job_id}-{job.attempt}"
            codegen.generate(
                directory,
                job_id=job_id,
                execution_id=execution_id,
                operation=node["operation"],
                attributes=_attribute_values(node),
                references=references,
                inputs=inputs,
                outputs=outputs,
                storage={s: self.storage(s).job_config() for s in sorted(storages)},
            )
            spec = JobSpec(
                job_id,
                execution_id,
                str(directory),
                [sys.executable, "main.py"],
                timeout=job.timeout,
            )
            handle = await adapter.submit(spec, self._event_sink(execution_id, job_id, {}))
            self._handles[job_id] = (job.compute, handle)
            self._set_job(
                execution_id,
                job_id,
                "running",
                started_at=now(),
                handle=handle,
                directory=str(directory),
                input_records=records,
            )
            if job_id in self._cancelled_jobs or execution_id in self._cancelled_executions:
                await adapter.cancel(handle)
            outcome = await adapter.wait(handle)
        return self._finish(execution_id, job_id, outcome)

    async def _follow_job(self, execution_id: str, job_id: str) -> str:
        """After a restart: follow a job that was running; 'interrupted' if it cannot be."""
        job = self.store.job_row(job_id)
        assert job is not None
        try:
            adapter = await self.compute(job.compute)
            spec = JobSpec(
                job_id,
                execution_id,
                job.directory or "",
                [sys.executable, "main.py"],
                timeout=job.timeout,
            )
            sink = self._event_sink(execution_id, job_id, self.store.stream_offsets(job_id))
            attached = bool(job.handle) and await adapter.reattach(job.handle or "", spec, sink)
        except (AdapterUnavailable, OSError) as error:
            attached, reason = False, str(error)
        else:
            reason = INTERRUPTED
        if not attached:
            self._set_job(
                execution_id, job_id, "cancelled", ended_at=now(), error={"message": reason}
            )
            return "interrupted"
        self._handles[job_id] = (job.compute, job.handle or "")
        async with self._slots[job.compute]:
            outcome = await adapter.wait(job.handle or "")
        return self._finish(execution_id, job_id, outcome)

    def _output_storage(self, doc: dict[str, Any], node_id: str, port: str) -> str | None:
        nodes = {n["id"]: n for n in doc["nodes"]}
        for conn in doc["connections"]:
            if conn["source"] == {"node": node_id, "port": port}:
                target = nodes.get(conn["target"]["node"])
                if target and target["kind"] == "output" and target.get("storage"):
                    return str(target["storage"])
        return None

    def _artifact_name(self, doc: dict[str, Any], node_id: str, port: str, job_name: str) -> str:
        nodes = {n["id"]: n for n in doc["nodes"]}
        for conn in doc["connections"]:
            if conn["source"] == {"node": node_id, "port": port}:
                target = nodes.get(conn["target"]["node"])
                if target and target["kind"] == "output":
                    return str(target["name"])
        return f"{job_name}.{port}"

    def _finish(self, execution_id: str, job_id: str, outcome: JobOutcome) -> str:
        """Record how a job ended: artifacts and provenance on success, the error otherwise."""
        self._handles.pop(job_id, None)
        job = self.store.job_row(job_id)
        execution = self.store.execution_row(execution_id)
        assert job is not None and execution is not None
        ended = now()
        if outcome.status != "succeeded":
            status = (
                "cancelled"
                if (outcome.status == "cancelled" or job_id in self._cancelled_jobs)
                else "failed"
            )
            error: dict[str, Any] = {"message": outcome.error or f"the job {status}"}
            failure = (outcome.result or {}).get("error") or {}
            if failure.get("type"):
                error["type"] = str(failure["type"])
            if failure.get("traceback"):
                error["traceback"] = str(failure["traceback"])
            self._set_job(execution_id, job_id, status, ended_at=ended, error=error)
            return status
        doc = execution.pipeline
        node = next(n for n in doc["nodes"] if n["id"] == job.node)
        input_records = dict(job.input_records or {})
        record_id = new_id("p")
        artifacts, outputs = [], {}
        for port, info in ((outcome.result or {}).get("outputs") or {}).items():
            artifact_id = new_id("a")
            outputs[port] = artifact_id
            artifacts.append(
                {
                    "id": artifact_id,
                    "name": self._artifact_name(doc, job.node, port, job.name or job.node),
                    "storage": info["storage"],
                    "uri": info["uri"],
                    "size": info.get("size"),
                    "hash": info.get("hash"),
                    "serializer": info.get("serializer"),
                    "type": info.get("type"),
                    "created_at": ended,
                    "provenance": record_id,
                    "execution": execution_id,
                    "job": job_id,
                }
            )
        record = {
            "format": "forgelab.provenance",
            "version": 1,
            "id": record_id,
            "kind": "job",
            "startedAt": job.started_at or ended,
            "endedAt": ended,
            "status": "ok",
            "job": {
                "execution": execution_id,
                "jobId": job_id,
                "operation": node["operation"],
                "attributes": _attribute_values(node),
                "inputs": input_records,
            },
            "artifacts": [a["id"] for a in artifacts],
        }
        self.store.record_job_outputs(
            job_id, artifacts, record, outputs=outputs, provenance=record_id
        )
        self._set_job(execution_id, job_id, "succeeded", ended_at=ended, error=None)
        return "succeeded"

    # -- cancel, re-run, resume, recover --------------------------------------------------
    async def cancel(self, execution_id: str) -> dict[str, Any]:
        """Cancel every job not yet finished; running processes are really stopped."""
        self.get(execution_id)
        self._cancelled_executions.add(execution_id)
        for job in self.store.job_rows(execution_id):
            await self._cancel_job(execution_id, job.id, job.status)
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
        await self._cancel_job(execution_id, job_id, job.status)
        return self.get(execution_id)

    async def _cancel_job(self, execution_id: str, job_id: str, status: str) -> None:
        if status in FINAL_JOB_STATES:
            return
        self._cancelled_jobs.add(job_id)
        if job_id in self._handles:
            compute, handle = self._handles[job_id]
            await (await self.compute(compute)).cancel(handle)
        elif execution_id not in self._drivers:
            self._set_job(
                execution_id, job_id, "cancelled", ended_at=now(), error={"message": "cancelled"}
            )

    async def rerun(self, execution_id: str, mode: str = "failed") -> dict[str, Any]:
        """A new execution of the same snapshot; ``failed`` reuses the succeeded jobs' artifacts."""
        if mode not in ("failed", "all"):
            raise ExecutionError(f"re-run from {mode!r}: expected 'failed' or 'all'")
        parent = self.get(execution_id)
        if execution_id in self._drivers:
            raise ExecutionError(f"execution {execution_id} is still running; cancel it or wait")
        row = self.store.execution_row(execution_id)
        assert row is not None
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

    async def resume(self, execution_id: str) -> dict[str, Any]:
        """Run again, in the same execution, every job of an interrupted execution not succeeded."""
        execution = self.get(execution_id)
        if execution_id in self._drivers:
            raise ExecutionError(f"execution {execution_id} is running")
        if execution["status"] not in ("interrupted", "failed", "cancelled"):
            raise ExecutionError(
                f"execution {execution_id} is {execution['status']}; nothing to resume"
            )
        for job in self.store.job_rows(execution_id):
            if job.status != "succeeded":
                self._cancelled_jobs.discard(job.id)
                self._set_job(
                    execution_id,
                    job.id,
                    "pending",
                    attempt=(job.attempt or 1) + 1,
                    error=None,
                    handle=None,
                    queued_at=None,
                    started_at=None,
                    ended_at=None,
                )
        self._start(execution_id)
        return self.get(execution_id)

    async def recover(self, *, resume: bool = True) -> list[str]:
        """After a restart: continue the executions left pending or running.

        Jobs still running are followed again; when one cannot be, its execution ends
        ``interrupted`` (resumable). With ``resume=False`` they are all marked interrupted.
        """
        # A store shared by several users' servers: each server takes up only its own user's.
        ids = self.store.execution_ids(statuses=("pending", "running"), owner=self.owner)
        for execution_id in ids:
            if execution_id in self._drivers:
                continue
            if resume:
                self._start(execution_id)
                continue
            for job in self.store.job_rows(execution_id):
                if job.status in ("running", "queued"):
                    self._set_job(
                        execution_id,
                        job.id,
                        "cancelled",
                        ended_at=now(),
                        error={"message": INTERRUPTED},
                    )
            self._set_execution(execution_id, "interrupted", ended_at=now(), error=INTERRUPTED)
        return ids

    async def test_adapter(self, kind: str, name: str) -> dict[str, Any]:
        """Check an adapter's connection; ``{"ok": False, "message"}`` instead of raising."""
        try:
            if kind == "compute":
                answer = await (await self.compute(name)).test_connection()
            elif kind == "storage":
                answer = await asyncio.get_running_loop().run_in_executor(
                    None, self.storage(name).test_connection
                )
            else:
                raise ExecutionError(f"unknown adapter kind {kind!r}: expected compute or storage")
        except Exception as error:  # noqa: BLE001 - the message is the answer
            return {"ok": False, "message": f"{type(error).__name__}: {error}"}
        return {"ok": bool(answer.get("ok", True)), "message": str(answer.get("message", "ok"))}


def _attribute_values(node: Mapping[str, Any]) -> dict[str, Any]:
    """Attribute values of a node: its own, else the operation's defaults."""
    values = {
        a["name"]: a["default"] for a in node["operation"].get("attributes", []) if "default" in a
    }
    values.update(node.get("attributes", {}))
    return values


def _user_name() -> str:
    return environment.user_name()
