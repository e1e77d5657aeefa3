"""A notebook's recorded history as the server sees it, and reifying one of its values to a file.

Kernels started by Jupyter record the notebook's path relative to the server root (the session
path); kernels started by ``forgelab reify`` record an absolute path. Both name the same notebook.
"""

from __future__ import annotations

import os
from pathlib import PurePosixPath
from typing import Any

from .cells import find_cell_record, reify_cell
from .errors import ReifyError
from .files_out import safe_stem, tree_path, write_new
from .reify import reify


def _names_of(root: str | os.PathLike[str], notebook: str) -> set[str]:
    path = tree_path(root, notebook)
    return {notebook, str(PurePosixPath(notebook)), str(path)}


def notebook_records(
    store: Any, root: str | os.PathLike[str], notebook: str, *, owner: str | None = None
) -> list[dict[str, Any]]:
    """Cell and widget records of ``notebook`` (root-relative), every kernel session, in order;
    only ``owner``'s records when given."""
    if not notebook:
        raise ReifyError("give the notebook's path, relative to the Jupyter root")
    names = _names_of(root, notebook)
    return [r for r in store.history_records(owner=owner) if r.get("notebook") in names]


def _record_of_version(
    records: list[dict[str, Any]], target: str, version: int, session: str | None
) -> str:
    for record in reversed(records):
        if session and record.get("session") != session:
            continue
        for write in record.get("writes", []):
            if write["name"] == target and write["version"] == version:
                return str(record["id"])
    where = f"kernel session {session}" if session else "any kernel session"
    raise ReifyError(f"no recorded cell of {where} wrote version {version} of {target!r}")


def reify_notebook(
    store: Any,
    root: str | os.PathLike[str],
    notebook: str,
    target: str,
    *,
    version: int | None = None,
    session: str | None = None,
    lift_constants: bool = False,
    allow_network: bool = False,
    path: str | None = None,
    owner: str | None = None,
) -> dict[str, Any]:
    """Reify ``target`` of ``notebook`` and write ``<target>.pipeline.json`` next to it.

    ``version`` (of ``session``, default the latest session that wrote ``target``) picks an older
    value; ``allow_network`` keeps cells that get data from the network as operations that
    fetch it again. ``path`` (root-relative) overrides where the file goes; an existing file is
    never replaced (``-1``, ``-2``... are appended). Returns ``{"path", "pipeline"}``; raises
    :class:`ReifyError` with the reason when the value cannot be reified.
    """
    if not target or not isinstance(target, str) or not target.isidentifier():
        raise ReifyError(f"target {target!r} is not a Python variable name")
    records = notebook_records(store, root, notebook, owner=owner)
    if not records:
        raise ReifyError(
            f"no provenance is recorded for notebook {notebook!r}; run its cells with ForgeLab "
            "loaded in the kernel (it loads by itself in JupyterLab), then reify"
        )
    record_id = None
    if version is not None:
        record_id = _record_of_version(records, target, int(version), session)
    doc = reify(
        records,
        target,
        session=session,
        record_id=record_id,
        lift_constants=lift_constants,
        allow_network=allow_network,
    )
    if path is None:
        folder = PurePosixPath(notebook).parent
        path = str(folder / f"{safe_stem(target)}.pipeline.json")
    written = write_new(root, path, doc)
    return {"path": written, "pipeline": doc}


def reify_notebook_cell(
    store: Any,
    root: str | os.PathLike[str],
    notebook: str,
    *,
    cell: str | None = None,
    record: str | None = None,
    session: str | None = None,
    lift_constants: bool = False,
    allow_network: bool = False,
    path: str | None = None,
    owner: str | None = None,
) -> dict[str, Any]:
    """Reify the output (last expression or figure) of one cell run of ``notebook``.

    The run is record ``record``, or the latest run of cell id ``cell`` (in ``session`` when
    given). Writes ``cell-<execution count>.pipeline.json`` next to the notebook (``path``
    overrides; an existing file is never replaced). Returns ``{"path", "pipeline", "record"}``.
    """
    records = notebook_records(store, root, notebook, owner=owner)
    if not records:
        raise ReifyError(
            f"no provenance is recorded for notebook {notebook!r}; run its cells with ForgeLab "
            "loaded in the kernel (it loads by itself in JupyterLab), then reify"
        )
    chosen = find_cell_record(records, record_id=record, cell_id=cell, session=session)
    doc = reify_cell(records, chosen, lift_constants=lift_constants, allow_network=allow_network)
    if path is None:
        count = chosen.get("executionCount")
        stem = f"cell-{count}" if count is not None else f"cell-{safe_stem(str(chosen['id']))}"
        path = str(PurePosixPath(notebook).parent / f"{stem}.pipeline.json")
    written = write_new(root, path, doc)
    return {"path": written, "pipeline": doc, "record": chosen["id"]}
