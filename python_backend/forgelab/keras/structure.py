"""The structural checks of :mod:`forgelab.libraries.structure`, in Keras's words."""

from __future__ import annotations

from typing import Any

from ..libraries.structure import Structure, Vocabulary
from ..libraries.structure import analyse as analyse_with
from . import catalog as catalog_module

__all__ = ["Structure", "analyse", "vocabulary"]


def vocabulary() -> Vocabulary:
    """Keras's catalog and the words its messages use."""
    return Vocabulary("keras.layers", "Keras", "forgelab arch catalog", catalog_module.catalog())


def analyse(document: dict[str, Any]) -> Structure:
    """Check a schema-valid Keras architecture's structure and find its build order."""
    return analyse_with(document, vocabulary())
