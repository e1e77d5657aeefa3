"""Append events to the file named by ``FORGELAB_EVENTS_FILE``: one JSON object per line.

Without that variable (a job run by hand) every call is a no-op, so jobs behave as plain Python.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from typing import IO, Any

EVENTS_ENV = "FORGELAB_EVENTS_FILE"

_lock = threading.Lock()
_handle: IO[str] | None = None
_handle_path: str | None = None


def enabled() -> bool:
    return bool(os.environ.get(EVENTS_ENV))


def emit(kind: str, data: Any) -> None:
    """Write one event, flushed at once so that whoever follows the file sees it."""
    global _handle, _handle_path
    path = os.environ.get(EVENTS_ENV)
    if not path:
        return
    time = (
        dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )
    line = json.dumps({"kind": kind, "data": data, "time": time}, default=str)
    with _lock:
        if _handle is None or _handle_path != path:
            _handle = open(path, "a", encoding="utf-8")  # noqa: SIM115 - kept open for the job's life
            _handle_path = path
        _handle.write(line + "\n")
        _handle.flush()
