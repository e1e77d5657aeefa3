"""The ``dask`` adapter through a real dask-gateway server: pipelines, cluster lifetime, errors."""

from __future__ import annotations

import asyncio
import sys

import pytest
from forgelab.adapters.compute.base import AdapterConfigError, JobSpec
from forgelab.adapters.compute.dask import DaskCompute
from forgelab.adapters.compute.gateway import GatewayError
from forgelab.testing.gateway import free_port

from .conftest import PASSWORD, fetch, pipeline, until

pytestmark = pytest.mark.slow  # each test starts a gateway cluster: scheduler and worker processes


async def _events(jp_fetch, execution: dict) -> list[dict]:
    events: list[dict] = []
    for job in execution["jobs"]:
        _, page = await fetch(jp_fetch, "executions", execution["id"], "jobs", job["id"], "events")
        events += page["events"]
    return events


async def test_a_pipeline_runs_on_a_gateway_cluster_of_alice_then_releases_it(
    jp_fetch, jp_ws_fetch, gateway, tmp_path
) -> None:
    marker = tmp_path / "go"
    doc = pipeline("wait_then_total", marker=str(marker))
    code, execution = await fetch(
        jp_fetch, "executions", method="POST", body={"pipeline": doc, "compute": "dask"}
    )
    assert code == 201
    socket = await jp_ws_fetch("forgelab", "api", "events", params={"execution": execution["id"]})

    async def waiting() -> bool:
        _, now = await fetch(jp_fetch, "executions", execution["id"])
        return any(e["data"] == "waiting" for e in await _events(jp_fetch, now))

    # While the second job waits, the gateway shows alice's cluster, with her options; not bob's.
    await until(waiting, "the second job running")
    clusters = gateway.clusters("alice")
    assert [c["status"] for c in clusters] == ["RUNNING"]
    assert clusters[0]["options"] == {"worker_threads": 2}
    assert gateway.clusters("bob") == []
    marker.touch()

    async def ended() -> dict | None:
        _, now = await fetch(jp_fetch, "executions", execution["id"])
        return now if now["status"] not in ("pending", "running") else None

    final = await until(ended, "the execution ending")
    assert final["status"] == "succeeded", final["jobs"]
    events = await _events(jp_fetch, final)
    assert ("stdout", "making 4") in [(e["kind"], e["data"]) for e in events]
    # The adapter's own "running" events name the gateway cluster's worker (TLS, loopback).
    workers = [
        e["data"]["worker"] for e in events if e["kind"] == "status" and "worker" in e["data"]
    ]
    assert len(workers) == 2 and all(w.startswith("tls://127.0.0.1:") for w in workers)
    pushed = []
    while True:
        try:
            pushed.append(await asyncio.wait_for(socket.read_message(), 2))
        except asyncio.TimeoutError:
            break
    socket.close()
    assert any('"making 4"' in message for message in pushed if message)
    _, result = await fetch(jp_fetch, "artifacts", final["jobs"][1]["outputs"]["result"]["id"])
    response = await jp_fetch("forgelab", "api", "artifacts", result["id"], "download")
    assert response.body == b"6"
    # The execution has ended: its cluster is shut down.
    await until(lambda: gateway.clusters("alice") == [], "alice's cluster released")


async def test_cancelling_a_running_job_releases_the_cluster(jp_fetch, gateway) -> None:
    doc = pipeline("wait_then_total", marker="/nonexistent/never")
    _, execution = await fetch(
        jp_fetch, "executions", method="POST", body={"pipeline": doc, "compute": "dask"}
    )

    async def waiting() -> bool:
        _, now = await fetch(jp_fetch, "executions", execution["id"])
        return any(e["data"] == "waiting" for e in await _events(jp_fetch, now))

    await until(waiting, "the second job running")
    assert len(gateway.clusters("alice")) == 1
    code, _ = await fetch(jp_fetch, "executions", execution["id"], "cancel", method="POST")
    assert code == 200

    async def cancelled() -> bool:
        _, now = await fetch(jp_fetch, "executions", execution["id"])
        return now["status"] == "cancelled"

    await until(cancelled, "the execution cancelled")
    await until(lambda: gateway.clusters("alice") == [], "alice's cluster released")


async def test_a_failing_job_releases_the_cluster(jp_fetch, gateway) -> None:
    _, execution = await fetch(
        jp_fetch,
        "executions",
        method="POST",
        body={"pipeline": pipeline("boom"), "compute": "dask"},
    )

    async def ended() -> dict | None:
        _, now = await fetch(jp_fetch, "executions", execution["id"])
        return now if now["status"] not in ("pending", "running") else None

    final = await until(ended, "the execution ending")
    assert final["status"] == "failed"
    assert "boom: the numbers are wrong" in final["jobs"][1]["error"]["message"]
    await until(lambda: gateway.clusters("alice") == [], "alice's cluster released")


@pytest.mark.parametrize("gateway_password", ["not-the-password"])
async def test_a_wrong_password_is_a_clear_error(jp_fetch, gateway) -> None:
    code, answer = await fetch(jp_fetch, "adapters", "compute", "dask", "test", method="POST")
    assert code == 200 and answer["ok"] is False
    assert f"dask-gateway at {gateway.address} refused user 'alice'" in answer["message"]
    assert "auth.password" in answer["message"]
    assert "not-the-password" not in answer["message"]
    response = await jp_fetch("forgelab", "api", "adapters")
    assert b"not-the-password" not in response.body
    # Submitting with it fails the first job with the same reason, and starts nothing.
    _, execution = await fetch(
        jp_fetch,
        "executions",
        method="POST",
        body={"pipeline": pipeline("boom"), "compute": "dask"},
    )

    async def ended() -> dict | None:
        _, now = await fetch(jp_fetch, "executions", execution["id"])
        return now if now["status"] not in ("pending", "running") else None

    final = await until(ended, "the execution ending")
    assert final["status"] == "failed"
    assert "refused user 'alice'" in final["jobs"][0]["error"]["message"]
    assert final["jobs"][1]["status"] == "skipped"
    assert gateway.clusters("alice") == []


async def test_the_hub_user_gets_a_cluster_again_after_it_was_released(
    gateway, monkeypatch, tmp_path
) -> None:
    monkeypatch.setenv("JUPYTERHUB_USER", "carol")  # basic auth's user name defaults to her
    monkeypatch.delenv("JUPYTERHUB_API_TOKEN", raising=False)
    config = {"address": gateway.address, "auth": {"password": PASSWORD}, "release_after": 0.5}
    adapter = DaskCompute({"gateway": config})
    answer = await adapter.test_connection()
    assert answer["ok"] and "1 worker" in answer["message"]
    [first] = gateway.clusters("carol")
    assert first["name"] in answer["message"]
    await until(lambda: gateway.clusters("carol") == [], "the unused cluster released")

    job = tmp_path / "job"
    job.mkdir()
    (job / "main.py").write_text(
        "import json\n"
        "print('on a new cluster', flush=True)\n"
        "json.dump({'status': 'succeeded', 'outputs': {}}, open('result.json', 'w'))\n"
    )
    events: list[dict] = []
    await adapter.submit(JobSpec("j1", "e1", str(job), [sys.executable, "main.py"]), events.append)
    [second] = gateway.clusters("carol")
    outcome = await adapter.wait("j1")
    assert outcome.status == "succeeded", outcome.error
    assert second["name"] != first["name"]
    assert {"kind": "stdout", "data": "on a new cluster"} in [
        {"kind": e["kind"], "data": e["data"]} for e in events
    ]
    await adapter.close()
    assert gateway.clusters("carol") == []


async def test_an_unreachable_gateway_fails_at_once_with_the_address(tmp_path) -> None:
    address = f"http://127.0.0.1:{free_port()}"
    adapter = DaskCompute({"gateway": {"address": address, "auth": {"kind": "basic"}}})
    with pytest.raises(GatewayError) as caught:
        await asyncio.wait_for(adapter.start(), 30)  # the limit guards against a hang
    assert f"Could not reach dask-gateway at {address}" in str(caught.value)
    assert "Check the gateway address" in str(caught.value)
    job = tmp_path / "job"
    job.mkdir()
    with pytest.raises(GatewayError):
        await adapter.submit(JobSpec("j1", "e1", str(job), [sys.executable, "main.py"]), print)


async def test_jupyterhub_auth_needs_a_token_and_sends_it(gateway, monkeypatch) -> None:
    monkeypatch.delenv("JUPYTERHUB_API_TOKEN", raising=False)
    config = {"gateway": {"address": gateway.address, "auth": {"kind": "jupyterhub"}}}
    with pytest.raises(GatewayError, match="JUPYTERHUB_API_TOKEN is not set"):
        await DaskCompute(config).start()
    # With a token (the default kind where one is set) the request carries it; this gateway
    # only takes passwords, so it refuses, and the message points at the hub token.
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "hub-token")
    adapter = DaskCompute({"gateway": {"address": gateway.address}})
    with pytest.raises(GatewayError) as caught:
        await adapter.start()
    assert "refused the jupyterhub credentials (HTTP 401)" in str(caught.value)
    assert "JUPYTERHUB_API_TOKEN" in str(caught.value)


def test_the_old_auth_string_is_refused_with_the_place(gateway) -> None:
    with pytest.raises(AdapterConfigError) as caught:
        DaskCompute({"gateway": {"address": gateway.address, "auth": "jupyterhub"}})
    assert "at gateway/auth" in str(caught.value) and "not of type 'object'" in str(caught.value)
