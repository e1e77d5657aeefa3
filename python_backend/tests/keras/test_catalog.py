"""The layer catalog against a fresh introspection of the installed Keras."""

from __future__ import annotations

import inspect
import json

import keras
import pytest
from forgelab.keras import catalog as catalog_module
from forgelab.keras.catalog import INPUT_TYPE, catalog


def public_layer_classes() -> dict[str, type]:
    return {
        name: obj
        for name in dir(keras.layers)
        if not name.startswith("_")
        and inspect.isclass(obj := getattr(keras.layers, name))
        and issubclass(obj, keras.layers.Layer)
    }


def test_catalog_covers_every_public_layer_class() -> None:
    everything = public_layer_classes()
    listed = set(catalog()["layers"]) - {INPUT_TYPE}
    assert listed <= set(everything)
    left_out = set(everything) - listed
    # What is left out is an abstract base: it leaves `call` to the layers built on it.
    for name in left_out:
        cls = everything[name]
        assert cls.call is keras.layers.Layer.call or "call" not in vars(cls)
        assert any(issubclass(other, cls) and other is not cls for other in everything.values())
    assert len(left_out) < 5
    assert {
        "Conv2D",
        "Dense",
        "Concatenate",
        "LSTM",
        "AveragePooling2D",
        "MultiHeadAttention",
    } <= listed


def test_arguments_follow_the_constructor_in_order_with_defaults() -> None:
    for name, cls in public_layer_classes().items():
        entry = catalog()["layers"].get(name)
        if entry is None:
            continue
        parameters = [
            p
            for p in inspect.signature(cls.__init__).parameters.values()
            if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
        ]
        assert [a["name"] for a in entry["arguments"]] == [p.name for p in parameters], name
        for argument, parameter in zip(entry["arguments"], parameters, strict=True):
            assert argument["required"] is (parameter.default is parameter.empty), (
                name,
                argument["name"],
            )
            if not argument["required"] and "default_repr" not in argument:
                assert argument["default"] == json.loads(json.dumps(parameter.default)), (
                    name,
                    argument["name"],
                )
            assert argument["types"], (name, argument["name"])


def test_argument_documentation_comes_from_the_docstrings() -> None:
    conv = catalog()["layers"]["Conv2D"]
    docs = {a["name"]: a["doc"] for a in conv["arguments"]}
    assert "number of filters" in docs["filters"]
    assert "valid" in docs["padding"] and "same" in docs["padding"]
    assert conv["summary"] == inspect.cleandoc(keras.layers.Conv2D.__doc__).splitlines()[0]
    assert conv["category"] == "Convolutional"
    everything = [a for e in catalog()["layers"].values() for a in e["arguments"]]
    documented = [a for a in everything if a["doc"]]
    assert len(documented) / len(everything) > 0.9


def test_types_come_from_defaults_and_docstrings() -> None:
    conv = {a["name"]: a for a in catalog()["layers"]["Conv2D"]["arguments"]}
    assert conv["filters"]["types"] == ["int"]  # no default: read from "filters: int, ..."
    assert "int" in conv["kernel_size"]["types"] and "tuple" in conv["kernel_size"]["types"]
    assert conv["use_bias"]["types"] == ["bool"]
    assert conv["padding"]["types"] == ["str"]


def fresh_registry_names(registry: object) -> list[str]:
    names = []
    for name in dir(registry):
        if (
            name.startswith("_")
            or name in ("get", "serialize", "deserialize")
            or name != name.lower()
        ):
            continue
        try:
            if registry.get(name) is not None:  # type: ignore[attr-defined]
                names.append(name)
        except Exception:  # noqa: BLE001
            pass
    return sorted(names)


@pytest.mark.parametrize("registry", ["activations", "initializers", "regularizers", "constraints"])
def test_function_arguments_offer_the_registry_names(registry: str) -> None:
    expected = fresh_registry_names(getattr(keras, registry))
    assert catalog()["registries"][registry] == expected
    suffix = {
        "activations": "activation",
        "initializers": "_initializer",
        "regularizers": "_regularizer",
        "constraints": "_constraint",
    }[registry]
    found = 0
    for entry in catalog()["layers"].values():
        for argument in entry["arguments"]:
            if argument["name"].endswith(suffix):
                assert argument["choices"] == expected, (entry["name"], argument["name"])
                assert argument["registry"] == registry
                found += 1
    assert found > 10


def test_merging_layers_take_several_inputs() -> None:
    layers = catalog()["layers"]
    assert (
        layers["Concatenate"]["multiple_inputs"]
        and layers["Concatenate"]["inputs"]["mode"] == "list"
    )
    assert layers["Add"]["inputs"]["min"] == 2
    assert not layers["Dense"]["multiple_inputs"]
    assert layers["MultiHeadAttention"]["inputs"] == {"mode": "positional", "min": 2, "max": 3}
    assert layers[INPUT_TYPE]["inputs"]["max"] == 0
    assert [a["name"] for a in layers[INPUT_TYPE]["arguments"]][0] == "shape"


def test_catalog_is_cached_per_keras_version(catalog_cache) -> None:
    data = catalog()
    path = catalog_module.cache_path()
    assert path.parent == catalog_cache
    assert keras.__version__ in path.name
    assert json.loads(path.read_text())["keras_version"] == keras.__version__
    assert catalog_module.cache_path("0.0.1") != path

    # A cache file is what a later process reads: mark it and see the mark come back.
    marked = {**data, "marker": "from disk"}
    path.write_text(json.dumps(marked))
    catalog_module._cached_catalog.cache_clear()
    try:
        assert catalog()["marker"] == "from disk"
        # A cache written by another catalog format is rebuilt, not trusted.
        path.write_text(json.dumps({**marked, "format": -1}))
        catalog_module._cached_catalog.cache_clear()
        assert "marker" not in catalog()
    finally:
        catalog_module._cached_catalog.cache_clear()
        catalog(refresh=True)
