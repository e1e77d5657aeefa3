"""An architecture document from a Keras model (Sequential or functional) that already exists.

The model's config gives the layers and, for functional models, the graph (each layer's inbound
node names the layers it was called on). Each layer's arguments are compared with those of a
layer built from its required arguments alone, so only the arguments that differ are written.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from .. import formats
from ..libraries.base import ModelImportError
from . import catalog as catalog_module
from . import keras_module
from .catalog import INPUT_TYPE, function_registry

_ROW_HEIGHT = 90
_COLUMN_WIDTH = 220


__all__ = ["ModelImportError", "from_model"]


def _normal(value: Any) -> Any:
    """Config values as JSON would hold them, so tuples and lists compare equal."""
    return json.loads(json.dumps(value, default=_unjsonable))


def _unjsonable(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    raise ModelImportError(
        f"cannot describe {value!r} ({type(value).__name__}) in an architecture file"
    )


@cache
def _registry_names(registry_name: str) -> dict[str, str]:
    """Serialised form (as JSON text) of each registry name → the name."""
    registry = getattr(keras_module(), registry_name)
    names = {}
    for name in catalog_module.catalog()["registries"][registry_name]:
        try:
            names[json.dumps(_normal(registry.serialize(registry.get(name))), sort_keys=True)] = (
                name
            )
        except Exception:  # noqa: BLE001 - a name that does not serialise is simply not offered
            continue
    return names


def _simplify(argument: str, value: Any) -> Any:
    """A registry name for a serialised function with default settings (``Zeros()`` → "zeros")."""
    registry = function_registry(argument)
    if registry is None or not isinstance(value, dict):
        return value
    return _registry_names(registry).get(json.dumps(value, sort_keys=True), value)


def layer_arguments(layer: Any) -> dict[str, Any]:
    """The arguments of a Keras layer that differ from a freshly built layer of its class."""
    layer_type = type(layer).__name__
    entry = catalog_module.layer_entry(layer_type)
    if entry is None or getattr(type(layer), "__module__", "").split(".")[:3] != [
        "keras",
        "src",
        "layers",
    ]:
        raise ModelImportError(
            f"Layer {layer.name!r} is a {type(layer).__module__}.{layer_type}, "
            "not a public keras.layers "
            "layer; an architecture file can only describe Keras's own layers."
        )
    config = _normal(layer.get_config())
    required = [a["name"] for a in entry["arguments"] if a["required"]]
    try:
        fresh = type(layer)(**{name: config[name] for name in required if name in config})
    except Exception as error:  # noqa: BLE001 - said in the words of the import
        raise ModelImportError(
            f"Layer {layer.name!r} ({layer_type}) cannot be described by its arguments alone: "
            f"{error}"
        ) from error
    reference = _normal(fresh.get_config())
    accepted = catalog_module.argument_names(entry)
    arguments = {}
    for name, value in config.items():
        if name == "name" or name not in accepted:
            continue
        if name in required or value != reference.get(name):
            arguments[name] = _simplify(name, value)
    return arguments


def _input_layer(layer_id: str, config: dict[str, Any]) -> dict[str, Any]:
    batch_shape = config.get("batch_shape") or [None]
    arguments: dict[str, Any] = {"shape": list(batch_shape[1:])}
    if batch_shape[0] is not None:
        arguments["batch_size"] = batch_shape[0]
    if config.get("dtype") not in (None, "float32"):
        arguments["dtype"] = config["dtype"]
    for flag in ("sparse", "optional"):
        if config.get(flag):
            arguments[flag] = True
    return {"id": layer_id, "type": INPUT_TYPE, "arguments": arguments}


def _history(value: Any) -> list[str]:
    """Names of the layers whose tensors appear in a serialised call's arguments, in order."""
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            return [value["config"]["keras_history"][0]]
        return [name for v in value.values() for name in _history(v)]
    if isinstance(value, (list, tuple)):
        return [name for v in value for name in _history(v)]
    return []


def _layer_id(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def _layout(layers: list[dict[str, Any]]) -> None:
    """Top-down positions: each layer one row below its lowest input."""
    depth: dict[str, int] = {}
    columns: dict[int, int] = {}
    for layer in layers:
        row = 1 + max((depth[i] for i in layer.get("inputs", [])), default=-1)
        depth[layer["id"]] = row
        column = columns.get(row, 0)
        columns[row] = column + 1
        layer["position"] = {"x": column * _COLUMN_WIDTH, "y": row * _ROW_HEIGHT}


def from_model(model: Any) -> dict[str, Any]:
    """The architecture document of a Keras model.

    Raises :class:`ModelImportError` (a ``ValueError``) saying what the document cannot describe.
    """
    keras = keras_module()
    if not isinstance(model, keras.Model):
        raise ModelImportError(f"Expected a keras.Model, got {type(model).__name__}.")
    layers: list[dict[str, Any]] = []
    if isinstance(model, keras.Sequential):
        try:
            input_tensor = model.inputs[0]
        except (AttributeError, IndexError):
            raise ModelImportError(
                f"Sequential model {model.name!r} has no input shape yet; "
                "give it a keras.Input(...) "
                "first layer or call model.build(input_shape) before importing it."
            ) from None
        input_config = model.get_config()["layers"][0]
        input_name = (
            input_config["config"]["name"]
            if input_config["class_name"] == "InputLayer"
            else "input"
        )
        previous = _layer_id(input_name)
        layers.append(
            _input_layer(
                previous,
                {"batch_shape": list(input_tensor.shape), "dtype": str(input_tensor.dtype)},
            )
        )
        for layer in model.layers:
            layer_id = _layer_id(layer.name)
            layers.append(
                {
                    "id": layer_id,
                    "type": type(layer).__name__,
                    "arguments": layer_arguments(layer),
                    "inputs": [previous],
                }
            )
            previous = layer_id
        inputs, outputs = [layers[0]["id"]], [previous]
    else:
        config = model.get_config()
        if "input_layers" not in config:
            raise ModelImportError(
                f"Model {model.name!r} is a subclassed model; "
                "only Sequential and functional models "
                "have a graph an architecture file can describe."
            )
        for layer_config in config["layers"]:
            name = layer_config["name"]
            if layer_config["class_name"] == "InputLayer":
                layers.append(_input_layer(_layer_id(name), layer_config["config"]))
                continue
            nodes = layer_config.get("inbound_nodes") or []
            if len(nodes) != 1:
                raise ModelImportError(
                    f"Layer {name!r} is called {len(nodes)} times in the model; "
                    "an architecture file "
                    "describes each layer once (shared layers are not supported)."
                )
            layer = model.get_layer(name)
            if isinstance(layer, keras.Model):
                raise ModelImportError(f"Layer {name!r} is a nested model; import it separately.")
            layers.append(
                {
                    "id": _layer_id(name),
                    "type": type(layer).__name__,
                    "arguments": layer_arguments(layer),
                    "inputs": [_layer_id(n) for n in _history(nodes[0])],
                }
            )
        inputs = [_layer_id(entry[0]) for entry in _history_entries(config["input_layers"])]
        outputs = [_layer_id(entry[0]) for entry in _history_entries(config["output_layers"])]
    for layer in layers:
        if not layer.get("arguments"):
            layer.pop("arguments", None)
    _layout(layers)
    document = {
        "format": "forgelab.architecture",
        "version": 1,
        "name": model.name,
        "framework": "keras",
        "layers": layers,
        "inputs": inputs,
        "outputs": outputs,
    }
    return formats.validate("architecture", document)


def _history_entries(value: Any) -> list[list[Any]]:
    """``input_layers``/``output_layers`` hold one ``[name, node, index]`` or a list of them."""
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], str):
        return [value]
    return [entry for item in value for entry in _history_entries(item)]
