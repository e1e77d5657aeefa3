"""The ``train_torch`` operation trains a generated network; ``score`` evaluates it."""

from __future__ import annotations

import json

import torch
from forgelab.operations.builtin import operations
from forgelab.operations.builtin.data import load_digits
from forgelab.operations.builtin.learn import score, train_torch

from .conftest import architecture, layer


def test_train_torch_learns_the_digits_and_score_agrees(tmp_path) -> None:
    path = tmp_path / "mlp.arch.json"
    path.write_text(
        json.dumps(
            architecture(
                [
                    layer("pixels", "Input", shape=[64]),
                    layer("hidden", "Linear", ["pixels"], in_features=64, out_features=32),
                    layer("act", "ReLU", ["hidden"]),
                    layer("digits", "Linear", ["act"], in_features=32, out_features=10),
                ]
            )
        )
    )
    x, y = load_digits()
    model, history = train_torch(x, y, str(path), epochs=4, batch_size=64, learning_rate=0.01)
    assert isinstance(model, torch.nn.Module)
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(history["loss"]) == 4 and history["loss"][-1] < history["loss"][0]
    assert history["val_accuracy"][-1] > 0.8
    result = score(model, x, y)
    assert result["accuracy"] > 0.8 and result["loss"] < history["loss"][0]


def test_train_torch_is_a_builtin_operation_with_an_architecture_reference() -> None:
    train = next(o for o in operations() if o["id"] == "forgelab.train_torch")
    assert train["references"] == [{"name": "architecture", "kind": "architecture"}]
    assert {a["name"] for a in train["attributes"]} >= {"epochs", "device", "learning_rate"}
