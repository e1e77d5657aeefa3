"""Shared architectures through a real Jupyter server with jupyter-collaboration: two clients
on one room see each other's edits, the server saves them to the file, and a change of the file
on disk reaches the clients."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
from forgelab.collaboration import ARCHITECTURE_CONTENT_TYPE, YArchitecture
from pycrdt import Map, Provider
from tornado.httpclient import HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

REDSHIFT = Path(__file__).parents[3] / "examples" / "redshift.arch.json"


class _Channel:
    """A tornado websocket as the channel a pycrdt ``Provider`` syncs through."""

    def __init__(self, websocket: WebSocketClientConnection, path: str) -> None:
        self._websocket = websocket
        self._path = path

    @property
    def path(self) -> str:
        return self._path

    def __aiter__(self) -> _Channel:
        return self

    async def __anext__(self) -> bytes:
        message = await self._websocket.read_message()
        if message is None:
            raise StopAsyncIteration
        return message if isinstance(message, bytes) else message.encode()

    async def send(self, message: bytes) -> None:
        await self._websocket.write_message(message, binary=True)

    async def recv(self) -> bytes:
        return await self.__anext__()


async def _until(condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.05)

    try:
        await asyncio.wait_for(poll(), timeout)
    except TimeoutError:
        pytest.fail(f"never happened: {what}")


async def _client(server, stack: AsyncExitStack, path: str) -> YArchitecture:
    """A shared architecture synced with the server's room for ``path``."""
    jp_fetch, port, base_url, auth = server
    response = await jp_fetch(
        "api",
        "collaboration",
        "session",
        path,
        method="PUT",
        body=json.dumps({"format": "text", "type": ARCHITECTURE_CONTENT_TYPE}),
    )
    session = json.loads(response.body)
    room = f"{session['format']}:{session['type']}:{session['fileId']}"
    # The room id's colons must reach the server as they are (jp_ws_fetch would escape them).
    url = (
        f"ws://127.0.0.1:{port}{base_url}api/collaboration/room/{room}"
        f"?sessionId={session['sessionId']}"
    )
    websocket = await websocket_connect(HTTPRequest(url, headers=auth))
    stack.callback(websocket.close)
    doc = YArchitecture()
    await stack.enter_async_context(Provider(doc.ydoc, _Channel(websocket, room)))
    await _until(lambda: bool(doc.layer_ids), f"{path} loaded into the shared document")
    return doc


def _filters(text: str) -> int:
    layers = {layer["id"]: layer for layer in json.loads(text)["layers"]}
    return layers["conv"]["arguments"]["filters"]


def _saved_filters(file: Path) -> int | None:
    """The conv layer's filters in the file; ``None`` while the server is writing it."""
    try:
        return _filters(file.read_text())
    except json.JSONDecodeError:
        return None


async def test_two_clients_edit_one_architecture_and_the_server_saves_it(
    jp_fetch, jp_http_port, jp_base_url, jp_auth_header, jp_root_dir
):
    server = (jp_fetch, jp_http_port, jp_base_url, jp_auth_header)
    file = jp_root_dir / "net.arch.json"
    file.write_text(REDSHIFT.read_text())
    async with AsyncExitStack() as stack:
        first = await _client(server, stack, "net.arch.json")
        second = await _client(server, stack, "net.arch.json")
        assert first.get() == second.get()
        assert json.loads(first.get()) == json.loads(REDSHIFT.read_text())

        # The first client changes a layer argument the way the browser does (whole entry).
        layers = first.ydoc.get("layers", type=Map)
        entry = layers["conv"]
        arguments = {**entry["value"]["arguments"], "filters": 96}
        layers["conv"] = {"seq": entry["seq"], "value": {**entry["value"], "arguments": arguments}}
        await _until(lambda: _filters(second.get()) == 96, "the edit reached the second client")
        await _until(lambda: _saved_filters(file) == 96, "the server saved the edit")
        saved = json.loads(file.read_text())
        assert [layer["id"] for layer in saved["layers"]] == [
            layer["id"] for layer in json.loads(REDSHIFT.read_text())["layers"]
        ]

        # Someone changes the file on disk: the server loads it into the room, both clients see it.
        file.write_text(file.read_text().replace('"filters": 96', '"filters": 128'))
        for doc in (first, second):
            await _until(
                lambda d=doc: _filters(d.get()) == 128, "the file's change reached a client"
            )


async def test_a_malformed_file_closes_the_room_with_the_format_error(
    jp_fetch, jp_http_port, jp_base_url, jp_auth_header, jp_root_dir, caplog
):
    invalid = Path(__file__).parents[3] / "fixtures" / "formats" / "invalid"
    (jp_root_dir / "bad.arch.json").write_text(
        (invalid / "layer-missing-type.arch.json").read_text()
    )
    response = await jp_fetch(
        "api",
        "collaboration",
        "session",
        "bad.arch.json",
        method="PUT",
        body=json.dumps({"format": "text", "type": ARCHITECTURE_CONTENT_TYPE}),
    )
    session = json.loads(response.body)
    room = f"{session['format']}:{session['type']}:{session['fileId']}"
    url = (
        f"ws://127.0.0.1:{jp_http_port}{jp_base_url}api/collaboration/room/{room}"
        f"?sessionId={session['sessionId']}"
    )
    websocket = await websocket_connect(HTTPRequest(url, headers=jp_auth_header))
    while await websocket.read_message() is not None:
        pass
    # A bad request: JupyterLab says that it could not load the file (the server logs why).
    assert websocket.close_code == 4400
    assert websocket.close_reason == "Error initializing: bad.arch.json."
    assert "Bad request for file bad.arch.json" in caplog.text
    assert "/layers/0: missing required property 'type'" in caplog.text
