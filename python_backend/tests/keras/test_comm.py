"""The architecture requests of the ``forgelab`` comm: in process, and through a real kernel."""

from __future__ import annotations

import json
import os
import uuid

import pytest
from forgelab.kernel.comm import answer, register
from forgelab.libraries.comm import import_request, register_requests
from jupyter_client.manager import start_new_kernel

from .conftest import EXAMPLES, architecture, layer

REDSHIFT = json.loads((EXAMPLES / "redshift.arch.json").read_text())


@pytest.fixture(autouse=True)
def registered() -> None:
    register_requests(register)


def test_check_request_answers_shapes() -> None:
    reply = answer({"id": 1, "type": "arch.check", "document": REDSHIFT})
    assert reply["ok"] is True and reply["id"] == 1
    assert reply["result"]["output_shapes"] == [[None, 32]]


def test_check_request_reports_layer_errors_as_a_result() -> None:
    document = architecture([layer("in", "Input", shape=[3]), layer("d", "Dense", ["in"], units=0)])
    reply = answer({"id": 2, "type": "arch.check", "document": document})
    assert reply["ok"] is True
    assert reply["result"]["layers"]["d"]["status"] == "error"


def test_requests_without_a_document_are_errors() -> None:
    for request_type in ("arch.check", "arch.codegen"):
        reply = answer({"id": 3, "type": request_type})
        assert reply["ok"] is False and "needs a 'document'" in reply["error"]["message"]


def test_codegen_and_catalog_requests() -> None:
    code = answer({"id": 4, "type": "arch.codegen", "document": REDSHIFT})["result"]["code"]
    assert "def build_model():" in code
    catalog = answer({"id": 5, "type": "arch.catalog"})["result"]
    assert "Concatenate" in catalog["layers"]


def test_import_request_reads_the_namespace() -> None:
    import keras

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="d")])
    document = import_request({"variable": "net"}, {"net": model})["document"]
    assert document["layers"][-1]["arguments"] == {"units": 2}
    with pytest.raises(NameError, match="No variable 'other'"):
        import_request({"variable": "other"}, {"net": model})
    with pytest.raises(ValueError, match="needs 'variable'"):
        import_request({}, {})


@pytest.mark.slow
def test_architecture_requests_through_a_real_kernel() -> None:
    manager, client = start_new_kernel(
        kernel_name="python3", env={**os.environ, "KERAS_BACKEND": "torch"}
    )
    try:
        assert _execute(client, "%load_ext forgelab")["status"] == "ok"
        # Loading the extension must not import Keras: the requests import it on first use.
        assert _execute(client, "import sys; assert 'keras' not in sys.modules")["status"] == "ok"
        comm_id = uuid.uuid4().hex
        client.shell_channel.send(
            client.session.msg(
                "comm_open", {"comm_id": comm_id, "target_name": "forgelab", "data": {}}
            )
        )
        reply = _request(client, comm_id, {"id": "c1", "type": "arch.check", "document": REDSHIFT})
        assert reply["ok"] is True, reply
        assert reply["result"]["output_shapes"] == [[None, 32]]
        code = (
            "import keras\n"
            "net = keras.Sequential([keras.Input((8,)),"
            " keras.layers.Dense(4, activation='relu', name='h'),"
            " keras.layers.Dense(1, name='y')], name='tiny')"
        )
        assert _execute(client, code)["status"] == "ok"
        reply = _request(client, comm_id, {"id": "c2", "type": "arch.import", "variable": "net"})
        assert reply["ok"] is True, reply
        document = reply["result"]["document"]
        assert [entry["id"] for entry in document["layers"]][1:] == ["h", "y"]
        reply = _request(
            client, comm_id, {"id": "c3", "type": "arch.import", "variable": "missing"}
        )
        assert reply["ok"] is False and reply["error"]["type"] == "NameError"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def _execute(client, code: str) -> dict:
    msg_id = client.execute(code, silent=True, store_history=False)
    reply = client.get_shell_msg(timeout=120)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = client.get_shell_msg(timeout=120)
    return reply["content"]


def _request(client, comm_id: str, request: dict) -> dict:
    client.shell_channel.send(client.session.msg("comm_msg", {"comm_id": comm_id, "data": request}))
    while True:
        msg = client.get_iopub_msg(timeout=180)
        if msg["msg_type"] == "comm_msg" and msg["content"]["comm_id"] == comm_id:
            return msg["content"]["data"]
