"""REST handlers for notebook provenance and reify (logic in :mod:`forgelab.provenance`)."""

from __future__ import annotations

import json
from typing import Any

import tornado

from ..provenance import ReifyError
from ..provenance.artifacts import UnknownArtifact, reify_artifact
from ..provenance.notebooks import notebook_records, reify_notebook, reify_notebook_cell
from .executions import ExecutionsBaseHandler


class ProvenanceBaseHandler(ExecutionsBaseHandler):
    """A value that cannot be reified is a 400 with the reason; an unknown artifact a 404."""

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, ReifyError):
            self.set_status(400)
            self.finish(json.dumps({"message": str(exc), "issues": [{"message": str(exc)}]}))
            return
        if isinstance(exc, UnknownArtifact):
            self.set_status(404)
            self.finish(json.dumps({"message": str(exc.args[0])}))
            return
        super().write_error(status_code, **kwargs)

    def body(self) -> dict[str, Any]:
        body = self.read_json()
        if not isinstance(body, dict):
            raise tornado.web.HTTPError(400, "expected a JSON object as the request body")
        return body

    @property
    def root(self) -> str:
        return str(self.service.root)


def _optional(body: dict[str, Any], key: str, kind: type) -> Any:
    value = body.get(key)
    if value is not None and (
        not isinstance(value, kind) or isinstance(value, bool) != (kind is bool)
    ):
        raise tornado.web.HTTPError(400, f"{key!r} must be a {kind.__name__}, got {value!r}")
    return value


class ProvenanceRecordsHandler(ProvenanceBaseHandler):
    """``GET provenance/records?notebook=PATH``: the notebook's records, all sessions in order."""

    @tornado.web.authenticated
    async def get(self) -> None:
        notebook = self.get_argument("notebook", "")
        records = notebook_records(self.orchestrator.store, self.root, notebook, owner=self.owner)
        self.write_json({"notebook": notebook, "records": records})


class ProvenanceReifyHandler(ProvenanceBaseHandler):
    """``POST provenance/reify``: write a notebook variable's history as a pipeline file.

    Body ``{"notebook", "target", "version"?, "session"?, "lift", "allowNetwork"?, "path"?}``;
    answers 201 ``{"path", "pipeline"}``. ``allowNetwork`` keeps cells that get data from the
    network as operations that fetch it again (``forgelab reify --allow-network``). With
    ``"cell": cellId`` or ``"record": id`` instead of ``target``, the cell's output (last
    expression or figure) is reified.
    """

    @tornado.web.authenticated
    async def post(self) -> None:
        body = self.body()
        notebook = _optional(body, "notebook", str)
        target = _optional(body, "target", str)
        cell = _optional(body, "cell", str)
        record = _optional(body, "record", str)
        allow_network = bool(_optional(body, "allowNetwork", bool))
        if notebook and not target and (cell or record):
            answer = reify_notebook_cell(
                self.orchestrator.store,
                self.root,
                notebook,
                cell=cell,
                record=record,
                session=_optional(body, "session", str),
                lift_constants=bool(_optional(body, "lift", bool)),
                allow_network=allow_network,
                path=_optional(body, "path", str),
                owner=self.owner,
            )
            self.write_json(answer, 201)
            return
        if not notebook or not target:
            raise tornado.web.HTTPError(
                400, "'notebook' and one of 'target', 'cell' or 'record' are required"
            )
        answer = reify_notebook(
            self.orchestrator.store,
            self.root,
            notebook,
            target,
            version=_optional(body, "version", int),
            session=_optional(body, "session", str),
            lift_constants=bool(_optional(body, "lift", bool)),
            allow_network=allow_network,
            path=_optional(body, "path", str),
            owner=self.owner,
        )
        self.write_json(answer, 201)


class ArtifactReifyHandler(ProvenanceBaseHandler):
    """``POST artifacts/{id}/reify`` ``{"path"?}``: the pipeline that produced an artifact."""

    @tornado.web.authenticated
    async def post(self, artifact_id: str) -> None:
        body = self.read_json() or {}
        if not isinstance(body, dict):
            raise tornado.web.HTTPError(400, "expected a JSON object as the request body")
        answer = reify_artifact(
            self.orchestrator.store,
            self.root,
            artifact_id,
            path=_optional(body, "path", str),
            owner=self.owner,
        )
        self.write_json(answer, 201)


def provenance_handlers(ident: str) -> list[tuple[str, type]]:
    """Routes of this module (``ident`` matches an id in a route)."""
    return [
        ("provenance/records", ProvenanceRecordsHandler),
        ("provenance/reify", ProvenanceReifyHandler),
        (f"artifacts/{ident}/reify", ArtifactReifyHandler),
    ]
