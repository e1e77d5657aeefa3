"""The interface every architecture library implements.

An architecture document names its library in ``framework``; everything ForgeLab does with the
document (the editor's palette and shape feedback, ``forgelab arch``, notebooks and pipeline
operations) goes through these few methods. Implementations import their framework lazily, so
finding a library is cheap and a missing framework fails only when it is used.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar


class ModelImportError(ValueError):
    """A model that an architecture document cannot describe (custom layers, shared layers...)."""


class Library(ABC):
    """One deep-learning framework as an architecture library."""

    #: The value of ``framework`` in the documents this library reads (``keras``, ``torch``).
    name: ClassVar[str]
    #: The framework's name as people write it (``Keras``, ``PyTorch``).
    title: ClassVar[str]
    #: Modules that must import for the library to work; the registry checks them.
    requires: ClassVar[tuple[str, ...]] = ()
    #: How to install what ``requires`` names.
    install: ClassVar[str | None] = None

    @abstractmethod
    def version(self) -> str:
        """The installed framework's version."""

    @abstractmethod
    def catalog(self, *, refresh: bool = False) -> dict[str, Any]:
        """The layer catalog: ``{"framework", "categories", "layers": {type: entry}, ...}``.

        Each entry has ``name``, ``category``, ``summary``, ``arguments`` (in constructor order,
        each with ``name``, ``required``, ``types``, ``doc`` and ``default``) and ``inputs``
        (``mode``, ``min``, ``max``), so the editor's palette and property panel need nothing else.
        """

    @abstractmethod
    def check(self, document: dict[str, Any]) -> dict[str, Any]:
        """Each layer's output shapes and parameter count, or its error, as the report JSON.

        The report has ``ok``, ``document_errors``, ``layers`` (id → ``status`` ``ok``,
        ``error`` or ``not_computed``, with ``output_shapes`` and ``params`` or ``error``),
        ``output_shapes``, ``total_params`` and ``trainable_params``.
        """

    @abstractmethod
    def to_code(self, document: dict[str, Any], *, source: str | None = None) -> str:
        """Python source that defines ``build_model()`` for the architecture."""

    @abstractmethod
    def build(self, document: dict[str, Any], *, source: str | None = None) -> Any:
        """The framework's model object for the architecture (untrained)."""

    @abstractmethod
    def owns(self, model: Any) -> bool:
        """Whether ``model`` is a model object of this framework (cheap: no framework import)."""

    @abstractmethod
    def from_model(self, model: Any, **options: Any) -> dict[str, Any]:
        """The architecture document of an existing model of this framework."""

    def load_file(self, path: str) -> Any:
        """A model saved in a file of this framework's own format (``.keras``...)."""
        raise ValueError(f"{self.title} models cannot be imported from a file like {path}.")

    def file_suffixes(self) -> tuple[str, ...]:
        """The file suffixes :meth:`load_file` reads."""
        return ()


def module_of(model: Any) -> str:
    """The top-level package of an object's class, judged without importing anything."""
    return type(model).__module__.split(".")[0]


def class_names(model: Any) -> set[str]:
    """Fully qualified names of an object's classes, so a library can test ``isinstance``
    without importing its framework."""
    return {f"{c.__module__}.{c.__qualname__}" for c in type(model).__mro__}
