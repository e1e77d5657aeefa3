"""Find architecture libraries by name: the built-in ones and those registered by entry point.

Libraries are imported lazily, so a framework that is not installed makes its library unavailable,
with the reason and the remedy, instead of breaking ForgeLab. Another package adds a library with
an entry point in the group ``forgelab.libraries`` (``name = "package.module:LibraryClass"``).
"""

from __future__ import annotations

import importlib
import importlib.util
from functools import cache
from importlib.metadata import entry_points
from typing import Any

from .base import Library

GROUP = "forgelab.libraries"

_BUILTIN: dict[str, str] = {
    "keras": "forgelab.keras.library:KerasLibrary",
    "torch": "forgelab.pytorch.library:TorchLibrary",
}

_INSTALL_HINTS = {"keras": "pip install keras", "torch": "pip install torch"}


class LibraryUnavailable(LookupError):
    """A framework is unknown, or known but its library cannot be imported here."""

    def __init__(self, name: str, reason: str, install: str | None = None) -> None:
        self.name, self.reason, self.install = name, reason, install
        remedy = f" Install it with: {install}" if install else ""
        super().__init__(f"The architecture library {name!r} is unavailable: {reason}.{remedy}")


def targets() -> dict[str, str]:
    """Library name to ``module:Class``; entry points may add libraries or override built-ins."""
    return {**_BUILTIN, **dict(_registered())}


def names() -> list[str]:
    """Every registered library name, available or not."""
    return list(targets())


@cache
def _registered() -> tuple[tuple[str, str], ...]:
    """The entry points, read once per process (scanning package metadata is slow)."""
    return tuple((ep.name, ep.value) for ep in entry_points(group=GROUP))


@cache
def get(name: str) -> Library:
    """The library registered under ``name``, with its framework importable.

    Raises :class:`LibraryUnavailable` for an unknown name or a framework that does not import.
    """
    known = targets()
    if name not in known:
        raise LibraryUnavailable(
            name,
            f"no such framework; registered ones are {', '.join(known)} "
            f"(a package adds one through the entry point group {GROUP})",
        )
    module_name, _, attr = known[name].partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), attr)
    except ImportError as error:
        raise LibraryUnavailable(name, str(error), _hint(error)) from error
    except AttributeError as error:
        raise LibraryUnavailable(name, f"{module_name} has no {attr}") from error
    for module in getattr(cls, "requires", ()):
        # Found, not imported: importing a framework is slow, and Keras picks its backend then.
        if importlib.util.find_spec(module) is None:
            raise LibraryUnavailable(
                name, f"No module named {module!r}", getattr(cls, "install", None)
            )
    library = cls()
    if not isinstance(library, Library):
        raise LibraryUnavailable(name, f"{known[name]} is not a forgelab.libraries.Library")
    return library


def _hint(error: ImportError) -> str | None:
    root = (getattr(error, "name", None) or "").split(".")[0]
    return _INSTALL_HINTS.get(root)


def available() -> list[dict[str, Any]]:
    """Each registered library: name, title, whether it loads here, and why not."""
    described = []
    for name in targets():
        try:
            library = get(name)
        except LibraryUnavailable as error:
            entry: dict[str, Any] = {"name": name, "available": False, "reason": error.reason}
            if error.install:
                entry["install"] = error.install
            described.append(entry)
            continue
        described.append({"name": name, "title": library.title, "available": True})
    return described


def library_for(document: dict[str, Any]) -> Library:
    """The library of an architecture document's ``framework`` (``keras`` when absent)."""
    framework = document.get("framework", "keras") if isinstance(document, dict) else "keras"
    if not isinstance(framework, str):
        raise LibraryUnavailable(str(framework), "'framework' must be a library name")
    return get(framework)


def library_of_model(model: Any) -> Library:
    """The library whose framework ``model`` belongs to; tried in registration order."""
    for name in targets():
        try:
            library = get(name)
        except LibraryUnavailable:
            continue
        if library.owns(model):
            return library
    kind = f"{type(model).__module__}.{type(model).__qualname__}"
    raise ValueError(
        f"{kind} is not a model of any architecture library ({', '.join(targets())}); "
        "pass a keras.Model or a torch.nn.Module."
    )
