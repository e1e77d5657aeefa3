"""What ForgeLab's shared documents have in common: JSON file text in and out, top-level maps.

A subclass names its format and its top-level maps, writes the file's object from them
(:meth:`YFormatDocument.to_document`) and loads them from it (:meth:`YFormatDocument.load`);
this base parses and validates the text, keeps saved files stable, and reports changes.
"""

from __future__ import annotations

import json
from abc import abstractmethod
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any, ClassVar

from jupyter_ydoc.ybasedoc import YBaseDoc
from pycrdt import Awareness, Doc, Map
from tornado.web import HTTPError

from ..formats import FormatError, FormatName, Issue, dump, validate


def key_order(keys: str) -> dict[str, int]:
    """A ranking of object keys from a space-separated list (for :func:`plain`)."""
    return {key: rank for rank, key in enumerate(keys.split())}


def plain(value: Any, order: Mapping[str, int]) -> Any:
    """``value`` as the file holds it.

    Yjs hands numbers back as floats: integral ones become ints again, as JavaScript writes them.
    Maps read from Python do not keep insertion order, so object keys get a fixed order (those in
    ``order`` first, by rank, the rest alphabetically) and a saved file is the same on every save.
    """
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: (order.get(k, len(order)), k))
        return {k: plain(value[k], order) for k in keys}
    if isinstance(value, list):
        return [plain(v, order) for v in value]
    return value


def parse(
    value: str | Mapping[str, Any], format_name: FormatName, source: str | None = None
) -> Any:
    """The JSON object a file's text holds (``None`` for an empty file).

    Raises :class:`FormatError` naming the line and column when the text is not JSON, and when it
    holds something other than an object.
    """
    if not isinstance(value, str):
        document: Any = value
    elif not value.strip():
        return None
    else:
        try:
            document = json.loads(value)
        except json.JSONDecodeError as error:
            message = (
                f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}); "
                "fix the file or restore it from a copy"
            )
            raise FormatError(format_name, [Issue("", message)], source) from None
    if not isinstance(document, Mapping):
        article = "an" if format_name[0] in "aeiou" else "a"
        message = f"{article} {format_name} file holds a JSON object, not {type(document).__name__}"
        raise FormatError(format_name, [Issue("", message)], source)
    return dict(document)


class SharedFormatError(FormatError, HTTPError):
    """A :class:`FormatError` met while loading a file into a shared document.

    jupyter-collaboration closes the room's websocket with code 4400 for an ``HTTPError(400)``
    and JupyterLab then says that the file could not be loaded. Any other exception is sent back
    as a close reason, which fails for messages over 125 bytes and leaves the browser without an
    answer. The full message goes to the server log.
    """

    def __init__(self, error: FormatError) -> None:
        FormatError.__init__(self, error.format_name, error.issues, error.source)
        HTTPError.__init__(self, 400, "%s", FormatError.__str__(self))

    def __str__(self) -> str:
        return FormatError.__str__(self)


class YFormatDocument(YBaseDoc):
    """A ForgeLab file shared through Yjs; ``get``/``set`` speak the file's text."""

    #: The ForgeLab format of the file.
    FORMAT: ClassVar[FormatName]
    #: The names of the document's top-level maps (the front end's ``ydoc.getMap`` names).
    MAPS: ClassVar[tuple[str, ...]]
    #: Whether :meth:`set` refuses a document that breaks its JSON Schema.
    VALIDATE: ClassVar[bool] = True

    def __init__(self, ydoc: Doc | None = None, awareness: Awareness | None = None):
        super().__init__(ydoc, awareness)
        self._maps: dict[str, Map] = {name: self._ydoc.get(name, type=Map) for name in self.MAPS}
        for ymap in self._maps.values():
            self.undo_manager.expand_scope(ymap)
        # The file's text, kept until the next change: the room asks for it on every save and on
        # every check against the file on disk, and writing a large pipeline takes ~100 ms.
        self._text: str | None = None
        self._ydoc.observe(self._forget_text)

    @property
    def version(self) -> str:
        """The layout's version (the front end's ``version``)."""
        return "1.0.0"

    @abstractmethod
    def to_document(self) -> dict[str, Any]:
        """The file's JSON object, in file order."""

    @abstractmethod
    def load(self, document: Mapping[str, Any] | None) -> None:
        """Make the maps hold ``document`` (``None``: an empty file); runs in a transaction."""

    def get(self) -> str:
        """The file's text (two-space JSON, as the editors write it), kept until a change."""
        # Inside a transaction, its changes are reported only when it ends: neither use nor keep.
        idle = self._ydoc._txn is None
        if idle and self._text is not None:
            return self._text
        text = dump(self.to_document())
        if idle:
            self._text = text
        return text

    def _forget_text(self, _event: Any) -> None:
        """Drop the kept text: the document changed."""
        self._text = None

    def set(self, value: str | Mapping[str, Any]) -> None:
        """Replace the document with file text or a JSON object, writing only what differs.

        Raises :class:`SharedFormatError` (a :class:`~forgelab.formats.FormatError`) saying what
        is wrong and where when the text is not JSON, or (for validated formats) breaks the
        format's schema.
        """
        try:
            document = parse(value, self.FORMAT, self.path)
            if document is not None and self.VALIDATE:
                validate(self.FORMAT, document, source=self.path)
        except FormatError as error:
            raise SharedFormatError(error) from None
        with self._ydoc.transaction():
            self.load(document)

    def observe(self, callback: Callable[[str, Any], None]) -> None:
        """Call ``callback(topic, event)`` on changes of the state or of a top-level map."""
        self.unobserve()
        self._subscriptions[self._ystate] = self._ystate.observe(partial(callback, "state"))
        for name, ymap in self._maps.items():
            self._subscriptions[ymap] = ymap.observe(partial(callback, name))


def load_fields(ymap: Map, document: Mapping[str, Any], keys: Iterable[str]) -> None:
    """Make ``ymap`` hold the ``keys`` that ``document`` sets (not ``None``); write only changes."""
    wanted = {key: document[key] for key in keys if document.get(key) is not None}
    current = ymap.to_py() or {}
    for stale in current.keys() - wanted.keys():
        del ymap[stale]
    for key, value in wanted.items():
        if current.get(key) != value:
            ymap[key] = value
