"""The service of the whole server extension: the Jupyter root, the configuration, the store and
the orchestrator of one Jupyter server.

Every handler reaches it through :attr:`~forgelab.server.handlers.ForgeLabHandler.service`. The
store opens on first use; the orchestrator (compute adapters, the loops that drive executions)
is built only when a request runs, cancels or downloads something, or when a previous server
left executions to recover: reading records, reifying a variable or listing artifacts never
builds it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tornado.ioloop import IOLoop

from .. import environment
from ..config import ForgeLabConfig
from ..executions import Orchestrator
from ..executions.orchestrator import warm_up
from ..store import Store, StoreError, default_url

SERVICE_KEY = "forgelab_service"
"""Where the service sits in the tornado application's settings."""


class ForgeLabService:
    """Root, configuration, store and orchestrator of one Jupyter server, each made on first use."""

    def __init__(self, server_app: Any) -> None:
        self.root = Path(server_app.root_dir).resolve()
        self.config = ForgeLabConfig(config=server_app.config)
        self.log = server_app.log
        self._store: Store | None = None
        self._orchestrator: Orchestrator | None = None

    @property
    def store(self) -> Store:
        """The store (``c.ForgeLabConfig.store_url``, else SQLite under the root)."""
        if self._store is None:
            self._store = Store(self.config.store_url or default_url(self.root))
        return self._store

    @property
    def has_orchestrator(self) -> bool:
        """Whether a request (or recovery) has needed the orchestrator yet."""
        return self._orchestrator is not None

    def orchestrator(self) -> Orchestrator:
        """The orchestrator over :attr:`store`, built on the first call."""
        if self._orchestrator is None:
            self._orchestrator = Orchestrator(
                self.store,
                root=self.root,
                compute_configs=self.config.compute_adapters,
                storage_configs=self.config.storage_adapters,
                jobs_dir=self.config.jobs_dir or None,
                default_compute=self.config.default_compute,
                default_storage=self.config.default_storage,
            )
        return self._orchestrator

    async def start(self) -> None:
        """Continue (or mark interrupted) what a previous server of this user left running, and
        load what the first submission needs on a thread meanwhile."""
        IOLoop.current().run_in_executor(
            None, warm_up, self.config.default_compute, self.config.default_storage
        )
        try:
            left = self.store.execution_ids(
                statuses=("pending", "running"), owner=environment.user_name()
            )
        except StoreError as error:
            # Requests retry the store and answer 503 with this message until it is reachable.
            self.log.error("ForgeLab: %s", error)
            return
        if not left:
            return
        resumed = await self.orchestrator().recover(resume=self.config.resume_on_start)
        if resumed:
            self.log.info("ForgeLab: %d execution(s) left running were recovered", len(resumed))

    async def stop(self) -> None:
        """Stop driving executions (their jobs keep running) and close the store."""
        if self._orchestrator is not None:
            await self._orchestrator.close()
            self._orchestrator = None
        if self._store is not None:
            self._store.close()
            self._store = None


def setup(server_app: Any) -> ForgeLabService:
    """Create the service and schedule the recovery of interrupted executions."""
    service = ForgeLabService(server_app)
    server_app.web_app.settings[SERVICE_KEY] = service
    IOLoop.current().add_callback(service.start)
    return service
