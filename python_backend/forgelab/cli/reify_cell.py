"""``forgelab reify NOTEBOOK --cell N``: the output of a notebook's Nth code cell as a pipeline.

The notebook runs headless with recording on, as for ``--target``; the Nth code cell's output
(its last expression's value, or the figure it draws) is reified. With ``--run`` the pipeline
runs and an expression's value is compared with the one the notebook displayed (IPython keeps it
as ``_<execution count>``); a figure is redrawn, not compared.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from . import UsageError
from ._recorded import recorded_run, write_pipeline


def reify_notebook_cell(
    notebook: str | Path,
    cell: int,
    *,
    output: str | Path | None = None,
    run: bool = False,
    lift_constants: bool = False,
    workdir: str | Path | None = None,
    allow_network: bool = False,
) -> dict[str, Any]:
    """Execute, reify the output of code cell ``cell`` (1-based) and optionally check it.

    Returns the summary the command prints: ``pipeline``, ``cell``, ``output`` (``expression``
    or ``figure``), ``operations``, ``records``; with ``run`` also ``reproduced``, ``compared``,
    ``difference`` and ``execution``.
    """
    from ..provenance.cells import find_cell_record, reify_cell
    from ..provenance.headless import notebook_cells
    from ..provenance.reproduce import difference

    path = Path(notebook).resolve()
    if not path.is_file():
        raise UsageError(f"{notebook}: no such notebook")
    cells = notebook_cells(path)
    if not 1 <= cell <= len(cells):
        raise UsageError(
            f"--cell {cell}: {notebook} has {len(cells)} code cell(s); give a number from 1"
        )
    out = Path(output) if output else path.with_name(f"{path.stem}-cell-{cell}.pipeline.json")

    def displayed(results: list[Any]) -> str | None:
        """IPython keeps the value a cell displayed as ``_<execution count>``."""
        count = results[cell - 1].execution_count
        return f"_{count}" if run and count else None

    with recorded_run(path, workdir=workdir, keep=displayed) as recorded:
        records = recorded.records
        cell_id = cells[cell - 1][0]
        if cell_id:
            record = find_cell_record(records, cell_id=cell_id)
        else:  # notebooks older than nbformat 4.5 have no cell ids: one record per cell, in order
            record = [r for r in records if r.get("kind") == "cell"][cell - 1]
        doc = reify_cell(
            records, record, lift_constants=lift_constants, allow_network=allow_network
        )
        kind = doc["metadata"]["reifiedFrom"]["output"]
        summary: dict[str, Any] = {**write_pipeline(doc, out), "cell": cell, "output": kind}
        if run:
            actual, execution = recorded.reproduce(doc)
            diff = None
            saved = recorded.saved
            compared = kind == "expression" and not saved.get("missing") and bool(saved)
            if compared:
                diff = difference(recorded.expected(), actual, f"the output of cell {cell}")
            summary.update(
                {
                    "reproduced": diff is None,
                    "compared": compared,
                    "difference": diff,
                    "execution": execution["id"],
                }
            )
    return summary


def print_cell(summary: dict[str, Any]) -> None:
    """Say what ``reify_notebook_cell`` wrote (and reproduced or redrew)."""
    cell = summary["cell"]
    print(
        f"wrote {summary['pipeline']}: the {summary['output']} of cell {cell}, "
        f"{len(summary['operations'])} operation(s) from {len(summary['records'])} "
        "recorded cell(s)"
    )
    if summary.get("compared"):
        if summary["reproduced"]:
            print(f"reproduced: the pipeline's output equals cell {cell}'s")
        else:
            print(f"NOT reproduced: {summary['difference']}", file=sys.stderr)
    elif "reproduced" in summary:
        print(f"ran: the pipeline redrew cell {cell}'s {summary['output']}")
