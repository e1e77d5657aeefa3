"""No storage credential reaches a job's files, a Dask task or a process argument.

A pipeline runs on each compute adapter (local, a real Dask cluster, SciServer's contract server)
with its artifacts in a store whose credentials are distinctive: afterwards every byte under the
job folders, every task payload the Dask scheduler received (pickled again as it kept them) and
every ``ps -eo args`` line sampled while the job ran are searched for them.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from forgelab.executions import Orchestrator
from forgelab.store import Store, default_url

from .conftest import S3_KEY, S3_SECRET, inline, pipeline

WORK = (
    "def numbers(*, n: int = 3):\n    import time\n    time.sleep(1.5)\n    return list(range(n))\n"
)
DOC = pipeline([{"id": "numbers", "kind": "operation", "operation": inline(WORK, "numbers")}])


class ProcessArguments:
    """Samples ``ps -eo args`` in a thread until stopped."""

    def __init__(self) -> None:
        self.lines: set[str] = set()
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            listing = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True)
            self.lines.update(listing.stdout.splitlines())
            self.samples += 1
            self._stop.wait(0.05)

    def __enter__(self) -> ProcessArguments:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def files_holding(folder: Path, secrets: tuple[str, ...]) -> list[str]:
    """Every file under ``folder`` whose bytes contain one of ``secrets``."""
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path} holds {s}" for s in secrets if s.encode() in data]
    return found


def task_recorder() -> Any:
    """A scheduler plugin keeping every task's payload, pickled as the scheduler holds it."""
    from distributed.diagnostics.plugin import SchedulerPlugin

    class TaskRecorder(SchedulerPlugin):
        name = "forgelab-test-task-recorder"

        def __init__(self) -> None:
            self.payloads: list[bytes] = []

        def update_graph(
            self, scheduler: Any, *, keys: Any, tasks: Any = (), **kwargs: Any
        ) -> None:
            from distributed.protocol.pickle import dumps

            for key in set(keys) | set(tasks or ()):
                state = scheduler.tasks.get(key)
                if state is not None:
                    self.payloads.append(dumps(state.run_spec))

    return TaskRecorder()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store(default_url(tmp_path))
    yield store
    store.close()


async def run_and_watch(orchestrator: Orchestrator, **submit: Any) -> tuple[dict, ProcessArguments]:
    with ProcessArguments() as arguments:
        execution = await orchestrator.submit(DOC, **submit)
        execution = await orchestrator.wait(execution["id"])
    assert arguments.samples > 1
    return execution, arguments


@pytest.mark.slow
@pytest.mark.parametrize("compute", ["local", "dask"])
def test_s3_credentials_stay_out_of_job_files_tasks_and_arguments(
    compute: str, moto, store: Store, tmp_path: Path
) -> None:
    orchestrator = Orchestrator(
        store,
        root=tmp_path,
        compute_configs={"local": {}, "dask": {"local_cluster": {"n_workers": 1}}},
        storage_configs={"s3": moto.config()},
    )
    recorder = task_recorder()

    async def scenario() -> tuple[dict, ProcessArguments]:
        try:
            if compute == "dask":
                adapter = await orchestrator.compute("dask")
                await adapter.start()
                adapter._cluster.scheduler.add_plugin(recorder)
            return await run_and_watch(orchestrator, compute=compute, storage="s3")
        finally:
            await orchestrator.close()

    execution, arguments = asyncio.run(scenario())
    assert execution["status"] == "succeeded", execution
    uri = execution["jobs"][0]["outputs"]["result"]["uri"]
    assert uri.startswith("s3://artifacts/forgelab/")  # the job reached S3 with the credentials
    secrets = (S3_KEY, S3_SECRET)
    found = files_holding(orchestrator.jobs_dir, secrets)
    found += [f"ps shows {s}" for line in arguments.lines for s in secrets if s in line]
    if compute == "dask":
        assert recorder.payloads, "the scheduler received no task"
        found += [
            f"a task payload holds {s}"
            for payload in recorder.payloads
            for s in secrets
            if s.encode() in payload
        ]
    assert found == []


@pytest.mark.slow
def test_sciserver_job_reads_its_containers_token_not_the_servers(tmp_path: Path, store) -> None:
    from forgelab.testing.sciserver_contract import SciServerContractServer

    server = SciServerContractServer(tmp_path / "sciserver").start()
    try:
        token = server.issue_token("alice")
        settings = {**server.urls, "token": token}
        orchestrator = Orchestrator(
            store,
            root=tmp_path / "root",
            compute_configs={
                "sciserver": {**settings, "python": sys.executable, "poll_interval": 0.1}
            },
            storage_configs={"sciserver": settings},
        )

        async def scenario() -> tuple[dict, ProcessArguments]:
            try:
                return await run_and_watch(orchestrator, compute="sciserver", storage="sciserver")
            finally:
                await orchestrator.close()

        execution, arguments = asyncio.run(scenario())
    finally:
        server.stop()
    assert execution["status"] == "succeeded", execution
    found = files_holding(orchestrator.jobs_dir, (token,))
    found += files_holding(server.files_root, (token,))  # the job folders uploaded to the volume
    found += [f"ps shows the token: {line}" for line in arguments.lines if token in line]
    assert found == []
