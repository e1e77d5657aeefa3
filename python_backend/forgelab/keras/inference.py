"""Shape inference: each layer's output shape and parameter count, or Keras's error, per layer.

Layers are built one by one on symbolic tensors (``keras.KerasTensor``), never on data, so a check
takes milliseconds per layer. Each layer's result depends only on its type, its arguments and the
shapes of its inputs; results are memoised on exactly that (``libraries.inference.LayerMemo``), so
after an edit only the edited layer and the layers whose input shapes changed are built again.
The walk over the layers and the report are shared with every library (``libraries.inference``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..libraries.inference import (
    Built,
    LayerMemo,
    Report,
    check_layers,
    failed,
    format_shape,
    plain_error,
)
from . import catalog as catalog_module
from . import keras_module
from .catalog import INPUT_TYPE
from .structure import analyse

__all__ = ["Report", "check", "clear_memo", "format_shape", "plain_error"]

Shape = tuple[int | None, ...]
Spec = tuple[Shape, str]


def layer_arguments(layer_type: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """Constructor keyword arguments from a document's JSON values (shapes become tuples)."""
    kwargs = dict(arguments)
    if layer_type == INPUT_TYPE:
        for key in ("shape", "batch_shape"):
            if isinstance(kwargs.get(key), list):
                kwargs[key] = tuple(kwargs[key])
    return kwargs


def keras_name(layer_id: str) -> str:
    """The Keras name of a layer: its id, with dots made underscores (torch names forbid dots)."""
    return layer_id.replace(".", "_")


def make_layer(layer_type: str, arguments: dict[str, Any], name: str | None = None) -> Any:
    """An instance of the Keras layer class the catalog names ``layer_type``."""
    keras = keras_module()
    kwargs = layer_arguments(layer_type, arguments)
    if name is not None:
        kwargs["name"] = keras_name(name)
    return getattr(keras.layers, layer_type)(**kwargs)


def call_layer(layer: Any, arity: dict[str, Any], tensors: list[Any]) -> Any:
    """Call a layer on its inputs the way its ``call`` expects them."""
    if arity["mode"] == "list":
        return layer(list(tensors))
    if arity["mode"] == "positional":
        return layer(*tensors)
    return layer(tensors[0])


def _build_one(
    layer_id: str, layer_type: str, arguments: dict[str, Any], sources: Sequence[tuple[Spec, ...]]
) -> Built:
    """Build one layer on symbolic tensors; its value is its outputs' specs (Keras layers may
    return several, and take every output of each input, in order)."""
    keras = keras_module()
    if layer_type == INPUT_TYPE:
        try:
            tensor = keras.Input(**layer_arguments(layer_type, arguments))
        except Exception as error:  # noqa: BLE001 - Keras's own message is the feedback
            return failed(plain_error(error))
        specs: tuple[Spec, ...] = ((tuple(tensor.shape), str(tensor.dtype)),)
        return Built(specs, specs)
    try:
        layer = make_layer(layer_type, arguments, name=layer_id)
    except Exception as error:  # noqa: BLE001
        return failed(f"Invalid configuration: {plain_error(error)}")
    entry = catalog_module.layer_entry(layer_type)
    assert entry is not None
    tensors = [keras.KerasTensor(shape, dtype=dtype) for spec in sources for shape, dtype in spec]
    try:
        output = call_layer(layer, entry["inputs"], tensors)
        outputs = keras.tree.flatten(output)
        params = sum(int(_size(w.shape)) for w in layer.weights)
        trainable = sum(int(_size(w.shape)) for w in layer.trainable_weights)
    except Exception as error:  # noqa: BLE001
        return failed(plain_error(error))
    specs = tuple((tuple(t.shape), str(t.dtype)) for t in outputs)
    return Built(specs, specs, params, trainable)


def _size(shape: Any) -> int:
    size = 1
    for dim in shape:
        size *= int(dim)
    return size


_memo = LayerMemo(_build_one)


def clear_memo() -> None:
    """Forget memoised layer results (a benchmark's cold start; after changing Keras settings)."""
    _memo.clear()


def check(document: dict[str, Any]) -> Report:
    """Check an architecture: structure first, then each layer built symbolically in order.

    A document that does not follow the architecture format yields a report with document errors
    and no layers.
    """
    return check_layers(
        document, analyse, _memo, lambda: {"keras_version": keras_module().__version__}
    )
