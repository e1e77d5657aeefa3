"""REST handlers for executions and their jobs, and the service that owns the orchestrator.

Handlers stay thin: parse, call :class:`~forgelab.executions.Orchestrator` or the store, answer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import tornado
from tornado.ioloop import IOLoop

from .. import environment
from ..adapters.storage.base import public_config
from ..config import ForgeLabConfig
from ..executions import ExecutionError, Orchestrator
from ..pipeline import PipelineError
from ..store import Store, StoreError, default_url
from .handlers import ForgeLabHandler

SERVICE_KEY = "forgelab_executions"


class ExecutionsService:
    """The store and the orchestrator of one Jupyter server, created on first use."""

    def __init__(self, server_app: Any) -> None:
        self.root = Path(server_app.root_dir).resolve()
        self.config = ForgeLabConfig(config=server_app.config)
        self.log = server_app.log
        self._orchestrator: Orchestrator | None = None

    def orchestrator(self) -> Orchestrator:
        if self._orchestrator is None:
            store = Store(self.config.store_url or default_url(self.root))
            self._orchestrator = Orchestrator(
                store,
                root=self.root,
                compute_configs=self.config.compute_adapters,
                storage_configs=self.config.storage_adapters,
                jobs_dir=self.config.jobs_dir or None,
                default_compute=self.config.default_compute,
                default_storage=self.config.default_storage,
            )
        return self._orchestrator

    async def start(self) -> None:
        """Continue (or mark interrupted) what a previous server left running."""
        try:
            orchestrator = self.orchestrator()
        except StoreError as error:
            # Requests retry the store and answer 503 with this message until it is reachable.
            self.log.error("ForgeLab: %s", error)
            return
        resumed = await orchestrator.recover(resume=self.config.resume_on_start)
        if resumed:
            self.log.info("ForgeLab: %d execution(s) left running were recovered", len(resumed))

    async def stop(self) -> None:
        if self._orchestrator is not None:
            await self._orchestrator.close()
            self._orchestrator.store.close()
            self._orchestrator = None


def setup(server_app: Any) -> ExecutionsService:
    """Create the service and schedule the recovery of interrupted executions."""
    service = ExecutionsService(server_app)
    server_app.web_app.settings[SERVICE_KEY] = service
    IOLoop.current().add_callback(service.start)
    return service


class ExecutionsBaseHandler(ForgeLabHandler):
    """Access to the orchestrator; pipeline and execution errors become readable 400/404s."""

    @property
    def service(self) -> ExecutionsService:
        return self.settings[SERVICE_KEY]

    @property
    def orchestrator(self) -> Orchestrator:
        return self.service.orchestrator()

    @property
    def owner(self) -> str:
        """Whose records this request sees and makes (:func:`forgelab.environment.user_name`)."""
        return environment.user_name(self.current_user)

    def own_execution(self, execution_id: str) -> dict[str, Any]:
        """The caller's execution; another user's is answered exactly like a missing one."""
        execution = self.orchestrator.store.get_execution(execution_id, owner=self.owner)
        if execution is None:
            raise ExecutionError(f"no execution {execution_id!r}")
        return execution

    def own_job(self, execution_id: str, job_id: str) -> Any:
        """A job of the caller's execution; anything else is answered like a missing job."""
        job = self.orchestrator.store.find_job(execution_id, job_id, owner=self.owner)
        if job is None:
            raise ExecutionError(f"no job {job_id!r} in execution {execution_id!r}")
        return job

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, PipelineError):
            self.set_status(400)
            self.finish(json.dumps(exc.to_json()))
            return
        if isinstance(exc, ExecutionError):
            self.set_status(404 if str(exc).startswith("no ") else 400)
            self.finish(json.dumps({"message": str(exc)}))
            return
        super().write_error(status_code, **kwargs)


class ExecutionsHandler(ExecutionsBaseHandler):
    """``GET executions?pipeline=&status=``, ``POST executions`` (submit)."""

    @tornado.web.authenticated
    async def get(self) -> None:
        executions = self.orchestrator.store.list_executions(
            pipeline=self.get_argument("pipeline", None),
            status=self.get_argument("status", None),
            owner=self.owner,
        )
        self.write_json({"executions": executions})

    @tornado.web.authenticated
    async def post(self) -> None:
        body = self.read_json()
        if not isinstance(body, dict):
            raise tornado.web.HTTPError(400, "expected a JSON object with 'pipeline' or 'path'")
        timeout = body.get("timeout")
        execution = await self.orchestrator.submit(
            body.get("pipeline"),
            path=body.get("path"),
            compute=body.get("compute"),
            storage=body.get("storage"),
            overrides=body.get("set") or {},
            timeout=float(timeout) if timeout else None,
            owner=self.owner,
        )
        self.write_json(execution, 201)


class ExecutionHandler(ExecutionsBaseHandler):
    """``GET``/``DELETE executions/{id}``."""

    @tornado.web.authenticated
    async def get(self, execution_id: str) -> None:
        self.write_json(self.own_execution(execution_id))

    @tornado.web.authenticated
    async def delete(self, execution_id: str) -> None:
        execution = self.own_execution(execution_id)
        if execution["status"] in ("pending", "running"):
            raise ExecutionError(
                f"execution {execution_id} is {execution['status']}: cancel it first"
            )
        self.orchestrator.store.delete_execution(execution_id, owner=self.owner)
        self.set_status(204)
        self.finish()


class ExecutionActionHandler(ExecutionsBaseHandler):
    """``POST executions/{id}/cancel|rerun|resume``."""

    @tornado.web.authenticated
    async def post(self, execution_id: str, action: str) -> None:
        self.own_execution(execution_id)
        if action == "cancel":
            self.write_json(await self.orchestrator.cancel(execution_id))
        elif action == "rerun":
            body = self.read_json() or {}
            self.write_json(
                await self.orchestrator.rerun(execution_id, body.get("from", "failed")), 201
            )
        else:
            self.write_json(await self.orchestrator.resume(execution_id))


class JobCancelHandler(ExecutionsBaseHandler):
    """``POST executions/{id}/jobs/{job}/cancel``."""

    @tornado.web.authenticated
    async def post(self, execution_id: str, job_id: str) -> None:
        self.own_job(execution_id, job_id)
        self.write_json(await self.orchestrator.cancel_job(execution_id, job_id))


class JobEventsHandler(ExecutionsBaseHandler):
    """``GET executions/{id}/jobs/{job}/events?since=N``."""

    @tornado.web.authenticated
    async def get(self, execution_id: str, job_id: str) -> None:
        self.own_job(execution_id, job_id)
        try:
            since = int(self.get_argument("since", "0"))
        except ValueError:
            raise tornado.web.HTTPError(400, "since must be an integer") from None
        events, next_since = self.orchestrator.store.events(job_id, since)
        self.write_json({"events": events, "next": next_since})


class JobCodeHandler(ExecutionsBaseHandler):
    """``GET executions/{id}/jobs/{job}/code``: the generated files, credentials masked."""

    @tornado.web.authenticated
    async def get(self, execution_id: str, job_id: str) -> None:
        job = self.own_job(execution_id, job_id)
        if not job.directory or not Path(job.directory).is_dir():
            raise ExecutionError(
                f"no code for job {job_id}: it has not been generated (status {job.status})"
            )
        directory = Path(job.directory)
        files: dict[str, str] = {}
        for name in ("main.py", "operation.py", "job.json"):
            if (directory / name).is_file():
                files[name] = (directory / name).read_text(encoding="utf-8")
        if "job.json" in files:
            data = json.loads(files["job.json"])
            for name, cfg in data.get("storage", {}).items():
                data["storage"][name] = {**cfg, "config": public_config(cfg.get("config", {}))}
            files["job.json"] = json.dumps(data, indent=2) + "\n"
        self.write_json({"files": files})
