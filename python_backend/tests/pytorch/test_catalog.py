"""The PyTorch catalog: every public torch.nn layer, arguments in order with types, defaults and
documentation, grouped like the Keras palette, cached per torch version."""

from __future__ import annotations

import json

import torch
from forgelab.pytorch.catalog import catalog


def test_conv2d_arguments_in_constructor_order_with_types_defaults_and_docs() -> None:
    entry = catalog()["layers"]["Conv2d"]
    names = [a["name"] for a in entry["arguments"]]
    assert names[:4] == ["in_channels", "out_channels", "kernel_size", "stride"]
    assert "device" not in names and "dtype" not in names
    by_name = {a["name"]: a for a in entry["arguments"]}
    assert by_name["in_channels"]["required"] and by_name["in_channels"]["types"] == ["int"]
    assert by_name["kernel_size"]["types"] == ["int", "tuple"]
    assert by_name["stride"]["default"] == 1 and not by_name["stride"]["required"]
    assert by_name["padding"]["types"] == ["str", "int", "tuple"]
    assert "channels in the input image" in by_name["in_channels"]["doc"]
    assert entry["category"] == "Convolutional" and entry["summary"].startswith("Applies a 2D")
    assert entry["inputs"] == {"mode": "single", "min": 1, "max": 1}


def test_every_public_layer_is_there_and_nothing_else() -> None:
    layers = catalog()["layers"]
    public = {
        name
        for name in dir(torch.nn)
        if isinstance(getattr(torch.nn, name), type)
        and issubclass(getattr(torch.nn, name), torch.nn.Module)
        and getattr(torch.nn, name).__module__ == "torch.nn.modules.activation"
    }
    assert public <= set(layers)
    for excluded in ("Module", "Sequential", "ModuleList", "MSELoss", "DataParallel", "RNNBase"):
        assert excluded not in layers
    assert {"Input", "Concatenate", "Add"} <= set(layers)


def test_star_args_constructors_are_read_from_the_documented_signature() -> None:
    entry = catalog()["layers"]["LSTM"]
    by_name = {a["name"]: a for a in entry["arguments"]}
    assert list(by_name)[:3] == ["input_size", "hidden_size", "num_layers"]
    assert by_name["num_layers"]["default"] == 1 and by_name["hidden_size"]["required"]
    assert entry["category"] == "RNN" and entry["outputs"] == "first"


def test_inputs_and_groups_follow_the_keras_palette() -> None:
    layers = catalog()["layers"]
    assert layers["MultiheadAttention"]["inputs"] == {"mode": "positional", "min": 3, "max": 3}
    assert layers["MultiheadAttention"]["category"] == "Attention"
    assert layers["Bilinear"]["inputs"]["min"] == 2
    assert layers["Concatenate"]["inputs"] == {"mode": "list", "min": 2, "max": None}
    assert {"Core", "Convolutional", "Pooling", "Normalization", "Merging"} <= set(
        catalog()["categories"]
    )


def test_catalog_is_cached_per_torch_version(catalog_cache) -> None:
    catalog()
    cached = catalog_cache / f"torch-catalog-{torch.__version__}-v1.json"
    assert json.loads(cached.read_text())["layers"]["Linear"]["arguments"][0]["name"] == (
        "in_features"
    )
