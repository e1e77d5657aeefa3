"""Adapter configurations shown to the browser never carry credentials, at any depth."""

from __future__ import annotations

import json

from forgelab.adapters.storage.base import public_config


def test_credentials_are_masked_at_any_depth_and_the_rest_kept() -> None:
    config = {
        "endpoint_url": "http://127.0.0.1:9000",
        "bucket": "artifacts",
        "key": "AKIA-SECRET-ID",
        "secret": "s3cr3t",
        "gateway": {"address": "http://gw", "auth": {"kind": "basic", "password": "pw0"}},
        "clusters": [{"api_token": "tok-1", "name": "a"}],
        "empty_token": "",
    }
    shown = public_config(config)
    text = json.dumps(shown)
    for secret in ("AKIA-SECRET-ID", "s3cr3t", "pw0", "tok-1"):
        assert secret not in text
    assert shown["bucket"] == "artifacts"
    assert shown["gateway"]["auth"] == {"kind": "basic", "password": "***"}
    assert shown["clusters"] == [{"api_token": "***", "name": "a"}]
    assert shown["empty_token"] == ""  # nothing set: nothing to hide, and the user sees it is unset
    assert config["secret"] == "s3cr3t"  # the server's own copy is untouched


def test_a_password_inside_a_url_is_masked_and_the_rest_of_the_url_kept() -> None:
    config = {
        "endpoint_url": "http://minio:pw-in-url@storage.example:9000/path?x=1",
        "mirrors": ["https://bob:hunter2@mirror.example", "https://plain.example"],
        "user_only": "http://bob@host.example",
        "not_a_url": "a:b@c",
    }
    shown = public_config(config)
    assert shown["endpoint_url"] == "http://minio:***@storage.example:9000/path?x=1"
    assert shown["mirrors"] == ["https://bob:***@mirror.example", "https://plain.example"]
    assert shown["user_only"] == "http://bob@host.example"  # no password: nothing to hide
    assert shown["not_a_url"] == "a:b@c"
    assert "pw-in-url" not in json.dumps(shown) and "hunter2" not in json.dumps(shown)


def test_job_files_get_no_url_password_and_the_job_gets_it_back(monkeypatch) -> None:
    from forgelab.jobs import secrets

    config = {"endpoint_url": "http://u:pw9@h", "secret": "s"}
    storages = {"s3": {"adapter": "s3", "config": config}}
    public, hidden = secrets.split(storages)
    assert "pw9" not in json.dumps(public) and '"s"' not in json.dumps(public)
    monkeypatch.setenv(secrets.ENV, secrets.environment(hidden)[secrets.ENV])
    assert secrets.merged("s3", public["s3"]) == storages["s3"]
