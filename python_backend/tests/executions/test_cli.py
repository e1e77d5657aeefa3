"""``forgelab run``, ``forgelab executions`` and ``forgelab artifacts`` as a user runs them."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from forgelab.cli import main

from .conftest import node, pipeline

REPO = Path(__file__).resolve().parents[3]


def forgelab(
    cwd: Path, *args: str, timeout: float = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    # Jobs pick their own Matplotlib backend (the one that sends live figures) on every adapter:
    # a user's MPLBACKEND (Agg on many servers) must not keep figures from streaming.
    env = {**os.environ, "MPLBACKEND": "Agg", "KERAS_BACKEND": "torch", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "forgelab.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.slow
def test_run_reports_failure_by_exit_status_and_lists_what_it_kept(tmp_path: Path, ops) -> None:
    doc = pipeline(
        [node("make", ops["make"]), node("boom", ops["boom"])],
        [("make", "numbers", "boom", "numbers")],
    )
    (tmp_path / "p.pipeline.json").write_text(json.dumps(doc))
    done = forgelab(tmp_path, "run", "p.pipeline.json", "--set", "make.n=2", "--json")
    assert done.returncode == 1, done.stderr
    execution = json.loads(done.stdout)
    assert [j["status"] for j in execution["jobs"]] == ["succeeded", "failed"]
    assert "[Boom] failed: ValueError: boom: the numbers are wrong" in done.stderr
    assert "Make | making 2" in done.stderr
    assert in_process(tmp_path, "executions", "--json")[0] == 0
    listed = json.loads(in_process(tmp_path, "executions", "--json")[1])
    assert [e["id"] for e in listed["executions"]] == [execution["id"]]
    code, out, _ = in_process(tmp_path, "artifacts")
    assert code == 0 and out.count("file://") == 2


def in_process(cwd: Path, *args: str) -> tuple[int, str, str]:
    """The CLI's own entry point in this process (its start-up is slow: jsonschema's import)."""
    out, err = io.StringIO(), io.StringIO()
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        os.chdir(previous)
    return code, out.getvalue(), err.getvalue()


def test_run_refuses_bad_overrides_and_invalid_pipelines(tmp_path: Path, ops) -> None:
    doc = pipeline(
        [node("make", ops["make"]), node("total", ops["total"])],
        [("make", "numbers", "total", "numbers")],
    )
    (tmp_path / "p.pipeline.json").write_text(json.dumps(doc))
    code, _, err = in_process(tmp_path, "run", "p.pipeline.json", "--set", "make.n=lots")
    assert code == 2
    assert "/nodes/0/attributes/n (node make): n: expected int, got 'lots'" in err
    code, _, err = in_process(tmp_path, "run", "p.pipeline.json", "--set", "make")
    assert code == 2 and "--set 'make': expected NODE.ATTR=VALUE" in err
    doc["connections"] = []
    (tmp_path / "p.pipeline.json").write_text(json.dumps(doc))
    code, _, err = in_process(tmp_path, "run", "p.pipeline.json")
    assert code == 2 and "required input 'numbers' of 'Total' is not connected" in err
    code, _, err = in_process(tmp_path, "run", "missing.pipeline.json")
    assert code == 2 and "no such pipeline file" in err
    assert in_process(tmp_path, "executions")[1] == ""  # nothing was started


def test_run_refuses_a_missing_reference_or_input_naming_the_node(tmp_path: Path) -> None:
    (tmp_path / "work").mkdir()
    shutil.copy(REPO / "examples" / "digits.pipeline.json", tmp_path / "work")
    code, _, err = in_process(tmp_path, "run", "work/digits.pipeline.json")
    assert code == 2
    assert err == (
        "forgelab: Train keras: reference 'architecture': work/digits.arch.json does not exist "
        "(upload it or choose another file)\n"
    )
    doc = json.loads((REPO / "examples" / "digits.pipeline.json").read_text())
    doc["nodes"].append({"id": "data", "kind": "input", "name": "digits", "source": "d.csv"})
    (tmp_path / "work" / "digits.arch.json").write_text("{}")
    (tmp_path / "work" / "digits.pipeline.json").write_text(json.dumps(doc))
    code, _, err = in_process(tmp_path / "work", "run", "digits.pipeline.json")
    assert code == 2 and err == (
        "forgelab: digits: source: d.csv is neither a file nor a known artifact "
        "(upload it or choose another file)\n"
    )
    assert in_process(tmp_path, "executions")[1] == ""  # nothing was started


@pytest.mark.slow
@pytest.mark.parametrize("adapter", ["local", "dask"])
def test_the_digits_example_trains_scores_and_plots(tmp_path: Path, adapter: str) -> None:
    # On dask, the adapter's default starts a LocalCluster on 127.0.0.1 for the run.
    for name in ("digits.pipeline.json", "digits.arch.json"):
        shutil.copy(REPO / "examples" / name, tmp_path / name)
    done = forgelab(
        tmp_path,
        "run",
        "digits.pipeline.json",
        "--adapter",
        adapter,
        "--set",
        "train.epochs=4",
        "--json",
        timeout=600,
        # Every draw is sent: epochs of this small model can be closer than the coalescing
        # interval on an idle machine.
        env={"FORGELAB_FIGURE_INTERVAL": "0"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    execution = json.loads(done.stdout)
    assert execution["status"] == "succeeded"
    outputs = {a["name"]: a for j in execution["jobs"] for a in (j.get("outputs") or {}).values()}
    assert outputs["model"]["serializer"] == "keras" and outputs["model"]["uri"].startswith(
        "file://"
    )
    assert outputs["accuracy"]["hash"].startswith("sha256:")
    with open(outputs["accuracy"]["uri"][len("file://") :]) as handle:
        assert json.load(handle)["accuracy"] > 0.5
    with open(outputs["loss_plot"]["uri"][len("file://") :], "rb") as handle:
        assert handle.read(4) == b"\x89PNG"
    assert done.stderr.count("[Train keras] figure") == 0
    assert done.stderr.count("Train keras | figure 1") >= 4  # the loss curve arrived once per epoch
    assert done.stderr.count("[Score] running") == 1  # a state is printed once, whoever reports it
