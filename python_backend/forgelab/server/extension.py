"""Loading the server extension: the service, and the routes under ``{base_url}forgelab/api``."""

from __future__ import annotations

import os
from typing import Any

from jupyter_server.utils import url_path_join

API_PREFIX = "forgelab/api"


def load(server_app: Any) -> None:
    # Keras 3 picks TensorFlow unless told otherwise; torch is the backend installed with ForgeLab.
    os.environ.setdefault("KERAS_BACKEND", "torch")
    from .routes import routes
    from .service import setup

    web_app = server_app.web_app
    _share_store_with_kernels(server_app)
    base = url_path_join(web_app.settings["base_url"], API_PREFIX)
    setup(server_app)
    web_app.add_handlers(".*$", [(url_path_join(base, route), h) for route, h in routes()])
    server_app.log.info("ForgeLab server extension loaded at %s", base)


def _share_store_with_kernels(server_app: Any) -> None:
    """Kernels started by this server inherit the store URL, so their provenance lands there."""
    from ..config import ForgeLabConfig, export_store_url
    from ..store import default_url

    root = getattr(server_app, "root_dir", None) or os.getcwd()
    url = ForgeLabConfig(config=server_app.config).store_url or default_url(root)
    export_store_url(url)
