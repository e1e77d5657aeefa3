"""A second Jupyter server for galata, on port 8889 (FORGELAB_GALATA_PORT + 1), as if
jupyter-collaboration were not installed.

The server side of collaboration (``jupyter_server_ydoc``) is off here, and the front end's
(``@jupyter/docprovider-extension``, ``@jupyter/collaboration-extension``) is disabled by
``nocollab/labconfig/page_config.json``, which the start command puts on ``JUPYTER_CONFIG_PATH``.
"""

import os

load_subconfig("jupyter_server_test_config.py")  # noqa: F821 - traitlets injects it

c.ServerApp.port = int(os.environ.get("FORGELAB_GALATA_PORT", "8888")) + 1  # noqa: F821
c.ServerApp.jpserver_extensions = {"forgelab": True, "jupyter_server_ydoc": False}  # noqa: F821
