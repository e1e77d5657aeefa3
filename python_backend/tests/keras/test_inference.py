"""Shape inference against Keras building the same models directly."""

from __future__ import annotations

import json

import keras
import pytest
from forgelab.keras.inference import check, format_shape

from .conftest import EXAMPLES, architecture, layer


def shapes_of(model: keras.Model) -> dict[str, tuple[list, int]]:
    """Each layer's output shape and parameter count as Keras itself reports them."""
    found = {}
    for keras_layer in model.layers:
        found[keras_layer.name] = ([list(keras_layer.output.shape)], keras_layer.count_params())
    return found


def assert_same_as_keras(document: dict, model: keras.Model) -> None:
    report = check(document)
    assert report.ok, report.errors()
    expected = shapes_of(model)
    for layer_id, result in report.layers.items():
        if result.type == "Input":
            assert [
                list(model.inputs[document["inputs"].index(layer_id)].shape)
            ] == result.output_shapes
            continue
        assert (result.output_shapes, result.params) == expected[layer_id], layer_id
    assert report.total_params == model.count_params()
    outputs = model.outputs
    assert report.output_shapes == [list(t.shape) for t in outputs]


def test_sequential_model_matches_keras() -> None:
    document = json.loads((EXAMPLES / "mnist-cnn.arch.json").read_text())
    model = keras.Sequential(
        [
            keras.Input((28, 28, 1), name="image"),
            keras.layers.Conv2D(32, 3, activation="relu", name="conv1"),
            keras.layers.MaxPooling2D(name="pool1"),
            keras.layers.Conv2D(64, 3, activation="relu", name="conv2"),
            keras.layers.MaxPooling2D(name="pool2"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dropout(0.5, name="dropout"),
            keras.layers.Dense(10, activation="softmax", name="digits"),
        ]
    )
    assert_same_as_keras(document, model)


def test_branching_model_matches_keras() -> None:
    image = keras.Input((32, 32, 3), name="image")
    stem = keras.layers.Conv2D(16, 3, padding="same", name="stem")(image)
    left = keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="left")(stem)
    right = keras.layers.Conv2D(8, 1, name="right")(stem)
    right = keras.layers.Conv2D(16, 3, padding="same", name="right_3x3")(right)
    added = keras.layers.Add(name="add")([left, right])
    joined = keras.layers.Concatenate(name="join")([added, stem])
    pooled = keras.layers.GlobalAveragePooling2D(name="pool")(joined)
    out = keras.layers.Dense(5, name="out")(pooled)
    model = keras.Model(image, out)
    document = architecture(
        [
            layer("image", "Input", shape=[32, 32, 3]),
            layer("stem", "Conv2D", ["image"], filters=16, kernel_size=3, padding="same"),
            layer(
                "left",
                "Conv2D",
                ["stem"],
                filters=16,
                kernel_size=3,
                padding="same",
                activation="relu",
            ),
            layer("right", "Conv2D", ["stem"], filters=8, kernel_size=1),
            layer("right_3x3", "Conv2D", ["right"], filters=16, kernel_size=3, padding="same"),
            layer("add", "Add", ["left", "right_3x3"]),
            layer("join", "Concatenate", ["add", "stem"]),
            layer("pool", "GlobalAveragePooling2D", ["join"]),
            layer("out", "Dense", ["pool"], units=5),
        ]
    )
    assert_same_as_keras(document, model)


def test_multi_input_model_matches_keras() -> None:
    tokens = keras.Input((10, 16), name="tokens")
    extra = keras.Input((4,), name="extra")
    attended = keras.layers.MultiHeadAttention(num_heads=2, key_dim=8, name="attention")(
        tokens, tokens
    )
    pooled = keras.layers.GlobalAveragePooling1D(name="pool")(attended)
    joined = keras.layers.Concatenate(name="join")([extra, pooled])
    out = keras.layers.Dense(3, activation="softmax", name="out")(joined)
    model = keras.Model([tokens, extra], out)
    document = architecture(
        [
            layer("tokens", "Input", shape=[10, 16]),
            layer("extra", "Input", shape=[4]),
            layer("attention", "MultiHeadAttention", ["tokens", "tokens"], num_heads=2, key_dim=8),
            layer("pool", "GlobalAveragePooling1D", ["attention"]),
            layer("join", "Concatenate", ["extra", "pool"]),
            layer("out", "Dense", ["join"], units=3, activation="softmax"),
        ],
        inputs=["tokens", "extra"],
    )
    assert_same_as_keras(document, model)
    # The order of a merge layer's inputs is the order of its edges.
    document["layers"][4]["inputs"] = ["pool", "extra"]
    assert check(document).layers["join"].output_shapes == [[None, 20]]


def test_redshift_example_ends_in_32_bins() -> None:
    document = json.loads((EXAMPLES / "redshift.arch.json").read_text())
    report = check(document)
    assert report.ok, report.errors()
    assert report.output_shapes == [[None, 32]]
    assert format_shape(report.output_shapes[0]) == "(None, 32)"
    concats = [r for r in report.layers.values() if r.type == "Concatenate"]
    assert len(concats) == 5
    for concat in concats:
        block = concat.id.split("_")[0]
        convs = [
            r for r in report.layers.values() if r.id.startswith(block + "_") and r.type == "Conv2D"
        ]
        assert len(convs) == 6
    assert report.layers["image"].output_shapes == [[None, 64, 64, 5]]
    assert report.layers["pool"].output_shapes == [[None, 32, 32, 16]]
    # Average pooling between the blocks, as in the paper: 32 -> 16 -> 8.
    sizes = [report.layers[f"inception{n}_concat"].output_shapes[0][1] for n in range(1, 6)]
    assert sizes == [32, 16, 16, 8, 8]


BAD = {
    "kernel larger than its input": (
        [
            layer("in", "Input", shape=[4, 4, 3]),
            layer("conv", "Conv2D", ["in"], filters=2, kernel_size=7),
            layer("out", "Dense", ["conv"], units=2),
        ],
        "conv",
        "negative",
        ["out"],
    ),
    "dense keeps 4-D where a 2-D tensor is needed": (
        [
            layer("in", "Input", shape=[8, 8, 3]),
            layer("dense", "Dense", ["in"], units=4),
            layer("lstm", "LSTM", ["dense"], units=3),
        ],
        "lstm",
        "expected ndim=3, found ndim=4",
        [],
    ),
    "concatenate of mismatched shapes": (
        [
            layer("in", "Input", shape=[8, 8, 3]),
            layer("a", "Conv2D", ["in"], filters=2, kernel_size=3),
            layer("b", "Conv2D", ["in"], filters=2, kernel_size=1),
            layer("cat", "Concatenate", ["a", "b"]),
            layer("out", "Flatten", ["cat"]),
        ],
        "cat",
        "matching shapes",
        ["out"],
    ),
    "unknown argument": (
        [layer("in", "Input", shape=[8]), layer("dense", "Dense", ["in"], units=3, unitz=4)],
        "dense",
        "has no argument 'unitz'",
        [],
    ),
    "unknown layer type": (
        [layer("in", "Input", shape=[8]), layer("dense", "Dence", ["in"], units=3)],
        "dense",
        "Unknown layer type 'Dence'",
        [],
    ),
    "missing required argument": (
        [layer("in", "Input", shape=[8]), layer("dense", "Dense", ["in"])],
        "dense",
        "needs the argument units",
        [],
    ),
    "input from a missing layer": (
        [layer("in", "Input", shape=[8]), layer("dense", "Dense", ["gone"], units=2)],
        "dense",
        "'gone' is not a layer",
        [],
    ),
    "too many inputs": (
        [layer("in", "Input", shape=[8]), layer("dense", "Dense", ["in", "in"], units=2)],
        "dense",
        "exactly 1 input, but 2",
        [],
    ),
    "merge with one input": (
        [layer("in", "Input", shape=[8]), layer("add", "Add", ["in"])],
        "add",
        "at least 2 inputs",
        [],
    ),
    "invalid value": (
        [layer("in", "Input", shape=[8]), layer("dense", "Dense", ["in"], units=-1)],
        "dense",
        "expected a positive integer",
        [],
    ),
    "unknown activation": (
        [
            layer("in", "Input", shape=[8]),
            layer("dense", "Dense", ["in"], units=2, activation="relu7"),
        ],
        "dense",
        "relu7",
        [],
    ),
    "cycle": (
        [
            layer("in", "Input", shape=[8]),
            layer("a", "Add", ["in", "c"]),
            layer("b", "Dense", ["a"], units=8),
            layer("c", "Dense", ["b"], units=8),
            layer("out", "Dense", ["c"], units=1),
        ],
        "b",
        "part of a cycle: b → c → a → b",
        ["out"],
    ),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_an_invalid_configuration_reports_the_right_layer(case: str) -> None:
    layers, bad_id, words, downstream = BAD[case]
    report = check(architecture(layers, outputs=[layers[-1]["id"]]))
    assert not report.ok
    result = report.layers[bad_id]
    assert result.status == "error"
    assert words in result.error
    assert "Traceback" not in result.error and "Arguments received" not in result.error
    assert any(line.startswith(f"{bad_id} (") for line in report.errors())
    for layer_id in downstream:
        assert report.layers[layer_id].status == "not_computed"
        assert "Not computed" in report.layers[layer_id].error
    assert report.layers["in"].status == "ok"


def test_a_malformed_document_is_reported_without_building() -> None:
    report = check({"format": "forgelab.architecture", "version": 1, "layers": []})
    assert not report.ok and report.layers == {}
    assert any("framework" in e for e in report.document_errors)


def test_an_edit_updates_every_layer_downstream() -> None:
    document = architecture(
        [
            layer("in", "Input", shape=[16]),
            layer("a", "Dense", ["in"], units=8),
            layer("b", "Dense", ["a"], units=4),
            layer("c", "Dense", ["b"], units=2),
        ]
    )
    first = check(document)
    assert first.layers["b"].params == 8 * 4 + 4
    document["layers"][1]["arguments"]["units"] = 6  # the first Dense now feeds 6 features on
    second = check(document)
    assert second.layers["a"].output_shapes == [[None, 6]]
    assert second.layers["b"].params == 6 * 4 + 4
    assert second.layers["c"].params == first.layers["c"].params
    assert second.total_params == 16 * 6 + 6 + 6 * 4 + 4 + 4 * 2 + 2
    # Undoing the edit gives back exactly the first report.
    document["layers"][1]["arguments"]["units"] = 8
    assert check(document).to_json() == first.to_json()


def test_report_json_is_serialisable() -> None:
    report = check(json.loads((EXAMPLES / "mnist-cnn.arch.json").read_text())).to_json()
    assert json.loads(json.dumps(report)) == report
    assert report["layers"]["digits"]["output_shapes"] == [[None, 10]]
    assert report["total_params"] == sum(layer["params"] for layer in report["layers"].values())


ARCHITECTURE_FILES = sorted(EXAMPLES.glob("*.arch.json")) + sorted(
    (EXAMPLES.parent / "fixtures" / "formats" / "valid").glob("*.arch.json")
)


@pytest.mark.parametrize("path", ARCHITECTURE_FILES, ids=lambda p: p.name)
def test_every_shipped_architecture_checks_clean(path) -> None:
    from forgelab import architecture

    report = architecture.check(json.loads(path.read_text()))
    assert report["ok"], report
    assert report["output_shapes"]
