"""GPU scheduling on the ``local`` adapter, with a configured device count on this CPU machine:
each GPU job gets its own devices in ``CUDA_VISIBLE_DEVICES``, and waits while none is free."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

import pytest
from forgelab.adapters.compute.base import JobSpec
from forgelab.adapters.compute.gpus import GpuPool, detect_gpus
from forgelab.adapters.compute.local import LocalCompute

# Writes the devices the job was given, then holds them until the test lets it go.
HOLD = (
    "import os, pathlib, time\n"
    "pathlib.Path('seen').write_text(os.environ.get('CUDA_VISIBLE_DEVICES', '<unset>'))\n"
    "release = pathlib.Path({release!r})\n"
    "while not release.exists():\n"
    "    time.sleep(0.05)\n"
    "pathlib.Path('result.json').write_text('{{\"status\": \"succeeded\"}}')\n"
)


async def _until(predicate, what: str) -> None:
    deadline = time.monotonic() + 120
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen")
        await asyncio.sleep(0.05)


def _spec(tmp_path: Path, name: str, gpus: int, release: Path) -> JobSpec:
    directory = tmp_path / name
    directory.mkdir()
    command = [sys.executable, "-c", HOLD.format(release=str(release))]
    return JobSpec(name, "execution", str(directory), command, timeout=300, gpus=gpus)


def test_gpu_jobs_get_their_own_devices_and_queue_when_none_is_free(tmp_path: Path) -> None:
    release = tmp_path / "release"

    async def scenario() -> dict[str, str]:
        compute = LocalCompute({"gpus": 2, "capacity": 4})
        try:
            assert await compute.gpus() == {"count": 2, "source": "configuration"}
            specs = [_spec(tmp_path, f"gpu{i}", 1, release) for i in range(3)]
            submits = [asyncio.ensure_future(compute.submit(s, lambda e: None)) for s in specs]
            seen = [Path(s.directory) / "seen" for s in specs]
            await _until(lambda: seen[0].exists() and seen[1].exists(), "two GPU jobs starting")
            # Both devices are taken: the third GPU job waits, a CPU job does not.
            cpu = _spec(tmp_path, "cpu", 0, tmp_path / "nothing-to-wait-for")
            cpu.command = [sys.executable, "-c", HOLD.format(release=str(tmp_path))]
            cpu_outcome = await compute.wait(await compute.submit(cpu, lambda e: None))
            assert cpu_outcome.status == "succeeded"
            assert not submits[2].done() and not seen[2].exists()
            release.touch()
            handles = [await s for s in submits]
            outcomes = [await compute.wait(h) for h in handles]
            assert [o.status for o in outcomes] == ["succeeded"] * 3
        finally:
            release.touch()  # a failed assertion must not leave the jobs waiting forever
            await compute.close()
        return {p.parent.name: p.read_text() for p in [*seen, Path(cpu.directory) / "seen"]}

    seen = asyncio.run(scenario())
    assert sorted([seen["gpu0"], seen["gpu1"]]) == ["0", "1"]
    assert seen["gpu2"] in ("0", "1")
    # A job that asks no GPU is given none by the adapter: it keeps the server's environment.
    assert seen["cpu"] == os.environ.get("CUDA_VISIBLE_DEVICES", "<unset>")


def test_a_job_asking_more_gpus_than_the_compute_has_is_refused(tmp_path: Path) -> None:
    async def scenario() -> None:
        compute = LocalCompute({"gpus": 1})
        with pytest.raises(ValueError, match="asks for 2 GPUs but this compute has 1 GPU"):
            await compute.submit(_spec(tmp_path, "big", 2, tmp_path), lambda e: None)
        assert compute._gpu_devices().free == ["0"]

    asyncio.run(scenario())


def test_the_pool_serves_waiting_jobs_in_order() -> None:
    async def scenario() -> list[list[str]]:
        pool = GpuPool(("0", "1", "2"))
        first = await pool.acquire(2)
        wide = asyncio.ensure_future(pool.acquire(2))
        narrow = asyncio.ensure_future(pool.acquire(1))
        await asyncio.sleep(0)
        # First come, first served: the narrow job does not overtake the wide one.
        assert not wide.done() and not narrow.done() and pool.free == ["2"]
        pool.release(first)
        return [first, await wide, await narrow]

    first, wide, narrow = asyncio.run(scenario())
    assert first == ["0", "1"] and wide == ["0", "1"] and narrow == ["2"]


def test_detection_without_a_driver_finds_none(monkeypatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    assert detect_gpus().to_json() == {"count": 0, "source": "none"}
    assert detect_gpus(3).devices == ("0", "1", "2")


def test_dask_gpu_jobs_run_only_on_workers_that_declare_gpus(dask_address, make_job, tmp_path):
    import subprocess

    from distributed import Client
    from forgelab.adapters.compute.dask import DaskCompute

    from .conftest import BIN, stop

    directory = make_job("""
        print("on the GPU worker", flush=True)
        result()
    """)
    adapter = DaskCompute({"address": dask_address})

    def gpu_spec(name: str, gpus: int) -> JobSpec:
        return JobSpec(name, "ex", directory, [sys.executable, "main.py"], gpus=gpus)

    async def refused() -> dict:
        await adapter.start()
        with pytest.raises(ValueError, match="no Dask worker declares that many"):
            await adapter.submit(gpu_spec("early", 1), lambda e: None)
        found = await adapter.gpus()
        await adapter.close()
        return found

    assert asyncio.run(refused())["count"] == 0
    worker = subprocess.Popen(
        [
            str(BIN / "dask"),
            "worker",
            dask_address,
            "--nthreads",
            "1",
            "--host",
            "127.0.0.1",
            "--no-dashboard",
            "--resources",
            "GPU=1",
            "--name",
            "gpu-worker",
        ],
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "gpu-worker.log", "wb"),
        start_new_session=True,
    )
    try:
        with Client(dask_address, timeout=30) as client:
            client.wait_for_workers(3, timeout=60)
            gpu_address = next(
                address
                for address, info in client.scheduler_info()["workers"].items()
                if info.get("resources", {}).get("GPU")
            )

        async def scenario():
            fresh = DaskCompute({"address": dask_address})
            await fresh.start()
            events: list[dict] = []
            await fresh.submit(gpu_spec("gpu", 1), events.append)
            outcome = await fresh.wait("gpu")
            count = await fresh.gpus()
            await fresh.close()
            return outcome, events, count

        outcome, events, count = asyncio.run(scenario())
        assert outcome.status == "succeeded", outcome.error
        started = next(e for e in events if e["kind"] == "status")
        assert started["data"]["worker"] == gpu_address
        assert count == {"count": 1, "source": "worker resources", "workers": 1}
    finally:
        stop(worker)


def test_status_reports_the_machines_gpus_and_the_architecture_libraries(monkeypatch) -> None:
    from forgelab import environment

    monkeypatch.setenv("PATH", "/nonexistent")
    facts = environment.describe(include_keras=False).to_json()
    assert facts["gpus"] == {"count": 0, "source": "none"}
    assert {(x["name"], x["available"]) for x in facts["libraries"]} >= {
        ("keras", True),
        ("torch", True),
    }


def test_sciserver_reports_gpu_images_and_refuses_gpu_jobs_without_one(sciserver, make_job):
    from forgelab.adapters.compute.sciserver import gpu_image_names
    from forgelab.sciserver import SciServerError

    from .test_sciserver import compute, spec

    adapter = compute(sciserver)
    directory = make_job("result()\n")

    async def scenario() -> dict:
        found = await adapter.gpus()
        with pytest.raises(SciServerError, match="asks for GPUs but the image 'Python"):
            await adapter.submit(spec(directory, "gpu", gpus=1), lambda e: None)
        await adapter.close()
        return found

    assert asyncio.run(scenario()) == {
        "count": 0,
        "source": "compute domain images",
        "names": [],
    }
    domain = {"images": [{"name": "Python"}, {"name": "PyTorch", "description": "CUDA 12, GPU"}]}
    assert gpu_image_names(domain) == ["PyTorch"]
