"""Notebook history in the store: the cell and widget records a kernel writes and reify reads.

A mixin of :class:`~.store.Store`, kept apart from executions and artifacts because only the
kernel's record writer and reify use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from .models import ProvenanceRow

#: The record kinds that make up a notebook's history (a job's records are kept apart).
HISTORY_KINDS = ("cell", "widget")


class NotebookHistory:
    """Adds and reads the records of interactive work (one per cell run or widget change)."""

    if TYPE_CHECKING:
        engine: Engine

        def transaction(self) -> AbstractContextManager[Session]: ...

    def add_history_records(
        self, records: Sequence[dict[str, Any]], *, owner: str | None = None
    ) -> None:
        """Store ``records`` (cell or widget records) as ``owner``'s, in one transaction.

        One transaction for a burst of cells costs the writing kernel far less than one commit
        per cell; run on a connection rather than through the ORM session's bulk path, half as
        much CPU again (0.2 ms a record): the kernel's writer thread shares the GIL with cells.
        """
        if not records:
            return
        with self.engine.begin() as connection:
            connection.execute(
                insert(ProvenanceRow),
                [
                    {
                        "id": r["id"],
                        "kind": r["kind"],
                        "started_at": r["startedAt"],
                        "record": r,
                        "owner": owner,
                    }
                    for r in records
                ],
            )

    def history_records(
        self,
        *,
        session: str | None = None,
        notebook: str | None = None,
        owner: str | None = None,
    ) -> list[dict[str, Any]]:
        """Cell and widget records in execution order, of one kernel session or notebook (or
        all), and of one owner when ``owner`` is given (two users' notebooks may share a path)."""
        query = select(ProvenanceRow.record).where(ProvenanceRow.kind.in_(HISTORY_KINDS))
        if owner is not None:
            query = query.where(ProvenanceRow.owner == owner)
        if session:
            query = query.where(ProvenanceRow.id.like(f"{session}-%"))
        query = query.order_by(ProvenanceRow.id)
        with self.transaction() as s:
            records = [dict(r) for r in s.scalars(query)]
        if notebook:
            records = [r for r in records if r.get("notebook") == notebook]
        return records
