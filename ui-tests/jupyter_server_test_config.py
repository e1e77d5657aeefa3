"""Jupyter server for galata: port 8888 (or FORGELAB_GALATA_PORT), no token, a temporary root, ForgeLab enabled."""

import os

from jupyterlab.galata import configure_jupyter_server

os.environ.setdefault("KERAS_BACKEND", "torch")

configure_jupyter_server(c)  # noqa: F821 - `c` is the config object jupyter injects
c.ServerApp.port = int(os.environ.get("FORGELAB_GALATA_PORT", "8888"))  # noqa: F821
c.ServerApp.allow_root = True  # noqa: F821 - CI and the dev container run as root
c.ServerApp.jpserver_extensions = {"forgelab": True}  # noqa: F821

# An S3 store whose credentials must never reach the browser (adapters.spec.ts checks every
# response). Nothing listens on port 9: its connection test must fail with a readable message.
c.ForgeLabConfig.storage_adapters = {  # noqa: F821
    "s3": {
        "endpoint_url": "http://127.0.0.1:9",
        "bucket": "forgelab-test",
        "key": "AKIAFORGELABTESTKEY",
        "secret": "forgelab-test-secret-value",
        "connect_timeout": 2,
    }
}
