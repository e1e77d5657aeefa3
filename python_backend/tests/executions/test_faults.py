"""Faults a job or a pipeline can bring, with real subprocess jobs on the local adapter: a killed
job wrapper, links changed between runs, inputs that are not files, numbers that are not finite."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
from forgelab.executions import ExecutionError
from forgelab.executions import pipeline as pipelines
from forgelab.executions.pipeline import PipelineError

from .conftest import node, op, pipeline, wait_for
from .test_cli import in_process
from .test_orchestrator import living_members

SPAWNER = '''
def spawn(*, seconds: float = 120.0):
    """Start a child that outlives us unless someone stops the whole group, then wait."""
    import subprocess, sys, time
    child = subprocess.Popen([sys.executable, "-c", f"import time; time.sleep({seconds})"])
    print("child", child.pid, flush=True)
    time.sleep(seconds)
    return 1
'''

READER = """
import json
def count(numbers):
    return sum(json.load(open(numbers)))
"""


async def test_killing_the_job_wrapper_ends_the_whole_process_group(orchestrator) -> None:
    execution = await orchestrator.submit(pipeline([node("spawn", op(SPAWNER, "spawn"))], []))
    store = orchestrator.store

    def child_pid() -> int | None:
        job = store.job_rows(execution["id"])[0]
        for event in store.events(job.id)[0]:
            if str(event["data"]).startswith("child "):
                return int(event["data"].split()[1])
        return None

    await wait_for(lambda: child_pid() is not None)
    wrapper = json.loads(store.job_rows(execution["id"])[0].handle)["pid"]
    child = child_pid()
    assert child in living_members(wrapper)  # the job and its child share the wrapper's group
    os.kill(wrapper, signal.SIGKILL)  # the wrapper alone, as a user's `kill` would
    final = await orchestrator.wait(execution["id"])
    assert final["jobs"][0]["status"] == "failed"
    assert living_members(wrapper) == []


@pytest.fixture
def outside(tmp_path_factory) -> Path:
    """A file outside the Jupyter root."""
    secret = tmp_path_factory.mktemp("outside") / "secret.json"
    secret.write_text("[1000]")
    return secret


async def test_rerun_and_resume_refuse_an_input_linked_outside_the_root_after_a_run(
    orchestrator, workspace, outside
) -> None:
    data = workspace / "numbers.json"
    data.write_text("not json")  # the first run fails, so it can be resumed
    doc = pipeline(
        [
            {"id": "in", "kind": "input", "name": "numbers", "source": "numbers.json"},
            node("count", op(READER, "count")),
        ],
        [("in", "value", "count", "numbers")],
    )
    first = await orchestrator.wait((await orchestrator.submit(doc))["id"])
    assert first["status"] == "failed"
    data.unlink()
    data.symlink_to(outside)
    for again in (
        lambda: orchestrator.rerun(first["id"], "all"),
        lambda: orchestrator.rerun(first["id"], "failed"),
        lambda: orchestrator.resume(first["id"]),
    ):
        with pytest.raises(PipelineError, match="outside") as caught:
            await again()
        assert caught.value.issues[0].path == "/nodes/0/source"
    assert orchestrator.store.execution_ids() == [first["id"]]
    assert orchestrator.get(first["id"])["status"] == "failed"


GATED = """
def gate(*, marker: str = ""):
    import os, time
    while not os.path.exists(marker):
        time.sleep(0.05)
    return 1

def count(numbers, after):
    import json
    return sum(json.load(open(numbers)))
"""


async def test_a_job_rechecks_its_input_when_it_starts(orchestrator, workspace, outside) -> None:
    """A link made between submit and the job's start is refused by the job, never read."""
    (workspace / "numbers.json").write_text("[1]")
    marker = workspace / "go"
    doc = pipeline(
        [
            {"id": "in", "kind": "input", "name": "numbers", "source": "numbers.json"},
            node("gate", op(GATED, "gate"), attributes={"marker": str(marker)}),
            node("count", op(GATED, "count")),
        ],
        [("in", "value", "count", "numbers"), ("gate", "result", "count", "after")],
    )
    execution = await orchestrator.submit(doc)
    (workspace / "numbers.json").unlink()
    (workspace / "numbers.json").symlink_to(outside)
    marker.write_text("")
    final = await orchestrator.wait(execution["id"])
    job = next(j for j in final["jobs"] if j["node"] == "count")
    assert job["status"] == "failed"
    assert "outside" in job["error"]["message"]


@pytest.mark.parametrize("source", ["~/.bashrc", "file:///etc/passwd", "https://example.org/x"])
async def test_an_input_that_is_no_file_path_is_refused_at_submit(orchestrator, source) -> None:
    doc = pipeline(
        [
            {"id": "in", "kind": "input", "name": "numbers", "source": source},
            node("count", op(READER, "count")),
        ],
        [("in", "value", "count", "numbers")],
    )
    with pytest.raises(PipelineError, match="neither a file nor a known artifact"):
        await orchestrator.submit(doc)
    assert orchestrator.store.execution_ids() == []


@pytest.mark.parametrize("timeout", [-1, float("inf"), float("nan"), "10", True])
async def test_a_timeout_that_is_not_a_positive_number_is_refused(
    orchestrator, ops, timeout
) -> None:
    doc = pipeline([node("make", ops["make"])], [])
    with pytest.raises(ExecutionError, match="positive number of seconds"):
        await orchestrator.submit(doc, timeout=timeout)
    assert orchestrator.store.execution_ids() == []


@pytest.mark.parametrize("value", ["1e999", "inf", "nan", float("inf")])
async def test_a_non_finite_attribute_is_refused(orchestrator, ops, value) -> None:
    doc = pipeline([node("total", ops["total"])], [])
    doc["connections"] = []
    doc["nodes"][0]["operation"]["inputs"][0]["optional"] = True
    with pytest.raises(PipelineError, match="finite number"):
        await orchestrator.submit(doc, overrides={"total.scale": value})
    assert orchestrator.store.execution_ids() == []


def test_a_10000_node_chain_is_ordered_and_validated() -> None:
    """Kahn's algorithm once: the order of a long chain, and a cycle still found."""
    size = 10_000
    code = "def step(x=None):\n    return x\n"
    operation = op(code, "step")
    nodes = [node(f"n{i}", operation) for i in reversed(range(size))]
    links = [(f"n{i}", "result", f"n{i + 1}", "x") for i in range(size - 1)]
    doc = pipeline(nodes, links)
    assert pipelines.check(doc) == []
    assert pipelines.topological_order(doc) == [f"n{i}" for i in range(size)]
    doc["connections"].append(
        {
            "source": {"node": f"n{size - 1}", "port": "result"},
            "target": {"node": "n0", "port": "x"},
        }
    )
    with pytest.raises(PipelineError, match="cycle"):
        pipelines.topological_order(doc)


def test_the_cli_refuses_files_it_cannot_use_in_a_line(tmp_path: Path, ops) -> None:
    doc = pipeline(
        [node("make", ops["make"]), node("total", ops["total"])],
        [("make", "numbers", "total", "numbers")],
    )
    (tmp_path / "p.pipeline.json").write_text(json.dumps(doc))
    (tmp_path / "latin1.pipeline.json").write_bytes(
        json.dumps(doc).replace("make", "m\u00e4ke").encode("latin-1")
    )
    (tmp_path / "text.ipynb").write_text("not json")
    (tmp_path / "ok.ipynb").write_text(
        json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    cases = [
        (("run", "latin1.pipeline.json"), "not UTF-8 text"),
        (("run", "p.pipeline.json", "--set", "total.scale=1e999"), "expected a finite number"),
        (("run", "p.pipeline.json", "--timeout", "-1"), "positive number of seconds"),
        (("run", "p.pipeline.json", "--timeout", "inf"), "positive number of seconds"),
        (("reify", "text.ipynb", "--target", "x"), "text.ipynb is not a Jupyter notebook"),
        (("reify", "ok.ipynb", "--target", "x", "-o", "no/x.pipeline.json"), "does not exist"),
        (("reify", "ok.ipynb", "--cell", "1", "-o", "no/x.pipeline.json"), "does not exist"),
    ]
    for args, words in cases:
        code, _, err = in_process(tmp_path, *args)
        assert code != 0 and words in err, (args, err)
        assert "Traceback" not in err and len(err.strip().splitlines()) <= 2, (args, err)
    assert in_process(tmp_path, "executions")[1] == ""  # nothing was started
