"""Code generation, loading, and importing models back into architecture documents."""

from __future__ import annotations

import json

import forgelab.architecture as architecture
import keras
import pytest
from forgelab.formats import FormatError
from forgelab.keras.importer import ModelImportError
from forgelab.libraries.errors import ArchitectureError

from .conftest import EXAMPLES, layer
from .conftest import architecture as make_architecture

EXAMPLE_FILES = ["mnist-cnn.arch.json", "redshift.arch.json"]


def run_generated(code: str) -> keras.Model:
    namespace: dict = {}
    exec(compile(code, "<generated>", "exec"), namespace)  # noqa: S102 - the code under test
    return namespace["build_model"]()


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_generated_code_builds_the_same_model(name: str) -> None:
    path = EXAMPLES / name
    loaded = architecture.load(path)
    code = architecture.to_code(path)
    assert code.count("def build_model():") == 1 and "return keras.Model(" in code
    assert max(len(line) for line in code.splitlines()) <= 99
    generated = run_generated(code)
    assert generated.count_params() == loaded.count_params()
    assert generated.get_config() == loaded.get_config()


def test_generated_code_writes_only_non_default_arguments() -> None:
    code = architecture.to_code(EXAMPLES / "mnist-cnn.arch.json")
    line = next(line for line in code.splitlines() if "conv1 =" in line)
    assert line.strip() == (
        "conv1 = keras.layers.Conv2D("
        'filters=32, kernel_size=3, activation="relu", name="conv1")(image)'
    )
    assert "strides" not in code and "use_bias" not in code
    assert 'keras.Input(shape=(28, 28, 1), name="image")' in code
    # A default spelled out in the document is still left out of the code.
    document = make_architecture(
        [
            layer("in", "Input", shape=[4]),
            layer(
                "out", "Dense", ["in"], units=2, use_bias=True, kernel_initializer="glorot_uniform"
            ),
        ]
    )
    assert 'keras.layers.Dense(units=2, name="out")(in_)' in architecture.to_code(document)


def test_multi_input_code_passes_inputs_in_order() -> None:
    document = make_architecture(
        [
            layer("a", "Input", shape=[3]),
            layer("b", "Input", shape=[5]),
            layer("join", "Concatenate", ["b", "a"]),
            layer("out", "Dense", ["join"], units=1),
        ],
        inputs=["a", "b"],
    )
    code = architecture.to_code(document)
    assert 'keras.layers.Concatenate(name="join")([b, a])' in code
    assert "keras.Model(inputs=[a, b], outputs=out" in code
    assert run_generated(code).count_params() == architecture.load(document).count_params() == 9


def test_load_returns_a_built_uncompiled_model() -> None:
    model = architecture.load(EXAMPLES / "redshift.arch.json")
    assert model.built and not model.compiled
    assert model.output_shape == (None, 32)
    assert model.get_layer("inception3_concat").output.shape == (None, 16, 16, 4 * 32)
    assert model.name == "redshift"


def test_load_names_the_wrong_layers() -> None:
    document = make_architecture(
        [
            layer("in", "Input", shape=[4, 4, 3]),
            layer("conv", "Conv2D", ["in"], filters=2, kernel_size=9),
            layer("out", "Flatten", ["conv"]),
        ]
    )
    with pytest.raises(ArchitectureError) as raised:
        architecture.load(document)
    assert raised.value.problems[0].startswith("conv (Conv2D): ")
    assert "forgelab arch check" in str(raised.value)


def test_load_rejects_a_malformed_file(tmp_path) -> None:
    path = tmp_path / "broken.arch.json"
    path.write_text('{"format": "forgelab.architecture"')
    with pytest.raises(FormatError, match="not valid JSON"):
        architecture.load(path)


def test_codegen_refuses_a_structurally_broken_architecture() -> None:
    document = make_architecture(
        [layer("in", "Input", shape=[4]), layer("x", "NoSuchLayer", ["in"])]
    )
    with pytest.raises(ArchitectureError, match="Unknown layer type 'NoSuchLayer'"):
        architecture.to_code(document)


def layer_configs(model: keras.Model) -> list[dict]:
    return [json.loads(json.dumps(layer.get_config())) for layer in model.layers]


def test_functional_model_round_trip() -> None:
    image = keras.Input((16, 16, 3), name="image")
    a = keras.layers.Conv2D(
        8,
        3,
        padding="same",
        activation="relu",
        kernel_initializer="he_normal",
        kernel_regularizer=keras.regularizers.L2(0.001),
        name="a",
    )(image)
    b = keras.layers.Conv2D(8, 1, name="b")(image)
    merged = keras.layers.Add(name="merged")([a, b])
    norm = keras.layers.BatchNormalization(momentum=0.9, name="norm")(merged)
    flat = keras.layers.Flatten(name="flat")(norm)
    side = keras.Input((2,), name="side")
    joined = keras.layers.Concatenate(name="joined")([flat, side])
    out = keras.layers.Dense(4, activation="softmax", name="out")(joined)
    model = keras.Model([image, side], out, name="two_inputs")

    document = architecture.from_model(model)
    assert document["inputs"] == ["image", "side"] and document["outputs"] == ["out"]
    by_id = {entry["id"]: entry for entry in document["layers"]}
    assert by_id["a"]["arguments"] == {
        "filters": 8,
        "kernel_size": [3, 3],
        "padding": "same",
        "activation": "relu",
        "kernel_initializer": "he_normal",
        "kernel_regularizer": by_id["a"]["arguments"]["kernel_regularizer"],
    }
    assert by_id["a"]["arguments"]["kernel_regularizer"]["config"] == {"l2": 0.001}
    assert by_id["norm"]["arguments"] == {"momentum": 0.9}
    assert by_id["joined"]["inputs"] == ["flat", "side"]
    rebuilt = architecture.load(document)
    assert rebuilt.count_params() == model.count_params()
    assert rebuilt.get_config() == model.get_config()
    # And once more through the generated code.
    assert run_generated(architecture.to_code(document)).get_config() == model.get_config()


def test_sequential_model_round_trip() -> None:
    model = keras.Sequential(
        [
            keras.Input((20,)),
            keras.layers.Dense(16, activation="tanh"),
            keras.layers.Dropout(0.25),
            keras.layers.Dense(3),
        ],
        name="seq",
    )
    document = architecture.from_model(model)
    assert [entry["type"] for entry in document["layers"]] == ["Input", "Dense", "Dropout", "Dense"]
    rebuilt = architecture.load(document)
    assert rebuilt.count_params() == model.count_params()
    assert layer_configs(rebuilt)[-3:] == layer_configs(model)


def test_a_sequential_model_without_input_shape_is_refused() -> None:
    with pytest.raises(ModelImportError, match="no input shape yet"):
        architecture.from_model(keras.Sequential([keras.layers.Dense(3)]))


def test_shared_layers_are_refused() -> None:
    shared = keras.layers.Dense(4, name="shared")
    a, b = keras.Input((4,), name="a"), keras.Input((4,), name="b")
    model = keras.Model([a, b], keras.layers.Add(name="sum")([shared(a), shared(b)]))
    with pytest.raises(ModelImportError, match="called 2 times"):
        architecture.from_model(model)


def test_subclassed_models_are_refused() -> None:
    class Custom(keras.Model):
        def call(self, x):
            return x

    with pytest.raises(ModelImportError, match="subclassed"):
        architecture.from_model(Custom())
