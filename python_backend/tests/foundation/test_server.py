"""The server extension, through a real Jupyter server."""

from __future__ import annotations

import builtins
import json

import pytest
import tornado
from forgelab import environment


async def test_status_reports_versions_and_adapters(jp_fetch) -> None:
    response = await jp_fetch("forgelab", "api", "status")
    assert response.code == 200
    body = json.loads(response.body)
    assert body["status"] == "ok"
    import forgelab

    assert body["forgelab"] == forgelab.__version__
    components = body["components"]
    for name in ("jupyterlab", "jupyter_server", "keras", "keras-backend", "dask", "fsspec"):
        assert name in components, name
    assert components["keras-backend"] == {"available": True, "version": "torch"}
    assert {a["name"] for a in body["adapters"]["compute"]} >= {"local", "dask", "sciserver"}
    assert {a["name"] for a in body["adapters"]["storage"]} >= {"local", "s3", "sciserver"}


async def test_status_refuses_a_request_without_token(jp_fetch) -> None:
    with pytest.raises(tornado.httpclient.HTTPClientError) as caught:
        await jp_fetch("forgelab", "api", "status", headers={"Authorization": ""})
    assert caught.value.code == 403


async def test_status_refuses_a_wrong_token(jp_fetch) -> None:
    with pytest.raises(tornado.httpclient.HTTPClientError) as caught:
        await jp_fetch("forgelab", "api", "status", headers={"Authorization": "token wrong"})
    assert caught.value.code == 403


def test_missing_optional_dependency_is_reported_with_its_remedy(monkeypatch) -> None:
    real_import = builtins.__import__

    def no_dask(name, *args, **kwargs):
        if name.split(".")[0] in ("dask", "distributed"):
            raise ModuleNotFoundError(f"No module named '{name}'", name=name)
        return real_import(name, *args, **kwargs)

    import importlib
    import sys

    for module in [m for m in sys.modules if m.split(".")[0] in ("dask", "distributed")]:
        monkeypatch.delitem(sys.modules, module)
    monkeypatch.setattr(builtins, "__import__", no_dask)
    monkeypatch.setattr(importlib, "import_module", lambda n, *a: no_dask(n))

    facts = environment.describe(include_keras=False).to_json()
    assert facts["components"]["dask"]["available"] is False
    missing = {m["name"]: m for m in facts["missing"]}
    assert "pip install 'forgelab[dask]'" in missing["dask"]["install"]
    assert "No module named" in missing["dask"]["reason"]
