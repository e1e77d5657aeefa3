"""Fixtures of the provenance tests: a real kernel recording into a temporary store."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from forgelab.testing.recording import RecordingKernel


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RecordingKernel]:
    folder = tmp_path_factory.mktemp("kernel")
    os.environ.setdefault("KERAS_BACKEND", "torch")
    recording = RecordingKernel(folder)
    recording.run.start()
    try:
        yield recording
    finally:
        recording.run.stop()


def operations(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Operation nodes of a pipeline by id."""
    return {n["id"]: n for n in doc["nodes"] if n["kind"] == "operation"}
