"""Python source from JSON values: literals, default comparisons and identifiers for layer ids.

Shared by the libraries' code generators.
"""

from __future__ import annotations

import keyword
import re
from typing import Any


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


def variable_names(ids: list[str], reserved: frozenset[str] = frozenset()) -> dict[str, str]:
    """A distinct Python identifier for each layer id (``block1.concat`` → ``block1_concat``)."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for layer_id in ids:
        base = re.sub(r"\W", "_", layer_id)
        if base[0].isdigit():
            base = "layer_" + base
        if keyword.iskeyword(base) or base in reserved:
            base += "_"
        name, n = base, 2
        while name in used:
            name, n = f"{base}_{n}", n + 1
        used.add(name)
        names[layer_id] = name
    return names
