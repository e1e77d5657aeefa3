"""A real kernel that records provenance into a scratch store, for tests that reify from it.

One kernel (``%load_ext forgelab`` in a scratch folder) runs the cells a test gives it; the test
then reifies a variable from the recorded history, runs the pipeline on the local adapter and
compares its value with the kernel's, as ``forgelab reify --run`` does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..jobs import serializers
from ..provenance import reify
from ..provenance.compare import Verdict, compare
from ..provenance.headless import CellResult, KernelRun
from ..provenance.reproduce import run_pipeline
from ..store import Store


class RecordingKernel:
    """A recording kernel in ``folder`` and the means to reify from it and check the pipeline."""

    def __init__(self, folder: Path, notebook: str = "tests.ipynb") -> None:
        self.folder = folder
        self.url = f"sqlite:///{folder / 'provenance.db'}"
        self.run = KernelRun(cwd=folder, store_url=self.url, notebook=notebook)

    def cell(self, code: str, cell_id: str | None = None) -> CellResult:
        """Run one cell; its result says whether it failed."""
        return self.run.execute(code, cell_id=cell_id)

    def ok(self, code: str) -> None:
        """Run one cell that must succeed."""
        result = self.cell(code)
        assert result.status == "ok", result.traceback

    def records(self) -> list[dict[str, Any]]:
        """This kernel session's records, once the recorder has written them all."""
        session = self.run.flush()["session"]
        store = Store(self.url)
        try:
            return store.history_records(session=session)
        finally:
            store.close()

    def reify(self, target: str, **options: Any) -> dict[str, Any]:
        return reify.reify(self.records(), target, **options)

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

    def reproduce(self, target: str, scratch: Path, **options: Any) -> dict[str, Any]:
        """Reify ``target``, run the pipeline, assert it reproduces the kernel's value."""
        doc = self.reify(target, **options)
        verdict = self.check(doc, target, scratch)
        assert verdict.outcome == "reproduced", verdict.detail
        return doc
