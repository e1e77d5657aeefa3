"""Configuration of executions (``jupyter_server_config.py``: ``c.ForgeLabConfig.*``).

The Jupyter server and the ``forgelab`` command line read the same files:
:func:`load_server_config` finds ``jupyter_server_config.py`` and ``.json`` on Jupyter's config
path (``$JUPYTER_CONFIG_DIR`` included) with traitlets' own loaders, as Jupyter does.

Adapter configurations may hold credentials: they stay on the server, reach a job through its
environment only (:mod:`forgelab.jobs.secrets`), and are masked in every answer to the browser.
"""

from __future__ import annotations

import os
from pathlib import Path

from traitlets import Bool, Dict, Unicode, default
from traitlets.config import Config, Configurable

STORE_URL_ENV = "FORGELAB_STORE_URL"
#: The base name of the Jupyter server's configuration files (``.py`` and ``.json``).
SERVER_CONFIG = "jupyter_server_config"

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


class ConfigFileError(ValueError):
    """A configuration file that is missing, of an unknown kind, or cannot be read."""


def _load(path: Path) -> Config | None:
    """One configuration file through traitlets' loader for its kind; None if it does not exist."""
    from traitlets.config.loader import (
        ConfigFileNotFound,
        JSONFileConfigLoader,
        PyFileConfigLoader,
    )

    loaders = {".py": PyFileConfigLoader, ".json": JSONFileConfigLoader}
    if path.suffix not in loaders:
        raise ConfigFileError(
            f"{path}: a configuration file ends in .py or .json (as jupyter_server_config.py)"
        )
    loader = loaders[path.suffix](path.name, path=str(path.parent))
    try:
        return loader.load_config()
    except ConfigFileNotFound:
        return None
    except Exception as error:  # SyntaxError, JSONDecodeError, NameError, ...
        detail = " ".join(str(error).split()) or type(error).__name__
        raise ConfigFileError(
            f"cannot read the configuration file {path}: {type(error).__name__}: {detail}; "
            "fix it, or move it out of the way"
        ) from None


def load_server_config(extra: str | os.PathLike[str] | None = None) -> Config:
    """The Jupyter server's configuration, as it reads it, then ``extra`` on top.

    Files are read from the lowest-priority directory of ``jupyter_config_path()`` to the highest
    (``$JUPYTER_CONFIG_DIR``, default ``~/.jupyter``), ``.py`` before ``.json`` in each, the
    later ones winning, as Jupyter's applications do. Raises :class:`ConfigFileError`.
    """
    from jupyter_core.paths import jupyter_config_path

    merged = Config()
    for directory in reversed(jupyter_config_path()):
        for suffix in (".py", ".json"):
            found = _load(Path(directory) / f"{SERVER_CONFIG}{suffix}")
            if found is not None:
                merged.merge(found)
    if extra is not None:
        path = Path(extra).expanduser().absolute()
        found = _load(path)
        if found is None:
            raise ConfigFileError(f"--config {extra}: no such file")
        merged.merge(found)
    return merged
