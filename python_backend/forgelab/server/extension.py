"""Loading the server extension: register handlers under ``{base_url}forgelab/api``."""

from __future__ import annotations

import os
from typing import Any

from jupyter_server.utils import url_path_join

from .handlers import StatusHandler

API_PREFIX = "forgelab/api"


def handlers() -> list[tuple[str, type]]:
    """Every (route, handler) pair, the route relative to the API prefix."""
    return [("status", StatusHandler), *execution_handlers()]


def execution_handlers() -> list[tuple[str, type]]:
    """Routes of operations, executions, artifacts, adapters and the events websocket."""
    from .adapters import AdaptersHandler, AdapterTestHandler
    from .artifacts import ArtifactHandler, ArtifactsHandler
    from .events import EventsSocket
    from .executions import (
        ExecutionActionHandler,
        ExecutionHandler,
        ExecutionsHandler,
        JobCancelHandler,
        JobCodeHandler,
        JobEventsHandler,
    )
    from .operations import IntrospectHandler, OperationsHandler
    from .provenance import provenance_handlers

    ident = r"([A-Za-z0-9_.-]+)"
    return [
        ("operations", OperationsHandler),
        ("operations/introspect", IntrospectHandler),
        ("executions", ExecutionsHandler),
        (f"executions/{ident}", ExecutionHandler),
        (f"executions/{ident}/(cancel|rerun|resume)", ExecutionActionHandler),
        (f"executions/{ident}/jobs/{ident}/cancel", JobCancelHandler),
        (f"executions/{ident}/jobs/{ident}/events", JobEventsHandler),
        (f"executions/{ident}/jobs/{ident}/code", JobCodeHandler),
        ("events", EventsSocket),
        ("artifacts", ArtifactsHandler),
        (f"artifacts/{ident}", ArtifactHandler),
        (f"artifacts/{ident}/(download|provenance)", ArtifactHandler),
        ("adapters", AdaptersHandler),
        (f"adapters/(compute|storage)/{ident}/test", AdapterTestHandler),
        *provenance_handlers(ident),
    ]


def load(server_app: Any) -> None:
    # Keras 3 picks TensorFlow unless told otherwise; torch is the backend installed with ForgeLab.
    os.environ.setdefault("KERAS_BACKEND", "torch")
    web_app = server_app.web_app
    _share_store_with_kernels(server_app)
    base = url_path_join(web_app.settings["base_url"], API_PREFIX)
    from .executions import setup as setup_executions

    setup_executions(server_app)
    web_app.add_handlers(".*$", [(url_path_join(base, route), h) for route, h in handlers()])
    server_app.log.info("ForgeLab server extension loaded at %s", base)


def _share_store_with_kernels(server_app: Any) -> None:
    """Kernels started by this server inherit the store URL, so their provenance lands there."""
    from ..config import ForgeLabConfig, export_store_url
    from ..store import default_url

    root = getattr(server_app, "root_dir", None) or os.getcwd()
    url = ForgeLabConfig(config=server_app.config).store_url or default_url(root)
    export_store_url(url)
