"""``explore.ipynb`` runs the operations of ``operations.py`` cell by cell, and reifying its
trained model or its t-SNE embedding gives back the operations and data flow of
``train.pipeline.json`` that lead to it."""

from __future__ import annotations

import ast
import json
import os
import shutil
from pathlib import Path

import nbformat
import pytest
from forgelab.provenance import ReifyError, reify
from forgelab.provenance.headless import run_notebook
from forgelab.store import Store

from .conftest import EXAMPLE


def _functions(document: dict) -> dict[str, str]:
    """Operation node id → the ``operations.py`` function the pipeline calls there."""
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


def _upstream(edges: set[tuple[str, str, str]], node: str) -> set[str]:
    """``node`` and every node with a path of ``edges`` to it."""
    found, todo = {node}, [node]
    while todo:
        current = todo.pop()
        for a, b, _port in edges:
            if b == current and a not in found:
                found.add(a)
                todo.append(a)
    return found


def _copy_example(folder: Path) -> Path:
    """explore.ipynb at ``scale="tiny"`` beside a copy of operations.py (and the network file
    one folder up, as in the repository); returns the notebook's path."""
    (folder / "redshift").mkdir(parents=True)
    shutil.copy(EXAMPLE / "operations.py", folder / "redshift" / "operations.py")
    shutil.copy(EXAMPLE.parent / "redshift.arch.json", folder / "redshift.arch.json")
    notebook = nbformat.read(EXAMPLE / "explore.ipynb", as_version=4)
    sized = [c for c in notebook.cells if 'configure(scale="small")' in c.source]
    assert len(sized) == 1, "explore.ipynb should size the run in one configure() cell"
    sized[0].source = sized[0].source.replace('"small"', '"tiny"')
    path = folder / "redshift" / "explore.ipynb"
    nbformat.write(notebook, path)
    return path


@pytest.mark.slow
def test_reifying_the_notebooks_model_gives_the_train_pipeline(tmp_path):
    train = json.loads((EXAMPLE / "train.pipeline.json").read_text(encoding="utf-8"))
    code = {n["operation"]["source"]["code"] for n in train["nodes"] if n["kind"] == "operation"}
    assert code == {(EXAMPLE / "operations.py").read_text(encoding="utf-8")}

    notebook = _copy_example(tmp_path / "example")
    env = {
        "REDSHIFT_SKY": str(tmp_path / "sky"),
        "REDSHIFT_SKY_GALAXIES": "120",
        "KERAS_BACKEND": "torch",
        "MPLBACKEND": "Agg",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    url = f"sqlite:///{tmp_path / 'provenance.db'}"
    try:
        with run_notebook(notebook, store_url=url) as (kernel, results):
            session = kernel.flush()["session"]
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    assert [r.error for r in results if r.status != "ok"] == []
    printed = "".join(r.stdout for r in results)
    assert "scale tiny: 64 galaxies, 2 epochs" in printed
    assert "NOT SDSS data" in printed and "REDSHIFT_CASJOBS_URL=http://127.0.0.1:" in printed
    assert "CNN  sigma_NMAD=" in printed and "KNN  sigma_NMAD=" in printed
    assert "t-SNE of" in printed

    store = Store(url)
    try:
        records = store.history_records(session=session)
    finally:
        store.close()
    # CasJobs and the archive are services: without the option the history is refused.
    with pytest.raises(ReifyError, match="gets data from the network"):
        reify.reify(records, "model")
    # The model comes from train_validate; the t-SNE cell, given the model and the cubes, changes
    # neither (their fingerprints hash the weights and the array), so it is not in the model's
    # history and reads the cubes from preprocess, as in the pipeline.
    for target, last in (("model", "train_validate"), ("embedding", "reduce_dimensions")):
        document = reify.reify(records, target, allow_network=True)
        _same_as_the_pipeline(document, train, notebook, last)
        (output,) = (n for n in document["nodes"] if n["kind"] == "output")
        assert output["name"] == target


def _same_as_the_pipeline(document: dict, train: dict, notebook: Path, last: str) -> None:
    """``document`` has the operations of ``train`` up to ``last`` and the same data flow."""
    by_node = _functions(train)
    names = set(by_node.values())
    pipeline_edges = {
        (by_node[c["source"]["node"]], by_node[c["target"]["node"]], c["target"]["port"])
        for c in train["connections"]
        if c["source"]["node"] in by_node and c["target"]["node"] in by_node
    }
    # Every reified operation is one cell that calls one function of operations.py, imported
    # from it: the same file, so the same code, as train.pipeline.json embeds. The cell that
    # serves the sky and sets the environment is not among them: nothing reads its variables.
    code = {n["operation"]["source"]["code"] for n in train["nodes"] if n["kind"] == "operation"}
    assert (notebook.parent / "operations.py").read_text(encoding="utf-8") in code
    calls: dict[str, str] = {}
    for node in document["nodes"]:
        if node["kind"] != "operation":
            continue
        source = node["operation"]["source"]["code"]
        called = _called(source, names)
        assert len(called) == 1, (node["id"], called, source)
        (function,) = called
        assert f"from operations import {function}" in source
        calls[node["id"]] = function
    assert len(set(calls.values())) == len(calls), calls

    kept = _upstream(pipeline_edges, last)
    assert set(calls.values()) == kept
    reified_edges = {
        (calls[c["source"]["node"]], calls[c["target"]["node"]], c["target"]["port"])
        for c in document["connections"]
        if c["source"]["node"] in calls and c["target"]["node"] in calls
    }
    assert reified_edges == {(a, b, p) for a, b, p in pipeline_edges if {a, b} <= kept}
    # The network file is the one input, as the pipeline's reference.
    inputs = [n for n in document["nodes"] if n["kind"] == "input"]
    assert [Path(n["source"]).name for n in inputs] == ["redshift.arch.json"]
    (arch,) = (n for n in train["nodes"] if n.get("references"))
    assert Path(arch["references"]["architecture"]).name == "redshift.arch.json"
    assert {
        calls[c["target"]["node"]]
        for c in document["connections"]
        if c["source"]["node"] == inputs[0]["id"]
    } == {"train_validate"}
