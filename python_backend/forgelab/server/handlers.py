"""The base of every ForgeLab REST handler, and the status endpoint.

Handlers stay thin: authenticate, parse, call the service, serialise. Every ForgeLab handler
derives from :class:`ForgeLabHandler`, which requires Jupyter's authentication (and XSRF for
unsafe methods, through :class:`jupyter_server.base.handlers.APIHandler`), gives the service,
the store and the caller's name, and answers ForgeLab's errors through the one table of
:mod:`.errors`.
"""

from __future__ import annotations

import json
from typing import Any

import tornado
from jupyter_server.base.handlers import APIHandler

from .. import environment
from ..errors import NotFound
from ..executions import ExecutionNotFound, Orchestrator
from ..store import Store
from . import bodies
from .errors import answer
from .service import SERVICE_KEY, ForgeLabService


class ForgeLabHandler(APIHandler):
    """Base of all ForgeLab REST handlers."""

    @property
    def service(self) -> ForgeLabService:
        return self.settings[SERVICE_KEY]

    @property
    def store(self) -> Store:
        return self.service.store

    @property
    def orchestrator(self) -> Orchestrator:
        """Built on first use: only handlers that run or stop pipelines ask for it."""
        return self.service.orchestrator()

    @property
    def owner(self) -> str:
        """Whose records this request sees and makes (:func:`forgelab.environment.user_name`)."""
        return environment.user_name(self.current_user)

    def own_execution(self, execution_id: str) -> dict[str, Any]:
        """The caller's execution; another user's is answered exactly like a missing one."""
        execution = self.store.get_execution(execution_id, owner=self.owner)
        if execution is None:
            raise ExecutionNotFound(f"no execution {execution_id!r}")
        return execution

    def own_job(self, execution_id: str, job_id: str) -> Any:
        """A job of the caller's execution; anything else is answered like a missing job."""
        job = self.store.find_job(execution_id, job_id, owner=self.owner)
        if job is None:
            raise ExecutionNotFound(f"no job {job_id!r} in execution {execution_id!r}")
        return job

    def own_artifact(self, artifact_id: str) -> dict[str, Any]:
        """The caller's artifact; another user's is answered exactly like a missing one."""
        artifact = self.store.get_artifact(artifact_id, owner=self.owner)
        if artifact is None:
            raise NotFound(f"no artifact {artifact_id!r}")
        return artifact

    def write_json(self, data: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data))

    async def read_body(self, endpoint: str) -> Any:
        """The request body, parsed and checked against ``endpoint``'s schema
        (:data:`.bodies.SCHEMAS`) off the event loop: a 3 MB pipeline must not stall the
        server. Raises :class:`.bodies.BadRequest` (400, or 413 when too large)."""
        loop = tornado.ioloop.IOLoop.current()
        return await loop.run_in_executor(None, bodies.read, endpoint, self.request.body or b"")

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        """A request ForgeLab answered (a 4xx of :mod:`.errors`) is logged in one line at
        WARNING; only what it did not foresee (a 500) gets ERROR and a traceback."""
        known = answer(value)
        if known is not None and known[0] < 500:
            self.log.warning(
                "%d %s %s: %s",
                known[0],
                self.request.method,
                self.request.path,
                str(known[1].get("message", value)).splitlines()[0],
            )
            return
        super().log_exception(typ, value, tb)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None, None))[1]
        known = answer(exc)
        if known is None:
            super().write_error(status_code, **kwargs)
            return
        status, body = known
        if status >= 500:
            self.log.error("ForgeLab store unavailable: %s", exc)
        self.set_status(status)
        self.finish(json.dumps(body))


class StatusHandler(ForgeLabHandler):
    """``GET /forgelab/api/status``: versions of ForgeLab and its dependencies, and the adapters."""

    @tornado.web.authenticated
    async def get(self) -> None:
        # Importing Keras takes seconds the first time: keep it off the event loop.
        env = await tornado.ioloop.IOLoop.current().run_in_executor(None, environment.describe)
        self.write_json({"status": "ok", **env.to_json()})
