"""One layer of a PyTorch architecture: its module, and how it is called on its inputs.

Shared by shape inference (on the ``meta`` device), the built ``torch.fx`` graph and the importer,
so that all three agree on what a document's layer means.
"""

from __future__ import annotations

import operator
from functools import reduce
from typing import Any

from ..libraries.structure import INPUT_TYPE
from .catalog import ADD, CONCATENATE, torch_module


def module_arguments(arguments: dict[str, Any]) -> dict[str, Any]:
    """Constructor keyword arguments from JSON values: lists become tuples, as torch writes
    sizes."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in arguments.items()}


def make_module(layer_type: str, arguments: dict[str, Any]) -> Any:
    """An instance of ``torch.nn.<layer_type>``; None for the pseudo layers, which are
    functions."""
    if layer_type in (INPUT_TYPE, CONCATENATE, ADD):
        return None
    return getattr(torch_module().nn, layer_type)(**module_arguments(arguments))


def input_dtype(arguments: dict[str, Any]) -> Any:
    """The torch dtype an Input layer names (``float32`` by default)."""
    torch = torch_module()
    name = arguments.get("dtype", "float32")
    dtype = getattr(torch, str(name), None)
    if not isinstance(dtype, torch.dtype):
        raise ValueError(f"dtype {name!r} is not a torch dtype; use float32, float64 or int64.")
    return dtype


def concatenate(tensors: list[Any], dim: int = 1) -> Any:
    """``Concatenate``: ``torch.cat`` of the inputs, in their order."""
    return torch_module().cat(list(tensors), dim=dim)


def add(tensors: list[Any]) -> Any:
    """``Add``: the element-wise sum of the inputs."""
    return reduce(operator.add, tensors)


def call(layer_type: str, module: Any, arguments: dict[str, Any], inputs: list[Any]) -> Any:
    """The layer applied to its inputs; a layer that returns several tensors gives its first."""
    if layer_type == CONCATENATE:
        return concatenate(inputs, **arguments)
    if layer_type == ADD:
        return add(inputs)
    output = module(*inputs)
    while isinstance(output, (tuple, list)):
        output = output[0]
    return output
