"""Fixtures of the Keras library tests: a private catalog cache and architecture builders."""

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
    """Every test (and every subprocess or kernel they start) caches the catalog here."""
    folder = tmp_path_factory.mktemp("forgelab-cache")
    previous = os.environ.get("FORGELAB_CACHE_DIR")
    os.environ["FORGELAB_CACHE_DIR"] = str(folder)
    from forgelab.keras import catalog

    catalog._cached_catalog.cache_clear()
    yield folder
    catalog._cached_catalog.cache_clear()
    if previous is None:
        os.environ.pop("FORGELAB_CACHE_DIR", None)
    else:
        os.environ["FORGELAB_CACHE_DIR"] = previous


def layer(
    layer_id: str, layer_type: str, inputs: list[str] | None = None, **arguments: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {"id": layer_id, "type": layer_type}
    if arguments:
        data["arguments"] = arguments
    if inputs:
        data["inputs"] = inputs
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
        "framework": "keras",
        "layers": layers,
        "inputs": inputs or [layers[0]["id"]],
        "outputs": outputs or [layers[-1]["id"]],
    }
