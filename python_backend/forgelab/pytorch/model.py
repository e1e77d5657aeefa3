"""An architecture document made into a ``torch.fx.GraphModule``: an ``nn.Module`` whose
submodules are the layers, named by their ids, and whose ``forward`` follows the graph."""

from __future__ import annotations

import builtins
from typing import Any

from .. import formats
from ..libraries.errors import ArchitectureError
from ..libraries.pycode import variable_names
from ..libraries.structure import INPUT_TYPE
from . import layers
from .catalog import ADD, CONCATENATE, torch_module
from .inference import check
from .structure import Structure, analyse

#: Names the generated module and its ``forward`` keep for themselves, and Python's builtins.
RESERVED = frozenset(
    {"self", "torch", "nn", "build_model", "model", "forward", "training"} | set(dir(builtins))
)


#: The ``node.meta`` key that keeps a graph node's layer id.
LAYER_ID = "forgelab_layer_id"


def class_name(document: dict[str, Any]) -> str:
    """The module's class name from the document's name (``redshift-torch`` → ``RedshiftTorch``)."""
    words = "".join(c if c.isalnum() else " " for c in document.get("name") or "model").split()
    name = "".join(w[:1].upper() + w[1:] for w in words) or "Model"
    return name if name[0].isalpha() else "Model" + name


def build_model(document: dict[str, Any], *, source: str | None = None) -> Any:
    """The ``nn.Module`` an architecture describes (weights initialised by torch, on the CPU).

    Raises :class:`~forgelab.formats.FormatError` for a malformed document and
    :class:`ArchitectureError`, listing every wrong layer, when torch cannot build it.
    """
    torch = torch_module()
    fx = torch.fx
    formats.validate("architecture", document, source=source)
    report = check(document)
    if not report.ok:
        raise ArchitectureError(report.errors(), source)
    structure = analyse(document)
    names = variable_names(list(structure.layers), RESERVED)
    root = torch.nn.Module()
    graph = fx.Graph()
    nodes: dict[str, Any] = {}
    for layer_id in file_order(structure):
        layer = structure.layers[layer_id]
        layer_type, arguments = layer["type"], layer.get("arguments") or {}
        name = names[layer_id]
        sources = [nodes[s] for s in layer.get("inputs") or []]
        if layer_type == INPUT_TYPE:
            nodes[layer_id] = graph.placeholder(name)
        elif layer_type == CONCATENATE:
            nodes[layer_id] = graph.call_function(
                torch.cat, (sources,), {"dim": arguments.get("dim", 1)}, name=name
            )
        elif layer_type == ADD:
            nodes[layer_id] = graph.call_function(layers.add, (sources,), name=name)
        else:
            root.add_module(name, layers.make_module(layer_type, arguments))
            node = graph.call_module(name, tuple(sources))
            if _returns_tuple(layer_type):
                node = graph.call_function(first_output, (node,), name=f"{name}_output")
            nodes[layer_id] = node
        # The importer names layers by these ids, so a built model comes back unchanged.
        nodes[layer_id].meta[LAYER_ID] = layer_id
    outputs = [nodes[o] for o in document["outputs"]]
    graph.output(outputs[0] if len(outputs) == 1 else tuple(outputs))
    return fx.GraphModule(root, graph, class_name=class_name(document))


def file_order(structure: Structure) -> list[str]:
    """The layers in the file's order, each moved after its inputs where needed, so that the
    module's ``forward`` (and a model imported back from it) follows the file."""
    pending = [layer_id for layer_id in structure.layers if layer_id in set(structure.order)]
    done: set[str] = set()
    order: list[str] = []
    while pending:
        ready = next(
            i for i in pending if all(s in done for s in structure.layers[i].get("inputs") or [])
        )
        pending.remove(ready)
        done.add(ready)
        order.append(ready)
    return order


def _returns_tuple(layer_type: str) -> bool:
    from .catalog import layer_entry

    entry = layer_entry(layer_type)
    return bool(entry and entry.get("outputs") == "first")


def first_output(output: Any) -> Any:
    """The first tensor of a layer that returns several (an RNN's sequence, attention's
    output)."""
    while isinstance(output, (tuple, list)):
        output = output[0]
    return output


def layer_output(model: Any, layer_id: str) -> Any:
    """A module computing one layer's output of a built architecture (for features, t-SNE...)."""
    fx = torch_module().fx
    graph = fx.Graph()
    copies: dict[Any, Any] = {}
    for node in model.graph.nodes:
        if node.op == "output":
            break
        copies[node] = graph.node_copy(node, lambda n: copies[n])
        if node.meta.get(LAYER_ID, node.name) == layer_id:
            graph.output(copies[node])
            return fx.GraphModule(model, graph)
    raise ValueError(f"The model has no layer {layer_id!r}.")
