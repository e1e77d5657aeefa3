"""Shape and parameter checking shared by every library: the walk over an architecture's layers.

A library says how to build one layer from what its inputs produced (:data:`BuildLayer`); this
module walks the layers in dependency order, marks a layer whose input failed as "not computed",
a layer after a cycle likewise, and gathers the per-layer results and totals into a
:class:`Report`. Results are memoised per layer (:class:`LayerMemo`), so editing one layer of a
large architecture rebuilds only it and what follows.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import formats
from .structure import Structure

Shape = tuple[int | None, ...]


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
    library: dict[str, str] = field(default_factory=dict)
    """What the JSON names the library by, e.g. ``{"keras_version": "3.13.0"}``."""

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
            **self.library,
            "document_errors": self.document_errors,
            "layers": {layer_id: result.to_json() for layer_id, result in self.layers.items()},
            "output_shapes": self.output_shapes,
            "total_params": self.total_params,
            "trainable_params": self.trainable_params,
        }


@dataclass(frozen=True)
class Built:
    """One layer built: what downstream layers receive, and what the report shows of it."""

    value: Any
    """The library's own description of the outputs, handed to the layers that follow."""
    outputs: tuple[tuple[Shape, str], ...] = ()
    """Each output's shape (batch axis as ``None``) and dtype, as the report shows them."""
    params: int = 0
    trainable_params: int = 0
    error: str | None = None


def failed(error: str) -> Built:
    """A layer that could not be built, and why."""
    return Built(None, error=error)


BuildLayer = Callable[[str, str, dict[str, Any], Sequence[Any]], Built]
"""``(layer id, layer type, arguments, values of its inputs) -> Built``."""


class LayerMemo:
    """The most recent layer results, keyed by everything that decides them."""

    def __init__(self, build: BuildLayer, size: int = 4096) -> None:
        self._build = build
        self._size = size
        self._results: OrderedDict[tuple[Any, ...], Built] = OrderedDict()

    def __call__(
        self, layer_id: str, layer_type: str, arguments: dict[str, Any], inputs: Sequence[Any]
    ) -> Built:
        # The id is part of the key because libraries name the layer in their messages.
        key = (layer_id, layer_type, json.dumps(arguments, sort_keys=True, default=repr), *inputs)
        built = self._results.get(key)
        if built is not None:
            self._results.move_to_end(key)
            return built
        built = self._build(layer_id, layer_type, arguments, inputs)
        self._results[key] = built
        if len(self._results) > self._size:
            self._results.popitem(last=False)
        return built

    def clear(self) -> None:
        """Forget every result (a benchmark's cold start; after changing library settings)."""
        self._results.clear()


def check_layers(
    document: dict[str, Any],
    analyse: Callable[[dict[str, Any]], Structure],
    build: BuildLayer,
    library: Callable[[], dict[str, str]],
) -> Report:
    """Check an architecture: structure first, then each layer built in dependency order.

    A document that does not follow the architecture format yields a report with document errors
    and no layers.
    """
    problems = formats.issues("architecture", document)
    if problems:
        return Report({}, [f"{p}" for p in problems], [], 0, 0, library())
    structure = analyse(document)
    results: dict[str, LayerResult] = {}
    values: dict[str, Any] = {}
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
        built = build(
            layer_id, layer_type, layer.get("arguments") or {}, [values[s] for s in sources]
        )
        if built.error is not None:
            results[layer_id] = LayerResult(layer_id, layer_type, "error", error=built.error)
            continue
        values[layer_id] = built.value
        results[layer_id] = LayerResult(
            layer_id,
            layer_type,
            "ok",
            output_shapes=[list(shape) for shape, _ in built.outputs],
            dtypes=[dtype for _, dtype in built.outputs],
            params=built.params,
            trainable_params=built.trainable_params,
        )
    for layer_id, layer in structure.layers.items():
        if layer_id not in results:
            error = structure.errors.get(layer_id)
            results[layer_id] = LayerResult(
                layer_id,
                layer["type"],
                "error" if error else "not_computed",
                error=error or "Not computed: it comes after a cycle.",
            )
    ordered = {layer_id: results[layer_id] for layer_id in structure.layers}
    ok_results = [r for r in ordered.values() if r.status == "ok"]
    return Report(
        layers=ordered,
        document_errors=structure.document_errors,
        output_shapes=[
            shape for o in document["outputs"] if o in values for shape in ordered[o].output_shapes
        ],
        total_params=sum(r.params or 0 for r in ok_results),
        trainable_params=sum(r.trainable_params or 0 for r in ok_results),
        library=library(),
    )


def format_shape(shape: Sequence[int | None]) -> str:
    """``(None, 32)``: a shape as Python prints a tuple."""
    items = ["None" if d is None else str(d) for d in shape]
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def plain_error(error: BaseException) -> str:
    """A library's message without the call-site boilerplate Keras wraps around the cause."""
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
