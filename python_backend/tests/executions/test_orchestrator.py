"""The orchestrator with real subprocess jobs on the local adapter and a real SQLite store."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from forgelab import formats
from forgelab.executions import ExecutionError
from forgelab.executions.pipeline import PipelineError
from forgelab.store import Store

from .conftest import node, pipeline, wait_for


def living_members(pgid: int) -> list[int]:
    """Processes of a process group that are still alive (zombies waiting for a reaper are not)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            found.append(int(stat.parent.name))
    return found


def chain(ops, second: str, **attrs):
    """make -> <second>."""
    return pipeline(
        [
            node("make", ops["make"], attributes={"n": 4}),
            node("second", ops[second], attributes=attrs),
        ],
        [("make", "numbers", "second", "numbers")],
    )


async def test_a_pipeline_runs_in_order_and_records_artifacts_and_provenance(
    orchestrator, ops
) -> None:
    doc = pipeline(
        [
            node("make", ops["make"], attributes={"n": 4}),
            node("total", ops["total"], attributes={"scale": 2.0}),
            {"id": "out", "kind": "output", "name": "sum"},
        ],
        [("make", "numbers", "total", "numbers"), ("total", "result", "out", "value")],
    )
    execution = await orchestrator.submit(doc)
    assert formats.issues("execution", execution) == []
    final = await orchestrator.wait(execution["id"])
    assert formats.issues("execution", final) == []
    assert final["status"] == "succeeded", final
    make, total = final["jobs"]
    assert [make["status"], total["status"]] == ["succeeded", "succeeded"]
    assert make["endedAt"] <= total["startedAt"]
    artifact = total["outputs"]["result"]
    assert artifact["name"] == "sum" and artifact["serializer"] == "json"
    storage = orchestrator.storage("local")
    with storage.open(artifact["uri"]) as handle:
        assert json.load(handle) == 12.0
    # provenance walks back from the sum to the job that made the numbers
    chain_records = orchestrator.store.provenance_chain(artifact["id"])
    assert [r["job"]["jobId"] for r in chain_records] == [total["id"], make["id"]]
    assert chain_records[0]["job"]["attributes"] == {"scale": 2.0}
    assert chain_records[0]["job"]["inputs"] == {
        "numbers": make["outputs"]["numbers"]["provenance"]
    }
    for record in chain_records:
        assert formats.issues("provenance", record) == []
    # stdout of the job was captured as events, numbered from 0
    events, nxt = orchestrator.store.events(make["id"])
    assert [e["seq"] for e in events] == list(range(len(events))) and nxt == len(events)
    assert {"kind": "stdout", "data": "making 4"}.items() <= next(
        e for e in events if e["kind"] == "stdout"
    ).items()


async def test_submit_queues_the_ready_jobs_with_their_first_event_before_it_returns(
    orchestrator, ops
) -> None:
    heard: list[dict] = []
    orchestrator.subscribe(None, heard.append)
    execution = await orchestrator.submit(chain(ops, "total", scale=1.0))
    make, second = execution["jobs"]
    # Nothing else has run yet (no await gave the driver a turn), and the user already sees it.
    assert [make["status"], second["status"]] == ["queued", "pending"]
    assert [e["data"] for e in orchestrator.store.events(make["id"])[0]] == [{"status": "queued"}]
    assert [m["job"] for m in heard if m.get("job")] == [make["id"]]
    final = await orchestrator.wait(execution["id"])
    assert final["status"] == "succeeded", final
    # Queued once, by submit, and run on its first attempt.
    events, _ = orchestrator.store.events(make["id"])
    statuses = [e["data"]["status"] for e in events if e["kind"] == "status"]
    assert statuses == ["queued", "running", "succeeded"]
    assert final["jobs"][0]["attempt"] == 1


async def test_a_job_that_raises_fails_with_its_error_and_downstream_is_skipped(
    orchestrator, ops
) -> None:
    doc = chain(ops, "boom")
    doc["nodes"].append(node("after", ops["total"]))
    doc["connections"].append(
        {
            "source": {"node": "second", "port": "result"},
            "target": {"node": "after", "port": "numbers"},
        }
    )
    final = await orchestrator.wait((await orchestrator.submit(doc))["id"])
    assert final["status"] == "failed"
    statuses = {j["node"]: j["status"] for j in final["jobs"]}
    assert statuses == {"make": "succeeded", "second": "failed", "after": "skipped"}
    failed = next(j for j in final["jobs"] if j["node"] == "second")
    assert failed["error"]["type"] == "ValueError"
    assert "boom: the numbers are wrong" in failed["error"]["message"]
    assert "Traceback" in failed["error"]["traceback"]
    skipped = next(j for j in final["jobs"] if j["node"] == "after")
    assert skipped["error"]["message"] == "upstream job Boom did not succeed"
    events, _ = orchestrator.store.events(skipped["id"])
    said = [e["data"] for e in events if e["kind"] == "status"]
    assert said == [{"status": "skipped", "error": "upstream job Boom did not succeed"}]
    assert "second" in final["error"] or "Boom" in final["error"]


async def test_a_job_killed_by_sigkill_fails_saying_so(orchestrator, ops) -> None:
    final = await orchestrator.wait((await orchestrator.submit(chain(ops, "kill_myself")))["id"])
    job = final["jobs"][1]
    assert job["status"] == "failed"
    assert "SIGKILL" in job["error"]["message"]
    events, _ = orchestrator.store.events(job["id"])
    assert any(e["data"] == "about to die" for e in events)


async def test_an_unpicklable_output_fails_naming_the_port_and_type(orchestrator, ops) -> None:
    final = await orchestrator.wait((await orchestrator.submit(chain(ops, "unpicklable")))["id"])
    job = final["jobs"][1]
    assert job["status"] == "failed"
    assert job["error"]["type"] == "SerializationError"
    assert "Output 'result'" in job["error"]["message"]
    assert "_thread.lock" in job["error"]["message"]


async def test_cancel_really_stops_the_process(orchestrator, ops) -> None:
    execution = await orchestrator.submit(chain(ops, "sleepy"))
    store = orchestrator.store

    def sleeping() -> bool:
        job = store.job_rows(execution["id"])[1]
        return job.status == "running" and any(
            e["data"] == "sleeping" for e in store.events(job.id)[0]
        )

    await wait_for(sleeping)
    pid = json.loads(store.job_rows(execution["id"])[1].handle)["pid"]
    await orchestrator.cancel(execution["id"])
    final = await orchestrator.wait(execution["id"])
    assert final["status"] == "cancelled"
    assert final["jobs"][1]["status"] == "cancelled"
    assert living_members(pid) == []


async def test_a_job_over_its_timeout_is_stopped_and_fails(orchestrator, ops) -> None:
    execution = await orchestrator.submit(chain(ops, "sleepy"), timeout=3)
    final = await orchestrator.wait(execution["id"])
    assert final["jobs"][1]["status"] == "failed"
    assert "timed out after 3 s" in final["jobs"][1]["error"]["message"]


async def test_rerun_from_failed_reuses_succeeded_artifacts(orchestrator, ops, workspace) -> None:
    marker = workspace / "marker"
    first = await orchestrator.wait(
        (await orchestrator.submit(chain(ops, "flaky", marker=str(marker))))["id"]
    )
    assert [j["status"] for j in first["jobs"]] == ["succeeded", "failed"]
    with pytest.raises(ExecutionError, match="expected 'failed' or 'all'"):
        await orchestrator.rerun(first["id"], "everything")
    marker.write_text("now it exists")
    second = await orchestrator.wait((await orchestrator.rerun(first["id"], "failed"))["id"])
    assert second["parent"] == first["id"] and second["status"] == "succeeded"
    assert (
        second["jobs"][0]["outputs"]["numbers"]["id"]
        == first["jobs"][0]["outputs"]["numbers"]["id"]
    )
    events, _ = orchestrator.store.events(second["jobs"][0]["id"])
    assert events == []  # the reused job did not run again
    third = await orchestrator.wait((await orchestrator.rerun(first["id"], "all"))["id"])
    assert (
        third["jobs"][0]["outputs"]["numbers"]["id"] != first["jobs"][0]["outputs"]["numbers"]["id"]
    )
    assert (
        third["jobs"][0]["outputs"]["numbers"]["hash"]
        == first["jobs"][0]["outputs"]["numbers"]["hash"]
    )


async def test_invalid_pipelines_are_refused_before_anything_runs(orchestrator, ops) -> None:
    doc = chain(ops, "total", scale="big")
    with pytest.raises(PipelineError) as caught:
        await orchestrator.submit(doc)
    assert caught.value.issues[0].path == "/nodes/1/attributes/scale"
    assert orchestrator.store.execution_ids() == []
    with pytest.raises(ExecutionError, match="compute adapter 'nowhere'"):
        await orchestrator.submit(chain(ops, "total"), compute="nowhere")


async def test_an_input_file_feeds_a_job_and_is_recorded_as_an_upload(
    orchestrator, ops, workspace
) -> None:
    (workspace / "numbers.json").write_text("[1, 2, 3]")
    reader = {**ops["total"], "id": "count", "attributes": []}
    reader["source"] = {
        "language": "python",
        "function": "count",
        "code": "import json\ndef count(numbers):\n    return sum(json.load(open(numbers)))\n",
    }
    doc = pipeline(
        [
            {"id": "in", "kind": "input", "name": "numbers", "source": "numbers.json"},
            node("count", reader),
        ],
        [("in", "value", "count", "numbers")],
    )
    final = await orchestrator.wait((await orchestrator.submit(doc))["id"])
    assert final["status"] == "succeeded", final
    records = orchestrator.store.provenance_chain(final["jobs"][0]["outputs"]["result"]["id"])
    assert [r["kind"] for r in records] == ["job", "upload"]
    assert records[1]["filesRead"][0]["path"].endswith("numbers.json")


def _cli(workspace: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "KERAS_BACKEND": "torch"}
    return subprocess.Popen(
        [sys.executable, "-m", "forgelab.cli", *args],
        cwd=workspace,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


@pytest.mark.slow
@pytest.mark.parametrize("resume", [True, False])
async def test_a_server_killed_mid_run_loses_nothing(ops, workspace, resume) -> None:
    """Kill the process that runs the orchestrator, start a new one on the same store."""
    from forgelab.executions import Orchestrator
    from forgelab.store import default_url

    marker = workspace / "release"
    waiter = {**ops["sleepy"]}
    waiter["source"] = {
        "language": "python",
        "function": "sleepy",
        "code": (
            "import os, time\n"
            "def sleepy(numbers, *, seconds: float = 60.0):\n"
            "    print('waiting for the marker', flush=True)\n"
            f"    while not os.path.exists({str(marker)!r}):\n"
            "        time.sleep(0.05)\n"
            "    print('released', flush=True)\n"
            "    return numbers\n"
        ),
    }
    doc = pipeline(
        [node("make", ops["make"]), node("wait", waiter), node("total", ops["total"])],
        [("make", "numbers", "wait", "numbers"), ("wait", "result", "total", "numbers")],
    )
    (workspace / "p.pipeline.json").write_text(json.dumps(doc))
    server = _cli(workspace, "run", "p.pipeline.json")
    store = Store(default_url(workspace))
    try:

        def waiting() -> bool:
            ids = store.execution_ids()
            if not ids:
                return False
            job = store.job_rows(ids[0])[1]
            return any(e["data"] == "waiting for the marker" for e in store.events(job.id)[0])

        await wait_for(waiting, timeout=90)
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        execution_id = store.execution_ids()[0]
        before = store.get_execution(execution_id)
        assert before["status"] == "running" and before["jobs"][1]["status"] == "running"
        seen_before, _ = store.events(before["jobs"][1]["id"])
        marker.write_text("go")  # the orphaned job goes on while no server follows it

        orchestrator = Orchestrator(store, root=workspace)
        await orchestrator.recover(resume=resume)
        final = await orchestrator.wait(execution_id)
        if resume:
            assert final["status"] == "succeeded", final
            assert [j["status"] for j in final["jobs"]] == ["succeeded"] * 3
            events, _ = store.events(final["jobs"][1]["id"])
            lines = [e["data"] for e in events if e["kind"] == "stdout"]
            assert lines == ["waiting for the marker", "released"]  # none lost, none twice
            assert events[: len(seen_before)] == seen_before
        else:
            assert final["status"] == "interrupted"
            assert final["jobs"][1]["status"] == "cancelled"
            assert "resume" in final["jobs"][1]["error"]["message"]
            await orchestrator.resume(execution_id)
            final = await orchestrator.wait(execution_id)
            assert final["status"] == "succeeded"
            assert final["jobs"][1]["attempt"] == 2
        await orchestrator.close()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        marker.write_text("go")
        store.close()


MEET = '''
import os, time

def meet(*, me: str = "a", other: str = "b", folder: str = "."):
    """Wait until the other job has started too: only possible when both run at once."""
    open(os.path.join(folder, me), "w").close()
    for _ in range(600):
        if os.path.exists(os.path.join(folder, other)):
            return me
        time.sleep(0.05)
    raise TimeoutError(f"{other} never started while {me} ran")
'''


async def test_independent_jobs_run_at_the_same_time_up_to_capacity(
    store, workspace, jp_asyncio_loop
) -> None:
    from forgelab.executions import Orchestrator

    from .conftest import op

    meet = op(MEET, "meet")
    doc = pipeline(
        [
            node("a", meet, attributes={"me": "a", "other": "b", "folder": str(workspace)}),
            node("b", meet, attributes={"me": "b", "other": "a", "folder": str(workspace)}),
        ],
        [],
    )
    two = Orchestrator(store, root=workspace, compute_configs={"local": {"capacity": 2}})
    final = await two.wait((await two.submit(doc))["id"])
    assert [j["status"] for j in final["jobs"]] == ["succeeded", "succeeded"]
    await two.close()

    one = Orchestrator(store, root=workspace, compute_configs={"local": {"capacity": 1}})
    plain = op("def job(*, n: int = 0):\n    return n\n", "job")
    doc = pipeline([node(f"n{i}", plain, attributes={"n": i}) for i in range(3)], [])
    final = await one.wait((await one.submit(doc))["id"])
    await one.close()
    spans = sorted((j["startedAt"], j["endedAt"]) for j in final["jobs"])
    assert all(spans[i][1] <= spans[i + 1][0] for i in range(len(spans) - 1))  # never two at once
