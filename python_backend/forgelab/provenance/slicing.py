"""Slicing: the minimal set of recorded operations that produce one version of a variable.

Within a kernel session every write of a variable has its own version, and every read names the
version it saw, so the slice is a backward walk from the target's writer over "read version v of
x" → "the record that wrote version v of x". It visits each record and each read at most once:
linear in the length of the history. Only one session is walked: a kernel restart empties the
namespace, so nothing of an earlier session can be read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from .errors import ReifyError
from .naming import cell_label, first_line


@dataclass(frozen=True)
class Slice:
    """Records (in execution order) that together produce ``target`` at ``version``."""

    target: str
    version: int
    session: str
    records: list[dict[str, Any]]
    producer: dict[str, Any]
    writers: dict[tuple[str, int], dict[str, Any]]
    """(name, version) to the record that wrote it, for every write of the session."""
    session_records: list[dict[str, Any]] = field(default_factory=list, repr=False)
    """Every record of the session, in execution order (reify walks beyond the slice)."""
    position: dict[str, int] = field(default_factory=dict, repr=False)
    """Record id to its index in :attr:`session_records`."""


def describe(record: dict[str, Any]) -> str:
    """How a person finds a record again: ``cell [3] `df = load()` (record id, cell id abc)``."""
    line = first_line(record)
    shown = f" `{line}`" if line else ""
    cell = f", cell id {record['cellId']}" if record.get("cellId") else ""
    return f"{cell_label(record)}{shown} ({record['id']}{cell})"


def _session_of(records: Sequence[dict[str, Any]], target: str) -> str:
    for record in reversed(records):
        if any(w["name"] == target for w in record.get("writes", [])):
            return str(record.get("session"))
    raise ReifyError(
        f"no recorded cell wrote a variable named {target!r}; check the name, and that the "
        "notebook ran with recording on (%load_ext forgelab)"
    )


def slice_history(
    records: Sequence[dict[str, Any]],
    target: str,
    *,
    session: str | None = None,
    record_id: str | None = None,
) -> Slice:
    """The slice of ``records`` (ordered, one store's history) that produces ``target``.

    ``target`` is taken at its latest version in ``session`` (default: the latest session that
    wrote it), or at the version written by record ``record_id``. Raises :class:`ReifyError` when
    the target or one of the values it depends on was never recorded.
    """
    if record_id is not None:
        chosen = next((r for r in records if r["id"] == record_id), None)
        if chosen is None:
            raise ReifyError(f"no provenance record {record_id!r} in this history")
        session = str(chosen.get("session"))
    session = session or _session_of(records, target)
    ordered = [r for r in records if r.get("session") == session]
    # One pass over the session builds the only index that covers every record; the rest of
    # the work is proportional to the slice (positions compare as integers, the producer is
    # found from the end).
    position = dict(zip(map(itemgetter("id"), ordered), range(len(ordered)), strict=True))
    writers: dict[tuple[str, int], dict[str, Any]] = {}
    for record in ordered:
        for write in record.get("writes", ()):
            writers[write["name"], write["version"]] = record
    picked = _last_write(ordered, target, record_id) if record_id is not None else None
    picked = picked or _last_write(ordered, target)
    if picked is None:
        where = f"record {record_id}" if record_id else f"session {session}"
        raise ReifyError(f"{where} never wrote {target!r}")
    version, producer = picked
    write = next(w for w in producer["writes"] if w["name"] == target and w["version"] == version)
    if write.get("type") == "deleted":
        raise ReifyError(
            f"{target!r} was deleted by {describe(producer)}; there is no value to reproduce"
        )
    needed = {position[producer["id"]]}
    todo = [producer]
    while todo:
        record = todo.pop()
        for read in record.get("reads", ()):
            writer = writers.get((read["name"], read["version"]))
            if writer is None:
                raise ReifyError(
                    f"{describe(record)} read {read['name']!r}, which no recorded cell of this "
                    "kernel session wrote (it was made before %load_ext forgelab, by a silent "
                    "execution, or by code ForgeLab cannot see); run the notebook again with "
                    "recording on from its first cell"
                )
            at = position[writer["id"]]
            if at >= position[record["id"]]:
                raise ReifyError(
                    f"inconsistent history: {describe(record)} read {read['name']!r} version "
                    f"{read['version']} before it was written"
                )
            if at not in needed:
                needed.add(at)
                todo.append(writer)
    chosen_records = [ordered[at] for at in sorted(needed)]
    return Slice(target, version, session, chosen_records, producer, writers, ordered, position)


def _last_write(
    ordered: Sequence[dict[str, Any]], target: str, record_id: str | None = None
) -> tuple[int, dict[str, Any]] | None:
    """(version, record) of the last write of ``target`` (by record ``record_id`` if given)."""
    for record in reversed(ordered):
        if record_id is not None and record["id"] != record_id:
            continue
        versions = [w["version"] for w in record.get("writes", ()) if w["name"] == target]
        if versions:
            return versions[-1], record
    return None
