"""Shape inference for PyTorch: each layer run on the ``meta`` device, its error on that layer.

Tensors on ``meta`` carry shapes and dtypes but no storage, so a check allocates nothing and
computes nothing; a layer whose configuration or input shape is wrong raises torch's own error,
which becomes that layer's message. The batch dimension is run as 2 and reported as ``None``.
Results are memoised on the layer's id, type, arguments and input shapes, as for Keras.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from .. import formats
from ..keras.inference import LayerResult, Report, format_shape, plain_error
from ..libraries.structure import INPUT_TYPE
from . import layers
from .catalog import torch_module
from .structure import analyse

#: The batch size layers run with: 2, because batch normalisation refuses a batch of one.
BATCH = 2

Spec = tuple[tuple[int, ...], str]

_MEMO_SIZE = 4096


@dataclass(frozen=True)
class _Built:
    spec: Spec | None
    params: int
    trainable_params: int
    error: str | None


_memo: OrderedDict[tuple[Any, ...], _Built] = OrderedDict()


class TorchReport(Report):
    """A :class:`Report` that names the torch version instead of Keras's."""

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "framework": "torch",
            "torch_version": torch_module().__version__,
            "document_errors": self.document_errors,
            "layers": {layer_id: result.to_json() for layer_id, result in self.layers.items()},
            "output_shapes": self.output_shapes,
            "total_params": self.total_params,
            "trainable_params": self.trainable_params,
        }


def _meta_tensor(spec: Spec) -> Any:
    torch = torch_module()
    shape, dtype = spec
    return torch.empty((BATCH, *shape), dtype=getattr(torch, dtype), device="meta")


#: Constructor arguments that must match a size of the input: (argument, axis without batch).
_SIZE_ARGUMENTS = (("in_features", -1), ("input_size", -1), ("in_channels", 0), ("num_features", 0))


def size_mismatch(
    layer_type: str, arguments: dict[str, Any], inputs: tuple[Spec, ...]
) -> str | None:
    """Torch's mismatch errors name matrices; this one names the argument to change, and how."""
    if len(inputs) != 1:
        return None
    shape = inputs[0][0]
    for argument, axis in _SIZE_ARGUMENTS:
        expected = arguments.get(argument)
        if (
            not isinstance(expected, int)
            or not shape
            or len(shape) <= (axis if axis >= 0 else -axis - 1)
        ):
            continue
        actual = shape[axis]
        if actual != expected:
            where = "features (its last dimension)" if axis == -1 else "channels (dimension 1)"
            printed = format_shape((None, *shape))
            return (
                f"{argument} is {expected}, but the input {printed} has {actual} {where}; "
                f"set {argument} to {actual}."
            )
    return None


def _build_one(layer_type: str, arguments: dict[str, Any], inputs: tuple[Spec, ...]) -> _Built:
    torch = torch_module()
    if layer_type == INPUT_TYPE:
        try:
            shape = arguments["shape"]
            if not isinstance(shape, list) or not all(isinstance(d, int) and d > 0 for d in shape):
                raise ValueError(
                    f"shape must be a list of positive sizes like [5, 64, 64], not {shape!r}."
                )
            dtype = str(layers.input_dtype(arguments)).removeprefix("torch.")
        except ValueError as error:
            return _Built(None, 0, 0, str(error))
        return _Built((tuple(shape), dtype), 0, 0, None)
    mismatch = size_mismatch(layer_type, arguments, inputs)
    if mismatch:
        return _Built(None, 0, 0, mismatch)
    try:
        with torch.device("meta"):
            module = layers.make_module(layer_type, arguments)
    except Exception as error:  # noqa: BLE001 - torch's own message is the feedback
        return _Built(None, 0, 0, f"Invalid configuration: {plain_error(error)}")
    try:
        with torch.no_grad():
            output = layers.call(
                layer_type, module, arguments, [_meta_tensor(spec) for spec in inputs]
            )
    except Exception as error:  # noqa: BLE001
        return _Built(None, 0, 0, plain_error(error))
    if not isinstance(output, torch.Tensor):
        return _Built(None, 0, 0, f"returned {type(output).__name__}, not a tensor.")
    parameters = list(module.parameters()) if module is not None else []
    params = sum(p.numel() for p in parameters)
    trainable = sum(p.numel() for p in parameters if p.requires_grad)
    spec = (tuple(output.shape[1:]), str(output.dtype).removeprefix("torch."))
    return _Built(spec, params, trainable, None)


def _memoised(
    layer_id: str, layer_type: str, arguments: dict[str, Any], inputs: tuple[Spec, ...]
) -> _Built:
    key = (layer_id, layer_type, json.dumps(arguments, sort_keys=True, default=repr), inputs)
    built = _memo.get(key)
    if built is not None:
        _memo.move_to_end(key)
        return built
    built = _build_one(layer_type, arguments, inputs)
    _memo[key] = built
    if len(_memo) > _MEMO_SIZE:
        _memo.popitem(last=False)
    return built


def clear_memo() -> None:
    """Forget memoised layer results."""
    _memo.clear()


def check(document: dict[str, Any]) -> TorchReport:
    """Check a PyTorch architecture: structure first, then each layer on ``meta`` in order."""
    problems = formats.issues("architecture", document)
    if problems:
        return TorchReport({}, [f"{p}" for p in problems], [], 0, 0)
    structure = analyse(document)
    results: dict[str, LayerResult] = {}
    specs: dict[str, Spec] = {}
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
        built = _memoised(
            layer_id, layer_type, layer.get("arguments") or {}, tuple(specs[s] for s in sources)
        )
        if built.error is not None or built.spec is None:
            results[layer_id] = LayerResult(layer_id, layer_type, "error", error=built.error)
            continue
        specs[layer_id] = built.spec
        results[layer_id] = LayerResult(
            layer_id,
            layer_type,
            "ok",
            output_shapes=[[None, *built.spec[0]]],
            dtypes=[built.spec[1]],
            params=built.params,
            trainable_params=built.trainable_params,
        )
    for layer_id, layer in structure.layers.items():
        if layer_id not in results:
            error = structure.errors.get(layer_id)
            results[layer_id] = (
                LayerResult(layer_id, layer["type"], "error", error=error)
                if error
                else LayerResult(
                    layer_id,
                    layer["type"],
                    "not_computed",
                    error="Not computed: it comes after a cycle.",
                )
            )
    ordered = {layer_id: results[layer_id] for layer_id in structure.layers}
    ok_results = [r for r in ordered.values() if r.status == "ok"]
    return TorchReport(
        layers=ordered,
        document_errors=structure.document_errors,
        output_shapes=[[None, *specs[o][0]] for o in document["outputs"] if o in specs],
        total_params=sum(r.params or 0 for r in ok_results),
        trainable_params=sum(r.trainable_params or 0 for r in ok_results),
    )
