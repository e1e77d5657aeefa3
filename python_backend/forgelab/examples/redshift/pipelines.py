"""Compose ``examples/redshift/{train,embed}.pipeline.json`` from the functions of
``operations.py``.

The pipelines embed each operation's code (the whole ``operations.py``), so they are regenerated
whenever that file changes: ``python -m forgelab.examples.redshift.pipelines examples/redshift``.
A test checks the committed pipelines are up to date.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

#: (node id, function, position x, position y, attribute values)
_TRAIN_NODES: tuple[tuple[str, str, int, int, dict[str, Any]], ...] = (
    ("config", "configure", 40, 0, {"scale": "small"}),
    ("query", "casjobs_query", 40, 220, {}),
    ("download", "download_fits", 340, 220, {}),
    ("preprocess", "preprocess", 640, 220, {}),
    ("train", "train_validate", 940, 120, {}),
    ("knn", "knn_baseline", 1240, 160, {}),
    ("plot", "visualize_predictions", 1240, -60, {}),
    ("tsne", "reduce_dimensions", 1240, 400, {}),
    ("embedding_plot", "visualize_embeddings", 1540, 400, {}),
)
_TRAIN_CONNECTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("config", "limit", "query", "limit"),
    ("config", "epochs", "train", "epochs"),
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
    ("model", "train", "model", 1540, 280),
    ("metrics", "knn", "result", 1540, 180),
    ("predictions_plot", "plot", "result", 1540, -60),
    ("download_report", "download", "report", 640, 480),
    ("tsne_plot", "embedding_plot", "result", 1840, 400),
    ("predictions", "train", "predictions", 1540, 40),
    ("cubes", "preprocess", "cubes", 940, 480),
)
#: The t-SNE of a trained model, as a pipeline of its own: (node id, function, x, y).
_EMBED_NODES: tuple[tuple[str, str, int, int], ...] = (
    ("tsne", "reduce_dimensions", 340, 160),
    ("embedding_plot", "visualize_embeddings", 640, 160),
)
#: Its inputs, outputs of a train run: (input node id, target port, x, y).
_EMBED_INPUTS: tuple[tuple[str, str, int, int], ...] = (
    ("model", "model", 40, 60),
    ("cubes", "cubes", 40, 160),
    ("predictions", "predictions", 40, 260),
)
_EMBED_CONNECTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("tsne", "result", "embedding_plot", "embedding"),
    ("predictions", "value", "embedding_plot", "predictions"),
)


def _operations(operations_file: str | Path) -> dict[str, dict[str, Any]]:
    """Function name → operation JSON, as described from ``operations_file``."""
    from ...operations.library import load_file

    return {op["source"]["function"]: op for op in load_file(operations_file)}


def _operation_node(
    operations: dict[str, dict[str, Any]],
    node_id: str,
    function: str,
    x: int,
    y: int,
    attributes: dict[str, Any] | None = None,
    architecture: str = "",
) -> dict[str, Any]:
    if function not in operations:
        raise KeyError(f"operations.py defines no function {function!r}")
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
    return node


def train_pipeline(
    operations_file: str | Path, architecture: str = "../redshift.arch.json"
) -> dict[str, Any]:
    """The training pipeline document, with the operations described from ``operations_file``."""
    operations = _operations(operations_file)
    nodes = [
        _operation_node(operations, node_id, function, x, y, attributes, architecture)
        for node_id, function, x, y, attributes in _TRAIN_NODES
    ]
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
            "redshift.arch.json, and score it against a kNN baseline on the same test split. "
            "The size is one attribute, config.scale: small (1,000 galaxies, 5 epochs), paper "
            "(10,000 galaxies, 10 epochs, the paper's configuration) or tiny (64 galaxies, "
            "2 epochs)."
        ),
        "nodes": nodes,
        "connections": connections,
    }


def embed_pipeline(operations_file: str | Path) -> dict[str, Any]:
    """The t-SNE pipeline: a trained model's features of the test galaxies to 3-D, scattered
    and coloured by prediction error. Its inputs are the ``model``, ``cubes`` and
    ``predictions`` outputs of a train run (artifact ids or URIs, set at run time)."""
    operations = _operations(operations_file)
    nodes: list[dict[str, Any]] = [
        {"id": name, "kind": "input", "name": name, "source": "", "position": {"x": x, "y": y}}
        for name, _port, x, y in _EMBED_INPUTS
    ]
    nodes += [_operation_node(operations, *spec) for spec in _EMBED_NODES]
    nodes.append(
        {"id": "tsne_plot", "kind": "output", "name": "tsne_plot", "position": {"x": 940, "y": 160}}
    )
    connections = [_link(name, "value", "tsne", port) for name, port, _x, _y in _EMBED_INPUTS]
    connections += [_link(a, p, b, q) for a, p, b, q in _EMBED_CONNECTIONS]
    connections.append(_link("embedding_plot", "result", "tsne_plot", "value"))
    return {
        "format": "forgelab.pipeline",
        "version": 1,
        "name": "redshift-embed",
        "description": (
            "t-SNE to 3-D of the features the redshift network learned, for the test galaxies of "
            "a train run, scattered and coloured by prediction error. Set the inputs to that "
            "run's model, cubes and predictions artifacts: --set model.source=ARTIFACT "
            "--set cubes.source=ARTIFACT --set predictions.source=ARTIFACT."
        ),
        "nodes": nodes,
        "connections": connections,
    }


def _link(source: str, source_port: str, target: str, target_port: str) -> dict[str, Any]:
    return {
        "source": {"node": source, "port": source_port},
        "target": {"node": target, "port": target_port},
    }


def write(directory: str | Path) -> list[Path]:
    """Write ``train.pipeline.json`` and ``embed.pipeline.json`` next to ``operations.py`` in
    ``directory``."""
    directory = Path(directory)
    written = []
    for name, build in (("train", train_pipeline), ("embed", embed_pipeline)):
        target = directory / f"{name}.pipeline.json"
        document = build(directory / "operations.py")
        target.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        written.append(target)
    return written


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    for path in write(sys.argv[1] if len(sys.argv) > 1 else "examples/redshift"):
        print(path)
