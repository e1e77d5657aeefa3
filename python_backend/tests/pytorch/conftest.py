"""Fixtures of the PyTorch library tests: a private catalog cache and architecture builders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


@pytest.fixture(scope="session", autouse=True)
def catalog_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every test (and every subprocess it starts) caches the catalogs here."""
    folder = tmp_path_factory.mktemp("forgelab-cache")
    previous = os.environ.get("FORGELAB_CACHE_DIR")
    os.environ["FORGELAB_CACHE_DIR"] = str(folder)
    from forgelab.keras import catalog as keras_catalog
    from forgelab.pytorch import catalog

    catalog._cached.cache_clear()
    keras_catalog._cached_catalog.cache_clear()
    yield folder
    catalog._cached.cache_clear()
    keras_catalog._cached_catalog.cache_clear()
    if previous is None:
        os.environ.pop("FORGELAB_CACHE_DIR", None)
    else:
        os.environ["FORGELAB_CACHE_DIR"] = previous


def layer(
    layer_id: str, layer_type: str, inputs: list[str] | None = None, **arguments: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {"id": layer_id, "type": layer_type}
    if inputs:
        data["inputs"] = inputs
    if arguments:
        data["arguments"] = arguments
    return data


def architecture(
    layers: list[dict[str, Any]],
    inputs: list[str] | None = None,
    outputs: list[str] | None = None,
    name: str = "test_net",
) -> dict[str, Any]:
    return {
        "format": "forgelab.architecture",
        "version": 1,
        "name": name,
        "framework": "torch",
        "layers": layers,
        "inputs": inputs or [layers[0]["id"]],
        "outputs": outputs or [layers[-1]["id"]],
    }


def small_cnn() -> dict[str, Any]:
    """Input → Conv2d → ReLU ┬→ Concatenate → Flatten → Linear → Add → LSTM-free head."""
    return architecture(
        [
            layer("image", "Input", shape=[1, 8, 8]),
            layer(
                "conv",
                "Conv2d",
                ["image"],
                in_channels=1,
                out_channels=4,
                kernel_size=3,
                padding="same",
            ),
            layer("relu", "ReLU", ["conv"]),
            layer(
                "side",
                "Conv2d",
                ["image"],
                in_channels=1,
                out_channels=2,
                kernel_size=1,
                bias=False,
            ),
            layer("cat", "Concatenate", ["relu", "side"], dim=1),
            layer("flat", "Flatten", ["cat"]),
            layer("fc_a", "Linear", ["flat"], in_features=384, out_features=10),
            layer("fc_b", "Linear", ["flat"], in_features=384, out_features=10),
            layer("sum", "Add", ["fc_a", "fc_b"]),
        ],
        name="small cnn",
    )
