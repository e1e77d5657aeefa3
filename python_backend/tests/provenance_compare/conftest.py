"""A real kernel recording into a scratch store, and the means to reify from it and compare."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from forgelab.jobs import serializers
from forgelab.provenance import reify
from forgelab.provenance.compare import Verdict, compare
from forgelab.provenance.headless import KernelRun
from forgelab.provenance.reproduce import run_pipeline
from forgelab.store import Store


class RecordingKernel:
    """A kernel with ``%load_ext forgelab``; reifies its variables and checks the pipelines."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.url = f"sqlite:///{folder / 'provenance.db'}"
        self.run = KernelRun(cwd=folder, store_url=self.url, notebook="compare.ipynb")

    def cell(self, code: str) -> None:
        result = self.run.execute(code)
        assert result.status == "ok", result.traceback

    def reify(self, target: str, **options: Any) -> dict[str, Any]:
        session = self.run.flush()["session"]
        store = Store(self.url)
        try:
            records = store.history_records(session=session)
        finally:
            store.close()
        return reify.reify(records, target, **options)

    def check(self, doc: dict[str, Any], target: str, scratch: Path) -> Verdict:
        """Run ``doc`` in ``scratch`` and compare its output with the kernel's ``target``."""
        scratch.mkdir(parents=True, exist_ok=True)
        saved = self.run.save_value(target, scratch / "expected")
        expected = serializers.load(str(scratch / "expected"), saved["serializer"])
        store = Store(f"sqlite:///{scratch / 'executions.db'}")
        try:
            actual, _execution = run_pipeline(doc, root=scratch, store=store)
        finally:
            store.close()
        return compare(expected, actual, target)


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RecordingKernel]:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    recording = RecordingKernel(tmp_path_factory.mktemp("kernel"))
    recording.run.start()
    try:
        yield recording
    finally:
        recording.run.stop()
