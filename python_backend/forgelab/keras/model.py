"""An architecture document made into a built (uncompiled) ``keras.Model``."""

from __future__ import annotations

from typing import Any

from .. import formats
from ..libraries.errors import ArchitectureError
from . import catalog as catalog_module
from . import keras_module
from .catalog import INPUT_TYPE
from .inference import call_layer, check, keras_name, layer_arguments, make_layer
from .structure import analyse


def build_model(document: dict[str, Any], *, source: str | None = None) -> Any:
    """The functional Keras model an architecture describes, its layers named by their ids.

    Raises :class:`~forgelab.formats.FormatError` for a malformed document and
    :class:`ArchitectureError`, listing every wrong layer, when Keras cannot build it.
    """
    keras = keras_module()
    formats.validate("architecture", document, source=source)
    report = check(document)
    if not report.ok:
        raise ArchitectureError(report.errors(), source)
    structure = analyse(document)
    tensors: dict[str, list[Any]] = {}
    for layer_id in structure.order:
        layer = structure.layers[layer_id]
        arguments = layer.get("arguments") or {}
        if layer["type"] == INPUT_TYPE:
            tensors[layer_id] = [
                keras.Input(name=keras_name(layer_id), **layer_arguments(INPUT_TYPE, arguments))
            ]
            continue
        entry = catalog_module.layer_entry(layer["type"])
        assert entry is not None
        inputs = [t for source_id in layer["inputs"] for t in tensors[source_id]]
        output = call_layer(
            make_layer(layer["type"], arguments, name=layer_id), entry["inputs"], inputs
        )
        tensors[layer_id] = list(keras.tree.flatten(output))
    inputs = [tensors[i][0] for i in document["inputs"]]
    outputs = [t for o in document["outputs"] for t in tensors[o]]
    return keras.Model(
        inputs=inputs[0] if len(inputs) == 1 else inputs,
        outputs=outputs[0] if len(outputs) == 1 else outputs,
        name=document.get("name") or None,
    )
