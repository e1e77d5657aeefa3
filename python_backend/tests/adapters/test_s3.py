"""The s3 storage adapter against a real moto server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import os
import threading

import pytest
from forgelab.adapters.compute.base import AdapterConfigError
from forgelab.adapters.storage.s3 import S3Storage, S3StorageError

from .conftest import free_port, wait_for


def objects(server, prefix: str = "") -> list[str]:
    listing = server.client.list_objects_v2(Bucket="artifacts", Prefix=prefix)
    return [item["Key"] for item in listing.get("Contents", [])]


def test_put_is_hashed_readable_and_leaves_no_temporary_object(moto, tmp_path):
    data = os.urandom(33 * 1024 * 1024 + 17)  # more than one multipart part
    source = tmp_path / "model.bin"
    source.write_bytes(data)
    storage = S3Storage(moto.config())

    stored = storage.put_file(str(source), "ex1/job1/model")

    assert stored.uri == "s3://artifacts/forgelab/ex1/job1/model"
    assert stored.size == len(data)
    assert stored.hash == "sha256:" + hashlib.sha256(data).hexdigest()
    assert objects(moto, "forgelab/ex1/") == ["forgelab/ex1/job1/model"]
    assert not objects(moto, "forgelab/.forgelab-tmp/")
    head = moto.client.head_object(Bucket="artifacts", Key="forgelab/ex1/job1/model")
    assert "sha256:" + head["Metadata"]["sha256"] == stored.hash
    assert storage.exists(stored.uri)
    with storage.open(stored.uri) as file:
        assert file.read() == data
    target = tmp_path / "back.bin"
    storage.get_file(stored.uri, str(target))
    assert target.read_bytes() == data
    storage.delete(stored.uri)
    assert not storage.exists(stored.uri)


def test_test_connection_writes_a_probe(moto):
    answer = S3Storage(moto.config()).test_connection()
    assert answer["ok"] and "s3://artifacts/forgelab" in answer["message"]
    assert not objects(moto, "forgelab/.forgelab-tmp/")


@pytest.mark.parametrize(
    "override, message",
    [
        ({"secret": "not-the-secret"}, "refused the credentials"),
        ({"key": "AKIAUNKNOWN000000000"}, "refused the credentials"),
        ({"bucket": "no-such-bucket"}, "the bucket 'no-such-bucket' does not exist"),
    ],
)
def test_bad_settings_give_readable_errors(moto, tmp_path, override, message):
    storage = S3Storage(moto.config(**override))
    with pytest.raises(S3StorageError, match=message) as caught:
        storage.test_connection()
    assert "Traceback" not in str(caught.value) and "botocore" not in str(caught.value)
    source = tmp_path / "a.bin"
    source.write_bytes(b"abc")
    with pytest.raises(S3StorageError, match=message):
        storage.put_file(str(source), "ex1/job1/out")
    assert not objects(moto, "forgelab/ex1/job1/out")


def test_unreachable_endpoint(tmp_path):
    storage = S3Storage(
        {
            "endpoint_url": f"http://127.0.0.1:{free_port()}",
            "bucket": "artifacts",
            "key": "k",
            "secret": "s",
            "connect_timeout": 1,
        }
    )
    with pytest.raises(S3StorageError, match=r"cannot be reached .*Check that it runs"):
        storage.test_connection()


@pytest.mark.slow
def test_endpoint_going_away_mid_upload_leaves_nothing_visible(private_moto, tmp_path):
    storage = S3Storage(private_moto.config(connect_timeout=1))
    fifo = tmp_path / "stream"
    os.mkfifo(fifo)
    failure: list[BaseException] = []

    def upload() -> None:
        try:
            storage.put_file(str(fifo), "ex1/job1/model")
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            failure.append(error)

    thread = threading.Thread(target=upload)
    thread.start()
    with open(fifo, "wb") as writer:
        writer.write(os.urandom(40 * 1024 * 1024))
        # The upload is under way (parts sent) but not complete: nothing under its name.
        wait_for(
            lambda: private_moto.client.list_multipart_uploads(Bucket="artifacts").get("Uploads"),
            60,
            "a multipart upload starting",
        )
        assert not objects(private_moto, "forgelab/ex1/")
        private_moto.kill()
        writer.write(os.urandom(1024 * 1024))
    thread.join(120)
    assert not thread.is_alive()
    assert failure and isinstance(failure[0], S3StorageError)
    assert "cannot be reached" in str(failure[0])
    assert "s3://artifacts/forgelab/ex1/job1/model" in str(failure[0])


def test_describe_masks_secrets_but_job_config_keeps_them(moto):
    storage = S3Storage(moto.config())
    public = storage.describe()["config"]
    assert public["key"] == "***" and public["secret"] == "***"
    assert moto.secret not in repr(storage.describe())
    assert storage.job_config()["config"]["secret"] == moto.secret


@pytest.mark.parametrize(
    "config, message",
    [
        ({}, "'bucket' is a required property"),
        ({"bucket": "Bad_Bucket"}, "at bucket"),
        ({"bucket": "ok-bucket", "endpoint_url": "127.0.0.1:9000"}, "at endpoint_url"),
    ],
)
def test_bad_configuration_is_rejected(config, message):
    with pytest.raises(AdapterConfigError, match=message):
        S3Storage(config)
