"""Architectures (``*.arch.json``) in a notebook or a job: load, check, export and import.

>>> import forgelab.architecture as architecture
>>> model = architecture.load("redshift.arch.json")      # a keras.Model or a torch.nn.Module
>>> print(architecture.to_code("redshift.arch.json"))    # def build_model(): ...
>>> document = architecture.from_model(model)            # back to an architecture document

Each function goes through the library the document's ``framework`` names
(:mod:`forgelab.libraries`); the framework is imported on first use, so importing this module is
cheap.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import formats
from .libraries import registry

__all__ = ["load", "check", "to_code", "from_model", "read", "import_file"]

Source = str | Path | dict[str, Any]


def read(path_or_doc: Source) -> tuple[dict[str, Any], str | None]:
    """The document itself and where it came from: a path is read and validated.

    Raises :class:`forgelab.formats.FormatError` for a malformed document and
    :class:`forgelab.libraries.LibraryUnavailable` when no library of its ``framework`` loads.
    """
    if isinstance(path_or_doc, dict):
        document, source = formats.validate("architecture", path_or_doc), None
    else:
        document, source = formats.load(path_or_doc, "architecture"), str(path_or_doc)
    registry.library_for(document)
    return document, source


def load(path_or_doc: Source) -> Any:
    """The framework's model (a built, uncompiled ``keras.Model``; a ``torch.nn.Module``).

    Raises :class:`forgelab.formats.FormatError` for a malformed file and
    :class:`forgelab.libraries.errors.ArchitectureError`, naming each wrong layer, when the
    framework cannot build it.
    """
    document, source = read(path_or_doc)
    return registry.library_for(document).build(document, source=source)


def check(path_or_doc: Source) -> dict[str, Any]:
    """Each layer's output shapes and parameter count, or its error, as JSON."""
    document, _ = read(path_or_doc)
    return registry.library_for(document).check(document)


def to_code(path_or_doc: Source) -> str:
    """Python source that defines ``build_model()`` for an architecture."""
    document, source = read(path_or_doc)
    return registry.library_for(document).to_code(document, source=source)


def from_model(model: Any, **options: Any) -> dict[str, Any]:
    """The architecture document of a model: a Sequential or functional ``keras.Model``, or a
    ``torch.nn.Module`` that ``torch.fx`` can trace (``input_shapes=[[3, 32, 32]]`` gives the
    shapes of its inputs, without the batch dimension)."""
    return registry.library_of_model(model).from_model(model, **options)


def import_file(path: str | Path, **options: Any) -> dict[str, Any]:
    """The architecture document of a model saved in a framework's own file (``.keras``)."""
    suffix = Path(path).suffix
    for name in registry.names():
        try:
            library = registry.get(name)
        except registry.LibraryUnavailable:
            continue
        if suffix in library.file_suffixes():
            return library.from_model(library.load_file(str(path)), **options)
    raise ValueError(
        f"No architecture library reads {suffix or 'extensionless'} files like {path}; "
        "save a Keras model as .keras, or import a Python object with module:attribute."
    )
