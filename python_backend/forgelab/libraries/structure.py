"""Structural checks of an architecture document, made before a framework builds anything.

A cycle, an unknown layer type or argument, an input that names a missing layer or a wrong number
of inputs is found here from the document and the catalog alone, and reported on the layer it
concerns. The result also gives the order in which the layers can be built. Every library shares
these checks; it passes its catalog and the words that name its framework (:class:`Vocabulary`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Name of the pseudo layer type that stands for a model input in every library.
INPUT_TYPE = "Input"


@dataclass(frozen=True)
class Vocabulary:
    """How a library's messages name its framework, and its catalog."""

    namespace: str
    """Where the layer classes live: ``keras.layers``, ``torch.nn``."""
    title: str
    """The framework as people write it: ``Keras``, ``PyTorch``."""
    catalog_command: str
    """The command that lists the catalog."""
    catalog: dict[str, Any]
    """The library's catalog (``layers`` and optionally ``common_arguments``)."""

    def entry(self, layer_type: str) -> dict[str, Any] | None:
        return self.catalog["layers"].get(layer_type)

    def argument_names(self, entry: dict[str, Any]) -> set[str]:
        """Every argument a layer accepts: its own, and via ``**kwargs`` the common ones."""
        names = {a["name"] for a in entry["arguments"]}
        if entry.get("accepts_kwargs"):
            names |= {a["name"] for a in self.catalog.get("common_arguments", [])}
        return names


@dataclass
class Structure:
    """What the document says, checked: layers by id, build order, and errors per layer id."""

    layers: dict[str, dict[str, Any]]
    order: list[str]
    """Ids in an order where every layer comes after its inputs (layers on cycles left out)."""
    errors: dict[str, str] = field(default_factory=dict)
    document_errors: list[str] = field(default_factory=list)


def _inputs_phrase(arity: dict[str, Any]) -> str:
    low, high = arity["min"], arity["max"]
    if high is None:
        return f"at least {low} input{'s' if low != 1 else ''}"
    if low == high:
        return f"exactly {low} input{'s' if low != 1 else ''}"
    return f"{low} to {high} inputs"


def _check_layer(
    layer: dict[str, Any], ids: set[str], model_inputs: set[str], words: Vocabulary
) -> str | None:
    """The first structural problem of one layer, in words, or None."""
    layer_type = layer["type"]
    entry = words.entry(layer_type)
    if entry is None:
        known = words.catalog["layers"]
        hint = [name for name in known if name.lower() == layer_type.lower()]
        suggestion = (
            f" Did you mean {hint[0]!r}?"
            if hint
            else f" See `{words.catalog_command}` for the layers {words.title} offers."
        )
        return (
            f"Unknown layer type {layer_type!r}: {words.namespace} has no such layer.{suggestion}"
        )

    arguments = layer.get("arguments") or {}
    if "name" in arguments:
        return (
            "The 'name' argument is taken from the layer's id; "
            "remove it and rename the layer instead."
        )
    accepted = words.argument_names(entry)
    unknown = [name for name in arguments if name not in accepted]
    if unknown:
        listed = ", ".join(repr(u) for u in unknown)
        own = ", ".join(a["name"] for a in entry["arguments"])
        return f"{layer_type} has no argument {listed}. Its arguments are: {own}."
    missing = [
        a["name"] for a in entry["arguments"] if a["required"] and a["name"] not in arguments
    ]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        return f"{layer_type} needs the argument{plural} {', '.join(missing)}."

    inputs = layer.get("inputs") or []
    absent = [i for i in inputs if i not in ids]
    if absent:
        return f"Input {', '.join(repr(a) for a in absent)} is not a layer of this architecture."
    if layer_type == INPUT_TYPE:
        if inputs:
            return "An Input layer takes no inputs; remove its incoming connections."
        if layer["id"] not in model_inputs:
            return "This Input layer is not among the architecture's inputs; add it to 'inputs'."
        return None
    arity = entry["inputs"]
    if not inputs:
        return f"{layer_type} has no input; connect it to the layer that feeds it."
    if len(inputs) < arity["min"] or (arity["max"] is not None and len(inputs) > arity["max"]):
        verb = "is" if len(inputs) == 1 else "are"
        return f"{layer_type} takes {_inputs_phrase(arity)}, but {len(inputs)} {verb} connected."
    return None


def _cycle_through(start: str, edges: dict[str, list[str]], pending: set[str]) -> list[str] | None:
    """A path start → ... → start along edges among ``pending`` layers, if one exists."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for nxt in edges.get(node, []):
            if nxt == start:
                return path + [start]
            if nxt in pending and nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, path + [nxt]))
    return None


def analyse(document: dict[str, Any], words: Vocabulary) -> Structure:
    """Check a schema-valid architecture document's structure and find its build order."""
    layers: dict[str, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    document_errors: list[str] = []
    framework_names: dict[str, str] = {}
    for layer in document["layers"]:
        if layer["id"] in layers:
            document_errors.append(f"Two layers have the id {layer['id']!r}; ids must be unique.")
            continue
        # Layers are named by id with dots made underscores; two ids must not meet there.
        framework_name = layer["id"].replace(".", "_")
        if framework_name in framework_names:
            document_errors.append(
                f"Layers {framework_names[framework_name]!r} and {layer['id']!r} "
                f"both become the {words.title} layer "
                f"{framework_name!r}; rename one of them."
            )
            continue
        framework_names[framework_name] = layer["id"]
        layers[layer["id"]] = layer
    ids = set(layers)
    model_inputs = set(document["inputs"])

    for input_id in document["inputs"]:
        if input_id not in layers:
            document_errors.append(f"Model input {input_id!r} is not a layer of this architecture.")
        elif layers[input_id]["type"] != INPUT_TYPE:
            errors[input_id] = (
                f"Model inputs must be {INPUT_TYPE} layers, not {layers[input_id]['type']}."
            )
    for output_id in document["outputs"]:
        if output_id not in layers:
            document_errors.append(
                f"Model output {output_id!r} is not a layer of this architecture."
            )

    for layer_id, layer in layers.items():
        problem = _check_layer(layer, ids, model_inputs, words)
        if problem and layer_id not in errors:
            errors[layer_id] = problem

    # Kahn's algorithm; what it cannot order lies on a cycle or after one.
    consumers: dict[str, list[str]] = {layer_id: [] for layer_id in layers}
    waiting = {}
    for layer_id, layer in layers.items():
        sources = [i for i in layer.get("inputs") or [] if i in layers]
        waiting[layer_id] = len(sources)
        for source in sources:
            consumers[source].append(layer_id)
    ready = [layer_id for layer_id, count in waiting.items() if count == 0]
    order: list[str] = []
    while ready:
        layer_id = ready.pop(0)
        order.append(layer_id)
        for consumer in consumers[layer_id]:
            waiting[consumer] -= 1
            if waiting[consumer] == 0:
                ready.append(consumer)
    pending = set(layers) - set(order)
    for layer_id in sorted(pending):
        cycle = _cycle_through(layer_id, consumers, pending)
        if cycle:
            errors[layer_id] = (
                "This layer is part of a cycle: "
                + " → ".join(cycle)
                + ". Remove one of these connections."
            )
    return Structure(layers=layers, order=order, errors=errors, document_errors=document_errors)
