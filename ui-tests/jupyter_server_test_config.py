"""Jupyter server for galata: port 8888, no token, a temporary root, ForgeLab enabled."""

import os

from jupyterlab.galata import configure_jupyter_server

os.environ.setdefault("KERAS_BACKEND", "torch")

configure_jupyter_server(c)  # noqa: F821 - `c` is the config object jupyter injects
c.ServerApp.allow_root = True  # noqa: F821 - CI and the dev container run as root
c.ServerApp.jpserver_extensions = {"forgelab": True}  # noqa: F821
