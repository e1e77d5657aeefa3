"""Inside a (faked) SciServer Compute container the sciserver adapters need no configuration."""

from __future__ import annotations

import asyncio
import json
import textwrap
from typing import Any

import pytest
from forgelab.adapters.compute.sciserver import SciServerCompute
from forgelab.adapters.storage.sciserver import SciServerStorage
from forgelab.operations.introspect import describe
from forgelab.sciserver import SciServer, SciServerAuthError, SciServerSettings, container
from forgelab.sciserver.container import SciScriptConfigError

SOURCE = '''
def make(*, n: int = 3) -> ("numbers", "label"):
    """Make a list of numbers."""
    print("making", n, flush=True)
    return list(range(n)), f"{n} numbers"

def total(numbers):
    """Sum the numbers."""
    return sum(numbers)
'''


def op(function: str) -> dict[str, Any]:
    code = textwrap.dedent(SOURCE)
    namespace: dict[str, Any] = {}
    exec(compile(code, "<test>", "exec"), namespace)
    return describe(namespace[function], op_id=function, code=code)


async def fetch(jp_fetch, *path: str, method: str = "GET", body: Any = None):
    kw = {"body": json.dumps(body if body is not None else {})} if method == "POST" else {}
    response = await jp_fetch("forgelab", "api", *path, method=method, **kw)
    return response.code, (json.loads(response.body) if response.body else None)


def test_settings_come_from_the_container_the_way_sciscript_finds_them(
    fake_container, tmp_path
) -> None:
    assert container.inside_compute()
    settings = SciServerSettings.from_config({})
    urls = fake_container.server.urls
    assert settings.login_url == urls["login_url"] and settings.racm_url == urls["racm_url"]
    assert settings.token_file == str(fake_container.token_file)
    # The user's own sciscript.json (XDG_CONFIG_HOME) wins over the system one, as in SciScript.
    personal = tmp_path / "xdg" / "sciserver" / "sciscript.json"
    personal.parent.mkdir(parents=True)
    personal.write_text(json.dumps({"RacmApiURL": "http://127.0.0.1:9/racm"}))
    assert SciServerSettings.from_config({}).racm_url == "http://127.0.0.1:9/racm"
    # What the configuration sets wins over the container; a configured token replaces the file.
    settings = SciServerSettings.from_config({"racm_url": urls["racm_url"], "token": "t"})
    assert settings.racm_url == urls["racm_url"] and settings.token_file is None
    assert SciServer.from_config({"token": fake_container.token}).username == "alice"


def test_a_broken_sciscript_json_names_the_file(fake_container) -> None:
    fake_container.sciscript_json.write_text("[1, 2]")
    with pytest.raises(SciScriptConfigError, match=r"sciscript\.json must hold a JSON object"):
        SciServerSettings.from_config({})
    fake_container.sciscript_json.write_text("{not json")
    with pytest.raises(SciScriptConfigError) as caught:
        SciServerSettings.from_config({})
    assert str(fake_container.sciscript_json) in str(caught.value)


def test_both_adapters_work_with_no_configuration(fake_container) -> None:
    storage = SciServerStorage({})
    answer = storage.test_connection()
    assert answer["ok"] and "Signed in to SciServer as alice" in answer["message"]
    assert (
        "in this container: /home/idies/workspace/Storage/alice/persistent/forgelab"
        in (answer["message"])
    )
    # Job folders go to alice's scratch volume, the one meant for temporary files.
    answer = asyncio.run(SciServerCompute({}).test_connection())
    assert "from Temporary/alice/scratch/forgelab-jobs" in answer["message"], answer


def test_an_expired_token_says_where_it_came_from_and_what_to_do(fake_container) -> None:
    fake_container.server.expire(fake_container.token)
    with pytest.raises(SciServerAuthError) as caught:
        SciServerStorage({}).test_connection()
    message = str(caught.value)
    assert f"SciServer refused the token in {fake_container.token_file}" in message
    assert "restart this container from the Compute dashboard" in message


def test_a_token_replaced_in_the_file_is_picked_up(fake_container) -> None:
    sciserver = SciServer.from_config({})
    assert sciserver.username == "alice"
    sciserver.files.upload("Storage/alice/persistent/a.txt", b"one")
    fresh = fake_container.new_token()  # the old token is refused from now on
    sciserver.files.upload("Storage/alice/persistent/b.txt", b"two")
    assert sciserver.session.token() == fresh
    assert (fake_container.workspace / "Storage/alice/persistent/b.txt").read_bytes() == b"two"


def test_a_missing_or_empty_token_file_is_a_sciserver_specific_error(fake_container) -> None:
    fake_container.token_file.write_text("\n")
    with pytest.raises(SciServerAuthError, match=r"keystone\.token is empty.*restart"):
        _ = SciServer.from_config({}).username
    fake_container.token_file.unlink()
    assert not container.inside_compute()
    with pytest.raises(SciServerAuthError) as caught:
        _ = SciServer.from_config({}).username
    message = str(caught.value)
    assert message.startswith("No SciServer credentials: set 'token'")
    assert f"the token is read from {fake_container.token_file}; there is none here" in message


async def test_a_pipeline_runs_on_sciserver_in_the_container_with_no_setup(
    fake_container, jp_fetch
) -> None:
    _, adapters = await fetch(jp_fetch, "adapters")
    for kind in ("compute", "storage"):
        sciserver = next(a for a in adapters[kind] if a["name"] == "sciserver")
        assert sciserver["available"] and sciserver["config"] == {}
        code, answer = await fetch(jp_fetch, "adapters", kind, "sciserver", "test", method="POST")
        assert answer["ok"], answer["message"]
        assert "Signed in to SciServer as alice" in answer["message"]

    doc = {
        "format": "forgelab.pipeline",
        "version": 1,
        "nodes": [
            {"id": "make", "kind": "operation", "operation": op("make"), "attributes": {"n": 5}},
            {"id": "total", "kind": "operation", "operation": op("total")},
        ],
        "connections": [
            {
                "source": {"node": "make", "port": "numbers"},
                "target": {"node": "total", "port": "numbers"},
            }
        ],
    }
    body = {"pipeline": doc, "compute": "sciserver", "storage": "sciserver"}
    code, execution = await fetch(jp_fetch, "executions", method="POST", body=body)
    assert code == 201
    for _ in range(1200):
        _, execution = await fetch(jp_fetch, "executions", execution["id"])
        if execution["status"] not in ("pending", "running"):
            break
        await asyncio.sleep(0.1)
    assert execution["status"] == "succeeded", execution["jobs"]
    make, total = execution["jobs"]
    _, events = await fetch(jp_fetch, "executions", execution["id"], "jobs", make["id"], "events")
    assert ("stdout", "making 5") in [(e["kind"], e["data"]) for e in events["events"]]

    artifact = total["outputs"]["result"]
    key = f"{execution['owner']}/{execution['id']}/{total['id']}/result"
    assert artifact["uri"] == f"sciserver://Storage/alice/persistent/forgelab/{key}"
    response = await jp_fetch("forgelab", "api", "artifacts", artifact["id"], "download")
    assert json.loads(response.body) == 10
    # The same file is in alice's persistent volume, mounted in the container's workspace.
    mounted = fake_container.workspace / "Storage/alice/persistent/forgelab" / key
    assert json.loads(mounted.read_bytes()) == 10
    # The jobs ran in folders of her scratch volume.
    jobs = fake_container.workspace / "Temporary/alice/scratch/forgelab-jobs" / execution["id"]
    assert sorted(p.name for p in jobs.iterdir()) == sorted([make["id"], total["id"]])
