"""REST handlers for notebook provenance and reify (logic in :mod:`forgelab.provenance`).

They read the store and write files; none runs a pipeline, so none builds the orchestrator.
"""

from __future__ import annotations

import tornado

from ..provenance.artifacts import reify_artifact
from ..provenance.notebooks import notebook_records, reify_notebook, reify_notebook_cell
from .handlers import ForgeLabHandler


class ProvenanceRecordsHandler(ForgeLabHandler):
    """``GET provenance/records?notebook=PATH``: the notebook's records, all sessions in order."""

    @tornado.web.authenticated
    async def get(self) -> None:
        notebook = self.get_argument("notebook", "")
        records = notebook_records(self.store, str(self.service.root), notebook, owner=self.owner)
        self.write_json({"notebook": notebook, "records": records})


class ProvenanceReifyHandler(ForgeLabHandler):
    """``POST provenance/reify``: write a notebook variable's history as a pipeline file.

    Body ``{"notebook", "target", "version"?, "session"?, "lift", "allowNetwork"?, "path"?}``;
    answers 201 ``{"path", "pipeline"}``. ``allowNetwork`` keeps cells that get data from the
    network as operations that fetch it again (``forgelab reify --allow-network``). With
    ``"cell": cellId`` or ``"record": id`` instead of ``target``, the cell's output (last
    expression or figure) is reified.
    """

    @tornado.web.authenticated
    async def post(self) -> None:
        body = await self.read_body("reify")
        notebook, target = body.get("notebook"), body.get("target")
        cell, record = body.get("cell"), body.get("record")
        common = {
            "session": body.get("session"),
            "lift_constants": bool(body.get("lift")),
            "allow_network": bool(body.get("allowNetwork")),
            "path": body.get("path"),
            "owner": self.owner,
        }
        root = str(self.service.root)
        if notebook and not target and (cell or record):
            answer = reify_notebook_cell(
                self.store, root, notebook, cell=cell, record=record, **common
            )
        elif not notebook or not target:
            raise tornado.web.HTTPError(
                400, "'notebook' and one of 'target', 'cell' or 'record' are required"
            )
        else:
            version = body.get("version")
            answer = reify_notebook(self.store, root, notebook, target, version=version, **common)
        self.write_json(answer, 201)


class ArtifactReifyHandler(ForgeLabHandler):
    """``POST artifacts/{id}/reify`` ``{"path"?}``: the pipeline that produced an artifact."""

    @tornado.web.authenticated
    async def post(self, artifact_id: str) -> None:
        body = await self.read_body("artifact-reify") or {}
        answer = reify_artifact(
            self.store,
            str(self.service.root),
            artifact_id,
            path=body.get("path"),
            owner=self.owner,
        )
        self.write_json(answer, 201)
