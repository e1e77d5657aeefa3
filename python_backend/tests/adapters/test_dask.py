"""The dask compute adapter against a real scheduler and workers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import pytest
from forgelab.adapters.compute.base import AdapterConfigError, JobSpec
from forgelab.adapters.compute.dask import DaskCompute

from .conftest import free_port, pid_alive


def spec(directory: str, job_id: str, **kw) -> JobSpec:
    return JobSpec(
        job_id=job_id,
        execution_id="ex1",
        directory=directory,
        command=[sys.executable, "main.py"],
        **kw,
    )


async def run_one(adapter: DaskCompute, job: JobSpec):
    events: list[dict] = []
    await adapter.submit(job, events.append)
    return await adapter.wait(job.job_id), events


@pytest.fixture
def adapter(dask_address):
    return DaskCompute({"address": dask_address})


def test_job_streams_events_while_running_and_returns_result(adapter, make_job, tmp_path):
    go = tmp_path / "go"
    directory = make_job(f"""
        print("first line", flush=True)
        wait_file({str(go)!r})
        print("to stderr", file=sys.stderr)
        event("progress", {{"id": 0, "n": 1, "total": 2, "desc": "epochs"}})
        result(outputs={{"model": {{"uri": "s3://b/k", "size": 3}}}})
    """)

    async def scenario():
        events: list[dict] = []
        first_seen = asyncio.Event()

        def on_event(event):
            events.append(event)
            if event["kind"] == "stdout":
                first_seen.set()

        await adapter.start()
        await adapter.submit(spec(directory, "stream"), on_event)
        # The job blocks until `go` exists, so this line can only have come while it ran.
        await asyncio.wait_for(first_seen.wait(), 60)
        go.touch()
        outcome = await adapter.wait("stream")
        await adapter.close()
        return outcome, events

    outcome, events = asyncio.run(scenario())
    assert outcome.status == "succeeded", outcome.error
    assert outcome.result["outputs"]["model"]["uri"] == "s3://b/k"
    kinds = [(e["kind"], e["data"]) for e in events if e["kind"] != "status"]
    assert ("stdout", "first line") in kinds and ("stderr", "to stderr") in kinds
    assert ("progress", {"id": 0, "n": 1, "total": 2, "desc": "epochs"}) in kinds
    assert all("time" in e for e in events)
    assert events[0]["kind"] == "status" and events[0]["data"]["status"] == "running"


def test_failing_job_reports_its_error(adapter, make_job):
    directory = make_job("""
        error = {"type": "ValueError", "message": "bad learning rate", "traceback": ""}
        result("failed", error=error)
        sys.exit(1)
    """)

    async def scenario():
        outcome = await run_one(adapter, spec(directory, "fails"))
        await adapter.close()
        return outcome

    outcome, _ = asyncio.run(scenario())
    assert outcome.status == "failed"
    assert outcome.exit_code == 1
    assert outcome.error == "ValueError: bad learning rate"


def test_crash_without_result_names_exit_code_and_stderr(adapter, make_job):
    directory = make_job("""
        print("segfault-ish trouble", file=sys.stderr)
        os._exit(3)
    """)

    async def scenario():
        outcome = await run_one(adapter, spec(directory, "crash"))
        await adapter.close()
        return outcome

    outcome, _ = asyncio.run(scenario())
    assert outcome.status == "failed" and outcome.exit_code == 3
    assert "exited on Dask worker tcp://127.0.0.1" in outcome.error
    assert "with code 3" in outcome.error and "segfault-ish trouble" in outcome.error


def test_cancel_kills_the_subprocess_on_the_worker(adapter, make_job):
    directory = make_job("""
        print("running", flush=True)
        time.sleep(600)
    """)

    async def scenario():
        started = asyncio.Event()
        pids = []

        def on_event(event):
            if event["kind"] == "status":
                pids.append(event["data"]["pid"])
            if event["kind"] == "stdout":
                started.set()

        await adapter.submit(spec(directory, "cancelme"), on_event)
        await asyncio.wait_for(started.wait(), 60)
        assert pid_alive(pids[0])
        await adapter.cancel("cancelme")
        outcome = await asyncio.wait_for(adapter.wait("cancelme"), 30)
        await adapter.close()
        return outcome, pids[0]

    outcome, pid = asyncio.run(scenario())
    assert outcome.status == "cancelled"
    assert not pid_alive(pid)


@pytest.mark.slow
def test_worker_killed_mid_job_fails_clearly_without_rerun(
    adapter, make_job, tmp_path, dask_address
):
    marker = tmp_path / "runs.txt"
    directory = make_job(f"""
        with open({str(marker)!r}, "a") as f:
            f.write("run\\n")
        print("running", flush=True)
        time.sleep(600)
    """)

    async def scenario():
        started = asyncio.Event()
        status = []

        def on_event(event):
            if event["kind"] == "status":
                status.append(event["data"])
            if event["kind"] == "stdout":
                started.set()

        await adapter.submit(spec(directory, "victim"), on_event)
        await asyncio.wait_for(started.wait(), 60)
        os.kill(status[0]["worker_pid"], signal.SIGKILL)
        outcome = await asyncio.wait_for(adapter.wait("victim"), 60)
        await adapter.close()
        return outcome, status[0]

    outcome, started = asyncio.run(scenario())
    assert outcome.status == "failed"
    assert f"The Dask worker {started['worker']} running job victim died" in outcome.error
    assert "does not re-run" in outcome.error
    # The job's process died with its worker instead of running on as an orphan.
    from .conftest import wait_for

    wait_for(lambda: not pid_alive(started["pid"]), 10, "the orphaned job process exiting")
    # The nanny restarts the worker; later tests expect the cluster whole again.
    from distributed import Client

    with Client(dask_address, timeout=30) as client:
        client.wait_for_workers(2, timeout=60)


def test_timeout_stops_the_job(adapter, make_job):
    directory = make_job("time.sleep(600)")

    async def scenario():
        outcome = await run_one(adapter, spec(directory, "slowpoke", timeout=1.0))
        await adapter.close()
        return outcome

    outcome, _ = asyncio.run(scenario())
    assert outcome.status == "failed" and "timed out after 1 s" in outcome.error


def test_test_connection_and_capacity(adapter):
    async def scenario():
        answer = await adapter.test_connection()
        capacity = adapter.capacity
        await adapter.close()
        return answer, capacity

    answer, capacity = asyncio.run(scenario())
    assert answer["ok"] and "2 workers, 2 threads" in answer["message"]
    assert capacity == 2


@pytest.mark.slow
def test_local_cluster_runs_a_job(make_job):
    directory = make_job("""
        print("hello from a LocalCluster worker")
        result()
    """)

    async def scenario():
        adapter = DaskCompute({"local_cluster": {"n_workers": 1, "threads_per_worker": 1}})
        try:
            return await run_one(adapter, spec(directory, "local")), adapter.capacity
        finally:
            await adapter.close()

    (outcome, events), capacity = asyncio.run(scenario())
    assert outcome.status == "succeeded", outcome.error
    assert {"kind": "stdout", "data": "hello from a LocalCluster worker"}.items() <= next(
        e for e in events if e["kind"] == "stdout"
    ).items()
    assert capacity == 1


def test_unreachable_scheduler_is_a_readable_error():
    adapter = DaskCompute({"address": f"tcp://127.0.0.1:{free_port()}", "connect_timeout": 1})
    with pytest.raises(
        ConnectionError, match=r"Could not reach the Dask scheduler at tcp://127\.0\.0\.1:\d+"
    ):
        asyncio.run(adapter.test_connection())


@pytest.mark.parametrize(
    "config, message",
    [
        (
            {"address": "tcp://x:1", "local_cluster": {}},
            "give only one of address, local_cluster, gateway",
        ),
        ({"local_cluster": {"n_workers": 0}}, "local_cluster/n_workers"),
        ({"adress": "tcp://x:1"}, "Additional properties are not allowed"),
    ],
)
def test_bad_configuration_is_rejected(config, message):
    with pytest.raises(AdapterConfigError, match=message):
        DaskCompute(config)


@pytest.mark.slow
def test_job_on_a_worker_stores_its_output_in_s3(adapter, make_job, moto):
    """Outputs travel through a storage adapter: a dask job writes an artifact to S3 (moto)."""
    import json

    directory = make_job("""
        from forgelab.adapters.storage.s3 import S3Storage
        job = json.load(open("job.json"))
        with open("out.bin", "wb") as f:
            f.write(b"weights" * 1000)
        storage = S3Storage(job["storage"]["s3"]["config"])
        stored = storage.put_file("out.bin", "dask-ex/s3job/model")
        result(outputs={"model": {"storage": "s3", "uri": stored.uri, "size": stored.size,
                                  "hash": stored.hash}})
    """)
    with open(os.path.join(directory, "job.json"), "w") as file:
        json.dump(
            {"job": "s3job", "storage": {"s3": {"adapter": "s3", "config": moto.config()}}}, file
        )

    async def scenario():
        outcome = await run_one(adapter, spec(directory, "s3job"))
        await adapter.close()
        return outcome

    outcome, _ = asyncio.run(scenario())
    assert outcome.status == "succeeded", outcome.error
    model = outcome.result["outputs"]["model"]
    import hashlib

    assert model["hash"] == "sha256:" + hashlib.sha256(b"weights" * 1000).hexdigest()
    body = moto.client.get_object(Bucket="artifacts", Key="forgelab/dask-ex/s3job/model")[
        "Body"
    ].read()
    assert body == b"weights" * 1000


@pytest.mark.slow
def test_generated_job_runs_on_dask_with_outputs_in_s3(adapter, tmp_path, moto):
    """A job directory from forgelab.jobs.codegen (real main.py and runtime) on a Dask worker."""
    from forgelab.adapters.storage.s3 import S3Storage
    from forgelab.jobs import codegen, serializers

    operation = {
        "id": "double",
        "name": "Double",
        "source": {
            "function": "double",
            "code": "def double(value):\n    print('doubling', value)\n    return value * 2\n",
        },
        "inputs": [],
        "outputs": [{"name": "result"}],
    }
    storage = S3Storage(moto.config())
    directory = codegen.generate(
        tmp_path / "gen",
        job_id="gen1",
        execution_id="dask-gen",
        operation=operation,
        attributes={"value": 21},
        references={},
        inputs={},
        outputs={"result": {"storage": "s3", "key": "dask-gen/gen1/result"}},
        storage={"s3": storage.job_config()},
    )

    async def scenario():
        outcome = await run_one(adapter, spec(str(directory), "gen1"))
        await adapter.close()
        return outcome

    outcome, events = asyncio.run(scenario())
    assert outcome.status == "succeeded", outcome.error
    assert {"kind": "stdout", "data": "doubling 21"}.items() <= next(
        e for e in events if e["kind"] == "stdout"
    ).items()
    output = outcome.result["outputs"]["result"]
    assert output["uri"] == "s3://artifacts/forgelab/dask-gen/gen1/result"
    local = tmp_path / "result.out"
    storage.get_file(output["uri"], str(local))
    assert serializers.load(str(local), output["serializer"]) == 42
