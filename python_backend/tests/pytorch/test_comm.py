"""The kernel comm's architecture requests pick the library of the document or the request."""

from __future__ import annotations

import pytest
import torch
from forgelab.kernel.comm import answer, register
from forgelab.libraries.comm import import_request, register_requests

from .conftest import small_cnn


@pytest.fixture(autouse=True)
def registered() -> None:
    register_requests(register)


def test_catalog_of_the_requested_framework() -> None:
    reply = answer({"id": 1, "type": "arch.catalog", "framework": "torch"})
    assert reply["ok"] and "Conv2d" in reply["result"]["layers"]
    keras_reply = answer({"id": 2, "type": "arch.catalog"})
    assert "Conv2D" in keras_reply["result"]["layers"]
    missing = answer({"id": 3, "type": "arch.catalog", "framework": "jax"})
    assert not missing["ok"] and "'jax' is unavailable" in missing["error"]["message"]


def test_check_and_codegen_follow_the_document_framework() -> None:
    reply = answer({"id": 4, "type": "arch.check", "document": small_cnn()})
    assert reply["ok"] and reply["result"]["output_shapes"] == [[None, 10]]
    code = answer({"id": 5, "type": "arch.codegen", "document": small_cnn()})["result"]["code"]
    assert "class SmallCnn(nn.Module):" in code


def test_libraries_request_lists_what_loads() -> None:
    reply = answer({"id": 6, "type": "arch.libraries"})
    assert {"name": "torch", "title": "PyTorch", "available": True} in reply["result"]


def test_import_a_torch_variable_with_its_input_shape() -> None:
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.Flatten())
    document = import_request({"variable": "net", "input_shapes": [[3, 8, 8]]}, {"net": net})[
        "document"
    ]
    assert document["framework"] == "torch"
    assert document["layers"][0]["arguments"] == {"shape": [3, 8, 8]}
    with pytest.raises(ValueError, match="not a model of any architecture library"):
        import_request({"variable": "n"}, {"n": 3})
