"""Architecture documents and a private catalog cache, for the library tests and benchmarks."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def layer(
    layer_id: str, layer_type: str, inputs: list[str] | None = None, **arguments: Any
) -> dict[str, Any]:
    """One layer of an architecture document."""
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
    framework: str = "keras",
) -> dict[str, Any]:
    """An architecture document; inputs and outputs default to the first and last layer."""
    return {
        "format": "forgelab.architecture",
        "version": 1,
        "name": name,
        "framework": framework,
        "layers": layers,
        "inputs": inputs or [layers[0]["id"]],
        "outputs": outputs or [layers[-1]["id"]],
    }


def _clear_catalogs() -> None:
    from ..keras import catalog as keras_catalog

    keras_catalog._cached_catalog.cache_clear()
    try:
        from ..pytorch import catalog as torch_catalog
    except ImportError:  # PyTorch is optional
        return
    torch_catalog._cached.cache_clear()


@contextmanager
def private_catalog_cache(folder: Path) -> Iterator[Path]:
    """Cache the layer catalogs in ``folder`` (this process and every one it starts)."""
    previous = os.environ.get("FORGELAB_CACHE_DIR")
    os.environ["FORGELAB_CACHE_DIR"] = str(folder)
    _clear_catalogs()
    try:
        yield folder
    finally:
        _clear_catalogs()
        if previous is None:
            os.environ.pop("FORGELAB_CACHE_DIR", None)
        else:
            os.environ["FORGELAB_CACHE_DIR"] = previous
