"""Find adapters by name: the built-in ones and those other packages register by entry point.

Adapters are imported lazily, so a missing optional dependency (no Dask, no s3fs) makes one
adapter unavailable, with the reason and the remedy, instead of breaking ForgeLab.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points
from typing import Any, Literal

AdapterKind = Literal["compute", "storage"]

_BUILTIN: dict[AdapterKind, dict[str, str]] = {
    "compute": {
        "local": "forgelab.adapters.compute.local:LocalCompute",
        "dask": "forgelab.adapters.compute.dask:DaskCompute",
        "sciserver": "forgelab.adapters.compute.sciserver:SciServerCompute",
    },
    "storage": {
        "local": "forgelab.adapters.storage.local:LocalStorage",
        "s3": "forgelab.adapters.storage.s3:S3Storage",
        "sciserver": "forgelab.adapters.storage.sciserver:SciServerStorage",
    },
}

_INSTALL_HINTS = {
    "distributed": "pip install 'forgelab[dask]'",
    "dask": "pip install 'forgelab[dask]'",
    "s3fs": "pip install 'forgelab[s3]'",
}


class AdapterUnavailable(LookupError):
    """An adapter is unknown, or known but cannot be imported here."""

    def __init__(self, kind: AdapterKind, name: str, reason: str, install: str | None = None):
        self.kind, self.name, self.reason, self.install = kind, name, reason, install
        remedy = f" Install it with: {install}" if install else ""
        super().__init__(f"The {kind} adapter {name!r} is unavailable: {reason}.{remedy}")


@dataclass(frozen=True)
class AdapterInfo:
    kind: AdapterKind
    name: str
    target: str
    available: bool
    reason: str | None = None
    install: str | None = None
    config_schema: dict[str, Any] | None = None
    description: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "available": self.available}
        for key in ("reason", "install", "description"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.config_schema is not None:
            data["configSchema"] = self.config_schema
        return data


def targets(kind: AdapterKind) -> dict[str, str]:
    """Adapter name to ``module:Class`` for one kind; entry points may add or override."""
    return {**_BUILTIN[kind], **dict(_registered(kind))}


@cache
def _registered(kind: AdapterKind) -> tuple[tuple[str, str], ...]:
    """The entry points of one kind, read once per process: scanning the installed packages'
    metadata takes about 0.1 s, and every submission looks adapters up. A package installed
    later is seen after a restart, as with Jupyter's own extensions."""
    return tuple((ep.name, ep.value) for ep in entry_points(group=f"forgelab.{kind}"))


def load_class(kind: AdapterKind, name: str) -> type:
    """Import the adapter class registered under ``name`` and check what it ``requires``."""
    known = targets(kind)
    if name not in known:
        raise AdapterUnavailable(kind, name, f"unknown; known {kind} adapters: {', '.join(known)}")
    module_name, _, attr = known[name].partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        missing = getattr(error, "name", None) or ""
        root = missing.split(".")[0]
        raise AdapterUnavailable(kind, name, str(error), _INSTALL_HINTS.get(root)) from error
    try:
        cls = getattr(module, attr)
    except AttributeError as error:
        raise AdapterUnavailable(kind, name, f"{module_name} has no {attr}") from error
    _check_requirements(kind, name, cls)
    return cls


def _check_requirements(kind: AdapterKind, name: str, cls: type) -> None:
    """Import what an adapter declares in ``requires``; it may import them only when used."""
    for module in getattr(cls, "requires", ()):
        try:
            importlib.import_module(module)
        except ImportError as error:
            root = module.split(".")[0]
            raise AdapterUnavailable(kind, name, str(error), _INSTALL_HINTS.get(root)) from error


def info(kind: AdapterKind, name: str) -> AdapterInfo:
    target = targets(kind).get(name, "")
    try:
        cls = load_class(kind, name)
    except AdapterUnavailable as error:
        return AdapterInfo(kind, name, target, False, error.reason, error.install)
    doc = (cls.__doc__ or "").strip().splitlines()
    return AdapterInfo(
        kind,
        name,
        target,
        True,
        config_schema=getattr(cls, "config_schema", None),
        description=doc[0] if doc else None,
    )


def describe_adapters() -> dict[str, list[dict[str, Any]]]:
    """Every adapter of each kind with its availability and configuration schema."""
    return {
        kind: [info(kind, n).to_json() for n in targets(kind)] for kind in ("compute", "storage")
    }
