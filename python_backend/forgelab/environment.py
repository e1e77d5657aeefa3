"""What this Python environment provides: versions of ForgeLab's dependencies, and what is missing.

One function, :func:`describe`, is the source of the facts shown by ``GET /forgelab/api/status``,
``forgelab status`` and the kernel's answer to a ping, so the three always agree; :func:`cache_dir`
says where ForgeLab keeps what it derives.
"""

from __future__ import annotations

import getpass
import importlib
import os
import platform
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import __version__


def cache_dir() -> Path:
    """Where ForgeLab caches derived data: ``$FORGELAB_CACHE_DIR`` or ``~/.cache/forgelab``."""
    configured = os.environ.get("FORGELAB_CACHE_DIR")
    return Path(configured) if configured else Path.home() / ".cache" / "forgelab"


def user_name(current_user: Any = None) -> str:
    """Who owns what this process records: executions, artifacts, provenance records.

    On a JupyterHub single-user server (``JUPYTERHUB_USER`` set) it is the authenticated
    Jupyter user's ``username`` (the hub user name), or ``JUPYTERHUB_USER`` itself where no
    request user is at hand (kernels, terminals, the CLI). Otherwise it is the OS user: Jupyter
    Server's default identity provider names each browser session anew, so using that name
    would hide a user's own earlier executions from them.
    """
    hub_user = os.environ.get("JUPYTERHUB_USER")
    if hub_user:
        name = getattr(current_user, "username", None) or (
            current_user if isinstance(current_user, str) else None
        )
        return str(name or hub_user)
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - some containers run as a uid with no passwd entry
        return os.environ.get("USER") or f"uid-{os.getuid()}"


@dataclass(frozen=True)
class Component:
    """One optional or required dependency and whether it can be used here."""

    name: str
    available: bool
    version: str | None = None
    detail: str | None = None
    install: str | None = None
    """What to run to make it available, when it is not."""


@dataclass(frozen=True)
class _Probe:
    name: str
    module: str
    install: str
    required: bool = False


_PROBES: tuple[_Probe, ...] = (
    _Probe("jupyterlab", "jupyterlab", "pip install 'jupyterlab>=4.6,<5'"),
    _Probe("jupyter_server", "jupyter_server", "pip install 'jupyter_server>=2.4'", required=True),
    _Probe("ipykernel", "ipykernel", "pip install ipykernel", required=True),
    _Probe("keras", "keras", "pip install 'forgelab[keras]'  (Keras 3 with torch)"),
    _Probe("torch", "torch", "pip install torch"),
    _Probe("dask", "dask", "pip install 'forgelab[dask]'"),
    _Probe("distributed", "distributed", "pip install 'forgelab[dask]'"),
    _Probe("fsspec", "fsspec", "pip install fsspec", required=True),
    _Probe("s3fs", "s3fs", "pip install 'forgelab[s3]'"),
    _Probe("ipywidgets", "ipywidgets", "pip install 'ipywidgets>=8'"),
)


def _probe(probe: _Probe) -> Component:
    try:
        module = importlib.import_module(probe.module)
    except Exception as error:  # noqa: BLE001 - any import failure means "not usable here"
        reason = f"{type(error).__name__}: {error}"
        return Component(probe.name, False, None, reason, probe.install)
    version = getattr(module, "__version__", None)
    return Component(probe.name, True, str(version) if version else None)


def keras_backend() -> Component:
    """The Keras backend in use, or why Keras cannot be used.

    Keras 3 falls back to TensorFlow when ``KERAS_BACKEND`` is unset; ForgeLab defaults it to
    torch, the backend installed alongside, before Keras is first imported.
    """
    os.environ.setdefault("KERAS_BACKEND", "torch")
    try:
        keras = importlib.import_module("keras")
        backend = keras.backend.backend()
    except Exception as error:  # noqa: BLE001
        return Component(
            "keras-backend",
            False,
            None,
            f"{type(error).__name__}: {error}",
            "pip install 'forgelab[keras]' and set KERAS_BACKEND=torch",
        )
    return Component("keras-backend", True, str(backend))


@dataclass
class Environment:
    """A snapshot of the environment, as sent to the browser and printed by the CLI."""

    forgelab: str
    python: str
    platform: str
    components: list[Component] = field(default_factory=list)
    adapters: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    gpus: dict[str, Any] = field(default_factory=dict)
    """The GPUs of this machine, as the local compute adapter finds them."""
    libraries: list[dict[str, Any]] = field(default_factory=list)
    """The architecture libraries, and whether each loads here."""

    def to_json(self) -> dict[str, Any]:
        return {
            "forgelab": self.forgelab,
            "python": self.python,
            "platform": self.platform,
            "components": {c.name: _component_json(c) for c in self.components},
            "missing": [
                {"name": c.name, "reason": c.detail, "install": c.install}
                for c in self.components
                if not c.available
            ],
            "adapters": self.adapters,
            "gpus": self.gpus,
            "libraries": self.libraries,
        }


def _component_json(component: Component) -> dict[str, Any]:
    data = asdict(component)
    data.pop("name")
    return {k: v for k, v in data.items() if v is not None}


def describe(*, include_keras: bool = True) -> Environment:
    """Probe the environment. Importing Keras takes seconds, so callers may skip it."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    components = [_probe(p) for p in _PROBES if include_keras or p.name not in ("keras", "torch")]
    if include_keras:
        components.append(keras_backend())
    from .adapters.compute.gpus import detect_gpus
    from .adapters.registry import describe_adapters
    from .libraries.registry import available

    return Environment(
        forgelab=__version__,
        python=sys.version.split()[0],
        platform=platform.platform(terse=True),
        components=components,
        adapters=describe_adapters(),
        gpus=detect_gpus().to_json(),
        libraries=available(),
    )
