"""The ``forgelab`` comm: request/response messages between the front end and the kernel.

Each request is ``{"id": ..., "type": ..., ...}``; each answer echoes the id with either
``{"ok": true, "result": ...}`` or ``{"ok": false, "error": {"type", "message"}}``. Services
(recorder, layer catalog, shape inference) add request types with :meth:`ForgeLabComm.handle`.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from .. import environment

COMM_TARGET = "forgelab"

Handler = Callable[[dict[str, Any]], Any]

#: Request types every kernel answers; services register more through :func:`register`.
_HANDLERS: dict[str, Handler] = {}


def register(request_type: str, handler: Handler) -> None:
    """Answer requests of ``request_type`` with ``handler(message) -> JSON-able result``."""
    _HANDLERS[request_type] = handler


def _ping(_: dict[str, Any]) -> dict[str, Any]:
    import IPython

    env = environment.describe(include_keras=False).to_json()
    return {"pong": True, "ipython": IPython.__version__, **env}


register("ping", _ping)


class ForgeLabComm:
    """Answers the front end's requests on every ``forgelab`` comm opened in one kernel."""

    def __init__(self, ipython: Any) -> None:
        self.ipython = ipython
        self.comms: list[Any] = []

    def open(self, comm: Any, open_msg: dict[str, Any]) -> None:
        self.comms.append(comm)
        comm.on_msg(lambda msg: self._on_msg(comm, msg))
        comm.on_close(lambda _msg: self.comms.remove(comm) if comm in self.comms else None)

    def _on_msg(self, comm: Any, msg: dict[str, Any]) -> None:
        request = msg.get("content", {}).get("data", {}) or {}
        comm.send(answer(request))

    def close(self) -> None:
        for comm in list(self.comms):
            comm.close()
        self.comms.clear()


def answer(request: dict[str, Any]) -> dict[str, Any]:
    """The reply to one request; never raises, so a bad request cannot break the kernel."""
    request_id = request.get("id")
    request_type = request.get("type")
    handler = _HANDLERS.get(str(request_type))
    if handler is None:
        known = ", ".join(sorted(_HANDLERS))
        return {
            "id": request_id,
            "ok": False,
            "error": {
                "type": "UnknownRequest",
                "message": f"Unknown request {request_type!r}; known: {known}",
            },
        }
    try:
        return {"id": request_id, "ok": True, "result": handler(request)}
    except Exception as error:  # noqa: BLE001 - reported to the caller, not raised in the kernel
        return {
            "id": request_id,
            "ok": False,
            "error": {
                "type": type(error).__name__,
                "message": str(error),
                "traceback": traceback.format_exc(),
            },
        }
