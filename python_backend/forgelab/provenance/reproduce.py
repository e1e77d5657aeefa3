"""Checking a reified pipeline: run it and get its output, to compare with the notebook's value
(:func:`forgelab.provenance.compare.compare`)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from ..jobs import serializers


class ReproductionError(RuntimeError):
    """The pipeline did not run, or produced no value for its output."""


async def _run(doc: dict[str, Any], root: Path, store: Any) -> dict[str, Any]:
    from ..executions import Orchestrator

    orchestrator = Orchestrator(store, root=root, confine=False)
    try:
        execution = await orchestrator.submit(doc, compute="local", storage="local")
        return await orchestrator.wait(execution["id"])
    finally:
        await orchestrator.close()


def run_pipeline(
    doc: dict[str, Any], *, root: str | Path, store: Any
) -> tuple[Any, dict[str, Any]]:
    """Run ``doc`` on the local adapter; returns its (single) output's value and the execution."""
    root = Path(root)
    final = asyncio.run(_run(doc, root, store))
    if final["status"] != "succeeded":
        errors = "; ".join(
            f"{j.get('name') or j['node']}: {_message(j['error'])}"
            for j in final["jobs"]
            if j.get("error")
        )
        raise ReproductionError(
            f"the reified pipeline {final['status']} (execution {final['id']}): "
            f"{errors or 'no job error recorded'}"
        )
    output = next(n for n in doc["nodes"] if n["kind"] == "output")
    feeding = next(c["source"] for c in doc["connections"] if c["target"]["node"] == output["id"])
    job = next(j for j in final["jobs"] if j["node"] == feeding["node"])
    artifact = (job.get("outputs") or {}).get(feeding["port"])
    if artifact is None:
        raise ReproductionError(f"job {job['id']} stored no output {feeding['port']!r}")
    uri = artifact["uri"]
    path = uri[len("file://") :] if uri.startswith("file://") else uri
    return serializers.load(path, artifact.get("serializer", "cloudpickle")), final


def _message(error: Any) -> str:
    return str(error.get("message")) if isinstance(error, dict) else str(error)
