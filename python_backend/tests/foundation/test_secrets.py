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
