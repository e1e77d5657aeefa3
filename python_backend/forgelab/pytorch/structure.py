"""The structural checks of :mod:`forgelab.libraries.structure`, in PyTorch's words."""

from __future__ import annotations

from typing import Any

from ..libraries.structure import Structure, Vocabulary
from ..libraries.structure import analyse as analyse_with
from . import catalog as catalog_module

__all__ = ["Structure", "analyse", "vocabulary"]


def vocabulary() -> Vocabulary:
    """PyTorch's catalog and the words its messages use."""
    return Vocabulary(
        "torch.nn", "PyTorch", "forgelab arch catalog --framework torch", catalog_module.catalog()
    )


def analyse(document: dict[str, Any]) -> Structure:
    """Check a schema-valid PyTorch architecture's structure and find its build order."""
    return analyse_with(document, vocabulary())
