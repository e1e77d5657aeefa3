"""REST handlers for adapters (schemas, availability, masked configuration, connection test)."""

from __future__ import annotations

import tornado

from ..adapters.compute.gpus import detect_gpus
from ..adapters.registry import describe_adapters
from ..adapters.storage.base import public_config
from .handlers import ForgeLabHandler


class AdaptersHandler(ForgeLabHandler):
    """``GET adapters``: each adapter with its configSchema, availability and masked config."""

    @tornado.web.authenticated
    async def get(self) -> None:
        # The first call imports each adapter's optional dependencies (Dask, s3fs): seconds,
        # which must not block the server's event loop.
        loop = tornado.ioloop.IOLoop.current()
        described = await loop.run_in_executor(None, describe_adapters)
        configs = {
            "compute": self.orchestrator.compute_configs,
            "storage": self.orchestrator.storage_configs,
        }
        for kind, adapters in described.items():
            for adapter in adapters:
                adapter["config"] = public_config(configs[kind].get(adapter["name"], {}))
        for adapter in described["compute"]:
            if adapter["name"] == "local" and adapter["available"]:
                # The server's own machine: what the local adapter hands out (nvidia-smi or its
                # configured count). Remote computes say theirs when tested.
                configured = configs["compute"].get("local", {}).get("gpus")
                adapter["gpus"] = detect_gpus(configured).to_json()
        defaults = {
            "compute": self.orchestrator.default_compute,
            "storage": self.orchestrator.default_storage,
        }
        self.write_json({**described, "defaults": defaults})


class AdapterTestHandler(ForgeLabHandler):
    """``POST adapters/{kind}/{name}/test`` → ``{"ok", "message"}``."""

    @tornado.web.authenticated
    async def post(self, kind: str, name: str) -> None:
        self.write_json(await self.orchestrator.test_adapter(kind, name))
