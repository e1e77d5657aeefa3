"""The shared pipeline document, with the same Yjs layout as the front end's ``YPipeline``.

Layout (``src/pipeline/ydoc.ts``): three maps, ``nodes`` (node id → ``{seq, value: node}``),
``connections`` (connection key → ``{seq, value: connection}``) and ``meta`` (``name``,
``description``, ``metadata``). ``seq`` keeps the file's order. Entries are plain JSON values,
so a concurrent edit of one node resolves to one of the edits on every peer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

from jupyter_ydoc.ybasedoc import YBaseDoc
from pycrdt import Awareness, Doc, Map

from ..formats import dump

#: The content type the front end opens pipelines with (its model factory's ``contentType``).
CONTENT_TYPE = "forgelabpipeline"

_META_KEYS = ("name", "description", "metadata")


def connection_key(connection: dict[str, Any]) -> str:
    """The key a connection is stored under: its id, else ``node.port->node.port`` (the front
    end's ``edgeId``)."""
    if connection.get("id"):
        return str(connection["id"])
    source, target = connection["source"], connection["target"]
    return f"{source['node']}.{source['port']}->{target['node']}.{target['port']}"


#: Keys first in this order when a document is written; the rest alphabetically. Yjs maps read
#: from Python do not keep insertion order, so a fixed order keeps saved files stable.
_KEY_ORDER = {
    key: rank
    for rank, key in enumerate(
        (
            "format version id kind name label description category position x y source target "
            "node port operation inputs outputs attributes references type default choices "
            "minimum maximum required optional storage language module function code metadata"
        ).split()
    )
}


def _plain(value: Any) -> Any:
    """Yjs hands numbers back as floats; integral ones become ints again, as JavaScript writes
    them. Object keys get a fixed order."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: (_KEY_ORDER.get(k, len(_KEY_ORDER)), k))
        return {k: _plain(value[k]) for k in keys}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class YPipeline(YBaseDoc):
    """A ``*.pipeline.json`` document shared through Yjs; ``get``/``set`` speak the file's text."""

    def __init__(self, ydoc: Doc | None = None, awareness: Awareness | None = None):
        super().__init__(ydoc, awareness)
        self._nodes: Map = self._ydoc.get("nodes", type=Map)
        self._connections: Map = self._ydoc.get("connections", type=Map)
        self._meta: Map = self._ydoc.get("meta", type=Map)
        self.undo_manager.expand_scope(self._nodes)
        self.undo_manager.expand_scope(self._connections)
        self.undo_manager.expand_scope(self._meta)

    @property
    def version(self) -> str:
        """The layout's version (the front end's ``YPipeline.version``)."""
        return "1.0.0"

    def get_pipeline(self) -> dict[str, Any]:
        """The pipeline as a JSON object, nodes and connections in file order."""
        pipeline: dict[str, Any] = {"format": "forgelab.pipeline", "version": 1}
        meta = _plain(self._meta.to_py() or {})
        for key in ("name", "description"):
            if key in meta:
                pipeline[key] = meta[key]
        pipeline["nodes"] = _ordered(self._nodes)
        pipeline["connections"] = _ordered(self._connections)
        if "metadata" in meta:
            pipeline["metadata"] = meta["metadata"]
        return pipeline

    def get(self) -> str:
        """The pipeline file's text (two-space JSON, as the editor writes it)."""
        return dump(self.get_pipeline())

    def set(self, value: str | dict[str, Any]) -> None:
        """Replace the document with a pipeline given as file text or as a JSON object.

        Raises ``ValueError`` naming the problem when the text is not a pipeline object.
        """
        if isinstance(value, str):
            try:
                pipeline = json.loads(value) if value.strip() else {}
            except json.JSONDecodeError as error:
                raise ValueError(
                    f"The pipeline file is not valid JSON (line {error.lineno}, column "
                    f"{error.colno}: {error.msg}); fix the file or restore it from a copy."
                ) from error
        else:
            pipeline = value
        if not isinstance(pipeline, dict):
            raise ValueError(f"A pipeline file holds a JSON object, not {type(pipeline).__name__}.")
        with self._ydoc.transaction():
            self._nodes.clear()
            self._connections.clear()
            self._meta.clear()
            for key in _META_KEYS:
                if pipeline.get(key) is not None:
                    self._meta[key] = pipeline[key]
            for seq, node in enumerate(pipeline.get("nodes") or []):
                self._nodes[str(node["id"])] = {"seq": seq, "value": node}
            for seq, connection in enumerate(pipeline.get("connections") or []):
                self._connections[connection_key(connection)] = {"seq": seq, "value": connection}

    def observe(self, callback: Callable[[str, Any], None]) -> None:
        """Call ``callback(topic, event)`` on changes of the state, nodes, connections or meta."""
        self.unobserve()
        self._subscriptions[self._ystate] = self._ystate.observe(partial(callback, "state"))
        self._subscriptions[self._nodes] = self._nodes.observe(partial(callback, "nodes"))
        self._subscriptions[self._connections] = self._connections.observe(
            partial(callback, "connections")
        )
        self._subscriptions[self._meta] = self._meta.observe(partial(callback, "meta"))


def _ordered(ymap: Map) -> list[Any]:
    entries = [(k, v) for k, v in (ymap.to_py() or {}).items() if isinstance(v, dict)]
    entries.sort(key=lambda kv: (kv[1].get("seq", 0), kv[0]))
    return [_plain(v.get("value")) for _, v in entries]
