"""Writing notebook history (cell and widget records) to the store, from the kernel.

Record ids are ``<session>-<sequence>`` where a session id starts with its UTC start time, so the
ids of a store sort in execution order, across kernel restarts too. Records are written by a
background thread (:class:`RecordWriter`) so that a cell never waits on the database. Reify reads
them back with :meth:`forgelab.store.Store.history_records`.
"""

from __future__ import annotations

import atexit
import os
import queue
import threading
import time
import uuid
from pathlib import Path
from typing import Any

STORE_ENV = "FORGELAB_STORE_URL"
#: Seconds the writer waits after a record for more, to store a burst in one transaction.
BATCH_DELAY = 0.05


def store_url() -> str:
    """The store a kernel writes to: ``$FORGELAB_STORE_URL``, else ``.forgelab/`` of its cwd."""
    url = os.environ.get(STORE_ENV)
    if url:
        return url
    folder = Path.cwd() / ".forgelab"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder.resolve() / 'forgelab.db'}"


def new_session_id() -> str:
    """A kernel session id that sorts by start time: ``k20261127T053000123-1a2b3c``."""
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"{int(time.time() * 1000) % 1000:03d}"
    return f"k{stamp}-{uuid.uuid4().hex[:6]}"


def record_id(session: str, sequence: int) -> str:
    return f"{session}-{sequence:07d}"


class RecordWriter:
    """Persists records from a queue on a daemon thread; :meth:`flush` waits until all are in."""

    def __init__(self, url: str, owner: str | None = None) -> None:
        from ..environment import user_name

        self.url = url
        self.owner = owner or user_name()
        """Whose records these are (the kernel's hub user, else its OS user)."""
        self._queue: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="forgelab-provenance", daemon=True)
        self._errors: list[str] = []
        self._thread.start()
        atexit.register(self.close)

    def put(self, record: dict[str, Any]) -> None:
        self._queue.put(record)

    def flush(self, timeout: float = 30.0) -> list[str]:
        """Wait until every record put so far is stored; returns the write errors seen."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.005)
        return list(self._errors)

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout=30)

    def _work(self) -> None:
        from ..store import Store
        from .files import FileWatch

        FileWatch.ignore_this_thread()  # the store's files are not what a cell read or wrote
        store: Store | None = None
        while True:
            batch = [self._queue.get()]
            # Gather what arrives meanwhile: one transaction for a burst of cells costs the
            # kernel's main thread far less GIL time than one commit per cell.
            time.sleep(BATCH_DELAY)
            while True:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            records = [r for r in batch if r is not None]
            try:
                if records:
                    if store is None:
                        store = Store(self.url)
                    store.add_history_records(records, owner=self.owner)
            except Exception as error:  # noqa: BLE001 - a failed write must not stop recording
                self._errors.append(f"{type(error).__name__}: {error}")
            finally:
                for _ in batch:
                    self._queue.task_done()
            if len(records) != len(batch):
                if store is not None:
                    store.close()
                return
