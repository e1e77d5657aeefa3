"""The layer catalog of PyTorch: every public ``torch.nn`` module, found by introspection.

A class is a layer when it is a public subclass of ``torch.nn.Module`` that implements ``forward``
and is neither a container (``Sequential``...), a loss, nor a parallel wrapper. Its arguments come
from the constructor's signature (or, for classes that take ``*args``, from the ``__init__(...)``
line their docstring starts with), in order, with types from the annotations and documentation
from the ``Args:`` section. Besides the modules there are three pseudo layers: ``Input`` (a model
input, its shape without the batch dimension), ``Concatenate`` (``torch.cat``) and ``Add``.

The catalog is cached per torch version under ``$FORGELAB_CACHE_DIR`` like Keras's.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
from functools import cache
from typing import Any

from ..environment import cache_dir
from ..libraries.cache import write_atomically
from ..libraries.introspection import json_default, parse_docstring
from ..libraries.structure import INPUT_TYPE

#: Bumped whenever the catalog's JSON shape changes, so stale caches are rebuilt.
CATALOG_FORMAT = 1

#: Pseudo layers that the generated ``forward`` writes as a function, not a module.
CONCATENATE, ADD = "Concatenate", "Add"

#: Modules of ``torch.nn`` whose classes are not layers of a feed-forward graph.
_EXCLUDED_MODULES = ("torch.nn.modules.container", "torch.nn.modules.loss", "torch.nn.parallel")

#: Palette groups, named as in the Keras palette, for the files of ``torch.nn.modules``.
_GROUPS = {
    "activation": "Activations",
    "adaptive": "Activations",
    "batchnorm": "Normalization",
    "instancenorm": "Normalization",
    "normalization": "Normalization",
    "conv": "Convolutional",
    "pooling": "Pooling",
    "dropout": "Regularization",
    "linear": "Core",
    "sparse": "Core",
    "flatten": "Reshaping",
    "fold": "Reshaping",
    "padding": "Reshaping",
    "pixelshuffle": "Reshaping",
    "channelshuffle": "Reshaping",
    "upsampling": "Reshaping",
    "rnn": "RNN",
    "transformer": "Attention",
    "distance": "Merging",
}

#: Constructor arguments that place a module rather than describe it; the editor never sets them.
_PLACEMENT = frozenset({"device", "dtype"})

_TYPE_NAMES = {"int": "int", "float": "float", "bool": "bool", "str": "str", "tuple": "tuple"}


def torch_module():  # type: ignore[no-untyped-def]
    import torch

    return torch


def catalog(*, refresh: bool = False) -> dict[str, Any]:
    """The catalog of the installed torch: from memory, else the disk cache, else built."""
    if refresh:
        _cached.cache_clear()
        return _cached(True)
    return _cached(False)


@cache
def _cached(refresh: bool) -> dict[str, Any]:
    path = cache_dir() / f"torch-catalog-{torch_module().__version__}-v{CATALOG_FORMAT}.json"
    if not refresh:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") == CATALOG_FORMAT:
                return data
        except (OSError, ValueError):
            pass
    data = build_catalog()
    write_atomically(path, json.dumps(data, indent=1))
    return data


def layer_entry(layer_type: str) -> dict[str, Any] | None:
    """The catalog entry of a layer type, or None when ``torch.nn`` has no such layer."""
    return catalog()["layers"].get(layer_type)


def public_module_classes() -> dict[str, type]:
    """Public names of ``torch.nn`` bound to layer classes."""
    nn = torch_module().nn
    found: dict[str, type] = {}
    for name in sorted(dir(nn)):
        cls = getattr(nn, name)
        if name.startswith("_") or not inspect.isclass(cls) or not issubclass(cls, nn.Module):
            continue
        if cls.__module__.startswith(_EXCLUDED_MODULES) or cls.forward is nn.Module.forward:
            continue
        found[name] = cls
    return found


def _type_names(annotation: Any) -> list[str]:
    """``Union[int, tuple[int, int]]`` → ``["int", "tuple"]``; unknown annotations → ``any``."""
    if annotation is inspect.Parameter.empty:
        return []
    text = annotation if isinstance(annotation, str) else str(annotation)
    if isinstance(annotation, type):
        text = annotation.__name__
    text = re.sub(r"\btyping\.", "", text)
    if "_size_" in text or "_ratio_" in text:
        return ["int", "tuple"] if "_size_" in text else ["float", "tuple"]
    found = []
    for word in re.findall(r"[A-Za-z_]+", text):
        kind = _TYPE_NAMES.get(word.lower())
        if word == "Literal":
            kind = "str"
        if kind and kind not in found:
            found.append(kind)
    return found


def _signature(cls: type) -> inspect.Signature:
    """The constructor's signature; classes that take ``*args`` document it on their first line."""
    signature = inspect.signature(cls.__init__)
    kinds = {p.kind for p in signature.parameters.values()}
    if inspect.Parameter.VAR_POSITIONAL not in kinds:
        return signature
    first = inspect.cleandoc(cls.__doc__ or "").split("\n", 1)[0].strip()
    match = re.fullmatch(r"__init__\((.*)\)", first)
    if not match:
        return signature
    function = ast.parse(f"def f(self, {match.group(1)}): pass").body[0]
    assert isinstance(function, ast.FunctionDef)
    args = function.args.args
    defaults = [None] * (len(args) - len(function.args.defaults)) + function.args.defaults
    parameters = []
    for arg, default in zip(args, defaults, strict=True):
        value = inspect.Parameter.empty if default is None else ast.literal_eval(default)
        parameters.append(
            inspect.Parameter(arg.arg, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=value)
        )
    return inspect.Signature(parameters)


def describe_arguments(cls: type, docs: dict[str, str]) -> list[dict[str, Any]]:
    """Constructor arguments in order, without ``device`` and ``dtype``."""
    arguments = []
    for name, parameter in _signature(cls).parameters.items():
        if name == "self" or name in _PLACEMENT:
            continue
        if parameter.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            continue
        types = _type_names(parameter.annotation)
        default = parameter.default
        if not types and default is not inspect.Parameter.empty and default is not None:
            types = _type_names(type(default))
        argument: dict[str, Any] = {
            "name": name,
            "required": default is inspect.Parameter.empty,
            "types": types or ["any"],
            "doc": _plain(docs.get(name, "")),
        }
        if default is not inspect.Parameter.empty:
            ok, value = json_default(default)
            argument["default"] = value if ok else None
            if not ok:
                argument["default_repr"] = value
        arguments.append(argument)
    return arguments


def _plain(text: str) -> str:
    """reStructuredText roles and literals as plain words (``:attr:`x``` → ``x``)."""
    text = re.sub(r":[a-z]+:`~?([^`]*)`", r"\1", text)
    return text.replace("``", "").replace("`", "")


def _input_arity(cls: type) -> dict[str, Any]:
    """The tensors ``forward`` requires; optional ones (masks, states) are left to defaults."""
    parameters = list(inspect.signature(cls.forward).parameters.values())[1:]
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters):
        return {"mode": "positional", "min": 1, "max": None}
    required = [p for p in parameters if p.default is inspect.Parameter.empty]
    if len(required) <= 1:
        return {"mode": "single", "min": 1, "max": 1}
    return {"mode": "positional", "min": len(required), "max": len(required)}


def _category(cls: type) -> str:
    if "Attention" in cls.__name__:
        return "Attention"
    file = cls.__module__.rsplit(".", 1)[-1]
    return _GROUPS.get(file, file.replace("_", " ").title())


def _returns_tuple(cls: type) -> bool:
    """Whether ``forward`` returns several tensors (RNNs, attention): the first one flows on."""
    nn = torch_module().nn
    annotation = inspect.signature(cls.forward).return_annotation
    return issubclass(cls, nn.RNNBase) or "tuple" in str(annotation).lower()


def describe_layer(name: str, cls: type) -> dict[str, Any]:
    """The catalog entry of one ``torch.nn`` class."""
    doc = inspect.cleandoc(cls.__doc__ or "")
    if doc.startswith("__init__("):
        doc = doc.split("\n", 1)[-1]
    summary, docs = parse_docstring(doc)
    arity = _input_arity(cls)
    entry: dict[str, Any] = {
        "name": name,
        "class": f"torch.nn.{name}",
        "category": _category(cls),
        "summary": _plain(summary),
        "arguments": describe_arguments(cls, docs),
        "accepts_kwargs": False,
        "inputs": arity,
        "multiple_inputs": arity["max"] is None or arity["max"] > 1,
    }
    if _returns_tuple(cls):
        entry["outputs"] = "first"
    if cls.__name__ != name:
        entry["alias_of"] = cls.__name__
    return entry


def _pseudo_layers() -> dict[str, dict[str, Any]]:
    """``Input``, ``Concatenate`` and ``Add``: what a graph needs that ``torch.nn`` has no
    module for."""
    return {
        INPUT_TYPE: {
            "name": INPUT_TYPE,
            "class": "torch.Tensor",
            "category": "Core",
            "summary": "A model input: a tensor of this shape, without the batch dimension.",
            "arguments": [
                {
                    "name": "shape",
                    "required": True,
                    "types": ["tuple"],
                    "doc": "The input's shape without the batch dimension, e.g. (5, 64, 64) "
                    "for five-band 64x64 images (channels first, as torch expects).",
                },
                {
                    "name": "dtype",
                    "required": False,
                    "types": ["str"],
                    "doc": "The input's torch dtype: float32, float64, int64 (indices for "
                    "Embedding)...",
                    "default": "float32",
                },
            ],
            "accepts_kwargs": False,
            "inputs": {"mode": "none", "min": 0, "max": 0},
            "multiple_inputs": False,
        },
        CONCATENATE: {
            "name": CONCATENATE,
            "class": "torch.cat",
            "category": "Merging",
            "summary": "Concatenates its inputs along a dimension (torch.cat).",
            "arguments": [
                {
                    "name": "dim",
                    "required": False,
                    "types": ["int"],
                    "doc": "The dimension to join along; 1 is the channels of images.",
                    "default": 1,
                }
            ],
            "accepts_kwargs": False,
            "inputs": {"mode": "list", "min": 2, "max": None},
            "multiple_inputs": True,
        },
        ADD: {
            "name": ADD,
            "class": "operator.add",
            "category": "Merging",
            "summary": "Adds its inputs element-wise (broadcasting as torch does).",
            "arguments": [],
            "accepts_kwargs": False,
            "inputs": {"mode": "list", "min": 2, "max": None},
            "multiple_inputs": True,
        },
    }


def build_catalog() -> dict[str, Any]:
    """Introspect the installed ``torch.nn`` into the catalog (uncached; see :func:`catalog`)."""
    torch = torch_module()
    layers = _pseudo_layers()
    for name, cls in public_module_classes().items():
        layers[name] = describe_layer(name, cls)
    return {
        "format": CATALOG_FORMAT,
        "framework": "torch",
        "torch_version": torch.__version__,
        "categories": sorted({entry["category"] for entry in layers.values()}),
        "common_arguments": [],
        "layers": layers,
    }
