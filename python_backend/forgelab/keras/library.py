"""Keras as an architecture library (:class:`forgelab.libraries.Library`)."""

from __future__ import annotations

from typing import Any, ClassVar

from ..libraries.base import Library, class_names


class KerasLibrary(Library):
    """Keras 3 layers: functional models built, checked on symbolic tensors, and imported."""

    name: ClassVar[str] = "keras"
    title: ClassVar[str] = "Keras"
    requires: ClassVar[tuple[str, ...]] = ("keras",)
    install: ClassVar[str | None] = "pip install keras"

    def version(self) -> str:
        from . import keras_module

        return str(keras_module().__version__)

    def catalog(self, *, refresh: bool = False) -> dict[str, Any]:
        from .catalog import catalog

        return catalog(refresh=refresh)

    def check(self, document: dict[str, Any]) -> dict[str, Any]:
        from .inference import check

        return check(document).to_json()

    def to_code(self, document: dict[str, Any], *, source: str | None = None) -> str:
        from .codegen import to_code

        return to_code(document, source=source)

    def build(self, document: dict[str, Any], *, source: str | None = None) -> Any:
        from .model import build_model

        return build_model(document, source=source)

    def owns(self, model: Any) -> bool:
        return any(
            name.startswith("keras.") and name.endswith(".Model") for name in class_names(model)
        )

    def from_model(self, model: Any, **options: Any) -> dict[str, Any]:
        from .importer import from_model

        return from_model(model)

    def file_suffixes(self) -> tuple[str, ...]:
        return (".keras", ".h5")

    def load_file(self, path: str) -> Any:
        from . import keras_module

        return keras_module().models.load_model(path, compile=False)
