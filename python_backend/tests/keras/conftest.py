"""Fixtures of the Keras library tests: a private catalog cache and architecture builders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from forgelab.testing.architectures import architecture, layer, private_catalog_cache

os.environ.setdefault("KERAS_BACKEND", "torch")

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"

__all__ = ["EXAMPLES", "architecture", "layer"]


@pytest.fixture(scope="session", autouse=True)
def catalog_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every test (and every subprocess or kernel it starts) caches the catalogs here."""
    with private_catalog_cache(tmp_path_factory.mktemp("forgelab-cache")) as folder:
        yield folder
