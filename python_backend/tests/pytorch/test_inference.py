"""Shapes and parameter counts on the meta device, and torch's errors on the layer that fails."""

from __future__ import annotations

import json

from forgelab.pytorch.inference import check

from .conftest import EXAMPLES, architecture, layer, small_cnn


def test_shapes_and_parameters_of_each_layer() -> None:
    report = check(small_cnn()).to_json()
    assert report["ok"], report
    layers = report["layers"]
    assert layers["image"]["output_shapes"] == [[None, 1, 8, 8]]
    assert layers["conv"]["output_shapes"] == [[None, 4, 8, 8]]
    assert layers["conv"]["params"] == 4 * 9 + 4
    assert layers["side"]["params"] == 2
    assert layers["cat"]["output_shapes"] == [[None, 6, 8, 8]]
    assert layers["sum"]["output_shapes"] == [[None, 10]]
    assert report["output_shapes"] == [[None, 10]]
    assert report["total_params"] == 40 + 2 + 2 * (384 * 10 + 10)


def test_a_wrong_size_is_said_in_plain_words_on_its_layer() -> None:
    document = architecture(
        [
            layer("x", "Input", shape=[3, 4, 4]),
            layer("flat", "Flatten", ["x"]),
            layer("fc", "Linear", ["flat"], in_features=10, out_features=2),
            layer("out", "Softmax", ["fc"], dim=1),
        ]
    )
    report = check(document).to_json()
    assert not report["ok"]
    assert report["layers"]["fc"]["status"] == "error"
    assert report["layers"]["fc"]["error"] == (
        "in_features is 10, but the input (None, 48) has 48 features (its last dimension); "
        "set in_features to 48."
    )
    assert report["layers"]["out"]["status"] == "not_computed"


def test_torch_errors_and_unknown_layers_land_on_their_layer() -> None:
    document = architecture(
        [
            layer("x", "Input", shape=[3, 4, 4]),
            layer("pool", "MaxPool2d", ["x"], kernel_size=8),
            layer("conv", "Conv2D", ["x"], filters=3),
        ],
        outputs=["pool", "conv"],
    )
    report = check(document).to_json()
    assert "Output size is too small" in report["layers"]["pool"]["error"]
    assert report["layers"]["conv"]["error"].startswith(
        "Unknown layer type 'Conv2D': torch.nn has no such layer. Did you mean 'Conv2d'?"
    )


def test_the_redshift_example_matches_the_keras_network() -> None:
    torch_doc = json.loads((EXAMPLES / "redshift-torch.arch.json").read_text())
    report = check(torch_doc).to_json()
    assert report["ok"] and report["output_shapes"] == [[None, 32]]
    from forgelab.keras.inference import check as keras_check

    keras_doc = json.loads((EXAMPLES / "redshift.arch.json").read_text())
    assert report["total_params"] == keras_check(keras_doc).total_params


def test_checking_allocates_no_real_tensors() -> None:
    document = architecture(
        [
            layer("x", "Input", shape=[100_000]),
            layer("huge", "Linear", ["x"], in_features=100_000, out_features=100_000),
        ]
    )
    # 10^10 parameters would need 40 GB on the CPU: on meta they cost nothing.
    report = check(document).to_json()
    assert report["layers"]["huge"]["params"] == 100_000 * 100_000 + 100_000
