"""The REST API and the events websocket, through a real Jupyter server with real jobs."""

from __future__ import annotations

import asyncio
import json

import pytest
import tornado
from forgelab import formats

from .conftest import node, pipeline


async def _fetch(jp_fetch, *path, method="GET", body=None, **kwargs):
    if body is not None:
        kwargs["body"] = json.dumps(body)
    elif method == "POST":
        kwargs["body"] = "{}"
    response = await jp_fetch("forgelab", "api", *path, method=method, **kwargs)
    return response.code, (json.loads(response.body) if response.body else None)


async def _until_done(jp_fetch, execution_id: str) -> dict:
    for _ in range(600):
        _, execution = await _fetch(jp_fetch, "executions", execution_id)
        if execution["status"] not in ("pending", "running"):
            return execution
        await asyncio.sleep(0.1)
    raise AssertionError("execution did not end")


async def test_submit_follow_and_inspect_an_execution(
    jp_fetch, jp_ws_fetch, jp_root_dir, ops
) -> None:
    doc = pipeline(
        [node("make", ops["make"]), node("total", ops["total"])],
        [("make", "numbers", "total", "numbers")],
    )
    (jp_root_dir / "sum.pipeline.json").write_text(json.dumps(doc))
    code, execution = await _fetch(
        jp_fetch,
        "executions",
        method="POST",
        body={"path": "sum.pipeline.json", "set": {"make.n": 5}},
    )
    assert code == 201 and formats.issues("execution", execution) == []
    assert execution["pipelinePath"] == "sum.pipeline.json"
    assert execution["pipeline"]["nodes"][0]["attributes"] == {"n": 5}
    socket = await jp_ws_fetch("forgelab", "api", "events", params={"execution": execution["id"]})
    final = await _until_done(jp_fetch, execution["id"])
    assert final["status"] == "succeeded", final["jobs"]
    make, total = final["jobs"]

    # the websocket replayed and pushed events and status changes, each with a cursor
    messages = []
    while True:
        try:
            messages.append(json.loads(await asyncio.wait_for(socket.read_message(), 2)))
        except asyncio.TimeoutError:
            break
    socket.close()
    assert any(m["kind"] == "stdout" and m["data"] == "making 5" for m in messages)
    job_statuses = [
        m["data"]["status"]
        for m in messages
        if m["kind"] == "status" and m.get("job") == total["id"]
    ]
    assert job_statuses[-1] == "succeeded"

    code, listed = await _fetch(jp_fetch, "executions", params={"status": "succeeded"})
    assert [e["id"] for e in listed["executions"]] == [execution["id"]]
    _, events = await _fetch(
        jp_fetch, "executions", execution["id"], "jobs", make["id"], "events", params={"since": 1}
    )
    assert events["events"][0]["seq"] == 1 and events["next"] == events["events"][-1]["seq"] + 1
    _, files = await _fetch(jp_fetch, "executions", execution["id"], "jobs", make["id"], "code")
    assert "runtime.run(make" in files["files"]["main.py"]
    assert json.loads(files["files"]["job.json"])["attributes"] == {"n": 5}

    artifact = total["outputs"]["result"]
    _, got = await _fetch(jp_fetch, "artifacts", artifact["id"])
    assert got["hash"] == artifact["hash"]
    response = await jp_fetch("forgelab", "api", "artifacts", artifact["id"], "download")
    assert json.loads(response.body) == 10
    _, provenance = await _fetch(jp_fetch, "artifacts", artifact["id"], "provenance")
    assert [r["job"]["jobId"] for r in provenance["records"]] == [total["id"], make["id"]]
    _, artifacts = await _fetch(jp_fetch, "artifacts")
    assert len(artifacts["artifacts"]) == 3

    code, rerun = await _fetch(
        jp_fetch, "executions", execution["id"], "rerun", method="POST", body={"from": "failed"}
    )
    assert code == 201 and rerun["parent"] == execution["id"]
    assert (await _until_done(jp_fetch, rerun["id"]))["status"] == "succeeded"
    code, _ = await _fetch(jp_fetch, "executions", rerun["id"], method="DELETE")
    assert code == 204
    with pytest.raises(tornado.httpclient.HTTPClientError) as caught:
        await jp_fetch("forgelab", "api", "executions", rerun["id"])
    assert caught.value.code == 404


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["connections"].append(
                {
                    "source": {"node": "total", "port": "result"},
                    "target": {"node": "make", "port": "numbers"},
                }
            ),
            "cycle",
        ),
        (
            lambda d: d["connections"].clear(),
            "required input 'numbers' of 'Total' is not connected",
        ),
        (
            lambda d: d["nodes"][1]["operation"]["source"].update(function="gone"),
            "unknown operation",
        ),
        (lambda d: d["nodes"][0].update(attributes={"n": "five"}), "n: expected an integer"),
    ],
)
async def test_an_invalid_pipeline_is_refused_with_its_issues(
    jp_fetch, ops, mutate, message
) -> None:
    ops["make"]["inputs"] = [{"name": "numbers", "type": "any", "optional": True}]
    doc = pipeline(
        [node("make", ops["make"]), node("total", ops["total"])],
        [("make", "numbers", "total", "numbers")],
    )
    mutate(doc)
    with pytest.raises(tornado.httpclient.HTTPClientError) as caught:
        await jp_fetch(
            "forgelab", "api", "executions", method="POST", body=json.dumps({"pipeline": doc})
        )
    assert caught.value.code == 400
    body = json.loads(caught.value.response.body)
    assert any(message in issue["message"] for issue in body["issues"]), body
    assert all("path" in issue for issue in body["issues"])


async def test_a_missing_reference_is_refused_naming_the_node_and_a_path_under_the_root(
    jp_fetch, jp_root_dir, ops
) -> None:
    make = node("make", ops["make"], label="Make numbers")
    make["references"] = {"architecture": "../nets/digits.arch.json"}
    (jp_root_dir / "work").mkdir()
    (jp_root_dir / "work" / "p.pipeline.json").write_text(json.dumps(pipeline([make], [])))
    with pytest.raises(tornado.httpclient.HTTPClientError) as caught:
        await jp_fetch(
            "forgelab",
            "api",
            "executions",
            method="POST",
            body=json.dumps({"path": "work/p.pipeline.json"}),
        )
    assert caught.value.code == 400
    body = json.loads(caught.value.response.body)
    assert body["message"] == (
        "Make numbers: reference 'architecture': nets/digits.arch.json does not exist "
        "(upload it or choose another file)"
    )
    assert str(jp_root_dir) not in caught.value.response.body.decode()
    assert [(i["node"], i["path"]) for i in body["issues"]] == [
        ("make", "/nodes/0/references/architecture")
    ]
    _, listed = await _fetch(jp_fetch, "executions")
    assert listed["executions"] == []


async def test_cancel_a_running_job_through_the_api(jp_fetch, ops) -> None:
    doc = pipeline(
        [node("make", ops["make"]), node("sleepy", ops["sleepy"])],
        [("make", "numbers", "sleepy", "numbers")],
    )
    _, execution = await _fetch(jp_fetch, "executions", method="POST", body={"pipeline": doc})
    for _ in range(600):
        _, current = await _fetch(jp_fetch, "executions", execution["id"])
        if current["jobs"][1]["status"] == "running":
            break
        await asyncio.sleep(0.1)
    job_id = current["jobs"][1]["id"]
    code, _ = await _fetch(
        jp_fetch, "executions", execution["id"], "jobs", job_id, "cancel", method="POST"
    )
    assert code == 200
    final = await _until_done(jp_fetch, execution["id"])
    assert final["status"] == "cancelled" and final["jobs"][1]["status"] == "cancelled"


async def test_operations_and_adapters(jp_fetch, jp_root_dir) -> None:
    (jp_root_dir / "mine.py").write_text("def double(x):\n    return 2 * x\n")
    (jp_root_dir / "broken.py").write_text("def broken(:\n")
    _, body = await _fetch(jp_fetch, "operations")
    ids = {o["id"] for o in body["operations"]}
    assert {"forgelab.load_digits", "mine.py:double"} <= ids
    assert body["errors"][0]["path"] == "broken.py"
    with pytest.raises(tornado.httpclient.HTTPClientError) as caught:
        await jp_fetch("forgelab", "api", "operations", params={"path": "broken.py"})
    assert (
        caught.value.code == 400
        and "broken.py, line 1" in json.loads(caught.value.response.body)["message"]
    )

    _, adapters = await _fetch(jp_fetch, "adapters")
    local = next(a for a in adapters["compute"] if a["name"] == "local")
    assert local["available"] and "capacity" in local["configSchema"]["properties"]
    _, answer = await _fetch(jp_fetch, "adapters", "compute", "local", "test", method="POST")
    assert answer["ok"] is True
    _, answer = await _fetch(jp_fetch, "adapters", "storage", "local", "test", method="POST")
    assert answer["ok"] is True


@pytest.fixture
def jp_server_config(jp_server_config):
    """A secret in an adapter's configuration, to check that it never reaches the browser."""
    return {
        **jp_server_config,
        "ForgeLabConfig": {
            "storage_adapters": {"s3": {"bucket": "b", "secret": "hunter2"}},
            "compute_adapters": {"local": {"gpus": 2}},
        },
    }


async def test_secrets_are_masked_and_requests_without_token_refused(jp_fetch, jp_ws_fetch) -> None:
    response = await jp_fetch("forgelab", "api", "adapters")
    assert b"hunter2" not in response.body
    local = next(a for a in json.loads(response.body)["compute"] if a["name"] == "local")
    assert local["gpus"] == {"count": 2, "source": "configuration"}
    for path in (("executions",), ("artifacts",), ("operations",), ("adapters",)):
        with pytest.raises(tornado.httpclient.HTTPClientError) as caught:
            await jp_fetch("forgelab", "api", *path, headers={"Authorization": ""})
        assert caught.value.code == 403
    with pytest.raises(tornado.httpclient.HTTPClientError) as caught:
        await jp_ws_fetch(
            "forgelab", "api", "events", params={"execution": "e-x"}, headers={"Authorization": ""}
        )
    assert caught.value.code == 403
