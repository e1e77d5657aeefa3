"""The layer catalog: every public layer of the installed Keras, found by introspection.

For each public class of ``keras.layers`` that is a :class:`keras.layers.Layer` and implements
``call`` itself (abstract bases such as ``Layer`` and ``Wrapper`` do not), the catalog lists the
constructor arguments in order with their defaults, types and documentation (parsed from the
docstring's ``Args:`` section), the category (from the module path ``keras.src.layers.<category>``),
the doc summary and how many inputs the layer takes. Arguments that take functions (activations,
initializers, regularizers, constraints) offer the public names of Keras's own registries.

The catalog is cached as JSON per Keras version under ``$FORGELAB_CACHE_DIR`` (default
``~/.cache/forgelab``); a different Keras version, or a new catalog format, rebuilds it.
"""

from __future__ import annotations

import inspect
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from ..environment import cache_dir
from ..libraries.cache import write_atomically
from ..libraries.introspection import json_default as _json_default
from ..libraries.introspection import parse_docstring
from . import keras_module

#: Bumped whenever the catalog's JSON shape changes, so stale caches are rebuilt.
CATALOG_FORMAT = 1

#: Name of the pseudo layer type that stands for ``keras.Input`` in architecture documents.
INPUT_TYPE = "Input"

#: Which registry offers the choices of a function-valued argument, judged by the argument's name.
_FUNCTION_ARGUMENTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(.+_)?activation$"), "activations"),
    (re.compile(r"^(.+_)?initializer$"), "initializers"),
    (re.compile(r"^(.+_)?regularizer$"), "regularizers"),
    (re.compile(r"^(.+_)?constraint$"), "constraints"),
)

_REGISTRY_HELPERS = frozenset({"get", "serialize", "deserialize"})

_TYPE_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(int|integer|integers|ints)\b"), "int"),
    (re.compile(r"\b(float|floats)\b"), "float"),
    (re.compile(r"\b(bool|boolean)\b"), "bool"),
    (re.compile(r"\b(str|string|strings)\b"), "str"),
    (re.compile(r"\b(tuple|list|tuples|lists)\b"), "tuple"),
    (re.compile(r"\b(dict|dictionary)\b"), "dict"),
)


def cache_path(keras_version: str | None = None) -> Path:
    """The cache file of the catalog for one Keras version (the installed one by default)."""
    version = keras_version or keras_module().__version__
    return cache_dir() / f"keras-catalog-{version}-v{CATALOG_FORMAT}.json"


def catalog(*, refresh: bool = False) -> dict[str, Any]:
    """The catalog of the installed Keras: from memory, else from the disk cache, else built.

    ``refresh=True`` rebuilds it from introspection and rewrites the cache.
    """
    if refresh:
        _cached_catalog.cache_clear()
        return _cached_catalog(True)
    return _cached_catalog(False)


@cache
def _cached_catalog(refresh: bool) -> dict[str, Any]:
    path = cache_path()
    if not refresh:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") == CATALOG_FORMAT:
                return data
        except (OSError, ValueError):
            pass  # missing or damaged cache: rebuild below
    data = build_catalog()
    write_atomically(path, json.dumps(data, indent=1, sort_keys=False))
    return data


def public_layer_classes() -> dict[str, type]:
    """Public names of ``keras.layers`` bound to concrete layer classes (aliases included)."""
    keras = keras_module()
    found: dict[str, type] = {}
    for name in sorted(dir(keras.layers)):
        if name.startswith("_"):
            continue
        obj = getattr(keras.layers, name)
        if inspect.isclass(obj) and issubclass(obj, keras.layers.Layer) and not _is_abstract(obj):
            found[name] = obj
    return found


def _is_abstract(cls: type) -> bool:
    """A layer base that leaves ``call`` to subclasses (``Layer``, ``Wrapper``) is not a layer."""
    keras = keras_module()
    return not any(
        "call" in vars(base)
        for base in cls.__mro__
        if base is not keras.layers.Layer and issubclass(base, keras.layers.Layer)
    )


def registry_choices() -> dict[str, list[str]]:
    """The public names each function registry of Keras resolves (``activations.get(name)``)."""
    keras = keras_module()
    choices: dict[str, list[str]] = {}
    for registry_name in ("activations", "initializers", "regularizers", "constraints"):
        registry = getattr(keras, registry_name)
        names = []
        for name in sorted(dir(registry)):
            # Lower-case names are the registry's identifiers; CamelCase ones the classes behind.
            if name.startswith("_") or name in _REGISTRY_HELPERS or name != name.lower():
                continue
            try:
                if registry.get(name) is not None:
                    names.append(name)
            except Exception:  # noqa: BLE001 - a name the registry cannot resolve is no choice
                continue
        choices[registry_name] = names
    return choices


def function_registry(argument: str) -> str | None:
    """The registry whose names an argument takes (``kernel_initializer`` → ``initializers``)."""
    for pattern, registry in _FUNCTION_ARGUMENTS:
        if pattern.match(argument):
            return registry
    return None


def _types(parameter: inspect.Parameter, doc: str, registry: str | None) -> list[str]:
    """Argument types: from the annotation, else the default's type, else the doc's first phrase."""
    if registry:
        return ["function"]
    annotation = parameter.annotation
    if annotation is not inspect.Parameter.empty:
        named = (
            annotation
            if isinstance(annotation, str)
            else getattr(annotation, "__name__", str(annotation))
        )
        return [named]
    default = parameter.default
    if default is not inspect.Parameter.empty and default is not None:
        kind = {
            bool: "bool",
            int: "int",
            float: "float",
            str: "str",
            tuple: "tuple",
            list: "tuple",
            dict: "dict",
        }.get(type(default))
        if kind:
            return [kind] + (["int"] if kind == "tuple" and "int" in _doc_types(doc) else [])
    return _doc_types(doc) or ["any"]


def _doc_types(doc: str) -> list[str]:
    first_phrase = re.split(r"[.,;]\s|:\s", doc.lower(), maxsplit=1)[0]
    found = []
    for pattern, kind in _TYPE_WORDS:
        if pattern.search(first_phrase) and kind not in found:
            found.append(kind)
    return found


def describe_arguments(
    signature: inspect.Signature, docs: dict[str, str], choices: dict[str, list[str]]
) -> tuple[list[dict[str, Any]], bool]:
    """Constructor arguments in order, and whether the constructor also takes ``**kwargs``."""
    arguments = []
    accepts_kwargs = False
    for name, parameter in signature.parameters.items():
        if name == "self" or parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            continue
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            accepts_kwargs = True
            continue
        doc = docs.get(name, "")
        registry = function_registry(name)
        argument: dict[str, Any] = {
            "name": name,
            "required": parameter.default is inspect.Parameter.empty,
            "types": _types(parameter, doc, registry),
            "doc": doc,
        }
        if parameter.default is not inspect.Parameter.empty:
            ok, value = _json_default(parameter.default)
            argument["default"] = value if ok else None
            if not ok:
                argument["default_repr"] = value
        if registry:
            argument["registry"] = registry
            argument["choices"] = choices[registry]
        arguments.append(argument)
    return arguments, accepts_kwargs


def _category(module: str) -> str:
    parts = module.split(".")
    if parts[:3] == ["keras", "src", "layers"] and len(parts) > 4:
        word = parts[3].replace("_", " ")
        return word.upper() if len(word) <= 3 else word.title()
    return "Other"


def _input_arity(cls: type, category: str, call_docs: dict[str, str]) -> dict[str, Any]:
    """How a layer receives its inputs: one tensor, a list of tensors, or positional tensors."""
    if category == "Merging":
        return {"mode": "list", "min": 2, "max": None}
    parameters = [p for n, p in inspect.signature(cls.call).parameters.items() if n != "self"]  # type: ignore[attr-defined]
    if not parameters or parameters[0].kind is inspect.Parameter.VAR_POSITIONAL:
        return {"mode": "positional", "min": 1, "max": None}
    if parameters[0].name == "inputs":
        if call_docs.get("inputs", "").lower().startswith("list"):
            return {"mode": "list", "min": 1, "max": None}
        return {"mode": "single", "min": 1, "max": 1}
    # Tensors come first (query, value, key); masks, states and flags follow.
    tensors = []
    for parameter in parameters:
        if (
            "mask" in parameter.name
            or parameter.name in ("training", "initial_state", "states")
            or parameter.name.startswith(("return_", "use_"))
        ):
            break
        tensors.append(parameter)
    required = sum(1 for p in tensors if p.default is inspect.Parameter.empty)
    if len(tensors) <= 1:
        return {"mode": "single", "min": 1, "max": 1}
    return {"mode": "positional", "min": max(required, 1), "max": len(tensors)}


def _call_docs(doc: str | None) -> dict[str, str]:
    """The ``Call arguments:`` section of a layer's docstring, parsed like ``Args:``."""
    text = inspect.cleandoc(doc or "")
    match = re.search(r"^(\s*)Call (arguments|args):\s*$", text, flags=re.M)
    if not match:
        return {}
    return parse_docstring("x\n\nArgs:\n" + text[match.end() :].lstrip("\n"))[1]


def describe_layer(name: str, cls: type, choices: dict[str, list[str]]) -> dict[str, Any]:
    """The catalog entry of one layer class."""
    summary, docs = parse_docstring(cls.__doc__)
    # Subclasses often document only what they add; inherited arguments are documented above them.
    for base in cls.__mro__[1:]:
        for argument, text in parse_docstring(base.__doc__)[1].items():
            docs.setdefault(argument, text)
    arguments, accepts_kwargs = describe_arguments(inspect.signature(cls.__init__), docs, choices)
    category = _category(cls.__module__)
    arity = _input_arity(cls, category, _call_docs(cls.__doc__))
    entry: dict[str, Any] = {
        "name": name,
        "class": f"{cls.__module__}.{cls.__qualname__}",
        "category": category,
        "summary": summary,
        "arguments": arguments,
        "accepts_kwargs": accepts_kwargs,
        "inputs": arity,
        "multiple_inputs": arity["max"] is None or arity["max"] > 1,
    }
    if cls.__name__ != name:
        entry["alias_of"] = cls.__name__
    return entry


def build_catalog() -> dict[str, Any]:
    """Introspect the installed Keras into the catalog (uncached; see :func:`catalog`)."""
    keras = keras_module()
    choices = registry_choices()
    layers: dict[str, dict[str, Any]] = {}

    # ``keras.Input`` is a function, not a class; architectures use it as the 'Input' layer.
    summary, docs = parse_docstring(keras.Input.__doc__)
    input_arguments, _ = describe_arguments(inspect.signature(keras.Input), docs, choices)
    layers[INPUT_TYPE] = {
        "name": INPUT_TYPE,
        "class": f"{keras.Input.__module__}.{keras.Input.__qualname__}",
        "category": _category(keras.Input.__module__),
        "summary": summary,
        "arguments": [a for a in input_arguments if a["name"] not in ("name", "tensor")],
        "accepts_kwargs": False,
        "inputs": {"mode": "none", "min": 0, "max": 0},
        "multiple_inputs": False,
    }
    for name, cls in public_layer_classes().items():
        layers[name] = describe_layer(name, cls, choices)

    common_summary = parse_docstring(keras.layers.Layer.__doc__)[1]
    common, _ = describe_arguments(
        inspect.signature(keras.layers.Layer.__init__), common_summary, choices
    )
    return {
        "format": CATALOG_FORMAT,
        "framework": "keras",
        "keras_version": keras.__version__,
        "backend": keras.backend.backend(),
        "categories": sorted({entry["category"] for entry in layers.values()}),
        "registries": choices,
        "common_arguments": common,
        "layers": layers,
    }


def layer_entry(layer_type: str) -> dict[str, Any] | None:
    """The catalog entry of a layer type, or None when Keras has no such public layer."""
    return catalog()["layers"].get(layer_type)


def argument_names(entry: dict[str, Any]) -> set[str]:
    """Every argument a layer accepts: its own, and via ``**kwargs`` the common ones."""
    names = {a["name"] for a in entry["arguments"]}
    if entry.get("accepts_kwargs"):
        names |= {a["name"] for a in catalog()["common_arguments"]}
    return names
