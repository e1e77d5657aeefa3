"""Kernel comm requests of the architecture editor: ``arch.catalog``, ``arch.check``,
``arch.codegen`` and ``arch.import``.

The handlers are thin: each finds the library of the document's ``framework`` (or the request's
``framework``; ``keras`` when absent) and imports its framework on the first call, so loading the
IPython extension imports no framework.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import registry

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
    """``{"type": "arch.catalog", "framework"?: str, "refresh"?: bool}`` → the layer catalog."""
    framework = request.get("framework") or "keras"
    if not isinstance(framework, str):
        raise ValueError("Request 'arch.catalog' takes 'framework' as a library name ('torch').")
    return registry.get(framework).catalog(refresh=bool(request.get("refresh")))


def libraries_request(request: dict[str, Any]) -> list[dict[str, Any]]:
    """``{"type": "arch.libraries"}`` → each registered library and whether it loads here."""
    return registry.available()


def check_request(request: dict[str, Any]) -> dict[str, Any]:
    """``{"type": "arch.check", "document": {...}}`` → shapes, parameters and errors per layer."""
    document = _document(request)
    return registry.library_for(document).check(document)


def codegen_request(request: dict[str, Any]) -> dict[str, Any]:
    """``{"type": "arch.codegen", "document": {...}}`` → ``{"code": "..."}``."""
    document = _document(request)
    return {"code": registry.library_for(document).to_code(document)}


def import_request(
    request: dict[str, Any], namespace: dict[str, Any] | None = None
) -> dict[str, Any]:
    """``{"type": "arch.import", "variable": "model", "input_shapes"?: [[...]]}`` → the
    architecture of a Keras or PyTorch model held by a kernel variable."""
    variable = request.get("variable")
    if not isinstance(variable, str) or not variable:
        raise ValueError(
            "Request 'arch.import' needs 'variable': the name of a keras.Model or a "
            "torch.nn.Module in the kernel."
        )
    if namespace is None:
        namespace = _user_namespace()
    if variable not in namespace:
        raise NameError(f"No variable {variable!r} in the kernel; define the model there first.")
    model = namespace[variable]
    options = {}
    if request.get("input_shapes") is not None:
        options["input_shapes"] = request["input_shapes"]
    return {"document": registry.library_of_model(model).from_model(model, **options)}


def _user_namespace() -> dict[str, Any]:
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        raise RuntimeError("'arch.import' needs an IPython kernel to find the variable in.")
    return shell.user_ns


def register_requests(register: Register) -> None:
    """Add the architecture requests to the kernel's ``forgelab`` comm through ``register``."""
    register("arch.catalog", catalog_request)
    register("arch.libraries", libraries_request)
    register("arch.check", check_request)
    register("arch.codegen", codegen_request)
    register("arch.import", import_request)
