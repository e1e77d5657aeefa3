"""ForgeLab: DeepForge's machine-learning gateway inside JupyterLab.

The package is three things at once, each loaded by its host:

* a Jupyter server extension (:mod:`forgelab.server`), which owns executions, artifacts,
  provenance and adapter configuration;
* an IPython extension (:mod:`forgelab.kernel`), loaded with ``%load_ext forgelab``, which
  records provenance and answers the editors over the ``forgelab`` comm;
* the prebuilt JupyterLab extension, shipped in ``labextension/``.
"""

from __future__ import annotations

from typing import Any

try:
    from ._version import __version__
except ImportError:  # pragma: no cover - only in a source tree that was never built
    import warnings

    warnings.warn(
        "Importing 'forgelab' outside a proper installation; run `make lab` or `pip install -e .`.",
        stacklevel=2,
    )
    __version__ = "dev"

__all__ = ["__version__"]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "forgelab"}]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "forgelab"}]


def _load_jupyter_server_extension(server_app: Any) -> None:
    from .server.extension import load

    load(server_app)


def load_ipython_extension(ipython: Any) -> None:
    """Entry point of ``%load_ext forgelab``."""
    from .kernel.extension import load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """Entry point of ``%unload_ext forgelab``."""
    from .kernel.extension import unload

    unload(ipython)
