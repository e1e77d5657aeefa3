"""``%load_ext forgelab`` in a real IPython kernel, and the ``forgelab`` comm."""

from __future__ import annotations

import os
import uuid
from queue import Empty

import pytest
from forgelab.kernel.comm import answer
from jupyter_client.manager import start_new_kernel


@pytest.fixture(scope="module")
def kernel():
    manager, client = start_new_kernel(kernel_name="python3", env={**os.environ})
    try:
        yield client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def execute(client, code: str) -> dict:
    msg_id = client.execute(code, silent=True, store_history=False)
    reply = client.get_shell_msg(timeout=60)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = client.get_shell_msg(timeout=60)
    return reply["content"]


def comm_request(client, comm_id: str, request: dict, timeout: float = 60) -> dict:
    client.shell_channel.send(client.session.msg("comm_msg", {"comm_id": comm_id, "data": request}))
    while True:
        msg = client.get_iopub_msg(timeout=timeout)
        if msg["msg_type"] == "comm_msg" and msg["content"]["comm_id"] == comm_id:
            return msg["content"]["data"]


def open_comm(client) -> str:
    comm_id = uuid.uuid4().hex
    content = {"comm_id": comm_id, "target_name": "forgelab", "data": {}}
    client.shell_channel.send(client.session.msg("comm_open", content))
    return comm_id


def test_load_ext_registers_a_comm_that_answers_ping(kernel) -> None:
    assert execute(kernel, "%load_ext forgelab")["status"] == "ok"
    # Loading again (a second notebook view, a reconnect) is harmless.
    assert execute(kernel, "%load_ext forgelab")["status"] == "ok"
    comm_id = open_comm(kernel)
    reply = comm_request(kernel, comm_id, {"id": "r1", "type": "ping"})
    assert reply["id"] == "r1" and reply["ok"] is True
    import forgelab

    assert reply["result"]["pong"] is True
    assert reply["result"]["forgelab"] == forgelab.__version__
    assert reply["result"]["python"].count(".") == 2


def test_unknown_request_is_an_error_answer_not_a_kernel_failure(kernel) -> None:
    execute(kernel, "%load_ext forgelab")
    comm_id = open_comm(kernel)
    reply = comm_request(kernel, comm_id, {"id": "r2", "type": "no-such-thing"})
    assert reply == {
        "id": "r2",
        "ok": False,
        "error": {"type": "UnknownRequest", "message": reply["error"]["message"]},
    }
    assert "ping" in reply["error"]["message"]
    assert execute(kernel, "1 + 1")["status"] == "ok"


def test_a_failing_handler_answers_with_the_error() -> None:
    from forgelab.kernel import comm

    def broken(_request):
        raise ValueError("the layer 'conv' has no input")

    comm.register("test.broken", broken)
    try:
        reply = answer({"id": 7, "type": "test.broken"})
    finally:
        comm._HANDLERS.pop("test.broken")
    assert reply["ok"] is False
    assert reply["error"]["type"] == "ValueError"
    assert reply["error"]["message"] == "the layer 'conv' has no input"


def test_without_a_kernel_loading_is_a_no_op() -> None:
    import forgelab
    from IPython.testing.globalipapp import get_ipython

    shell = get_ipython()
    forgelab.load_ipython_extension(shell)
    forgelab.unload_ipython_extension(shell)


def test_the_comm_does_not_answer_before_loading() -> None:
    # A fresh kernel has no 'forgelab' target: the front end's load step is what registers it.
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        comm_id = open_comm(client)
        with pytest.raises(Empty):
            comm_request(client, comm_id, {"id": "r3", "type": "ping"}, timeout=3)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
