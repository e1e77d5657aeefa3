"""``POST pipelines/export`` and ``GET pipelines/notebook``: a saved pipeline file as a standalone
folder or zip, or as notebook cells (logic in :mod:`forgelab.executions.export` and
:mod:`forgelab.executions.notebook`).

Both read the file as saved: the editor saves before it asks (docs/pipeline-editor.md).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import tornado

from ..errors import NotFound
from ..executions.export import default_destination, export
from ..executions.notebook import pipeline_cells
from ..executions.program import ExportError
from ..paths import inside_root
from .bodies import BadRequest
from .handlers import ForgeLabHandler


def _inside(root: Path, path: str, what: str) -> Path:
    full = inside_root(root, path)
    if full is None:
        raise BadRequest(f"{what} {path} is outside the Jupyter root: choose a path inside it")
    return full


def _pipeline_file(root: Path, path: str) -> Path:
    full = _inside(root, path, "pipeline")
    if not full.is_file():
        raise NotFound(f"no pipeline file {path}: save the pipeline or check its path")
    return full


def _relative(root: Path, path: Path) -> str:
    return path.resolve().relative_to(Path(root).resolve()).as_posix()


def _read(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ExportError(f"cannot read {path.name}: {error}") from None
    if not isinstance(doc, dict):
        raise ExportError(f"{path.name} is not a pipeline document")
    return doc


class PipelineExportHandler(ForgeLabHandler):
    """``POST pipelines/export`` ``{"path", "format"?: "zip"|"folder", "destination"?}``.

    Answers 201 ``{"path", "format"}``, ``path`` relative to the Jupyter root. Without a
    destination the export goes beside the pipeline as ``<name>-export.zip`` (or the folder
    ``<name>-export``), numbered past existing names; a destination that exists is refused (400),
    never overwritten.
    """

    @tornado.web.authenticated
    async def post(self) -> None:
        body = await self.read_body("pipeline-export")
        root = Path(self.service.root)
        source = _pipeline_file(root, body["path"])
        kind = body.get("format") or "zip"
        destination = body.get("destination")
        if destination:
            if kind == "zip" and not destination.endswith(".zip"):
                destination += ".zip"
            elif kind == "folder" and destination.endswith(".zip"):
                raise ExportError(f"{destination}: a folder's name cannot end in .zip")
            target = _inside(root, destination, "destination")
            if target.exists() or target.is_symlink():
                raise ExportError(f"{destination} already exists: choose a new name")
        else:
            target = default_destination(source, kind)
        loop = asyncio.get_running_loop()
        written = await loop.run_in_executor(None, export, source, target, root)
        self.write_json({"path": _relative(root, written), "format": kind}, 201)


class PipelineNotebookHandler(ForgeLabHandler):
    """``GET pipelines/notebook?path=P``: the code cells of a notebook that runs the pipeline.

    Answers ``{"cells": [str, ...]}``; the notebook is meant to sit beside the pipeline
    (its Inputs are read in place, relative to the pipeline's folder).
    """

    @tornado.web.authenticated
    async def get(self) -> None:
        path = self.get_argument("path", "")
        if not path:
            raise BadRequest("give the pipeline file as ?path=")
        root = Path(self.service.root)
        source = _pipeline_file(root, path)
        loop = asyncio.get_running_loop()
        doc = await loop.run_in_executor(None, _read, source)
        cells = await loop.run_in_executor(None, pipeline_cells, doc, source.parent, root)
        self.write_json({"cells": cells})
