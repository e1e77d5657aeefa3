"""Fixtures of the provenance tests: a real kernel recording into a temporary store."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from forgelab import formats
from forgelab.provenance import reify as reify_module
from forgelab.testing.recording import RecordingKernel


@pytest.fixture(autouse=True)
def reified_documents_follow_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reify skips the JSON Schema pass on the documents it builds (for speed); in every test
    here, each such document must still follow the schema."""
    validate = reify_module.pipelines.validate

    def checked(doc: Any, *args: Any, check_schema: bool = True, **kw: Any) -> Any:
        if not check_schema:
            assert formats.issues("pipeline", doc) == [], "reify built a document off the schema"
        return validate(doc, *args, check_schema=check_schema, **kw)

    monkeypatch.setattr(reify_module.pipelines, "validate", checked)


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
