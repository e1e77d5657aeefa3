"""Websocket ``events?execution={id}&since=N``: an execution's job events and status changes, live.

On connect it replays the stored events after ``since`` (an event row id; 0 for all), then pushes
each new event and status change as it happens. Every message carries ``cursor`` (the row id of
stored events) so a client that reconnects asks for ``since=<last cursor>`` and misses nothing.
"""

from __future__ import annotations

import json
from typing import Any

import tornado.websocket
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.base.websocket import WebSocketMixin

from ..environment import user_name
from .bodies import BadRequest, event_number
from .service import SERVICE_KEY


class EventsSocket(WebSocketMixin, tornado.websocket.WebSocketHandler, JupyterHandler):
    """Authenticated like every Jupyter websocket (token or cookie)."""

    _unsubscribe: Any = None

    async def get(self, *args: Any, **kwargs: Any) -> None:
        if self.current_user is None:
            raise tornado.web.HTTPError(
                403, "ForgeLab's event stream requires an authenticated user"
            )
        self.execution_id = self.get_argument("execution")
        # Another user's execution is refused exactly like one that does not exist.
        owner = user_name(self.current_user)
        if self.settings[SERVICE_KEY].store.get_execution(self.execution_id, owner=owner) is None:
            raise tornado.web.HTTPError(404, f"no execution {self.execution_id!r}")
        await super().get(*args, **kwargs)

    def open(self, *args: Any, **kwargs: Any) -> None:
        orchestrator = self.settings[SERVICE_KEY].orchestrator()
        try:
            since = event_number(self.get_argument("since", "0"))
        except BadRequest:
            since = 0
        self._unsubscribe = orchestrator.subscribe(self.execution_id, self._push)
        execution = orchestrator.get(self.execution_id)
        self._push(
            {
                "kind": "status",
                "job": None,
                "execution": self.execution_id,
                "data": {"status": execution["status"]},
            }
        )
        for cursor, event in orchestrator.store.execution_events(self.execution_id, since):
            self._push({**event, "execution": self.execution_id, "cursor": cursor})

    def _push(self, message: dict[str, Any]) -> None:
        try:
            self.write_message(json.dumps(message))
        except tornado.websocket.WebSocketClosedError:
            self.on_close()

    def on_message(self, message: str | bytes) -> None:
        """Clients do not send anything; pings are handled by tornado."""

    def on_close(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
