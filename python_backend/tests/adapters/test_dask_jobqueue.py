"""The ``dask`` adapter's address mode against a dask-jobqueue cluster: dask-jobqueue's own
``LocalCluster`` submits its worker "jobs" as local processes through the same machinery as its
Slurm and PBS clusters (job script, scheduler, scale). A pipeline with S3 artifacts runs on it, the
credentials reaching the worker through the adapter's plugin, which leaves with the adapter."""

from __future__ import annotations

import asyncio
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from forgelab.executions import Orchestrator
from forgelab.jobs import serializers
from forgelab.store import Store, default_url

pytest.importorskip("dask_jobqueue")

WORK = "def where():\n    import socket\n    return socket.gethostname()\n"
DOC = {
    "format": "forgelab.pipeline",
    "version": 1,
    "nodes": [
        {
            "id": "where",
            "kind": "operation",
            "operation": {
                "id": "inline:where",
                "name": "where",
                "inputs": [],
                "outputs": [{"name": "result", "type": "any"}],
                "attributes": [],
                "source": {"language": "python", "function": "where", "code": WORK},
            },
        }
    ],
    "connections": [],
}


@pytest.fixture(scope="module")
def jobqueue(tmp_path_factory) -> Iterator[Any]:
    """A dask-jobqueue cluster with one worker job (a local process, as a Slurm job would be)."""
    from dask_jobqueue.local import LocalCluster

    logs = tmp_path_factory.mktemp("jobqueue-logs")
    cluster = LocalCluster(
        cores=1,
        processes=1,
        memory="1GiB",
        walltime="00:10:00",
        python=sys.executable,
        log_directory=str(logs),
        scheduler_options={"host": "127.0.0.1", "dashboard_address": "127.0.0.1:0"},
        worker_extra_args=["--host", "127.0.0.1"],
    )
    try:
        cluster.scale(jobs=1)
        from distributed import Client

        with Client(cluster) as client:
            client.wait_for_workers(1, timeout=120)
        yield cluster
    finally:
        cluster.close()


@pytest.mark.slow
def test_a_pipeline_runs_on_a_jobqueue_cluster_through_the_address_mode(
    jobqueue, moto, tmp_path: Path
) -> None:
    assert "distributed.cli.dask_worker" in jobqueue.job_script()
    store = Store(default_url(tmp_path))
    orchestrator = Orchestrator(
        store,
        root=tmp_path,
        compute_configs={"dask": {"address": jobqueue.scheduler_address}},
        storage_configs={"s3": moto.config()},
    )
    events: list[dict[str, Any]] = []

    async def scenario() -> tuple[dict[str, Any], list[str]]:
        try:
            execution = await orchestrator.submit(DOC, compute="dask", storage="s3")
            orchestrator.subscribe(execution["id"], events.append)
            execution = await orchestrator.wait(execution["id"])
        finally:
            await orchestrator.close()
        from distributed import Client

        async with Client(jobqueue.scheduler_address, asynchronous=True) as client:
            plugins = await client.run_on_scheduler(_worker_plugins)
        return execution, plugins

    try:
        execution, plugins = asyncio.run(scenario())
    finally:
        store.close()
    assert execution["status"] == "succeeded", execution["jobs"][0].get("error")
    artifact = execution["jobs"][0]["outputs"]["result"]
    key = artifact["uri"].removeprefix("s3://artifacts/")
    local = tmp_path / "result"
    local.write_bytes(moto.client.get_object(Bucket="artifacts", Key=key)["Body"].read())
    assert serializers.load(str(local), artifact["serializer"]) == socket.gethostname()
    workers = {w for w in jobqueue.scheduler_info["workers"]}
    ran_on = [
        e["data"].get("worker")
        for e in events
        if e.get("kind") == "status" and isinstance(e.get("data"), dict) and e["data"].get("worker")
    ]
    assert ran_on and set(ran_on) <= workers, (ran_on, workers)
    assert not [p for p in plugins if p.startswith("forgelab-secrets-")]  # none left behind


def _worker_plugins(dask_scheduler: Any = None) -> list[str]:
    return list(dask_scheduler.worker_plugins)
