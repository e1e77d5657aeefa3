"""Shape inference: each layer's output shape and parameter count, or Keras's error, per layer.

Layers are built one by one on symbolic tensors (``keras.KerasTensor``), never on data, so a check
takes milliseconds per layer. Each layer's result depends only on its type, its arguments and the
shapes of its inputs; results are memoised on exactly that, so after an edit only the edited layer
and the layers whose input shapes changed are built again.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from .. import formats
from . import catalog as catalog_module
from . import keras_module
from .catalog import INPUT_TYPE
from .structure import analyse

Shape = tuple[int | None, ...]
Spec = tuple[Shape, str]

_MEMO_SIZE = 4096


@dataclass
class LayerResult:
    """The outcome for one layer: shapes and parameters, or why there are none."""

    id: str
    type: str
    status: str
    """``ok``, ``error`` (this layer is wrong) or ``not_computed`` (an input of it is wrong)."""
    output_shapes: list[list[int | None]] = field(default_factory=list)
    dtypes: list[str] = field(default_factory=list)
    params: int | None = None
    trainable_params: int | None = None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type, "status": self.status}
        if self.status == "ok":
            data.update(
                output_shapes=self.output_shapes,
                dtypes=self.dtypes,
                params=self.params,
                trainable_params=self.trainable_params,
            )
        else:
            data["error"] = self.error
        return data


@dataclass
class Report:
    """The result of checking one architecture."""

    layers: dict[str, LayerResult]
    document_errors: list[str]
    output_shapes: list[list[int | None]]
    total_params: int
    trainable_params: int

    @property
    def ok(self) -> bool:
        return not self.document_errors and all(r.status == "ok" for r in self.layers.values())

    def errors(self) -> list[str]:
        """Every problem as one line, the layer's id first."""
        lines = list(self.document_errors)
        lines += [
            f"{r.id} ({r.type}): {r.error}" for r in self.layers.values() if r.status == "error"
        ]
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "keras_version": keras_module().__version__,
            "document_errors": self.document_errors,
            "layers": {layer_id: result.to_json() for layer_id, result in self.layers.items()},
            "output_shapes": self.output_shapes,
            "total_params": self.total_params,
            "trainable_params": self.trainable_params,
        }


@dataclass(frozen=True)
class _Built:
    specs: tuple[Spec, ...]
    params: int
    trainable_params: int
    error: str | None


_memo: OrderedDict[tuple[Any, ...], _Built] = OrderedDict()


def format_shape(shape: list[int | None] | Shape) -> str:
    """``(None, 32)``: a shape as Keras prints it."""
    items = ["None" if d is None else str(d) for d in shape]
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def plain_error(error: BaseException) -> str:
    """Keras's message without the call-site boilerplate it wraps around the cause."""
    text = str(error).strip()
    text = re.split(r"\n\s*Arguments received by ", text, maxsplit=1)[0]
    text = re.sub(r"^Exception encountered when calling [^\n]*\n+", "", text).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    message = " ".join(lines) or type(error).__name__
    if len(message) > 1 and message[0] == message[-1] and message[0] in "'\"":
        message = message[1:-1]  # KeyError and friends quote their message
    if len(message) > 600:
        message = message[:597] + "..."
    return message


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
    layer_id: str, layer_type: str, arguments: dict[str, Any], inputs: tuple[Spec, ...]
) -> _Built:
    keras = keras_module()
    if layer_type == INPUT_TYPE:
        try:
            tensor = keras.Input(**layer_arguments(layer_type, arguments))
        except Exception as error:  # noqa: BLE001 - Keras's own message is the feedback
            return _Built((), 0, 0, plain_error(error))
        return _Built(((tuple(tensor.shape), str(tensor.dtype)),), 0, 0, None)
    try:
        layer = make_layer(layer_type, arguments, name=layer_id)
    except Exception as error:  # noqa: BLE001
        return _Built((), 0, 0, f"Invalid configuration: {plain_error(error)}")
    entry = catalog_module.layer_entry(layer_type)
    assert entry is not None
    tensors = [keras.KerasTensor(shape, dtype=dtype) for shape, dtype in inputs]
    try:
        output = call_layer(layer, entry["inputs"], tensors)
        outputs = keras.tree.flatten(output)
        params = sum(int(_size(w.shape)) for w in layer.weights)
        trainable = sum(int(_size(w.shape)) for w in layer.trainable_weights)
    except Exception as error:  # noqa: BLE001
        return _Built((), 0, 0, plain_error(error))
    specs = tuple((tuple(t.shape), str(t.dtype)) for t in outputs)
    return _Built(specs, params, trainable, None)


def _size(shape: Any) -> int:
    size = 1
    for dim in shape:
        size *= int(dim)
    return size


def _memoised(
    layer_id: str, layer_type: str, arguments: dict[str, Any], inputs: tuple[Spec, ...]
) -> _Built:
    # The id is part of the key because Keras names the layer in its messages.
    key = (layer_id, layer_type, json.dumps(arguments, sort_keys=True, default=repr), inputs)
    built = _memo.get(key)
    if built is not None:
        _memo.move_to_end(key)
        return built
    built = _build_one(layer_id, layer_type, arguments, inputs)
    _memo[key] = built
    if len(_memo) > _MEMO_SIZE:
        _memo.popitem(last=False)
    return built


def clear_memo() -> None:
    """Forget memoised layer results (a benchmark's cold start; after changing Keras settings)."""
    _memo.clear()


def check(document: dict[str, Any]) -> Report:
    """Check an architecture: structure first, then each layer built symbolically in order.

    A document that does not follow the architecture format yields a report with document errors
    and no layers.
    """
    problems = formats.issues("architecture", document)
    if problems:
        return Report({}, [f"{p}" for p in problems], [], 0, 0)
    structure = analyse(document)
    results: dict[str, LayerResult] = {}
    specs: dict[str, tuple[Spec, ...]] = {}

    for layer_id in structure.order:
        layer = structure.layers[layer_id]
        layer_type = layer["type"]
        if layer_id in structure.errors:
            results[layer_id] = LayerResult(
                layer_id, layer_type, "error", error=structure.errors[layer_id]
            )
            continue
        sources = layer.get("inputs") or []
        broken = [s for s in sources if results[s].status != "ok"]
        if broken:
            results[layer_id] = LayerResult(
                layer_id,
                layer_type,
                "not_computed",
                error=f"Not computed: its input {broken[0]!r} has no output shape.",
            )
            continue
        inputs = tuple(spec for s in sources for spec in specs[s])
        built = _memoised(layer_id, layer_type, layer.get("arguments") or {}, inputs)
        if built.error is not None:
            results[layer_id] = LayerResult(layer_id, layer_type, "error", error=built.error)
            continue
        specs[layer_id] = built.specs
        results[layer_id] = LayerResult(
            layer_id,
            layer_type,
            "ok",
            output_shapes=[list(shape) for shape, _ in built.specs],
            dtypes=[dtype for _, dtype in built.specs],
            params=built.params,
            trainable_params=built.trainable_params,
        )

    for layer_id, layer in structure.layers.items():
        if layer_id in results:
            continue
        error = structure.errors.get(layer_id)
        if error:
            results[layer_id] = LayerResult(layer_id, layer["type"], "error", error=error)
        else:
            results[layer_id] = LayerResult(
                layer_id,
                layer["type"],
                "not_computed",
                error="Not computed: it comes after a cycle.",
            )
    ordered = {layer_id: results[layer_id] for layer_id in structure.layers}
    output_shapes = [
        list(shape) for o in document["outputs"] if o in specs for shape, _ in specs[o]
    ]
    ok_results = [r for r in ordered.values() if r.status == "ok"]
    return Report(
        layers=ordered,
        document_errors=structure.document_errors,
        output_shapes=output_shapes,
        total_params=sum(r.params or 0 for r in ok_results),
        trainable_params=sum(r.trainable_params or 0 for r in ok_results),
    )
