"""Server-side configuration of executions (``jupyter_server_config.py``: ``c.ForgeLabConfig.*``).

Adapter configurations may hold credentials: they stay on the server, go into job directories
that need them, and are masked in every answer to the browser.
"""

from __future__ import annotations

import os

from traitlets import Bool, Dict, Unicode, default
from traitlets.config import Configurable

STORE_URL_ENV = "FORGELAB_STORE_URL"

_exported_store_url: str | None = None
"""The store URL this process put into its own environment for its kernels (not a setting)."""


def export_store_url(url: str) -> None:
    """Set ``$FORGELAB_STORE_URL`` for kernels started from here, without configuring this process.

    A test process runs several servers one after another: the second must not take the first's
    exported store for its own configuration.
    """
    global _exported_store_url
    if os.environ.get(STORE_URL_ENV) != url:
        _exported_store_url = url
        os.environ[STORE_URL_ENV] = url


def store_url_from_environment() -> str:
    """``$FORGELAB_STORE_URL`` as set for this process ("" if unset or exported by itself)."""
    url = os.environ.get(STORE_URL_ENV, "")
    return "" if url == _exported_store_url else url


class ForgeLabConfig(Configurable):
    """Where executions are stored and which adapters run them."""

    store_url = Unicode(
        "",
        config=True,
        help="SQLAlchemy URL of the store (default: $FORGELAB_STORE_URL, else "
        "sqlite:///<root>/.forgelab/forgelab.db; use postgresql+psycopg://... for a shared "
        "deployment).",
    )

    @default("store_url")
    def _store_url_from_environment(self) -> str:
        return store_url_from_environment()

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
