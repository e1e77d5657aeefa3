"""An architecture document from an ``nn.Module`` that already exists, through ``torch.fx``.

``torch.fx.symbolic_trace`` turns ``forward`` into a graph of calls. Each call of a ``torch.nn``
submodule becomes a layer, named by its path in the model (``features.0``); ``torch.cat``,
additions and ``torch.flatten`` become ``Concatenate``, ``Add`` and ``Flatten``; anything else is
refused with the call it could not describe. A module's arguments are read back from its
attributes and checked by building the same class again: what cannot be read back is refused
rather than guessed. Input shapes cannot be traced; they are given (``input_shapes``) or read
from a first ``Linear`` layer, else the Input layers are left for the editor to complete.
"""

from __future__ import annotations

import operator
from typing import Any

from ..libraries.base import ModelImportError
from ..libraries.structure import INPUT_TYPE
from . import layers
from .catalog import ADD, CONCATENATE, layer_entry, torch_module
from .layers import module_arguments
from .model import LAYER_ID

_ROW_HEIGHT = 90
_COLUMN_WIDTH = 220


def _json_value(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    return value


def _argument_value(module: Any, argument: dict[str, Any]) -> tuple[bool, Any]:
    """``(True, value)`` when the module keeps the argument under its name, else ``(False, _)``."""
    torch = torch_module()
    name = argument["name"]
    if not hasattr(module, name):
        return False, None
    value = getattr(module, name)
    if isinstance(value, torch.Tensor) or value is None and name == "bias":
        # ``bias=True`` is kept as a parameter, ``bias=False`` as None.
        return True, value is not None if name == "bias" else None
    if isinstance(value, torch.nn.Module) or callable(value):
        return False, None
    value = _json_value(value)
    if (
        isinstance(value, list)
        and value
        and all(v == value[0] for v in value)
        and "int" in argument["types"]
        and isinstance(value[0], int)
    ):
        value = value[0]  # kernel_size (3, 3) as written: 3
    return True, value


def module_arguments_of(layer_id: str, module: Any) -> tuple[str, dict[str, Any]]:
    """A submodule's layer type and the arguments that rebuild it (those not at their default)."""
    torch = torch_module()
    layer_type = type(module).__name__
    entry = layer_entry(layer_type)
    if entry is None or getattr(torch.nn, layer_type, None) is not type(module):
        raise ModelImportError(
            f"{layer_id} is a {type(module).__module__}.{type(module).__qualname__}, which is not "
            "a torch.nn layer; an architecture holds torch.nn modules only."
        )
    arguments: dict[str, Any] = {}
    for argument in entry["arguments"]:
        found, value = _argument_value(module, argument)
        if not found:
            if argument["required"]:
                raise ModelImportError(
                    f"{layer_id} ({layer_type}): its argument {argument['name']!r} cannot be read "
                    "back from the module."
                )
            continue
        if argument["required"] or "default" not in argument or value != argument["default"]:
            arguments[argument["name"]] = value
    with torch.device("meta"):
        rebuilt = getattr(torch.nn, layer_type)(**module_arguments(arguments))
    if rebuilt.extra_repr() != module.extra_repr() or _shapes(rebuilt) != _shapes(module):
        raise ModelImportError(
            f"{layer_id} ({layer_type}): its arguments cannot be read back exactly "
            f"({module.extra_repr()}); build it with plain torch.nn arguments."
        )
    return layer_type, arguments


def _shapes(module: Any) -> dict[str, tuple[int, ...]]:
    return {name: tuple(p.shape) for name, p in module.named_parameters()}


def from_model(model: Any, *, input_shapes: list[list[int]] | None = None) -> dict[str, Any]:
    """The architecture document of an ``nn.Module`` that ``torch.fx`` can trace."""
    torch = torch_module()
    fx = torch.fx
    if not isinstance(model, torch.nn.Module):
        raise ModelImportError(f"{type(model).__name__} is not a torch.nn.Module.")
    try:
        graph_module = model if isinstance(model, fx.GraphModule) else fx.symbolic_trace(model)
    except Exception as error:  # noqa: BLE001 - fx says which Python construct it cannot trace
        raise ModelImportError(
            f"torch.fx cannot trace {type(model).__name__}.forward: {error}".rstrip(".")
            + ". Models whose forward branches on tensor values cannot become an architecture."
        ) from error
    layers: list[dict[str, Any]] = []
    ids: dict[Any, str] = {}
    inputs: list[str] = []
    outputs: list[str] = []
    for node in graph_module.graph.nodes:
        sources = [ids[n] for n in node.all_input_nodes if n in ids]
        name = node.meta.get(LAYER_ID, node.name)
        if node.op == "placeholder":
            # The forward's own parameter name (fx renames ``input`` to ``input_1``).
            name = node.meta.get(LAYER_ID, str(node.target))
            ids[node] = name
            layer = {"id": name, "type": INPUT_TYPE, "arguments": {}}
            inputs.append(name)
            layers.append(layer)
        elif node.op == "call_module":
            module = graph_module.get_submodule(node.target)
            layer_type, arguments = module_arguments_of(str(node.target), module)
            ids[node] = node.meta.get(LAYER_ID, str(node.target))
            layer = {"id": ids[node], "type": layer_type, "inputs": sources}
            if arguments:
                layer["arguments"] = arguments
            layers.append(layer)
        elif node.op == "call_function" and node.target is operator.getitem:
            if node.args[1] != 0 and node.users:
                raise ModelImportError(
                    f"{node.name}: only the first output of {sources[0]} can be used."
                )
            ids[node] = sources[0]
        elif node.op == "call_function" and getattr(node.target, "__name__", "") == "first_output":
            ids[node] = sources[0]
        elif node.op in ("call_function", "call_method"):
            layers.append(_function_layer(node, name, sources))
            ids[node] = name
        elif node.op == "output":
            result = node.args[0]
            nodes = list(result) if isinstance(result, (tuple, list)) else [result]
            outputs = [ids[n] for n in nodes]
        else:
            raise ModelImportError(
                f"{node.name}: forward reads {node.target!r} directly ({node.op}); an "
                "architecture holds layers only."
            )
    _set_input_shapes(layers, inputs, input_shapes)
    _place(layers)
    return {
        "format": "forgelab.architecture",
        "version": 1,
        "name": type(model).__name__,
        "framework": "torch",
        "layers": layers,
        "inputs": inputs,
        "outputs": outputs,
    }


def _function_layer(node: Any, layer_id: str, sources: list[str]) -> dict[str, Any]:
    """``torch.cat``, ``+`` and ``flatten`` as the pseudo layers and ``Flatten``."""
    torch = torch_module()
    target = node.target
    name = target if isinstance(target, str) else getattr(target, "__name__", repr(target))
    if target is torch.cat:
        dim = node.kwargs.get("dim", node.args[1] if len(node.args) > 1 else 0)
        return {"id": layer_id, "type": CONCATENATE, "inputs": sources, "arguments": {"dim": dim}}
    if target is layers.add:
        return {"id": layer_id, "type": ADD, "inputs": sources}
    if target in (operator.add, torch.add) or name == "add":
        if len(sources) != len(node.args):
            raise ModelImportError(f"{node.name}: adding a constant cannot be described.")
        return {"id": layer_id, "type": ADD, "inputs": sources}
    if target is torch.flatten or name == "flatten":
        start = node.kwargs.get("start_dim", node.args[1] if len(node.args) > 1 else 0)
        end = node.kwargs.get("end_dim", node.args[2] if len(node.args) > 2 else -1)
        layer: dict[str, Any] = {"id": layer_id, "type": "Flatten", "inputs": sources}
        if (start, end) != (1, -1):
            layer["arguments"] = {"start_dim": start, "end_dim": end}
        return layer
    raise ModelImportError(
        f"{node.name}: forward calls {name}, which an architecture cannot describe; use the "
        "torch.nn module that does the same (nn.ReLU for F.relu, nn.Flatten for view)."
    )


def _set_input_shapes(
    layers: list[dict[str, Any]], inputs: list[str], shapes: list[list[int]] | None
) -> None:
    by_id = {layer["id"]: layer for layer in layers}
    if shapes is not None:
        if len(shapes) != len(inputs):
            raise ModelImportError(
                f"The model has {len(inputs)} input(s) ({', '.join(inputs)}) but "
                f"{len(shapes)} shape(s) were given."
            )
        for input_id, shape in zip(inputs, shapes, strict=True):
            by_id[input_id]["arguments"] = {"shape": list(shape)}
        return
    for input_id in inputs:
        consumer = next((x for x in layers if input_id in x.get("inputs", [])), None)
        if consumer and consumer["type"] == "Linear":
            by_id[input_id]["arguments"] = {"shape": [consumer["arguments"]["in_features"]]}
    for layer in layers:
        if layer["type"] == INPUT_TYPE and not layer["arguments"]:
            del layer["arguments"]


def _place(layers: list[dict[str, Any]]) -> None:
    """Top to bottom: each layer one row below its lowest input, side by side within a row."""
    rows: dict[str, int] = {}
    used: dict[int, int] = {}
    for layer in layers:
        row = max((rows[i] + 1 for i in layer.get("inputs", []) if i in rows), default=0)
        rows[layer["id"]] = row
        column = used.get(row, 0)
        used[row] = column + 1
        layer["position"] = {"x": column * _COLUMN_WIDTH, "y": row * _ROW_HEIGHT}
