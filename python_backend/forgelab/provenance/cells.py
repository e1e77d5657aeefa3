"""A cell's output (its last expression's value, or the figure it draws) as a reify target.

A cell run is one record. Its output has no variable name, so the cell becomes the last operation
of a pipeline whose Output is named ``output``: the record's code is rewritten so that the value
the notebook displayed is bound to that name (``output = <last expression>``), and the record is
given a write of it. The ordinary variable slice and reify then apply unchanged: the slice is the
cell plus everything its reads depend on.

A cell that draws with matplotlib (it reads ``plt`` or another matplotlib object, or imports
matplotlib) ends with ``plt.show()`` in the pipeline, so the figure is drawn when the job runs and
streams to the execution view through :mod:`forgelab.jobs.mpl_backend`; its Output is then the
figure, unless the cell ends with an expression that is not a matplotlib call.
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .errors import ReifyError
from .reify import python_code, reify
from .slicing import describe

__all__ = ["CellOutput", "cell_output", "find_cell_record", "reify_cell"]

#: The name of the pipeline Output that holds a cell's output (another is taken when in use).
OUTPUT_NAME = "output"


@dataclass(frozen=True)
class CellOutput:
    """How a cell's output is reproduced: the rewritten record and what its output is."""

    record: dict[str, Any]
    """A copy of the cell's record whose code binds the output to ``name`` and writes it."""
    name: str
    kind: str
    """``"expression"`` (the last expression's value) or ``"figure"`` (the current figure)."""


def find_cell_record(
    records: Sequence[dict[str, Any]],
    *,
    record_id: str | None = None,
    cell_id: str | None = None,
    session: str | None = None,
) -> dict[str, Any]:
    """The record of a cell run: by ``record_id``, or the latest run of ``cell_id``.

    ``session`` limits the search for ``cell_id`` to one kernel session. Raises
    :class:`ReifyError` when no such record exists.
    """
    if record_id:
        found = next((r for r in records if r.get("id") == record_id), None)
        if found is None:
            raise ReifyError(
                f"no provenance record {record_id!r} in this notebook's history; refresh the "
                "provenance panel and choose the cell again"
            )
    elif cell_id:
        runs = [
            r
            for r in records
            if r.get("cellId") == cell_id and (not session or r.get("session") == session)
        ]
        if not runs:
            where = f" in kernel session {session}" if session else ""
            raise ReifyError(
                f"no recorded run of cell {cell_id!r}{where}; run the cell with ForgeLab loaded "
                "in the kernel (it loads by itself in JupyterLab), then reify its output"
            )
        found = runs[-1]
    else:
        raise ReifyError("name the cell: give its record id or its cell id")
    if found.get("kind") != "cell":
        raise ReifyError(f"{describe(found)} is a {found.get('kind')} edit, not a cell run")
    return found


def _suppressed(code: str) -> bool:
    """Whether the cell ends with ``;``, which hides its last expression's value (IPython)."""
    try:
        tokens = [
            t
            for t in tokenize.generate_tokens(io.StringIO(code).readline)
            if t.type
            not in (
                tokenize.COMMENT,
                tokenize.NL,
                tokenize.NEWLINE,
                tokenize.ENDMARKER,
                tokenize.INDENT,
                tokenize.DEDENT,
            )
        ]
    except (tokenize.TokenError, SyntaxError):
        return False
    return bool(tokens) and tokens[-1].string == ";"


def _root_name(node: ast.AST) -> str | None:
    """``plt`` for ``plt.gca().set_title(...)``: the name a chain of calls starts from."""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        elif isinstance(node, ast.Name):
            return node.id
        else:
            return None


def _matplotlib_names(record: dict[str, Any], tree: ast.Module) -> set[str]:
    """Names the cell uses that hold matplotlib modules or objects."""
    names = {
        read["name"]
        for read in record.get("reads", [])
        if str(read.get("type", "")).removeprefix("module:").split(".")[0] == "matplotlib"
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "matplotlib":
                    names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "matplotlib":
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def _drawn_on(record: dict[str, Any], tree: ast.Module) -> str | None:
    """``ax.figure`` when the cell draws on an Axes or Figure made by an earlier cell.

    Such an object reaches the operation from another one (unpickled) or was made without
    pyplot, so it is not pyplot's current figure: its own ``figure`` is what the cell drew on.
    The last statement that starts from one decides.
    """
    artists = {
        read["name"]
        for read in record.get("reads", [])
        if str(read.get("type", "")).startswith(("matplotlib.axes.", "matplotlib.figure."))
    }
    for statement in reversed(tree.body):
        for node in ast.walk(statement):
            root = _root_name(node) if isinstance(node, ast.Call) else None
            if root in artists:
                return f"{root}.figure"
    return None


def _free_name(records: Sequence[dict[str, Any]]) -> str:
    used = {entry["name"] for r in records for entry in (*r.get("reads", []), *r.get("writes", []))}
    name = OUTPUT_NAME
    while name in used:
        name = f"cell_{name}"
    return name


def cell_output(record: dict[str, Any], records: Sequence[dict[str, Any]]) -> CellOutput:
    """The cell's record rewritten to bind its output to a fresh name (see the module doc).

    Raises :class:`ReifyError` when the cell failed, or shows nothing (no last expression whose
    value it displays, no figure).
    """
    status = record.get("status", "ok")
    if status != "ok":
        what = "was interrupted" if status == "interrupted" else "raised an error"
        raise ReifyError(
            f"{describe(record)} {what}, so it has no output to reproduce; fix the cell, run it "
            "again to completion, then reify its output"
        )
    code = python_code(record.get("code", ""))
    try:
        tree = ast.parse(code)
    except SyntaxError as error:
        raise ReifyError(f"{describe(record)} does not parse: {error.msg}") from None
    name = _free_name(records)
    drawn = _matplotlib_names(record, tree)
    last = tree.body[-1] if tree.body else None
    expression = (
        last if isinstance(last, ast.Expr) and not _suppressed(record.get("code", "")) else None
    )
    if expression is not None and _root_name(expression.value) in drawn:
        expression = None  # plt.title(...) returns an artist: the figure is what the cell shows
    lines = code.splitlines()
    if expression is not None:
        value = ast.get_source_segment(code, expression.value) or ast.unparse(expression.value)
        head = lines[: expression.lineno - 1]
        # col_offset counts UTF-8 bytes.
        before = lines[expression.lineno - 1].encode()[: expression.col_offset].decode()
        if before.strip():
            head.append(before.rstrip().rstrip(";"))
        lines = [*head, f"{name} = ({value})"]
        kind = "expression"
    elif drawn:
        figure = _drawn_on(record, tree) or "matplotlib.pyplot.gcf()"
        lines = [*lines, "import matplotlib.pyplot", f"{name} = {figure}"]
        kind = "figure"
    else:
        raise ReifyError(
            f"{describe(record)} shows no output: it neither ends with an expression nor draws a "
            "figure; reify one of the variables it writes instead"
        )
    if drawn:
        # Draws the figure in the job, so that it streams to the execution view.
        if kind == "expression":
            lines.append("import matplotlib.pyplot")
        lines.append("matplotlib.pyplot.show()")
    rewritten = dict(record)
    rewritten["code"] = "\n".join(lines) + "\n"
    rewritten["writes"] = [
        *record.get("writes", []),
        {"name": name, "version": 1, "type": "figure" if kind == "figure" else "any"},
    ]
    return CellOutput(rewritten, name, kind)


def reify_cell(
    records: Sequence[dict[str, Any]],
    record: dict[str, Any],
    *,
    lift_constants: bool = False,
    allow_network: bool = False,
) -> dict[str, Any]:
    """A pipeline whose Output reproduces ``record``'s output, from the session's ``records``.

    The cell is the last operation; the slice is the cell plus everything its reads depend on.
    ``lift_constants`` and ``allow_network`` are those of :func:`~forgelab.provenance.reify.reify`.
    """
    output = cell_output(record, records)
    rewritten = [output.record if r.get("id") == record["id"] else r for r in records]
    doc = reify(
        rewritten,
        output.name,
        session=str(record.get("session")),
        record_id=record["id"],
        lift_constants=lift_constants,
        allow_network=allow_network,
    )
    count = record.get("executionCount")
    label = f"cell [{count}]" if count is not None else describe(record)
    what = "figure" if output.kind == "figure" else "output"
    doc["name"] = f"reified {label}"
    doc["description"] = f"The {what} of {label} of the notebook, reified from its history."
    source = doc.setdefault("metadata", {}).setdefault("reifiedFrom", {})
    source.update({"cell": record.get("cellId"), "record": record["id"], "output": output.kind})
    return doc
