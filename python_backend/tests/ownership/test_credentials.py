"""Adapter credentials of the server's configuration reach no user in any answer.

A shared deployment configures one S3 key for everyone; users run jobs that need it, but no
endpoint shows it: not the adapters list, not an execution, not a job's generated code, not a
failed connection test.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import HubUsers, call, finished, hub_user, sum_pipeline

KEY = "AKIAOWNERSHIPTEST0001"
SECRET = "s3-secret-not-for-users-2f9c"


@pytest.fixture
def jp_server_config(jp_server_config, store_url) -> Iterator[dict[str, Any]]:  # noqa: F811
    storage = {
        "s3": {
            # a closed port: the connection fails at once, after the job files are written
            "endpoint_url": "http://127.0.0.1:9",
            "bucket": "shared-bucket",
            "key": KEY,
            "secret": SECRET,
            "connect_timeout": 0.5,
        }
    }
    with hub_user("alice"):
        yield {
            **jp_server_config,
            "ServerApp": {
                **jp_server_config.get("ServerApp", {}),
                "identity_provider_class": HubUsers,
            },
            "ForgeLabConfig": {"store_url": store_url, "storage_adapters": storage},
        }


def leaks(answer: Any) -> bool:
    text = answer if isinstance(answer, (str, bytes)) else json.dumps(answer)
    text = text.decode(errors="replace") if isinstance(text, bytes) else text
    return KEY in text or SECRET in text


@pytest.mark.slow
async def test_no_answer_holds_the_storage_credentials(jp_fetch) -> None:
    code, execution = await call(
        jp_fetch,
        "alice",
        "executions",
        method="POST",
        body={"pipeline": sum_pipeline(), "storage": "s3"},
    )
    assert code == 201, execution
    done = await finished(jp_fetch, "alice", execution["id"])
    assert done["status"] == "failed"  # the bucket cannot be reached; its code was generated
    job = done["jobs"][0]["id"]

    answers = {}
    # (``status`` lists the same adapters without configuration, after a slow Keras import)
    for path in (
        ("adapters",),
        ("executions",),
        ("executions", execution["id"]),
        ("executions", execution["id"], "jobs", job, "events"),
        ("executions", execution["id"], "jobs", job, "code"),
        ("artifacts",),
    ):
        code, answers[path] = await call(jp_fetch, "alice", *path)
        assert code == 200, (path, answers[path])
    code, answers[("test",)] = await call(
        jp_fetch, "alice", "adapters", "storage", "s3", "test", method="POST"
    )
    assert code == 200 and answers[("test",)]["ok"] is False
    for path, answer in answers.items():
        assert not leaks(answer), path

    # the job's files carry no credential at all (the job gets them through its environment)
    job_json = json.loads(
        answers[("executions", execution["id"], "jobs", job, "code")]["files"]["job.json"]
    )
    assert not {"key", "secret"} & set(job_json["storage"]["s3"]["config"])
    s3 = next(a for a in answers[("adapters",)]["storage"] if a["name"] == "s3")
    assert s3["config"]["key"] == "***" and s3["config"]["secret"] == "***"
