"""Fixtures of the provenance tests: a real kernel recording into a temporary store."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from forgelab.jobs import serializers
from forgelab.provenance import reify
from forgelab.provenance.compare import compare
from forgelab.provenance.headless import KernelRun
from forgelab.provenance.reproduce import run_pipeline
from forgelab.store import Store


class RecordingKernel:
    """A kernel with ``%load_ext forgelab`` in a scratch folder, and the means to reify from it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.url = f"sqlite:///{folder / 'provenance.db'}"
        self.run = KernelRun(cwd=folder, store_url=self.url, notebook="tests.ipynb")

    def cell(self, code: str, cell_id: str | None = None) -> Any:
        return self.run.execute(code, cell_id=cell_id)

    def records(self) -> list[dict[str, Any]]:
        session = self.run.flush()["session"]
        store = Store(self.url)
        try:
            return store.history_records(session=session)
        finally:
            store.close()

    def reify(self, target: str, **options: Any) -> dict[str, Any]:
        return reify.reify(self.records(), target, **options)

    def reproduce(self, target: str, scratch: Path, **options: Any) -> dict[str, Any]:
        """Reify ``target``, run the pipeline, assert it equals the kernel's value; returns doc."""
        doc = self.reify(target, **options)
        scratch.mkdir(parents=True, exist_ok=True)
        saved = self.run.save_value(target, scratch / "expected")
        expected = serializers.load(str(scratch / "expected"), saved["serializer"])
        store = Store(f"sqlite:///{scratch / 'executions.db'}")
        try:
            actual, _execution = run_pipeline(doc, root=scratch, store=store)
        finally:
            store.close()
        verdict = compare(expected, actual, target)
        assert verdict.outcome == "reproduced", verdict.detail
        return doc


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
