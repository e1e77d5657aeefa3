"""The one table that turns an exception into an HTTP status and a JSON answer.

A handler raises; :meth:`~forgelab.server.handlers.ForgeLabHandler.write_error` looks the
exception up here (first matching class wins, so subclasses come before their bases). An
exception that is not here is a bug and stays Jupyter's 500.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import NotFound
from ..executions import ExecutionError
from ..executions.pipeline import PipelineError
from ..executions.program import ExportError
from ..formats import FormatError
from ..paths import PathError
from ..provenance import ReifyError
from ..store import StoreError
from .bodies import BadRequest, BodyTooLarge


def _message(error: Exception) -> dict[str, Any]:
    return {"message": str(error.args[0]) if error.args else str(error)}


def _reify(error: Exception) -> dict[str, Any]:
    return {"message": str(error), "issues": [{"message": str(error)}]}


def _format(error: Exception) -> dict[str, Any]:
    assert isinstance(error, FormatError)
    return {"message": str(error), "format": error.to_json()}


def _body(error: Exception) -> dict[str, Any]:
    assert isinstance(error, BadRequest)
    return error.to_json()


def _pipeline(error: Exception) -> dict[str, Any]:
    assert isinstance(error, PipelineError)
    return error.to_json()


ERRORS: tuple[tuple[type[Exception], int, Callable[[Exception], dict[str, Any]]], ...] = (
    (NotFound, 404, _message),
    (BodyTooLarge, 413, _body),
    (BadRequest, 400, _body),
    (PathError, 400, _message),
    (ReifyError, 400, _reify),
    (PipelineError, 400, _pipeline),
    (ExecutionError, 400, _message),
    (ExportError, 400, _message),
    (FormatError, 400, _format),
    # The database is down or too new: the server is fine, the service is not available.
    (StoreError, 503, _message),
)
"""``(exception class, status, JSON answer)`` in the order they are tried."""


def answer(error: BaseException | None) -> tuple[int, dict[str, Any]] | None:
    """The status and JSON body for ``error``; ``None`` when it is not one of ForgeLab's."""
    for kind, status, body in ERRORS:
        if isinstance(error, kind):
            return status, body(error)
    return None
