"""A real kernel recording into a scratch store, and the means to reify from it and compare."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from forgelab.testing.recording import RecordingKernel


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RecordingKernel]:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    recording = RecordingKernel(tmp_path_factory.mktemp("kernel"), notebook="compare.ipynb")
    recording.run.start()
    try:
        yield recording
    finally:
        recording.run.stop()
