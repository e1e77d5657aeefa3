"""REST handlers for executions and their jobs.

Handlers stay thin: parse, call :class:`~forgelab.executions.Orchestrator` or the store, answer.
"""

from __future__ import annotations

import json
from pathlib import Path

import tornado

from ..adapters.storage.base import public_config
from ..executions import ExecutionError, ExecutionNotFound
from ..jobs.notebook import job_cells
from .bodies import event_number
from .handlers import ForgeLabHandler


class ExecutionsHandler(ForgeLabHandler):
    """``GET executions?pipeline=&status=``, ``POST executions`` (submit)."""

    @tornado.web.authenticated
    async def get(self) -> None:
        executions = self.store.list_executions(
            pipeline=self.get_argument("pipeline", None),
            status=self.get_argument("status", None),
            owner=self.owner,
        )
        self.write_json({"executions": executions})

    @tornado.web.authenticated
    async def post(self) -> None:
        body = await self.read_body("submit")
        execution = await self.orchestrator.submit(
            body.get("pipeline"),
            path=body.get("path"),
            compute=body.get("compute"),
            storage=body.get("storage"),
            overrides=body.get("set") or {},
            timeout=body.get("timeout"),
            owner=self.owner,
            name=body.get("name"),
        )
        self.write_json(execution, 201)


class ExecutionHandler(ForgeLabHandler):
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
        self.store.delete_execution(execution_id, owner=self.owner)
        self.set_status(204)
        self.finish()


class ExecutionActionHandler(ForgeLabHandler):
    """``POST executions/{id}/cancel|rerun|resume``."""

    @tornado.web.authenticated
    async def post(self, execution_id: str, action: str) -> None:
        self.own_execution(execution_id)
        if action == "cancel":
            self.write_json(await self.orchestrator.cancel(execution_id))
        elif action == "rerun":
            body = await self.read_body("rerun") or {}
            self.write_json(
                await self.orchestrator.rerun(execution_id, body.get("from", "failed")), 201
            )
        else:
            self.write_json(await self.orchestrator.resume(execution_id))


class JobCancelHandler(ForgeLabHandler):
    """``POST executions/{id}/jobs/{job}/cancel``."""

    @tornado.web.authenticated
    async def post(self, execution_id: str, job_id: str) -> None:
        self.own_job(execution_id, job_id)
        self.write_json(await self.orchestrator.cancel_job(execution_id, job_id))


class JobEventsHandler(ForgeLabHandler):
    """``GET executions/{id}/jobs/{job}/events?since=N``."""

    @tornado.web.authenticated
    async def get(self, execution_id: str, job_id: str) -> None:
        self.own_job(execution_id, job_id)
        since = event_number(self.get_argument("since", "0"))
        events, next_since = self.store.events(job_id, since)
        self.write_json({"events": events, "next": next_since})


class JobCodeHandler(ForgeLabHandler):
    """``GET executions/{id}/jobs/{job}/code``: the generated files, credentials masked."""

    @tornado.web.authenticated
    async def get(self, execution_id: str, job_id: str) -> None:
        job = self.own_job(execution_id, job_id)
        if not job.directory or not Path(job.directory).is_dir():
            raise ExecutionNotFound(
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


class JobNotebookHandler(ForgeLabHandler):
    """``GET executions/{id}/jobs/{job}/notebook``: the job's code as notebook cells
    ``{"cells": [str, ...]}`` that load its inputs from their artifacts in the user's kernel."""

    @tornado.web.authenticated
    async def get(self, execution_id: str, job_id: str) -> None:
        job = self.own_job(execution_id, job_id)
        descriptor = Path(job.directory or "") / "job.json"
        if not job.directory or not descriptor.is_file():
            raise ExecutionNotFound(
                f"no code for job {job_id}: it has not been generated (status {job.status})"
            )
        data = json.loads(descriptor.read_text(encoding="utf-8"))
        self.write_json({"cells": job_cells(data, Path(job.directory))})
