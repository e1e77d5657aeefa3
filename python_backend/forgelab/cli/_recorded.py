"""What ``forgelab reify`` does for ``--target`` and ``--cell`` alike: run the notebook headless
with recording into a scratch store, write the reified pipeline, and run it to compare."""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class RecordedRun:
    """A headless run of a notebook: its records, cell results and the value it kept."""

    scratch: Path
    records: list[dict[str, Any]]
    results: list[Any]
    saved: dict[str, Any]
    """What ``save_value`` answered (``{}`` when no value was kept; ``missing`` if undefined)."""

    def expected(self) -> Any:
        """The value the notebook held, as it was saved from the kernel."""
        from ..jobs import serializers

        return serializers.load(str(self.scratch / "expected.value"), self.saved["serializer"])

    def check(self, doc: dict[str, Any], where: str) -> dict[str, Any]:
        """Run ``doc`` and compare its output with the value kept from the notebook.

        Returns the summary's part: ``outcome``, ``detail``, ``reproduced`` (true only for
        "reproduced") and ``execution``.
        """
        from ..provenance.compare import Verdict, compare

        actual, execution = self.reproduce(doc)
        if not self.saved or self.saved.get("missing"):
            verdict = Verdict("cannot compare", f"{where}: the notebook kept no value to compare")
        else:
            verdict = compare(self.expected(), actual, where)
        return {
            **verdict.to_json(),
            "reproduced": verdict.outcome == "reproduced",
            "execution": execution["id"],
        }

    def reproduce(self, doc: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        """Run the pipeline ``doc`` in this scratch folder: its output and the execution."""
        from ..provenance.reproduce import run_pipeline
        from ..store import Store

        store = Store(f"sqlite:///{self.scratch / 'executions.db'}")
        try:
            return run_pipeline(doc, root=self.scratch, store=store)
        finally:
            store.close()


def check_paths(notebook: str, output: Path) -> Path:
    """The notebook's resolved path once it is known to be a notebook and ``output`` can be
    written: both are refused in one line before the notebook runs (minutes, perhaps)."""
    import nbformat

    from . import UsageError

    path = Path(notebook).resolve()
    if not path.is_file():
        raise UsageError(f"{notebook}: no such notebook")
    try:
        nbformat.read(path, as_version=4)
    except (OSError, ValueError) as error:  # NotJSONError and UnicodeDecodeError are ValueErrors
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise UsageError(f"{notebook} is not a Jupyter notebook: {first[:200]}") from None
    if not output.parent.is_dir():
        raise UsageError(
            f"-o {output}: folder {output.parent} does not exist; create it or choose another"
        )
    return path


@contextmanager
def recorded_run(
    path: Path,
    *,
    workdir: str | Path | None,
    keep: Callable[[list[Any], list[dict[str, Any]]], str | None] = lambda _results, _records: None,
    figure_of: int | None = None,
) -> Iterator[RecordedRun]:
    """Run ``path`` with recording on; ``keep(results, records)`` names the variable whose final
    value is saved for a later comparison (None: none); ``figure_of`` (a 0-based code cell) keeps
    the figure that cell draws as ``headless.FIGURE_NAME``. The scratch folder lives as long as
    the context."""
    from ..provenance.headless import run_notebook
    from ..store import Store

    with tempfile.TemporaryDirectory(prefix="forgelab-reify-", dir=workdir) as scratch:
        scratch_dir = Path(scratch)
        url = f"sqlite:///{scratch_dir / 'provenance.db'}"
        with run_notebook(path, store_url=url, figure_of=figure_of) as (kernel, results):
            print_failed_cells(results)
            flushed = kernel.flush()
            if flushed.get("errors"):
                raise RuntimeError(f"the recorder could not store records: {flushed['errors']}")
            store = Store(url)
            try:
                records = store.history_records(session=flushed["session"])
            finally:
                store.close()
            name = keep(results, records)
            saved = kernel.save_value(name, scratch_dir / "expected.value") if name else {}
        yield RecordedRun(scratch_dir, records, results, saved)


def write_pipeline(doc: dict[str, Any], out: Path) -> dict[str, Any]:
    """Write the reified pipeline; the part of the summary every reify prints."""
    out.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return {
        "pipeline": str(out),
        "operations": [n["id"] for n in doc["nodes"] if n["kind"] == "operation"],
        "inputs": [n["source"] for n in doc["nodes"] if n["kind"] == "input"],
        "records": doc["metadata"]["reifiedFrom"]["records"],
        **{
            key: doc["metadata"]["reifiedFrom"][key]
            for key in ("lifted", "notLifted", "liftNote")
            if key in doc["metadata"]["reifiedFrom"]
        },
    }


def print_failed_cells(results: list[Any]) -> None:
    """Show what each failed cell printed as its error (the kernel's own log stays hidden)."""
    for index, result in enumerate(results):
        if result.status != "ok":
            shown = result.traceback or result.error
            print(f"forgelab reify: cell {index + 1} failed:\n{shown}", file=sys.stderr)


def print_verdict(summary: dict[str, Any]) -> None:
    """``reproduced``, ``differs: <detail>`` or ``cannot compare: <why>``."""
    if summary["outcome"] == "reproduced":
        print("reproduced")
    else:
        print(f"{summary['outcome']}: {summary['detail']}", file=sys.stderr)


def print_constants(summary: dict[str, Any]) -> None:
    """Say which constants ``--lift-constants`` made attributes, and why others stayed code."""
    for attribute in summary.get("lifted", []):
        print(
            f"lifted {attribute['name']} = {attribute['default']!r} into an attribute of "
            f"{attribute['operation']}"
        )
    if "liftNote" in summary:
        print(summary["liftNote"])
    elif summary.get("notLifted"):
        for left in summary["notLifted"]:
            print(f"not lifted: {left['name']} in {left['operation']}: {left['reason']}")
