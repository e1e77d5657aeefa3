"""``explore.ipynb`` runs the operations of ``operations.py`` cell by cell, and reifying its
trained model gives back the data flow of ``train.pipeline.json``."""

from __future__ import annotations

import ast
import json
import os
from collections import defaultdict
from pathlib import Path

import pytest
from forgelab.provenance import history, reify
from forgelab.provenance.headless import run_notebook
from forgelab.store import Store

from .conftest import EXAMPLE


def _functions(document: dict) -> dict[str, str]:
    """Operation node id → the ``operations.py`` function the train pipeline calls there."""
    return {
        n["id"]: n["operation"]["source"]["function"]
        for n in document["nodes"]
        if n["kind"] == "operation"
    }


def _called(code: str, names: set[str]) -> set[str]:
    """The functions of ``names`` a piece of code calls."""
    return {
        node.func.id
        for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names
    }


def _closure(edges: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Every (upstream, downstream) pair joined by a path of ``edges``."""
    after: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        after[a].add(b)
    pairs = set()
    for start in list(after):
        todo, seen = list(after[start]), set()
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(after.get(node, ()))
        pairs |= {(start, node) for node in seen}
    return pairs


@pytest.mark.slow
def test_reifying_the_notebooks_model_gives_the_train_pipelines_data_flow(tmp_path):
    train = json.loads((EXAMPLE / "train.pipeline.json").read_text(encoding="utf-8"))
    by_node = _functions(train)
    names = set(by_node.values())
    train_edges = {
        (by_node[c["source"]["node"]], by_node[c["target"]["node"]])
        for c in train["connections"]
        if c["source"]["node"] in by_node and c["target"]["node"] in by_node
    }

    env = {
        "REDSHIFT_GALAXIES": "48",
        "REDSHIFT_EPOCHS": "1",
        "REDSHIFT_FRAMES": str(tmp_path / "frames"),
        "REDSHIFT_SKY": str(tmp_path / "sky"),
        "KERAS_BACKEND": "torch",
        "MPLBACKEND": "Agg",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    url = f"sqlite:///{tmp_path / 'provenance.db'}"
    try:
        with run_notebook(EXAMPLE / "explore.ipynb", store_url=url) as (kernel, results):
            session = kernel.flush()["session"]
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    assert [r.error for r in results if r.status != "ok"] == []
    printed = "".join(r.stdout for r in results)
    assert "CNN  sigma_NMAD=" in printed and "KNN  sigma_NMAD=" in printed
    assert "t-SNE of" in printed

    store = Store(url)
    try:
        records = history.load_records(store, session=session)
    finally:
        store.close()
    # CasJobs and the archive are services: without the option the history is refused.
    with pytest.raises(reify.ReifyError, match="gets data from the network"):
        reify.reify(records, "model")
    document = reify.reify(records, "model", allow_network=True)

    # Each reified operation is one cell calling at most one operation of operations.py,
    # imported from it (the code train.pipeline.json embeds), not a copy.
    calls: dict[str, str] = {}
    for node in document["nodes"]:
        if node["kind"] != "operation":
            continue
        code = node["operation"]["source"]["code"]
        called = _called(code, names)
        assert len(called) <= 1, (node["id"], called)
        if called:
            (function,) = called
            assert f"from operations import {function}" in code
            calls[node["id"]] = function
    # The operations upstream of the trained model are all there, once each. The t-SNE cell
    # comes too: it is given the model, which the recorder cannot fingerprint, so it counts as
    # a possible change of the model.
    upstream = {a for a, b in _closure(train_edges) if b == "train_validate"}
    assert sorted(calls.values()) == sorted(upstream | {"train_validate", "reduce_dimensions"})
    # Nodes that call no operation (the notebook's settings and its sky server) only feed others.
    reified_edges = set()
    for c in document["connections"]:
        source, target = c["source"]["node"], c["target"]["node"]
        if source in calls and target in calls:
            reified_edges.add((calls[source], calls[target]))
        elif target in calls and source not in calls:
            kind = next(n["kind"] for n in document["nodes"] if n["id"] == source)
            assert kind in ("operation", "input"), source
            assert not any(
                e["target"]["node"] == source and e["source"]["node"] in calls
                for e in document["connections"]
            ), f"{source} depends on an operation but calls none"
    # Same data flow: every reified connection is one of the pipeline's, and the same
    # operations are upstream of each other.
    assert reified_edges <= train_edges
    kept = set(calls.values())
    assert _closure(reified_edges) == {(a, b) for a, b in _closure(train_edges) if {a, b} <= kept}
    arch = [n for n in document["nodes"] if n["kind"] == "input"]
    assert [Path(n["source"]).name for n in arch] == ["redshift.arch.json"]
