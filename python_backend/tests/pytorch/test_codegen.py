"""PyTorch code generation, the built fx module, and import from nn.Module through torch.fx:
round trips in both directions."""

from __future__ import annotations

import json

import pytest
import torch
from forgelab import architecture
from forgelab.libraries.base import ModelImportError
from forgelab.pytorch.codegen import to_code
from forgelab.pytorch.importer import from_model
from forgelab.pytorch.model import build_model

from .conftest import EXAMPLES, small_cnn


def _without_positions(document: dict) -> dict:
    copy = json.loads(json.dumps(document))
    for layer in copy["layers"]:
        layer.pop("position", None)
    return copy


def test_generated_code_is_a_readable_module() -> None:
    code = to_code(small_cnn())
    assert "class SmallCnn(nn.Module):" in code
    assert (
        'self.conv = nn.Conv2d(in_channels=1, out_channels=4, kernel_size=3, padding="same")\n'
        in code
    )
    assert "        cat = torch.cat([relu, side], dim=1)\n" in code
    assert "        sum_ = fc_a + fc_b\n        return sum_\n" in code
    namespace: dict = {}
    exec(compile(code, "<generated>", "exec"), namespace)
    model = namespace["build_model"]()
    assert model(torch.zeros(5, 1, 8, 8)).shape == (5, 10)


def test_built_model_comes_back_unchanged() -> None:
    document = small_cnn()
    model = build_model(document)
    assert isinstance(model, torch.nn.Module) and type(model).__name__ == "SmallCnn"
    assert model(torch.zeros(2, 1, 8, 8)).shape == (2, 10)
    back = from_model(model, input_shapes=[[1, 8, 8]])
    assert back["name"] == "SmallCnn"
    assert _without_positions(back)["layers"] == document["layers"]


def test_generated_code_round_trips_through_fx() -> None:
    namespace: dict = {}
    exec(to_code(small_cnn()), namespace)
    back = from_model(namespace["build_model"](), input_shapes=[[1, 8, 8]])
    types = [(x["id"], x["type"], x.get("arguments")) for x in back["layers"]]
    expected = [(x["id"], x["type"], x.get("arguments")) for x in small_cnn()["layers"]]
    # fx names the calls of torch.cat and + after the function, not the variable.
    assert [t[1:] for t in types] == [e[1:] for e in expected]
    assert (
        architecture.check(back)["total_params"] == architecture.check(small_cnn())["total_params"]
    )


def test_redshift_example_round_trips() -> None:
    document = json.loads((EXAMPLES / "redshift-torch.arch.json").read_text())
    model = architecture.load(EXAMPLES / "redshift-torch.arch.json")
    assert model(torch.zeros(1, 5, 64, 64)).shape == (1, 32)
    back = from_model(model, input_shapes=[[5, 64, 64]])
    assert _without_positions(back)["layers"] == _without_positions(document)["layers"]


def test_a_hand_written_module_imports_with_tuple_outputs_and_inferred_shape() -> None:
    class Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = torch.nn.Linear(6, 8)
            self.split = torch.nn.Unflatten(1, (2, 4))
            self.rnn = torch.nn.GRU(4, 3, batch_first=True)

        def forward(self, x):
            out, _ = self.rnn(self.split(self.embed(x)))
            return out

    document = from_model(Net())
    assert _without_positions(document)["layers"] == [
        {"id": "x", "type": "Input", "arguments": {"shape": [6]}},
        {
            "id": "embed",
            "type": "Linear",
            "inputs": ["x"],
            "arguments": {"in_features": 6, "out_features": 8},
        },
        {
            "id": "split",
            "type": "Unflatten",
            "inputs": ["embed"],
            "arguments": {"dim": 1, "unflattened_size": [2, 4]},
        },
        {
            "id": "rnn",
            "type": "GRU",
            "inputs": ["split"],
            "arguments": {"input_size": 4, "hidden_size": 3, "batch_first": True},
        },
    ]
    assert document["outputs"] == ["rnn"]
    assert architecture.check(document)["output_shapes"] == [[None, 2, 3]]
    assert [x["position"]["y"] for x in document["layers"]] == [0, 90, 180, 270]


def test_what_a_file_cannot_describe_is_refused_with_the_reason() -> None:
    class Functional(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = torch.nn.Linear(3, 3)

        def forward(self, x):
            return torch.nn.functional.relu(self.fc(x))

    with pytest.raises(ModelImportError, match="forward calls relu.*nn.ReLU for F.relu"):
        from_model(Functional())

    class Custom(torch.nn.Module):
        def forward(self, x):
            return x

    class Holder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = torch.nn.Sequential(torch.nn.Linear(2, 2))
            self.custom = torch.nn.Identity()

        def forward(self, x):
            return self.inner(x)

    document = from_model(Holder())
    assert [x["id"] for x in document["layers"]] == ["x", "inner.0"]
