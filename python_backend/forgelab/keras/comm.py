"""Kernel comm requests of the architecture editor: ``arch.catalog``, ``arch.check``,
``arch.codegen`` and ``arch.import``.

The handlers are thin: they import the Keras library on their first call, so loading the
IPython extension does not import Keras.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: ``register(request_type, handler)`` of the kernel's comm; the kernel hands it down, so this
#: library never imports the kernel extension.
Register = Callable[[str, Callable[[dict[str, Any]], Any]], None]


def _document(request: dict[str, Any]) -> dict[str, Any]:
    document = request.get("document")
    if not isinstance(document, dict):
        raise ValueError(
            f"Request {request.get('type')!r} needs a 'document' object (an architecture)."
        )
    return document


def catalog_request(request: dict[str, Any]) -> dict[str, Any]:
    """``{"type": "arch.catalog", "refresh"?: bool}`` → the layer catalog."""
    from .catalog import catalog

    return catalog(refresh=bool(request.get("refresh")))


def check_request(request: dict[str, Any]) -> dict[str, Any]:
    """``{"type": "arch.check", "document": {...}}`` → shapes, parameters and errors per layer."""
    from .inference import check

    return check(_document(request)).to_json()


def codegen_request(request: dict[str, Any]) -> dict[str, Any]:
    """``{"type": "arch.codegen", "document": {...}}`` → ``{"code": "..."}``."""
    from .codegen import to_code

    return {"code": to_code(_document(request))}


def import_request(
    request: dict[str, Any], namespace: dict[str, Any] | None = None
) -> dict[str, Any]:
    """``{"type": "arch.import", "variable": "model"}`` → the architecture of a kernel variable."""
    from .importer import from_model

    variable = request.get("variable")
    if not isinstance(variable, str) or not variable:
        raise ValueError(
            "Request 'arch.import' needs 'variable': the name of a keras.Model in the kernel."
        )
    if namespace is None:
        namespace = _user_namespace()
    if variable not in namespace:
        raise NameError(f"No variable {variable!r} in the kernel; define the model there first.")
    return {"document": from_model(namespace[variable])}


def _user_namespace() -> dict[str, Any]:
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        raise RuntimeError("'arch.import' needs an IPython kernel to find the variable in.")
    return shell.user_ns


def register_requests(register: Register) -> None:
    """Add the architecture requests to the kernel's ``forgelab`` comm through ``register``."""
    register("arch.catalog", catalog_request)
    register("arch.check", check_request)
    register("arch.codegen", codegen_request)
    register("arch.import", import_request)
