"""Shape inference for PyTorch: each layer run on the ``meta`` device, its error on that layer.

Tensors on ``meta`` carry shapes and dtypes but no storage, so a check allocates nothing and
computes nothing; a layer whose configuration or input shape is wrong raises torch's own error,
which becomes that layer's message. The batch dimension is run as 2 and reported as ``None``.
Results are memoised on the layer's id, type, arguments and input shapes, as for Keras.
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
from ..libraries.structure import INPUT_TYPE
from . import layers
from .catalog import torch_module
from .structure import analyse

#: The batch size layers run with: 2, because batch normalisation refuses a batch of one.
BATCH = 2

Spec = tuple[tuple[int, ...], str]


def _built(spec: Spec, params: int = 0, trainable: int = 0) -> Built:
    """A layer's result: the batch axis, run as :data:`BATCH`, reported as ``None``."""
    shape, dtype = spec
    return Built(spec, (((None, *shape), dtype),), params, trainable)


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


def _build_one(
    layer_id: str, layer_type: str, arguments: dict[str, Any], inputs: Sequence[Spec]
) -> Built:
    """Run one layer on ``meta``; its value is its output's spec without the batch axis."""
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
            return failed(str(error))
        return _built((tuple(shape), dtype))
    mismatch = size_mismatch(layer_type, arguments, inputs)
    if mismatch:
        return failed(mismatch)
    try:
        with torch.device("meta"):
            module = layers.make_module(layer_type, arguments)
    except Exception as error:  # noqa: BLE001 - torch's own message is the feedback
        return failed(f"Invalid configuration: {plain_error(error)}")
    try:
        with torch.no_grad():
            output = layers.call(
                layer_type, module, arguments, [_meta_tensor(spec) for spec in inputs]
            )
    except Exception as error:  # noqa: BLE001
        return failed(plain_error(error))
    if not isinstance(output, torch.Tensor):
        return failed(f"returned {type(output).__name__}, not a tensor.")
    parameters = list(module.parameters()) if module is not None else []
    params = sum(p.numel() for p in parameters)
    trainable = sum(p.numel() for p in parameters if p.requires_grad)
    spec = (tuple(output.shape[1:]), str(output.dtype).removeprefix("torch."))
    return _built(spec, params, trainable)


_memo = LayerMemo(_build_one)


def clear_memo() -> None:
    """Forget memoised layer results."""
    _memo.clear()


def check(document: dict[str, Any]) -> Report:
    """Check a PyTorch architecture: structure first, then each layer on ``meta`` in order."""
    return check_layers(
        document,
        analyse,
        _memo,
        lambda: {"framework": "torch", "torch_version": torch_module().__version__},
    )
