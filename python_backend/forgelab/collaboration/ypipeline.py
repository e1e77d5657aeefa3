"""The shared pipeline document, with the same Yjs layout as the front end's ``YPipeline``.

Layout (``src/pipeline/ydoc.ts``): three maps, ``nodes`` (node id → ``{seq, value: node}``),
``connections`` (connection key → ``{seq, value: connection}``) and ``meta`` (``name``,
``description``, ``metadata``). ``seq`` keeps the file's order. Entries are plain JSON values,
so a concurrent edit of one node resolves to one of the edits on every peer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pycrdt import Awareness, Doc

from .document import YFormatDocument, key_order, load_fields, plain
from .keyedlist import KeyedList

#: The content type the front end opens pipelines with (its model factory's ``contentType``).
CONTENT_TYPE = "forgelabpipeline"

_META_KEYS = ("name", "description", "metadata")

#: Keys first in this order when a document is written; the rest alphabetically.
_KEY_ORDER = key_order(
    "format version id kind name label description category position x y source target "
    "node port operation inputs outputs attributes references type default choices "
    "minimum maximum required optional storage language module function code metadata"
)


def connection_key(connection: Mapping[str, Any]) -> str:
    """The key a connection is stored under: its id, else ``node.port->node.port`` (the front
    end's ``edgeId``)."""
    if connection.get("id"):
        return str(connection["id"])
    source, target = connection["source"], connection["target"]
    return f"{source['node']}.{source['port']}->{target['node']}.{target['port']}"


class YPipeline(YFormatDocument):
    """A ``*.pipeline.json`` document shared through Yjs; ``get``/``set`` speak the file's text.

    The text is parsed but not held to the schema here: the editor shows a pipeline's issues on
    the canvas, and running it validates it.
    """

    FORMAT = "pipeline"
    MAPS = ("nodes", "connections", "meta")
    VALIDATE = False

    def __init__(self, ydoc: Doc | None = None, awareness: Awareness | None = None):
        super().__init__(ydoc, awareness)
        self._nodes = KeyedList(self._maps["nodes"])
        self._connections = KeyedList(self._maps["connections"])
        self._meta = self._maps["meta"]

    def get_pipeline(self) -> dict[str, Any]:
        """The pipeline as a JSON object, nodes and connections in file order."""
        return self.to_document()

    def to_document(self) -> dict[str, Any]:
        """The pipeline as a JSON object, nodes and connections in file order."""
        pipeline: dict[str, Any] = {"format": "forgelab.pipeline", "version": 1}
        meta = plain(self._meta.to_py() or {}, _KEY_ORDER)
        for key in ("name", "description"):
            if key in meta:
                pipeline[key] = meta[key]
        pipeline["nodes"] = plain(self._nodes.values(), _KEY_ORDER)
        pipeline["connections"] = plain(self._connections.values(), _KEY_ORDER)
        if "metadata" in meta:
            pipeline["metadata"] = meta["metadata"]
        return pipeline

    def load(self, document: Mapping[str, Any] | None) -> None:
        """Make the maps hold ``document`` (an empty pipeline for ``None``)."""
        document = document or {}
        load_fields(self._meta, document, _META_KEYS)
        self._nodes.load(document.get("nodes") or [], lambda node: str(node["id"]))
        self._connections.load(document.get("connections") or [], connection_key)
