"""The shared architecture document, with the same Yjs layout as the front end's ``YArchitecture``.

Layout (``src/architecture/ydoc.ts``): two maps, ``layers`` (layer id → ``{seq, value: layer}``,
see :class:`~forgelab.collaboration.keyedlist.KeyedList`) and ``meta`` (the header: ``name``,
``description``, ``framework``, ``inputs``, ``outputs``, ``metadata``, each a plain JSON value).
Two people editing different layers never conflict; concurrent edits of one layer resolve to one
of them on every peer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pycrdt import Awareness, Doc

from .document import YFormatDocument, key_order, load_fields, plain
from .keyedlist import KeyedList

#: The content type the front end opens architectures with (its model factory's ``contentType``).
CONTENT_TYPE = "forgelabarchitecture"

#: The header fields, in the file's order (the front end's ``HEADER_KEYS``).
HEADER_KEYS = ("name", "description", "framework", "inputs", "outputs", "metadata")

#: Keys first in this order when a document is written (the file's order at the top level and in
#: a layer); the rest, layer arguments included, alphabetically.
_KEY_ORDER = key_order(
    "format version id name description framework type arguments layers inputs outputs "
    "position x y metadata"
)


def empty_architecture() -> dict[str, Any]:
    """The architecture an empty file stands for: one Input layer (the front end's
    ``emptyArchitecture``)."""
    return {
        "format": "forgelab.architecture",
        "version": 1,
        "framework": "keras",
        "layers": [{"id": "input", "type": "Input", "arguments": {"shape": [28, 28, 1]}}],
        "inputs": ["input"],
        "outputs": ["input"],
    }


class YArchitecture(YFormatDocument):
    """A ``*.arch.json`` document shared through Yjs; ``get``/``set`` speak the file's text.

    ``set`` holds the document to ``architecture.schema.json``: a malformed file is a
    :class:`~forgelab.formats.FormatError` listing each problem with its JSON path.
    """

    FORMAT = "architecture"
    MAPS = ("layers", "meta")

    def __init__(self, ydoc: Doc | None = None, awareness: Awareness | None = None):
        super().__init__(ydoc, awareness)
        self._layers = KeyedList(self._maps["layers"])
        self._meta = self._maps["meta"]

    @property
    def layer_ids(self) -> list[str]:
        """The layer ids, in file order."""
        return self._layers.ids

    def get_layer(self, layer_id: str) -> dict[str, Any] | None:
        """The layer with ``layer_id``, as the file holds it, or ``None``."""
        layer = self._layers.get(layer_id)
        return plain(layer, _KEY_ORDER) if layer is not None else None

    def to_document(self) -> dict[str, Any]:
        """The architecture as a JSON object, keys and layers in file order."""
        meta = plain(self._meta.to_py() or {}, _KEY_ORDER)
        document: dict[str, Any] = {"format": "forgelab.architecture", "version": 1}
        for key in HEADER_KEYS:
            if key == "inputs":
                document["layers"] = plain(self._layers.values(), _KEY_ORDER)
            if key in meta:
                document[key] = meta[key]
        return document

    def load(self, document: Mapping[str, Any] | None) -> None:
        """Make the maps hold ``document`` (the empty architecture for ``None``)."""
        document = document if document is not None else empty_architecture()
        load_fields(self._meta, document, HEADER_KEYS)
        self._layers.load(document.get("layers") or [], lambda layer: str(layer["id"]))
