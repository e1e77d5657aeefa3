"""Handlers shared by every ForgeLab endpoint, and the status endpoint.

Handlers stay thin: authenticate, parse, call a manager, serialise. Every ForgeLab handler
derives from :class:`ForgeLabHandler`, which requires Jupyter's authentication (and XSRF for
unsafe methods, through :class:`jupyter_server.base.handlers.APIHandler`) and turns ForgeLab's
own errors into JSON answers a user can read.
"""

from __future__ import annotations

import json
from typing import Any

import tornado
from jupyter_server.base.handlers import APIHandler

from .. import environment
from ..formats import FormatError
from ..store.migrations import StoreError


class ForgeLabHandler(APIHandler):
    """Base of all ForgeLab REST handlers."""

    def write_json(self, data: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data))

    def read_json(self) -> Any:
        try:
            return json.loads(self.request.body or b"null")
        except json.JSONDecodeError as error:
            raise tornado.web.HTTPError(400, f"Request body is not valid JSON: {error}") from None

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, FormatError):
            self.set_status(400)
            self.finish(json.dumps({"message": str(exc), "format": exc.to_json()}))
            return
        if isinstance(exc, StoreError):
            # The database is down or too new: the server is fine, the service is not available.
            self.log.error("ForgeLab store unavailable: %s", exc)
            self.set_status(503)
            self.finish(json.dumps({"message": str(exc)}))
            return
        super().write_error(status_code, **kwargs)


class StatusHandler(ForgeLabHandler):
    """``GET /forgelab/api/status``: versions of ForgeLab and its dependencies, and the adapters."""

    @tornado.web.authenticated
    async def get(self) -> None:
        # Importing Keras takes seconds the first time: keep it off the event loop.
        env = await tornado.ioloop.IOLoop.current().run_in_executor(None, environment.describe)
        self.write_json({"status": "ok", **env.to_json()})
