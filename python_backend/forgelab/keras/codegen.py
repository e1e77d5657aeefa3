"""Readable Keras functional-API code from an architecture document.

The code defines ``build_model()``; each layer is one line, named after its id, with only the
arguments that differ from Keras's defaults, written as Python literals.
"""

from __future__ import annotations

import keyword
import re
import textwrap
from typing import Any

from .. import formats
from . import catalog as catalog_module
from .catalog import INPUT_TYPE
from .errors import ArchitectureError
from .inference import keras_name
from .structure import analyse

_LINE_LENGTH = 99
_RESERVED = frozenset({"keras", "build_model", "model"})


def literal(value: Any) -> str:
    """A Python literal for a JSON value; lists become tuples, as Keras writes shapes."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(value, (list, tuple)):
        items = [literal(v) for v in value]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"Cannot write {value!r} ({type(value).__name__}) as a Python literal")


def is_default(value: Any, argument: dict[str, Any]) -> bool:
    """Whether a value equals an argument's default (``2`` counts as ``(2, 2)``)."""
    if "default" not in argument or argument.get("default_repr"):
        return False
    default = argument["default"]
    if value == default:
        return True
    if isinstance(default, list) and default and all(d == default[0] for d in default):
        return value == default[0] and not isinstance(value, bool)
    return False


def non_default_arguments(layer_type: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """The arguments that differ from Keras's defaults, in constructor order."""
    entry = catalog_module.layer_entry(layer_type)
    if entry is None:
        return dict(arguments)
    described = {a["name"]: a for a in entry["arguments"]}
    described.update(
        {
            a["name"]: a
            for a in catalog_module.catalog()["common_arguments"]
            if a["name"] not in described
        }
    )
    order = {name: i for i, name in enumerate(described)}
    kept = {
        k: v for k, v in arguments.items() if k not in described or not is_default(v, described[k])
    }
    return dict(sorted(kept.items(), key=lambda kv: order.get(kv[0], len(order))))


def variable_names(ids: list[str]) -> dict[str, str]:
    """A distinct Python identifier for each layer id (``block1.concat`` → ``block1_concat``)."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for layer_id in ids:
        base = re.sub(r"\W", "_", layer_id)
        if base[0].isdigit():
            base = "layer_" + base
        if keyword.iskeyword(base) or base in _RESERVED:
            base += "_"
        name, n = base, 2
        while name in used:
            name, n = f"{base}_{n}", n + 1
        used.add(name)
        names[layer_id] = name
    return names


def _statement(
    variable: str, target: str, arguments: dict[str, Any], sources: list[str], as_list: bool
) -> str:
    """``variable = target(arguments)(sources)``: one line when it fits, else one item a line."""
    indent = "    "
    parts = [f"{k}={literal(v)}" for k, v in arguments.items()]
    if not sources:
        called = ""
    elif as_list:
        called = "([" + ", ".join(sources) + "])"
    else:
        called = "(" + ", ".join(sources) + ")"
    one_line = f"{indent}{variable} = {target}({', '.join(parts)}){called}"
    if len(one_line) <= _LINE_LENGTH:
        return one_line
    inner = indent * 2
    constructor = f"{target}({', '.join(parts)})"
    wrap_sources = len(sources) > 1
    if not wrap_sources or len(f"{indent}{variable} = {constructor}([") > _LINE_LENGTH:
        body = "".join(f"{inner}{p},\n" for p in parts)
        constructor = f"{target}(\n{body}{indent})"
    if wrap_sources:
        items = "".join(f"{inner}{s},\n" for s in sources)
        called = f"([\n{items}{indent}])" if as_list else f"(\n{items}{indent})"
    return f"{indent}{variable} = {constructor}{called}"


def _docstring(text: str, indent: str) -> list[str]:
    safe = text.replace('"""', '\\"\\"\\"')
    wrapped = textwrap.wrap(safe, _LINE_LENGTH - len(indent) - 3)
    if len(wrapped) <= 1:
        return [f'{indent}"""{safe}"""']
    return [f'{indent}"""{wrapped[0]}'] + [f"{indent}{w}" for w in wrapped[1:]] + [f'{indent}"""']


def _tensor_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else "[" + ", ".join(names) + "]"


def to_code(document: dict[str, Any], *, source: str | None = None) -> str:
    """Python source defining ``build_model()`` for an architecture."""
    formats.validate("architecture", document, source=source)
    structure = analyse(document)
    problems = structure.document_errors + [f"{i}: {e}" for i, e in structure.errors.items()]
    if problems:
        raise ArchitectureError(problems, source)
    names = variable_names(list(structure.layers))
    indent = "    "
    title = document.get("name") or "model"
    lines = [
        f'"""Keras model {title!r}, generated by ForgeLab from its architecture."""',
        "",
        "import keras",
        "",
        "",
    ]
    lines.append("def build_model():")
    if document.get("description"):
        lines += _docstring(document["description"], indent)
    for layer_id in structure.order:
        layer = structure.layers[layer_id]
        arguments = non_default_arguments(layer["type"], layer.get("arguments") or {})
        arguments["name"] = keras_name(layer_id)
        if layer["type"] == INPUT_TYPE:
            lines.append(_statement(names[layer_id], "keras.Input", arguments, [], False))
            continue
        entry = catalog_module.layer_entry(layer["type"])
        assert entry is not None
        sources = [names[s] for s in layer["inputs"]]
        as_list = entry["inputs"]["mode"] == "list"
        target = f"keras.layers.{layer['type']}"
        lines.append(_statement(names[layer_id], target, arguments, sources, as_list))
    model_arguments = [
        f"inputs={_tensor_list([names[i] for i in document['inputs']])}",
        f"outputs={_tensor_list([names[o] for o in document['outputs']])}",
    ]
    if document.get("name"):
        model_arguments.append(f"name={literal(document['name'])}")
    returned = f"{indent}return keras.Model({', '.join(model_arguments)})"
    if len(returned) > _LINE_LENGTH:
        body = "".join(f"{indent * 2}{a},\n" for a in model_arguments)
        returned = f"{indent}return keras.Model(\n{body}{indent})"
    lines.append(returned)
    return "\n".join(lines) + "\n"
