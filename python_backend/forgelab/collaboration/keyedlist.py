"""An ordered list of JSON values kept in a pycrdt ``Map`` keyed by id (``src/ydoc/keyedlist.ts``).

Keying by id means two people editing different entries never conflict, and concurrent edits of
one entry resolve to one of them on every peer. Each entry is ``{"seq": n, "value": value}``: the
sequence number keeps the file's order stable across round trips; ties (two peers adding at once)
sort by id, as on the front end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pycrdt import Map


class KeyedList:
    """An ordered, id-keyed list over a ``Map``; group writes in a transaction of its document."""

    def __init__(self, ymap: Map) -> None:
        self.map = ymap

    def _entries(self) -> list[tuple[str, dict[str, Any]]]:
        entries = [(k, v) for k, v in (self.map.to_py() or {}).items() if isinstance(v, dict)]
        entries.sort(key=lambda kv: (kv[1].get("seq", 0), kv[0]))
        return entries

    @property
    def ids(self) -> list[str]:
        """The ids, in file order."""
        return [key for key, _ in self._entries()]

    def values(self) -> list[Any]:
        """The values, in file order (as pycrdt reads them: numbers may come back as floats)."""
        return [entry.get("value") for _, entry in self._entries()]

    def get(self, key: str) -> Any:
        """The value stored under ``key``, or ``None``."""
        entry = self.map.get(key)
        return entry.get("value") if isinstance(entry, dict) else None

    def __contains__(self, key: object) -> bool:
        return key in self.map

    def __len__(self) -> int:
        return len(self.map)

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def set(self, key: str, value: Any) -> None:
        """Store ``value`` under ``key``, keeping its place when it replaces an entry, else last."""
        entry = self.map.get(key)
        seq = entry["seq"] if isinstance(entry, dict) and "seq" in entry else self._next_seq()
        self.map[key] = {"seq": seq, "value": value}

    def delete(self, key: str) -> None:
        """Remove the entry ``key`` (nothing happens when it is absent)."""
        if key in self.map:
            del self.map[key]

    def load(self, values: Iterable[Any], key: Callable[[Any], str]) -> None:
        """Make the list hold ``values`` in this order, keyed by ``key(value)``.

        Only the entries that differ are written, so that peers see a file reloaded from disk as
        the few edits it holds rather than as everything removed and added again.
        """
        wanted: dict[str, dict[str, Any]] = {}
        for seq, value in enumerate(values):
            wanted[key(value)] = {"seq": seq, "value": value}
        current = dict(self._entries())
        for stale in current.keys() - wanted.keys():
            del self.map[stale]
        for k, entry in wanted.items():
            # Python's == ignores key order and compares 1.0 with 1 as equal, as JSON does.
            if current.get(k) != entry:
                self.map[k] = entry

    def _next_seq(self) -> int:
        seqs = [int(entry.get("seq", 0)) for _, entry in self._entries()]
        return max(seqs, default=-1) + 1
