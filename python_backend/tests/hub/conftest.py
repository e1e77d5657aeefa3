"""One real JupyterHub per test module, with alice and bob logged in and their servers running,
sharing one PostgreSQL store."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import websocket
from forgelab.operations.introspect import describe
from forgelab.testing.hub import HubBrowser, HubDeployment
from forgelab.testing.postgres import PostgresServer

REPO = Path(__file__).resolve().parents[3]
EXAMPLE_CONFIG = REPO / "examples" / "deploy" / "jupyterhub_config.py"
"""The documented ForgeLab part of a hub's configuration: what every test hub loads."""
_CHECKOUT_PROXY = REPO / "node_modules" / ".bin" / "configurable-http-proxy"
PROXY = _CHECKOUT_PROXY if _CHECKOUT_PROXY.is_file() else None
"""The checkout's configurable-http-proxy (``jlpm install``), else ``None``: the one on PATH."""
USERS = ("alice", "bob")
TERMINAL = ("succeeded", "failed", "cancelled", "interrupted")

SOURCE = textwrap.dedent(
    '''
    def greet(*, name: str = "world", gate: str = "") -> "greeting":
        """Say hello to someone, once the file ``gate`` exists (when one is named)."""
        import os
        import time

        deadline = time.monotonic() + 120
        while gate and not os.path.exists(gate) and time.monotonic() < deadline:
            time.sleep(0.05)
        print(f"hello {name}", flush=True)
        return f"hello {name}"
    '''
)


def greeting_pipeline(name: str, gate: str = "") -> dict[str, Any]:
    """A one-node pipeline that needs no data: its job waits for the file ``gate``, then
    prints and returns a greeting."""
    namespace: dict[str, Any] = {}
    exec(compile(SOURCE, "<greet>", "exec"), namespace)
    operation = describe(namespace["greet"], op_id="greet", code=SOURCE)
    return {
        "format": "forgelab.pipeline",
        "version": 1,
        "nodes": [
            {
                "id": "greet",
                "kind": "operation",
                "operation": operation,
                "attributes": {"name": name, "gate": gate},
            }
        ],
        "connections": [],
    }


@pytest.fixture(scope="module")
def hub(
    tmp_path_factory: pytest.TempPathFactory, postgres: PostgresServer
) -> Iterator[HubDeployment]:
    """The hub, with both users' servers started at the same time on one empty store."""
    root = tmp_path_factory.mktemp("hub")
    store_url = postgres.create_database(f"hub_{root.name}")
    with HubDeployment(
        root, hub_config=EXAMPLE_CONFIG, users=USERS, store_url=store_url, proxy_cmd=PROXY
    ) as deployment:
        deployment.start_servers(*USERS)
        yield deployment


@pytest.fixture(scope="module")
def browsers(hub: HubDeployment) -> dict[str, HubBrowser]:
    """Each user's browser, logged in, with JupyterLab opened once (the OAuth round done)."""
    found = {}
    for user in USERS:
        browser = HubBrowser(hub, user)
        assert browser.login().status_code == 200, hub.log_tail()
        assert browser.open("lab").status_code == 200, hub.log_tail()
        found[user] = browser
    return found


def follow(
    browser: HubBrowser, execution_id: str, gate: Path, timeout: float = 180.0
) -> list[dict]:
    """Every message of the execution's event websocket, through the proxy, until the
    execution's own status is final. The job's ``gate`` is opened once the socket has said
    its first word, so what the job does after it is pushed live, not replayed
    (``timeout`` is a safety limit, not a timing check)."""
    socket = websocket.create_connection(
        browser.websocket_url("forgelab/api/events", {"execution": execution_id}),
        cookie=browser.cookie_header("forgelab/api/events"),
        timeout=timeout,
    )
    messages = []
    try:
        while True:
            message = json.loads(socket.recv())
            if not gate.exists():
                message["before_gate"] = True
                gate.touch()
            messages.append(message)
            if (
                message["kind"] == "status"
                and message.get("job") is None
                and message["data"]["status"] in TERMINAL
            ):
                return messages
    finally:
        socket.close()


@pytest.fixture(scope="module")
def runs(hub: HubDeployment, browsers: dict[str, HubBrowser]) -> dict[str, dict[str, Any]]:
    """Each user's pipeline run through their own server: the execution as the server
    answers it once done, and what its websocket pushed meanwhile."""
    found = {}
    for user, browser in browsers.items():
        gate = hub.root / f"gate-{user}"
        response = browser.request(
            "POST",
            "forgelab/api/executions",
            json={"pipeline": greeting_pipeline(user, str(gate))},
        )
        assert response.status_code == 201, response.text
        execution = response.json()
        messages = follow(browser, execution["id"], gate)
        final = browser.request("GET", f"forgelab/api/executions/{execution['id']}").json()
        found[user] = {"execution": final, "messages": messages}
    return found
