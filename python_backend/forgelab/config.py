"""Server-side configuration of executions (``jupyter_server_config.py``: ``c.ForgeLabConfig.*``).

Adapter configurations may hold credentials: they stay on the server, go into job directories
that need them, and are masked in every answer to the browser.
"""

from __future__ import annotations

from traitlets import Bool, Dict, Unicode
from traitlets.config import Configurable


class ForgeLabConfig(Configurable):
    """Where executions are stored and which adapters run them."""

    store_url = Unicode(
        "",
        config=True,
        help="SQLAlchemy URL of the store (default: sqlite:///<root>/.forgelab/forgelab.db; "
        "use postgresql://... for a shared deployment).",
    )
    compute_adapters = Dict(
        {},
        config=True,
        help="Configuration per compute adapter name, e.g. {'local': {'capacity': 2}, "
        "'dask': {'address': 'tcp://127.0.0.1:8786'}}.",
    )
    storage_adapters = Dict(
        {},
        config=True,
        help="Configuration per storage adapter name, e.g. {'s3': {'endpoint_url': ..., "
        "'bucket': ..., 'key': ..., 'secret': ...}}.",
    )
    default_compute = Unicode("local", config=True, help="Compute adapter when none is asked for.")
    default_storage = Unicode("local", config=True, help="Storage adapter when none is asked for.")
    jobs_dir = Unicode(
        "", config=True, help="Where job directories go (default <root>/.forgelab/jobs)."
    )
    resume_on_start = Bool(
        True,
        config=True,
        help="On start, follow jobs still running and continue their executions; "
        "otherwise mark them interrupted.",
    )
