"""Loading the server extension: register handlers under ``{base_url}forgelab/api``."""

from __future__ import annotations

import os
from typing import Any

from jupyter_server.utils import url_path_join

from .handlers import StatusHandler

API_PREFIX = "forgelab/api"


def handlers() -> list[tuple[str, type]]:
    """Every (route, handler) pair, the route relative to the API prefix."""
    return [("status", StatusHandler)]


def load(server_app: Any) -> None:
    # Keras 3 picks TensorFlow unless told otherwise; torch is the backend installed with ForgeLab.
    os.environ.setdefault("KERAS_BACKEND", "torch")
    web_app = server_app.web_app
    base = url_path_join(web_app.settings["base_url"], API_PREFIX)
    web_app.add_handlers(".*$", [(url_path_join(base, route), h) for route, h in handlers()])
    server_app.log.info("ForgeLab server extension loaded at %s", base)
