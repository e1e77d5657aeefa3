"""Turn a plain Python function into Operation JSON (``operation.schema.json``).

- positional parameters are inputs (optional when they have a default);
- keyword-only parameters are attributes, typed from their annotation or default
  (int, float, str, bool, ``Literal[...]`` → choice, anything else → json);
- parameters annotated :class:`~forgelab.operations.ArchitectureRef` / ``ArtifactRef`` are
  references;
- the return annotation names the outputs: a ``NamedTuple`` or ``TypedDict`` class, a tuple of
  names (``-> ("x_train", "x_test")``), ``None`` for none, anything else one output ``result``;
- the docstring's first paragraph is the description.
"""

from __future__ import annotations

import ast
import inspect
import typing
from collections.abc import Callable
from typing import Any

from . import ArchitectureRef, ArtifactRef

_SCALARS = {int: "int", float: "float", str: "str", bool: "bool"}
_REFERENCE_KINDS = {ArchitectureRef: "architecture", ArtifactRef: "artifact"}


class OperationDefinitionError(ValueError):
    """A function cannot be described as an operation."""


def _resolve(func: Callable[..., Any], annotation: Any) -> Any:
    """Evaluate a string annotation in the function's globals; keep the string if that fails."""
    if not isinstance(annotation, str):
        return annotation
    try:
        return eval(annotation, dict(getattr(func, "__globals__", {})))  # noqa: S307 - user's own code
    except Exception:  # noqa: BLE001
        return annotation


def _type_name(annotation: Any) -> str:
    if annotation is inspect.Parameter.empty or annotation is Any:
        return "any"
    if isinstance(annotation, str):
        return annotation
    if isinstance(annotation, type):
        module = annotation.__module__
        return (
            annotation.__qualname__
            if module == "builtins"
            else f"{module}.{annotation.__qualname__}"
        )
    return str(annotation).replace("typing.", "")


def _reference_kind(annotation: Any) -> str | None:
    if isinstance(annotation, str):
        tail = annotation.rsplit(".", 1)[-1]
        return {"ArchitectureRef": "architecture", "ArtifactRef": "artifact"}.get(tail)
    for marker, kind in _REFERENCE_KINDS.items():
        if annotation is marker or (
            isinstance(annotation, type) and issubclass(annotation, marker)
        ):
            return kind
    origin_args = typing.get_args(annotation)
    if typing.get_origin(annotation) is typing.Union:  # Optional[ArchitectureRef]
        for arg in origin_args:
            if (kind := _reference_kind(arg)) is not None:
                return kind
    return None


def _attribute(param: inspect.Parameter, annotation: Any) -> dict[str, Any]:
    attr: dict[str, Any] = {"name": param.name}
    has_default = param.default is not inspect.Parameter.empty
    if typing.get_origin(annotation) is typing.Literal:
        attr["type"] = "choice"
        attr["choices"] = list(typing.get_args(annotation))
    elif annotation in _SCALARS:
        attr["type"] = _SCALARS[annotation]
    elif annotation is inspect.Parameter.empty and has_default and type(param.default) in _SCALARS:
        attr["type"] = _SCALARS[type(param.default)]
    else:
        attr["type"] = "json"
    if has_default:
        attr["default"] = param.default
    else:
        attr["required"] = True
    return attr


def _outputs(annotation: Any) -> list[dict[str, Any]]:
    if annotation is inspect.Signature.empty:
        return [{"name": "result", "type": "any"}]
    if annotation is None or annotation is type(None):
        return []
    if isinstance(annotation, str):  # an annotation that could not be evaluated
        try:
            value = ast.literal_eval(annotation)
        except (ValueError, SyntaxError):
            return [{"name": "result", "type": annotation}]
        annotation = value
    if isinstance(annotation, tuple) and all(isinstance(n, str) for n in annotation):
        return [{"name": n, "type": "any"} for n in annotation]
    if (
        isinstance(annotation, type)
        and issubclass(annotation, tuple)
        and hasattr(annotation, "_fields")
    ):
        hints = typing.get_type_hints(annotation)
        return [{"name": f, "type": _type_name(hints.get(f, Any))} for f in annotation._fields]
    if typing.is_typeddict(annotation):
        hints = typing.get_type_hints(annotation)
        return [{"name": k, "type": _type_name(v)} for k, v in hints.items()]
    return [{"name": "result", "type": _type_name(annotation)}]


def _description(func: Callable[..., Any]) -> str | None:
    doc = inspect.getdoc(func)
    if not doc:
        return None
    return doc.split("\n\n", 1)[0].replace("\n", " ").strip()


def describe(
    func: Callable[..., Any],
    *,
    op_id: str | None = None,
    module: str | None = None,
    code: str | None = None,
    category: str | None = None,
) -> dict[str, Any]:
    """The Operation JSON of ``func``.

    Give ``module`` when the function is importable where jobs run (built-in operations), or
    ``code`` (the source of the file defining it) to embed it in the job.
    """
    if not callable(func) or not getattr(func, "__name__", None):
        raise OperationDefinitionError(f"{func!r} is not a named function")
    try:
        hints = typing.get_type_hints(func, include_extras=False)
    except Exception:  # noqa: BLE001 - one unresolvable annotation: resolve the others one by one
        hints = {k: _resolve(func, v) for k, v in getattr(func, "__annotations__", {}).items()}
    signature = inspect.signature(func)
    inputs: list[dict[str, Any]] = []
    attributes: list[dict[str, Any]] = []
    references: list[dict[str, Any]] = []
    for param in signature.parameters.values():
        annotation = hints.get(param.name, param.annotation)
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise OperationDefinitionError(
                f"{func.__name__}: *{param.name} / **{param.name} cannot be an operation port; "
                "name each input and attribute"
            )
        if (kind := _reference_kind(annotation)) is not None:
            ref: dict[str, Any] = {"name": param.name, "kind": kind}
            if param.default is not inspect.Parameter.empty:
                ref["optional"] = True
            references.append(ref)
        elif param.kind is param.KEYWORD_ONLY:
            attributes.append(_attribute(param, annotation))
        else:
            port: dict[str, Any] = {"name": param.name, "type": _type_name(annotation)}
            if param.default is not inspect.Parameter.empty:
                port["optional"] = True
            inputs.append(port)
    source: dict[str, Any] = {"language": "python", "function": func.__name__}
    if module:
        source["module"] = module
    else:
        source["code"] = code if code is not None else inspect.getsource(func)
    operation: dict[str, Any] = {
        "id": op_id or f"{module or func.__module__}.{func.__name__}",
        "name": func.__name__.replace("_", " ").strip().capitalize(),
        "inputs": inputs,
        "outputs": _outputs(hints.get("return", signature.return_annotation)),
        "attributes": attributes,
        "references": references,
        "source": source,
    }
    if (description := _description(func)) is not None:
        operation["description"] = description
    if category:
        operation["category"] = category
    return operation
