"""Architecture libraries: what a deep-learning framework brings to ForgeLab's architectures.

A library (:class:`~forgelab.libraries.base.Library`) is a catalog of layers found by
introspecting the installed framework, shape inference with per-layer errors, code generation and
import from an existing model. Keras and PyTorch are built in; another package adds one through the
entry point group ``forgelab.libraries`` (see :mod:`forgelab.libraries.registry`).
"""

from __future__ import annotations

from .base import Library, ModelImportError
from .registry import (
    LibraryUnavailable,
    available,
    get,
    library_for,
    library_of_model,
    names,
)

__all__ = [
    "Library",
    "LibraryUnavailable",
    "ModelImportError",
    "available",
    "get",
    "library_for",
    "library_of_model",
    "names",
]
