"""Architectures (``*.arch.json``) in a notebook or a job: load, check, export and import.

>>> import forgelab.architecture as architecture
>>> model = architecture.load("redshift.arch.json")      # a built, uncompiled keras.Model
>>> print(architecture.to_code("redshift.arch.json"))    # def build_model(): ...
>>> document = architecture.from_model(model)            # back to an architecture document

Keras is imported on first use, so importing this module is cheap.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import formats

__all__ = ["load", "check", "to_code", "from_model", "read"]

Source = str | Path | dict[str, Any]


def read(path_or_doc: Source) -> tuple[dict[str, Any], str | None]:
    """The document itself and where it came from: a path is read and validated."""
    if isinstance(path_or_doc, dict):
        return formats.validate("architecture", path_or_doc), None
    return formats.load(path_or_doc, "architecture"), str(path_or_doc)


def load(path_or_doc: Source) -> Any:
    """A built (uncompiled) ``keras.Model`` from an architecture file or document.

    Raises :class:`forgelab.formats.FormatError` for a malformed file and
    :class:`forgelab.keras.errors.ArchitectureError`, naming each wrong layer, when Keras cannot
    build it.
    """
    from .keras.model import build_model

    document, source = read(path_or_doc)
    return build_model(document, source=source)


def check(path_or_doc: Source) -> dict[str, Any]:
    """Each layer's output shapes and parameter count, or its error, as JSON."""
    from .keras.inference import check as infer

    document, _ = read(path_or_doc)
    return infer(document).to_json()


def to_code(path_or_doc: Source) -> str:
    """Keras functional-API source that defines ``build_model()`` for an architecture."""
    from .keras.codegen import to_code as generate

    document, source = read(path_or_doc)
    return generate(document, source=source)


def from_model(model: Any) -> dict[str, Any]:
    """The architecture document of a Sequential or functional ``keras.Model``."""
    from .keras.importer import from_model as describe

    return describe(model)
