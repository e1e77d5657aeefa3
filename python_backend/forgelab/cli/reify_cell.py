"""``forgelab reify NOTEBOOK --cell N``: the output of a notebook's Nth code cell as a pipeline.

The notebook runs headless with recording on, as for ``--target``; the Nth code cell's output
(its last expression's value, or the figure it draws) is reified. With ``--run`` the pipeline
runs and its output is compared with what the notebook showed: an expression's value (IPython
keeps it as ``_<execution count>``) or the figure the cell left current, kept as the cell ended.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import UsageError
from ._recorded import check_paths, print_verdict, recorded_run, write_pipeline


def run_and_reify_cell(
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
    or ``figure``), ``operations``, ``records``; with ``run`` also ``outcome``, ``detail``,
    ``reproduced`` and ``execution`` (as for ``--target``).
    """
    from ..provenance.cells import cell_output, find_cell_record, reify_cell
    from ..provenance.headless import FIGURE_NAME, notebook_cells

    path = Path(notebook).resolve()
    out = Path(output) if output else path.with_name(f"{path.stem}-cell-{cell}.pipeline.json")
    check_paths(notebook, out)
    cells = notebook_cells(path)
    if not 1 <= cell <= len(cells):
        raise UsageError(
            f"--cell {cell}: {notebook} has {len(cells)} code cell(s); give a number from 1"
        )

    cell_id = cells[cell - 1][0]

    def the_record(records: list[dict[str, Any]]) -> dict[str, Any]:
        if cell_id:
            return find_cell_record(records, cell_id=cell_id)
        # notebooks older than nbformat 4.5 have no cell ids: one record per cell, in order
        return [r for r in records if r.get("kind") == "cell"][cell - 1]

    def shown(results: list[Any], records: list[dict[str, Any]]) -> str | None:
        """What the notebook showed: IPython keeps a displayed value as ``_<count>``."""
        if not run:
            return None
        if cell_output(the_record(records), records).kind == "figure":
            return FIGURE_NAME
        count = results[cell - 1].execution_count
        return f"_{count}" if count else None

    figure_of = cell - 1 if run else None
    with recorded_run(path, workdir=workdir, keep=shown, figure_of=figure_of) as recorded:
        records = recorded.records
        doc = reify_cell(
            records, the_record(records), lift_constants=lift_constants, allow_network=allow_network
        )
        kind = doc["metadata"]["reifiedFrom"]["output"]
        summary: dict[str, Any] = {**write_pipeline(doc, out), "cell": cell, "output": kind}
        if run:
            summary.update(recorded.check(doc, f"the output of cell {cell}"))
    return summary


def print_cell(summary: dict[str, Any]) -> None:
    """Say what ``run_and_reify_cell`` wrote (and how its output compared)."""
    cell = summary["cell"]
    print(
        f"wrote {summary['pipeline']}: the {summary['output']} of cell {cell}, "
        f"{len(summary['operations'])} operation(s) from {len(summary['records'])} "
        "recorded cell(s)"
    )
    if "outcome" in summary:
        print_verdict(summary)
