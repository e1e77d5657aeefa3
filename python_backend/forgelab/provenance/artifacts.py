"""Reify an artifact: the part of its execution's pipeline that produced it, as a new pipeline.

The execution keeps a frozen snapshot of the pipeline it ran (attribute values included), so the
slice is exact: the job's node, every node upstream of it, the connections among them, and the
artifact's port wired to a new Output node.
"""

from __future__ import annotations

import os
import re
from pathlib import PurePosixPath
from typing import Any

from ..errors import NotFound
from ..executions import pipeline as pipelines
from ..executions.graph import upstream
from .errors import ReifyError
from .files_out import safe_stem, write_new


class UnknownArtifact(NotFound):
    """No artifact has the id asked for."""


def artifact_pipeline(store: Any, artifact_id: str, *, owner: str | None = None) -> dict[str, Any]:
    """The pipeline document that reproduces artifact ``artifact_id`` (not written anywhere).

    Raises :class:`UnknownArtifact` for an unknown id (or, with ``owner``, another owner's) and
    :class:`ReifyError` when the artifact was not made by a pipeline job that the store still
    knows.
    """
    artifact = store.get_artifact(artifact_id, owner=owner)
    if artifact is None:
        raise UnknownArtifact(f"no artifact {artifact_id!r}")
    execution = (
        store.get_execution(artifact["execution"], owner=owner)
        if artifact.get("execution")
        else None
    )
    if execution is None or not execution.get("pipeline"):
        raise ReifyError(
            f"artifact {artifact_id} ({artifact.get('name')}) was not produced by an execution "
            "that ForgeLab still knows (an upload, or its execution was deleted); there is no "
            "pipeline to reify"
        )
    job = next((j for j in execution["jobs"] if j["id"] == artifact.get("job")), None)
    port = next(
        (p for p, a in ((job or {}).get("outputs") or {}).items() if a.get("id") == artifact_id),
        None,
    )
    if job is None or port is None:
        raise ReifyError(
            f"execution {execution['id']} has no job output that is artifact {artifact_id}"
        )
    snapshot = execution["pipeline"]
    keep = upstream(snapshot, job["node"])
    nodes = [dict(n) for n in snapshot["nodes"] if n["id"] in keep]
    connections = [
        dict(c)
        for c in snapshot.get("connections", [])
        if c["source"]["node"] in keep and c["target"]["node"] in keep
    ]
    output_name = re.sub(r"\W", "_", port)
    output_name = output_name if output_name[:1].isalpha() else f"value_{output_name}"
    output_id = f"output_{output_name}"
    taken = {n["id"] for n in nodes}
    while output_id in taken:
        output_id += "_"
    producer = next(n for n in nodes if n["id"] == job["node"])
    position = producer.get("position") or {"x": 0, "y": 0}
    nodes.append(
        {
            "id": output_id,
            "kind": "output",
            "name": output_name,
            "position": {"x": position["x"] + 240, "y": position["y"]},
        }
    )
    connections.append(
        {
            "source": {"node": job["node"], "port": port},
            "target": {"node": output_id, "port": "value"},
        }
    )
    doc = {
        "format": "forgelab.pipeline",
        "version": 1,
        "name": f"{artifact['name']} (from execution {execution['id']})",
        "description": f"The part of {snapshot.get('name') or 'the pipeline'} that produced "
        f"artifact {artifact['name']} ({artifact.get('hash', 'no hash')}).",
        "nodes": nodes,
        "connections": connections,
        "metadata": {
            "reifiedFrom": {
                "artifact": artifact_id,
                "execution": execution["id"],
                "job": job["id"],
                "pipelinePath": execution.get("pipelinePath"),
            }
        },
    }
    return pipelines.validate(doc, source=f"artifact {artifact_id}")


def reify_artifact(
    store: Any,
    root: str | os.PathLike[str],
    artifact_id: str,
    *,
    path: str | None = None,
    owner: str | None = None,
) -> dict[str, Any]:
    """Write :func:`artifact_pipeline` next to the execution's pipeline file (or at ``path``).

    Returns ``{"path", "pipeline"}``; an existing file is never replaced.
    """
    doc = artifact_pipeline(store, artifact_id, owner=owner)
    if path is None:
        source = doc["metadata"]["reifiedFrom"].get("pipelinePath") or ""
        folder = PurePosixPath(source).parent if source else PurePosixPath(".")
        name = doc["nodes"][-1]["name"]
        path = str(folder / f"{safe_stem(name)}.pipeline.json")
    return {"path": write_new(root, path, doc), "pipeline": doc}
