"""Fixtures of the PyTorch library tests: a private catalog cache and architecture builders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from forgelab.testing.architectures import architecture as _architecture
from forgelab.testing.architectures import layer, private_catalog_cache

os.environ.setdefault("KERAS_BACKEND", "torch")

architecture = partial(_architecture, framework="torch")
"""A PyTorch architecture document (see ``forgelab.testing.architectures``)."""

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"

__all__ = ["EXAMPLES", "architecture", "layer", "small_cnn"]


@pytest.fixture(scope="session", autouse=True)
def catalog_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every test (and every subprocess or kernel it starts) caches the catalogs here."""
    with private_catalog_cache(tmp_path_factory.mktemp("forgelab-cache")) as folder:
        yield folder


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
