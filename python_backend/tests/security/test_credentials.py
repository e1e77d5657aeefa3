"""No storage credential, nor the server's token, reaches a client of the server: a pipeline
runs against a real S3 endpoint (moto) configured with recognisable secrets, then every answer
a browser could get about it (execution, events, job code, artifacts, provenance, adapters, the
connection test, the event stream, the job files through Jupyter's own file APIs) is searched
for them."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
import tornado

from .conftest import S3_KEY, S3_SECRET, call, finished, inline, pipeline

SECRETS = (S3_KEY, S3_SECRET)

PRODUCE = "def numbers(*, n: int = 3):\n    print('made', n)\n    return list(range(n))\n"


@pytest.fixture
def jp_server_config(moto):  # noqa: F811 - the S3 store joins the shared server configuration
    return {
        "ServerApp": {"jpserver_extensions": {"forgelab": True}},
        "ForgeLabConfig": {"storage_adapters": {"s3": moto.config()}},
    }


def leaks(where: str, body: object, *more: str) -> list[str]:
    text = body if isinstance(body, str) else json.dumps(body)
    return [f"{where} shows {secret}" for secret in (*SECRETS, *more) if secret in text]


@pytest.mark.slow
async def test_no_answer_about_an_s3_execution_holds_a_credential(
    jp_fetch, jp_ws_fetch, jp_root_dir: Path, jp_serverapp
) -> None:
    token = jp_serverapp.identity_provider.token
    assert token
    doc = pipeline(
        [{"id": "numbers", "kind": "operation", "operation": inline(PRODUCE, "numbers")}]
    )
    status, execution = await call(
        jp_fetch, "executions", method="POST", body={"pipeline": doc, "storage": "s3"}
    )
    assert status == 201, execution
    execution = await finished(jp_fetch, execution["id"])
    assert execution["status"] == "succeeded", execution
    job = execution["jobs"][0]
    artifact = job["outputs"]["result"]
    found: list[str] = leaks("POST executions", execution)

    answers = [
        ("executions",),
        ("executions", execution["id"]),
        ("executions", execution["id"], "jobs", job["id"], "events"),
        ("executions", execution["id"], "jobs", job["id"], "code"),
        ("artifacts",),
        ("artifacts", artifact["id"]),
        ("artifacts", artifact["id"], "provenance"),
        ("adapters",),
    ]
    for path in answers:
        status, body = await call(jp_fetch, *path)
        assert status == 200, (path, body)
        found += leaks("GET " + "/".join(path), body, token)
    status, tested = await call(jp_fetch, "adapters", "storage", "s3", "test", method="POST")
    assert status == 200 and tested["ok"] is True, tested
    found += leaks("POST adapters/storage/s3/test", tested, token)
    _, code = await call(jp_fetch, "executions", execution["id"], "jobs", job["id"], "code")
    storage = json.loads(code["files"]["job.json"])["storage"]["s3"]["config"]
    assert not {"key", "secret"} & set(storage)  # job.json never held them
    assert storage["bucket"] == "artifacts"
    download = await jp_fetch("forgelab", "api", "artifacts", artifact["id"], "download")
    assert json.loads(download.body) == [0, 1, 2]

    socket = await jp_ws_fetch("forgelab", "api", "events", params={"execution": execution["id"]})
    try:
        while (message := await socket.read_message()) is not None:
            found += leaks("events websocket", message, token)
            if '"stdout"' in message:
                break
    finally:
        socket.close()

    # The job files hold no credential (the job gets them through its environment); they are
    # still readable by their user only, and Jupyter's file APIs do not serve them (they live in
    # the hidden .forgelab folder).
    job_json = next(jp_root_dir.glob(".forgelab/jobs/*/*/job.json"))
    assert all(secret not in job_json.read_text() for secret in SECRETS)
    assert stat.S_IMODE(job_json.stat().st_mode) == 0o600
    relative = job_json.relative_to(jp_root_dir).as_posix()
    for route in (("api", "contents", *relative.split("/")), ("files", *relative.split("/"))):
        with pytest.raises(tornado.httpclient.HTTPClientError) as caught:
            await jp_fetch(*route)
        assert caught.value.code in (403, 404)
        found += leaks("/".join(route[:2]), (caught.value.response.body or b"").decode())
    assert found == []
