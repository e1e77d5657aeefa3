"""The ForgeLab part of a ``jupyterhub_config.py``: what a hub needs so that every user's
single-user server runs ForgeLab on one shared store.

Load it from your own configuration with ``load_subconfig("/path/to/this/file")``, or copy the
lines. The hub reads ``FORGELAB_STORE_URL`` from its own environment: the SQLAlchemy URL of the
store all users share, e.g. ``postgresql+psycopg://forgelab:<password>@db.example.org/forgelab``.
Every execution, artifact and provenance record in it is owned by the hub user who made it, and
each user sees only their own.

ForgeLab itself is installed in the single-user image (``pip install 'forgelab[all]'``): its
server extension is enabled by the package and JupyterLab loads its front end.

The test suite runs exactly this file in a real hub (``python_backend/tests/hub``).
"""

import os

c = get_config()  # type: ignore[name-defined]  # noqa: F821 - provided by JupyterHub

# JupyterLab, not the classic notebook, is where users land.
c.Spawner.default_url = "/lab"

# Single-user servers get this environment; the ForgeLab server extension takes its store from
# FORGELAB_STORE_URL (the default of ForgeLabConfig.store_url), and so do the kernels and the
# `forgelab` CLI in the user's terminals.
store_url = os.environ.get("FORGELAB_STORE_URL", "")
if store_url:
    c.Spawner.environment.update({"FORGELAB_STORE_URL": store_url})
# Keras 3 is installed with torch; without this it would look for TensorFlow.
c.Spawner.environment.update({"KERAS_BACKEND": "torch"})
