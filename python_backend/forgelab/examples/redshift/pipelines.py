"""Compose ``examples/redshift/train.pipeline.json`` from the functions of ``operations.py``.

The pipeline embeds each operation's code (the whole ``operations.py``), so it is regenerated
whenever that file changes: ``python -m forgelab.examples.redshift.pipelines examples/redshift``.
A test checks the committed pipeline is up to date.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

#: (node id, function, position x, position y, attribute values)
_TRAIN_NODES: tuple[tuple[str, str, int, int, dict[str, Any]], ...] = (
    ("query", "casjobs_query", 40, 160, {"limit": 1000}),
    ("download", "download_fits", 280, 160, {}),
    ("preprocess", "preprocess", 520, 160, {}),
    ("train", "train_validate", 760, 100, {"epochs": 5}),
    ("knn", "knn_baseline", 1000, 220, {}),
    ("plot", "visualize_predictions", 1000, 40, {}),
    ("tsne", "reduce_dimensions", 1000, 360, {}),
    ("embedding_plot", "visualize_embeddings", 1240, 360, {}),
)
_TRAIN_CONNECTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("query", "result", "download", "galaxies"),
    ("download", "galaxies", "preprocess", "galaxies"),
    ("preprocess", "cubes", "train", "cubes"),
    ("preprocess", "labels", "train", "labels"),
    ("preprocess", "redshifts", "train", "redshifts"),
    ("preprocess", "magnitudes", "knn", "magnitudes"),
    ("preprocess", "redshifts", "knn", "redshifts"),
    ("train", "predictions", "knn", "predictions"),
    ("train", "predictions", "plot", "predictions"),
    ("train", "model", "tsne", "model"),
    ("preprocess", "cubes", "tsne", "cubes"),
    ("train", "predictions", "tsne", "predictions"),
    ("tsne", "result", "embedding_plot", "embedding"),
    ("train", "predictions", "embedding_plot", "predictions"),
)
#: (output node id, source node, source port, x, y)
_TRAIN_OUTPUTS: tuple[tuple[str, str, str, int, int], ...] = (
    ("model", "train", "model", 1240, 100),
    ("metrics", "knn", "result", 1240, 220),
    ("predictions_plot", "plot", "result", 1240, 40),
    ("download_report", "download", "report", 520, 300),
    ("tsne_plot", "embedding_plot", "result", 1480, 360),
)


def train_pipeline(
    operations_file: str | Path, architecture: str = "../redshift.arch.json"
) -> dict[str, Any]:
    """The training pipeline document, with the operations described from ``operations_file``."""
    from ...operations.library import load_file

    operations = {op["source"]["function"]: op for op in load_file(operations_file)}
    nodes: list[dict[str, Any]] = []
    for node_id, function, x, y, attributes in _TRAIN_NODES:
        if function not in operations:
            raise KeyError(f"{operations_file} defines no function {function!r}")
        operation = dict(operations[function])
        operation["id"] = f"redshift.{function}"
        node: dict[str, Any] = {
            "id": node_id,
            "kind": "operation",
            "label": operation["name"],
            "position": {"x": x, "y": y},
            "operation": operation,
        }
        if attributes:
            node["attributes"] = attributes
        if operation.get("references"):
            node["references"] = {"architecture": architecture}
        nodes.append(node)
    connections = [
        {"source": {"node": a, "port": p}, "target": {"node": b, "port": q}}
        for a, p, b, q in _TRAIN_CONNECTIONS
    ]
    for name, source, port, x, y in _TRAIN_OUTPUTS:
        nodes.append({"id": name, "kind": "output", "name": name, "position": {"x": x, "y": y}})
        connections.append(
            {"source": {"node": source, "port": port}, "target": {"node": name, "port": "value"}}
        )
    return {
        "format": "forgelab.pipeline",
        "version": 1,
        "name": "redshift-train",
        "description": (
            "Photometric redshifts from SDSS ugriz images (DeepForge paper, section 9): query "
            "CasJobs, download the frames, cut 64x64x5 cubes, train the inception network of "
            "redshift.arch.json, and score it against a kNN baseline on the same test split."
        ),
        "nodes": nodes,
        "connections": connections,
    }


def write(directory: str | Path) -> Path:
    """Write ``train.pipeline.json`` next to ``operations.py`` in ``directory``."""
    directory = Path(directory)
    document = train_pipeline(directory / "operations.py")
    target = directory / "train.pipeline.json"
    target.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return target


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    print(write(sys.argv[1] if len(sys.argv) > 1 else "examples/redshift"))
