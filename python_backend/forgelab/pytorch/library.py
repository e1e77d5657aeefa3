"""PyTorch as an architecture library (:class:`forgelab.libraries.Library`)."""

from __future__ import annotations

from typing import Any, ClassVar

from ..libraries.base import Library, class_names


class TorchLibrary(Library):
    """``torch.nn`` modules: checked on the meta device, generated as an ``nn.Module``, imported
    through ``torch.fx``."""

    name: ClassVar[str] = "torch"
    title: ClassVar[str] = "PyTorch"
    requires: ClassVar[tuple[str, ...]] = ("torch",)
    install: ClassVar[str | None] = "pip install torch"

    def version(self) -> str:
        from .catalog import torch_module

        return str(torch_module().__version__)

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
        return "torch.nn.modules.module.Module" in class_names(model)

    def from_model(self, model: Any, **options: Any) -> dict[str, Any]:
        from .importer import from_model

        return from_model(model, input_shapes=options.get("input_shapes"))

    def file_suffixes(self) -> tuple[str, ...]:
        return (".pt", ".pth")

    def load_file(self, path: str) -> Any:
        from .catalog import torch_module

        model = torch_module().load(path, weights_only=False)
        if not isinstance(model, torch_module().nn.Module):
            raise ValueError(
                f"{path} holds a {type(model).__name__}, not a whole nn.Module (a state_dict has "
                "no architecture); import the module's class with module:attribute instead."
            )
        return model
