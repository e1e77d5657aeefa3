"""Job running: generate one job's directory, hand it to its compute adapter, follow it, and
record how it ended (artifacts and one provenance record on success, the error otherwise).
"""

from __future__ import annotations

import asyncio
import hashlib
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..adapters.compute.base import JobOutcome, JobSpec
from ..adapters.registry import AdapterUnavailable
from ..adapters.storage.base import artifact_key
from ..jobs import codegen, secrets
from ..paths import PathError, tree_inside_root
from ..store import now
from . import graph
from . import pipeline as pipelines
from .core import INTERRUPTED, ExecutionsCore
from .errors import ExecutionError
from .ids import new_id

EVENT_KINDS = frozenset({"stdout", "stderr", "progress", "figure", "image", "metric", "status"})


class JobRunner(ExecutionsCore):
    """Runs and follows single jobs; the scheduler decides which and when."""

    def _event_sink(
        self, execution_id: str, job_id: str, seen: Mapping[str, int]
    ) -> Callable[[dict], None]:
        """The ``on_event`` given to the adapter: store, then announce; skip lines seen before.

        The events an adapter hands over in one go (every line a poll found) are stored in one
        transaction, just after it returns: one commit per line could not keep up with a job
        that prints every few milliseconds, and each line would wait for the ones before it.
        """
        pending: list[dict[str, Any]] = []

        def flush() -> None:
            batch = pending[:]
            pending.clear()
            for stored in self.store.add_events(job_id, execution_id, batch):
                self._announce(execution_id, stored)

        def on_event(event: dict[str, Any]) -> None:
            stream, offset = event.pop("_stream", None), event.pop("_offset", None)
            if stream is not None and offset is not None and offset <= seen.get(stream, -1):
                return
            kind, data = event.get("kind"), event.get("data")
            if kind not in EVENT_KINDS:
                kind, data = "stderr", f"[event of unknown kind {kind!r}] {data}"
            pending.append(
                {
                    "kind": kind,
                    "data": data,
                    "time": event.get("time"),
                    "stream": stream,
                    "offset": offset,
                }
            )
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # called outside the event loop (an adapter's own thread)
                flush()
                return
            if len(pending) == 1:
                loop.call_soon(flush)

        return on_event

    def _check_files(self, doc: Mapping[str, Any], path: str | None) -> None:
        """Refuse what no job could read: an Input source that is neither a known artifact nor
        a file path (``~/x``, ``file:///x``, ``https://...``); and on the server, input files
        and references that resolve (links followed) outside the root, since a pipeline from
        someone else must not make the server read the user's other files. Called at every
        submit, re-run and resume: a link may have changed since the last run."""
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
                problem = self._file_problem(base, value)
                if problem:
                    issues.append(
                        pipelines.PipelineIssue(f"/nodes/{index}/{where}", problem, node.get("id"))
                    )
        if issues:
            raise pipelines.PipelineError(issues, source=path)

    def _file_problem(self, base: Path, value: Any) -> str | None:
        """Why ``value`` (a path relative to ``base``) is not a file a job may read, or None."""
        if not isinstance(value, str) or "\x00" in value:
            return f"{value!r} is not a file path"
        if value.startswith("~") or "://" in value or value.startswith("file:"):
            return (
                f"{value!r} is neither a file nor a known artifact: give a path relative to "
                "the pipeline file (no '~', no URL), or an artifact id"
            )
        if not self.confine:
            return None
        try:
            inside = tree_inside_root(self.root, base / value)
        except PathError as error:
            return f"{value[:60]!r}: {error}"
        if inside is None:
            return (
                f"{value!r} is outside {self.root} (links followed): "
                "use a file inside the Jupyter root"
            )
        return None

    def _inputs(
        self, execution_id: str, doc: dict[str, Any], node_id: str, base: Path
    ) -> tuple[dict[str, Any], dict[str, str], set[str]]:
        """Job inputs (port → location), their provenance record ids, and the storages they use."""
        nodes = {n["id"]: n for n in doc["nodes"]}
        jobs = {j.node: j for j in self.store.job_rows(execution_id)}
        inputs: dict[str, Any] = {}
        records: dict[str, str] = {}
        used: set[str] = set()
        for port, source in graph.incoming(doc, node_id):
            src = nodes[source["node"]]
            if src["kind"] == "operation":
                artifact_id = (jobs[src["id"]].outputs or {}).get(source["port"])
                artifact = self.store.get_artifact(artifact_id) if artifact_id else None
                if artifact is None:
                    raise ExecutionError(
                        f"upstream job {src['id']} left no output {source['port']!r}"
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
        problem = self._file_problem(base, source)
        if problem:
            raise ExecutionError(f"input {node['name']!r}: {problem}")
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
            if self._cancel_if_asked(execution_id, job_id):
                return "cancelled"
            inputs, records, storages = self._inputs(execution_id, doc, job.node, base)
            outputs = {}
            for port in node["operation"].get("outputs", []):
                target = self._output_storage(doc, job.node, port["name"]) or execution.storage
                storages.add(target)
                outputs[port["name"]] = {
                    "storage": target,
                    "key": artifact_key(
                        execution.owner or self.owner, execution_id, job_id, port["name"]
                    ),
                }
            references = {}
            for name, ref in node.get("references", {}).items():
                if problem := self._file_problem(base, ref):
                    raise ExecutionError(f"reference {name!r}: {problem}")
                references[name] = str((base / ref).resolve())
            directory = self.jobs_dir / execution_id / f"{job_id}-{job.attempt}"
            public_storage, storage_secrets = secrets.split(
                {s: self.storage(s).job_config() for s in sorted(storages)}
            )
            codegen.generate(
                directory,
                job_id=job_id,
                execution_id=execution_id,
                operation=node["operation"],
                attributes=_attribute_values(node),
                references=references,
                inputs=inputs,
                outputs=outputs,
                storage=public_storage,
            )
            spec = JobSpec(
                job_id,
                execution_id,
                str(directory),
                [sys.executable, "main.py"],
                env=secrets.environment(storage_secrets),
                timeout=job.timeout,
                gpus=int(node["operation"].get("gpu") or 0),
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
        """The storage an Output node fed by this port names, if any."""
        for target in graph.receivers(doc, node_id, port):
            if target["kind"] == "output" and target.get("storage"):
                return str(target["storage"])
        return None

    def _artifact_name(self, doc: dict[str, Any], node_id: str, port: str, job_name: str) -> str:
        """The name of the Output node fed by this port, else ``job.port``."""
        for target in graph.receivers(doc, node_id, port):
            if target["kind"] == "output":
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
            if failure.get("known"):
                error["known"] = True
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


def _attribute_values(node: Mapping[str, Any]) -> dict[str, Any]:
    """Attribute values of a node: its own, else the operation's defaults."""
    values = {
        a["name"]: a["default"] for a in node["operation"].get("attributes", []) if "default" in a
    }
    values.update(node.get("attributes", {}))
    return values
