"""Outside JupyterHub the owner is the OS user: what the CLI runs, the server shows, and back."""

from __future__ import annotations

import getpass
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from forgelab.environment import user_name
from jupyter_server.auth.identity import User

from .conftest import call, finished, hub_user, sum_pipeline


def cli(*args: str, cwd: Path, hub: str | None = None) -> subprocess.CompletedProcess:
    """``forgelab ...`` in a process of its own (``JUPYTERHUB_USER`` = ``hub``, or unset)."""
    env = {k: v for k, v in os.environ.items() if k != "JUPYTERHUB_USER"}
    if hub:
        env["JUPYTERHUB_USER"] = hub
    return subprocess.run(
        [sys.executable, "-m", "forgelab.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_the_owner_is_the_hub_user_on_a_hub_and_the_os_user_elsewhere() -> None:
    browser_session = User(username="anonymous-Io-7f3a")
    with hub_user(None):
        assert user_name(browser_session) == getpass.getuser()
        assert user_name() == getpass.getuser()
    with hub_user("alice"):
        assert user_name(User(username="alice")) == "alice"
        assert user_name() == "alice"  # a kernel or terminal of Alice's server


@pytest.fixture
def jp_server_config(jp_server_config, store_url) -> Iterator[dict[str, Any]]:  # noqa: F811
    with hub_user(None):
        yield {**jp_server_config, "ForgeLabConfig": {"store_url": store_url}}


@pytest.mark.slow
async def test_what_the_cli_runs_is_the_servers_users_own(jp_fetch, jp_root_dir, store_url) -> None:
    (jp_root_dir / "sum.pipeline.json").write_text(json.dumps(sum_pipeline()))
    done = cli(
        "run", "sum.pipeline.json", "--store", store_url, "--json", "--quiet", cwd=jp_root_dir
    )
    assert done.returncode == 0, done.stderr
    from_cli = json.loads(done.stdout)
    assert from_cli["owner"] == getpass.getuser()

    # the server, whose browser user has a made-up name, sees it as its user's own
    code, listed = await call(jp_fetch, None, "executions")
    assert code == 200 and from_cli["id"] in [e["id"] for e in listed["executions"]]
    code, execution = await call(jp_fetch, None, "executions", from_cli["id"])
    assert code == 200 and execution["status"] == "succeeded"
    artifact = execution["jobs"][0]["outputs"]["numbers"]["id"]
    code, records = await call(jp_fetch, None, "artifacts", artifact, "provenance")
    assert code == 200 and records["records"][0]["job"]["execution"] == from_cli["id"]

    # and what the server runs is the OS user's, listed by the CLI
    code, submitted = await call(
        jp_fetch, None, "executions", method="POST", body={"pipeline": sum_pipeline()}
    )
    assert code == 201 and submitted["owner"] == getpass.getuser()
    await finished(jp_fetch, None, submitted["id"])
    listed = cli("executions", "--store", store_url, "--json", cwd=jp_root_dir)
    assert listed.returncode == 0, listed.stderr
    ids = {e["id"] for e in json.loads(listed.stdout)["executions"]}
    assert {from_cli["id"], submitted["id"]} <= ids

    # a hub user's terminal lists only that user's records, unless asked for all
    as_carol = cli("executions", "--store", store_url, "--json", cwd=jp_root_dir, hub="carol")
    assert json.loads(as_carol.stdout)["executions"] == []
    as_carol = cli("artifacts", "--store", store_url, "--json", cwd=jp_root_dir, hub="carol")
    assert json.loads(as_carol.stdout)["artifacts"] == []
    everyone = cli(
        "executions", "--store", store_url, "--json", "--all-users", cwd=jp_root_dir, hub="carol"
    )
    assert {from_cli["id"], submitted["id"]} <= {
        e["id"] for e in json.loads(everyone.stdout)["executions"]
    }
