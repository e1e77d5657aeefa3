"""One bucket, many users: each user's artifacts land under their own key prefix, written with
their own credentials, which a bucket policy confines to that prefix (a real moto S3 endpoint
with IAM users, enforcing their policies)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from forgelab.adapters.storage.base import artifact_key, public_config
from forgelab.adapters.storage.s3 import S3Storage, S3StorageError
from forgelab.executions import Orchestrator
from forgelab.store import Store, default_url
from forgelab.testing.s3 import MotoServer

USERS = ("alice", "bob")
WORK = "def answer(*, n: int = 42):\n    return n\n"
DOC = {
    "format": "forgelab.pipeline",
    "version": 1,
    "nodes": [
        {
            "id": "answer",
            "kind": "operation",
            "operation": {
                "id": "inline:answer",
                "name": "answer",
                "inputs": [],
                "outputs": [{"name": "result", "type": "any"}],
                "attributes": [],
                "source": {"language": "python", "function": "answer", "code": WORK},
            },
        }
    ],
    "connections": [],
}


def own_prefix_policy(user: str) -> str:
    """docs/deploy.md's policy with ``${aws:username}`` written out (moto does not expand it)."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                    "Resource": f"arn:aws:s3:::artifacts/forgelab/{user}/*",
                },
                {
                    "Effect": "Allow",
                    "Action": "s3:ListBucket",
                    "Resource": "arn:aws:s3:::artifacts",
                    "Condition": {"StringLike": {"s3:prefix": [f"forgelab/{user}/*"]}},
                },
            ],
        }
    )


@pytest.fixture(scope="module")
def bucket(tmp_path_factory) -> Iterator[dict[str, Any]]:
    """A moto S3 endpoint with bucket ``artifacts`` and one IAM user per hub user."""
    server = MotoServer(tmp_path_factory.mktemp("moto-users"))
    server.launch(setup_calls=1 + 3 * len(USERS))  # bucket, then user, policy, key per user
    url = server.url
    try:
        server.boto3_client("s3").create_bucket(Bucket="artifacts")
        iam = server.boto3_client("iam")
        configs = {}
        for user in USERS:
            iam.create_user(UserName=user)
            iam.put_user_policy(
                UserName=user, PolicyName="own-prefix", PolicyDocument=own_prefix_policy(user)
            )
            key = iam.create_access_key(UserName=user)["AccessKey"]
            configs[user] = {
                "endpoint_url": url,
                "bucket": "artifacts",
                "prefix": "forgelab",
                "key": key["AccessKeyId"],
                "secret": key["SecretAccessKey"],
            }
        yield {"url": url, "configs": configs}
    finally:
        server.stop()


def client(bucket: dict[str, Any], user: str) -> Any:
    import boto3

    config = bucket["configs"][user]
    return boto3.client(
        "s3",
        endpoint_url=bucket["url"],
        region_name="us-east-1",
        aws_access_key_id=config["key"],
        aws_secret_access_key=config["secret"],
    )


def test_artifact_keys_start_with_their_owner() -> None:
    assert artifact_key("alice", "e1", "j1", "out") == "alice/e1/j1/out"
    assert artifact_key("a/b", "e1", "j1", "out") == "a%2Fb/e1/j1/out"  # one part, never two
    assert artifact_key("..", "e1", "j1", "out") == "_../e1/j1/out"
    assert artifact_key("bob@example.org", "e", "j", "p").startswith("bob@example.org/")


@pytest.mark.slow
def test_each_users_artifacts_land_under_their_prefix_with_their_own_key(
    bucket: dict[str, Any], tmp_path: Path
) -> None:
    uris: dict[str, str] = {}
    for user in USERS:  # each hub user's server, with the credentials the hub chose for them
        store = Store(default_url(tmp_path / user))
        orchestrator = Orchestrator(
            store,
            root=tmp_path / user,
            storage_configs={"s3": bucket["configs"][user]},
            owner=user,
        )

        async def scenario(orchestrator: Orchestrator = orchestrator) -> dict[str, Any]:
            try:
                execution = await orchestrator.submit(DOC, storage="s3")
                return await orchestrator.wait(execution["id"])
            finally:
                await orchestrator.close()

        try:
            execution = asyncio.run(scenario())
        finally:
            store.close()
        assert execution["status"] == "succeeded", execution["jobs"][0]["error"]["traceback"]
        uris[user] = execution["jobs"][0]["outputs"]["result"]["uri"]
        browser_config = json.dumps(public_config(orchestrator.storage_configs))
        assert bucket["configs"][user]["secret"] not in browser_config
        assert bucket["configs"][user]["key"] not in browser_config
    for user in USERS:
        assert uris[user].startswith(f"s3://artifacts/forgelab/{user}/e-"), uris
    alice_key = uris["alice"].removeprefix("s3://artifacts/")
    assert client(bucket, "alice").get_object(Bucket="artifacts", Key=alice_key)["Body"].read()
    # The policy holds: bob's key cannot read or overwrite alice's artifact.
    bob = client(bucket, "bob")
    for call in (
        lambda: bob.get_object(Bucket="artifacts", Key=alice_key),
        lambda: bob.put_object(Bucket="artifacts", Key=alice_key, Body=b"x"),
    ):
        with pytest.raises(Exception, match="AccessDenied"):
            call()


def test_test_connection_passes_for_credentials_confined_to_the_users_prefix(
    bucket: dict[str, Any], tmp_path: Path
) -> None:
    """*Test connection* probes where the user's own artifacts wait, so a confined key passes,
    and the same key probing another user's prefix is refused."""
    alice = bucket["configs"]["alice"]
    store = Store(default_url(tmp_path))
    orchestrator = Orchestrator(store, root=tmp_path, storage_configs={"s3": alice}, owner="alice")
    try:
        answer = asyncio.run(orchestrator.test_adapter("storage", "s3"))
    finally:
        store.close()
    assert answer["ok"], answer
    assert "s3://artifacts/forgelab" in answer["message"]
    refused = S3Storage(alice)
    with pytest.raises(S3StorageError, match="refused the credentials"):
        refused.test_connection(owner="bob")
