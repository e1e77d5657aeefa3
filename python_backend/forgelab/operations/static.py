"""Describe the operations of Python source without running it.

Workspace files and inline code may come from someone else (a shared folder, a pipeline
downloaded from a colleague). Listing operations or editing a pipeline must not execute a
single line of that code, so this module reads the source with :mod:`ast` only: the functions
defined at the top level, their parameters, annotations, literal defaults and docstrings. The
rules are those of :func:`forgelab.operations.introspect.describe` (positional parameters are
inputs, keyword-only ones attributes, ``ArchitectureRef``/``ArtifactRef`` annotations
references, the return annotation names the outputs); the code runs only in a job, when the
user runs the pipeline.

What a static reading cannot know stays open rather than guessed: a default that is not a
literal (``rate=math.pi``) makes an optional attribute without a ``default``, and a type
annotation keeps the name written in the source, qualified through the file's imports
(``np.ndarray`` → ``numpy.ndarray``).
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Iterator
from typing import Any

from .introspect import OperationDefinitionError

_SCALARS = ("int", "float", "str", "bool")
_REFERENCE_KINDS = {"ArchitectureRef": "architecture", "ArtifactRef": "artifact"}
_NO_VALUE = object()

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


class StaticDescriptionError(OperationDefinitionError):
    """A function cannot be described as an operation; ``line`` is 1-based."""

    def __init__(self, message: str, line: int | None) -> None:
        self.line = line
        super().__init__(message)


def parse(code: str, filename: str = "<operation>") -> ast.Module:
    """The module's syntax tree; raises :class:`SyntaxError` with its line."""
    return ast.parse(code, filename=filename)


def public_functions(tree: ast.Module) -> dict[str, FunctionNode]:
    """The public functions defined at the top level, in the order first defined (the last
    definition of a name wins, as when the module runs)."""
    found: dict[str, FunctionNode] = {}
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if not statement.name.startswith("_"):
                found[statement.name] = statement
    return found


def first_line(function: FunctionNode) -> int:
    """The line of the function's first decorator, else of its ``def``."""
    return min([function.lineno, *(d.lineno for d in function.decorator_list)])


def describe_function(
    tree: ast.Module,
    function: FunctionNode,
    *,
    op_id: str,
    code: str,
    category: str | None = None,
) -> dict[str, Any]:
    """The Operation JSON of ``function`` (a top-level function of ``tree``); its
    ``source.code`` is ``code``. Raises :class:`StaticDescriptionError`."""
    reader = _Reader(tree)
    args = function.args
    for star in (args.vararg, args.kwarg):
        if star is not None:
            raise StaticDescriptionError(
                f"{function.name}: *{star.arg} / **{star.arg} cannot be an operation port; "
                "name each input and attribute",
                first_line(function),
            )
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += list(args.defaults)
    inputs: list[dict[str, Any]] = []
    attributes: list[dict[str, Any]] = []
    references: list[dict[str, Any]] = []
    parameters = [(a, d, False) for a, d in zip(positional, defaults, strict=True)]
    parameters += [(a, d, True) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)]
    for arg, default, keyword_only in parameters:
        annotation = reader.annotation(arg.annotation)
        if (kind := reader.reference_kind(annotation)) is not None:
            ref: dict[str, Any] = {"name": arg.arg, "kind": kind}
            if default is not None:
                ref["optional"] = True
            references.append(ref)
        elif keyword_only:
            attributes.append(reader.attribute(arg.arg, annotation, default))
        else:
            port: dict[str, Any] = {"name": arg.arg, "type": reader.type_name(annotation)}
            if default is not None:
                port["optional"] = True
            inputs.append(port)
    operation: dict[str, Any] = {
        "id": op_id,
        "name": function.name.replace("_", " ").strip().capitalize(),
        "inputs": inputs,
        "outputs": reader.outputs(function.returns),
        "attributes": attributes,
        "references": references,
        "source": {"language": "python", "function": function.name, "code": code},
    }
    docstring = ast.get_docstring(function)
    if docstring:
        operation["description"] = docstring.split("\n\n", 1)[0].replace("\n", " ").strip()
    if category:
        operation["category"] = category
    return operation


class _Reader:
    """Reads annotations and defaults of one module's functions."""

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.aliases: dict[str, str] = {}
        self.classes: dict[str, ast.ClassDef] = {}
        #: Module-level names bound to a literal (``GALAXY_SQL = "SELECT ..."``), for defaults.
        self.constants: dict[str, Any] = {}
        for statement in tree.body:
            if isinstance(statement, ast.Import):
                for alias in statement.names:
                    if alias.asname:
                        self.aliases[alias.asname] = alias.name
            elif isinstance(statement, ast.ImportFrom) and statement.module and not statement.level:
                for alias in statement.names:
                    self.aliases[alias.asname or alias.name] = f"{statement.module}.{alias.name}"
            elif isinstance(statement, ast.ClassDef):
                self.classes[statement.name] = statement
            elif (
                isinstance(statement, ast.Assign)
                and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)
            ):
                value = _literal(statement.value)
                if value is not _NO_VALUE:
                    self.constants[statement.targets[0].id] = value

    def annotation(self, node: ast.expr | None) -> ast.expr | None:
        """The annotation, with a string annotation (``"int"``) parsed to its expression."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                return ast.parse(node.value, mode="eval").body
            except SyntaxError:
                return node
        return node

    def qualified(self, node: ast.expr) -> str:
        """The dotted name of ``node`` with the file's import aliases expanded."""
        text = ast.unparse(node)
        head, dot, rest = text.partition(".")
        if head in self.aliases:
            text = self.aliases[head] + dot + rest
        for prefix in ("typing.", "typing_extensions.", "builtins."):
            if text.startswith(prefix):
                text = text[len(prefix) :]
        return text

    def value(self, node: ast.expr | None) -> Any:
        """The literal value of a default, or of the module constant it names."""
        if isinstance(node, ast.Name) and node.id in self.constants:
            return self.constants[node.id]
        return _literal(node)

    def type_name(self, node: ast.expr | None) -> str:
        if node is None:
            return "any"
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, (ast.Name, ast.Attribute)):
            name = self.qualified(node)
            return "any" if name == "Any" else name
        reader = self

        class Qualify(ast.NodeTransformer):
            def visit_Name(self, name: ast.Name) -> ast.expr:
                return ast.Name(id=reader.qualified(name), ctx=name.ctx)

            def visit_Attribute(self, attribute: ast.Attribute) -> ast.expr:
                return ast.Name(id=reader.qualified(attribute), ctx=attribute.ctx)

        return ast.unparse(Qualify().visit(copy.deepcopy(node)))

    def _tail(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return self.qualified(node).rsplit(".", 1)[-1]
        if isinstance(node, ast.Attribute):
            return node.attr
        return None

    def reference_kind(self, node: ast.expr | None) -> str | None:
        if node is None:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return _REFERENCE_KINDS.get(node.value.rsplit(".", 1)[-1])
        if (tail := self._tail(node)) in _REFERENCE_KINDS:
            return _REFERENCE_KINDS[tail]
        members: list[ast.expr] = []
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):  # X | None
            members = [node.left, node.right]
        elif isinstance(node, ast.Subscript) and self._tail(node.value) in ("Optional", "Union"):
            inner = node.slice
            members = list(inner.elts) if isinstance(inner, ast.Tuple) else [inner]
        for member in members:
            if (kind := self.reference_kind(member)) is not None:
                return kind
        return None

    def attribute(
        self, name: str, annotation: ast.expr | None, default: ast.expr | None
    ) -> dict[str, Any]:
        attr: dict[str, Any] = {"name": name}
        value = self.value(default) if default is not None else _NO_VALUE
        if isinstance(annotation, ast.Subscript) and self._tail(annotation.value) == "Literal":
            inner = annotation.slice
            choices = [
                _literal(e) for e in (inner.elts if isinstance(inner, ast.Tuple) else [inner])
            ]
            if any(c is _NO_VALUE for c in choices):
                raise StaticDescriptionError(
                    f"attribute {name!r}: the choices of Literal[...] must be literal values",
                    annotation.lineno,
                )
            attr["type"] = "choice"
            attr["choices"] = choices
        elif annotation is not None and self.type_name(annotation) in _SCALARS:
            attr["type"] = self.type_name(annotation)
        elif annotation is None and type(value).__name__ in _SCALARS:
            attr["type"] = type(value).__name__
        else:
            attr["type"] = "json"
        if default is None:
            attr["required"] = True
        elif value is not _NO_VALUE:
            attr["default"] = value
        return attr

    def outputs(self, node: ast.expr | None) -> list[dict[str, Any]]:
        if node is None:
            return [{"name": "result", "type": "any"}]
        node = self.annotation(node)
        assert node is not None
        if isinstance(node, ast.Constant) and node.value is None:
            return []
        if isinstance(node, ast.Name) and node.id == "NoneType":
            return []
        if isinstance(node, ast.Tuple) and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
        ):
            return [{"name": e.value, "type": "any"} for e in node.elts]  # type: ignore[attr-defined]
        if isinstance(node, ast.Name) and node.id in self.classes:
            fields = self.record_fields(self.classes[node.id])
            if fields is not None:
                return fields
        return [{"name": "result", "type": self.type_name(node)}]

    def record_fields(self, cls: ast.ClassDef) -> list[dict[str, Any]] | None:
        """The fields of a ``NamedTuple`` or ``TypedDict`` class, or None for another class."""
        if not any(self._tail(base) in ("NamedTuple", "TypedDict") for base in cls.bases):
            return None
        return [
            {"name": s.target.id, "type": self.type_name(self.annotation(s.annotation))}
            for s in cls.body
            if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
        ]


def _literal(node: ast.expr | None) -> Any:
    try:
        return ast.literal_eval(node) if node is not None else _NO_VALUE
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return _NO_VALUE


def iter_operations(
    code: str, *, id_prefix: str, filename: str, category: str | None = None
) -> Iterator[dict[str, Any]]:
    """The Operation JSON of every public top-level function of ``code``."""
    tree = parse(code, filename)
    for name, function in public_functions(tree).items():
        yield describe_function(
            tree, function, op_id=f"{id_prefix}{name}", code=code, category=category
        )
