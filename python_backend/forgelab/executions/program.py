"""A pipeline as plain Python: one statement per node, in dependency order, values in variables.

:func:`program` is the one translation that both an exported ``main.py``
(:mod:`forgelab.executions.export`) and the pipeline's notebook
(:mod:`forgelab.executions.notebook`) are written from: the same dependency order, the same
matching of return values to output ports as a job's runtime, the same operation code. Only where
files are (copied into an export, or read in place beside the notebook) is left to the caller.
"""

from __future__ import annotations

import builtins
import inspect
import keyword
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..jobs.runtime import split_outputs
from ..paths import PathError, tree_inside_root
from . import graph
from . import pipeline as pipelines
from .running import _attribute_values

OUTPUTS_HELPER = re.sub(
    r"^def split_outputs\(.*?\) -> .*?:\n",  # its annotations name what main.py does not import
    "def _outputs(value, ports):\n",
    inspect.getsource(split_outputs),
    count=1,
)
"""The output matching of :func:`forgelab.jobs.runtime.split_outputs`, as standalone code."""

FileExpression = Callable[[Path, str], str]
"""``(local file, "inputs" or "refs")`` → a Python expression of its path where the code runs."""


class ExportError(ValueError):
    """A pipeline cannot be exported; the message says why and what to do."""


@dataclass(frozen=True)
class Definition:
    """An operation the program calls, bound to ``alias``: imported, or its inline code."""

    alias: str
    operation: Mapping[str, Any]

    @property
    def function(self) -> str:
        return str(self.operation["source"]["function"])

    @property
    def module(self) -> str | None:
        """The installed or workspace module it comes from; ``None`` for inline code."""
        return self.operation["source"].get("module")

    @property
    def code(self) -> str:
        return str(self.operation["source"].get("code", ""))


@dataclass(frozen=True)
class Step:
    """The statement of one node: its title (a comment) and its code, unindented."""

    node_id: str
    title: str
    code: str


@dataclass
class Program:
    """A pipeline as Python: what it defines, one step per node, and its outputs by name."""

    name: str
    definitions: list[Definition] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    results: dict[str, str] = field(default_factory=dict)

    def results_expression(self) -> str:
        """``{"output name": variable, ...}``: the pipeline's outputs."""
        return "{" + ", ".join(f"{k!r}: {v}" for k, v in self.results.items()) + "}"


RESERVED = frozenset(dir(builtins)) | frozenset(keyword.kwlist) | {"_outputs"}
"""Names a generated variable never takes, so no built-in or helper is shadowed."""


def identifier(candidates: Iterable[str], taken: set[str]) -> str:
    """The first of ``candidates``, made an identifier, that is not ``taken`` (which it joins);
    numbered after the last candidate when all are."""
    name = "node"
    for text in candidates:
        name = re.sub(r"\W", "_", text).strip("_") or "node"
        if name[0].isdigit():
            name = f"n_{name}"
        if name not in taken and name not in RESERVED:
            taken.add(name)
            return name
    base, index = name, 2
    while name in taken or name in RESERVED:
        name, index = f"{base}_{index}", index + 1
    taken.add(name)
    return name


def local_file(base: Path, value: Any, what: str, root: Path | None = None) -> Path:
    """The local file an Input or a reference names (relative to ``base``), which must exist,
    and with ``root`` (a server's Jupyter root) lie inside it, as a job's files must."""
    if not isinstance(value, str) or not value or "://" in value or value.startswith("~"):
        raise ExportError(
            f"{what}: {value!r} is not a file next to the pipeline; only files can be exported "
            "(download the artifact and point the Input at the file)"
        )
    path = Path(value) if Path(value).is_absolute() else base / value
    try:
        outside = root is not None and tree_inside_root(root, path) is None
    except PathError as error:
        raise ExportError(f"{what}: {value[:60]!r}: {error}") from None
    if outside:
        raise ExportError(
            f"{what}: {value} is outside the Jupyter root (links followed): use a file inside it"
        )
    if not path.exists():
        raise ExportError(f"{what}: {value} does not exist (choose an existing file)")
    return path


def _definition(
    operation: Mapping[str, Any], node_id: str, known: dict[str, Definition], taken: set[str]
) -> Definition:
    """The definition of ``operation``: one per distinct module function or inline code."""
    source = operation["source"]
    key = f"{source.get('module', '')}:{source['function']}:{source.get('code', '')}"
    if key not in known:
        alias = identifier([source["function"], f"{source['function']}_{node_id}"], taken)
        known[key] = Definition(alias, operation)
    return known[key]


def _call(definition: Definition, args: list[str], ports: list[str], outputs: list[str]) -> str:
    call = f"{definition.alias}({', '.join(args)})"
    if not ports:
        return call
    matched = f"_outputs({call}, {ports!r})"
    if len(ports) == 1:
        return f"{outputs[0]} = {matched}[{ports[0]!r}]"
    return f"{', '.join(outputs)} = {matched}.values()"


def program(
    doc: Mapping[str, Any],
    base: Path,
    file_expression: FileExpression,
    taken: Iterable[str] = (),
    root: Path | None = None,
) -> Program:
    """Translate pipeline ``doc`` (its files relative to ``base``) into a :class:`Program`.

    Raises :class:`ExportError` for an Input or reference that is not a local file (or, with
    ``root``, one outside it), and :class:`~forgelab.executions.pipeline.PipelineError` for a
    pipeline that cannot run. ``taken`` are names the caller's own code uses.
    """
    pipelines.validate(doc, check_sources=True)
    nodes = {n["id"]: n for n in doc["nodes"]}
    names: set[str] = set(taken)
    known: dict[str, Definition] = {}
    variables: dict[tuple[str, str], str] = {}
    result = Program(name=str(doc.get("name") or "pipeline"))
    for node_id in pipelines.topological_order(doc):
        node = nodes.get(node_id)
        if node is None:
            continue
        title = (
            node.get("label")
            or node.get("name")
            or (node.get("operation") or {}).get("name")
            or node_id
        )
        comment = f"# {title}" + ("" if title == node_id else f" ({node_id})")
        if node["kind"] == "input":
            path = local_file(base, node.get("source"), f"input {title!r}", root)
            variable = identifier([node.get("name") or node_id, node_id], names)
            variables[(node_id, "value")] = variable
            code = f"{variable} = {file_expression(path, 'inputs')}"
            result.steps.append(Step(node_id, title, f"{comment}\n{code}"))
            continue
        if node["kind"] != "operation":
            continue
        operation = node["operation"]
        definition = _definition(operation, node_id, known, names)
        args: list[str] = []
        for port, feeder in graph.incoming(doc, node_id):
            upstream = nodes[feeder["node"]]
            key = (feeder["node"], feeder["port"] if upstream["kind"] == "operation" else "value")
            args.append(f"{port}={variables[key]}")
        for name, ref in (node.get("references") or {}).items():
            path = local_file(base, ref, f"{title}: reference {name!r}", root)
            args.append(f"{name}={file_expression(path, 'refs')}")
        args += [f"{k}={v!r}" for k, v in _attribute_values(node).items()]
        ports = [p["name"] for p in operation.get("outputs", [])]
        outputs = [identifier([port, f"{node_id}_{port}"], names) for port in ports]
        variables.update({(node_id, port): out for port, out in zip(ports, outputs, strict=True)})
        code = _call(definition, args, ports, outputs)
        result.steps.append(Step(node_id, title, f"{comment}\n{code}"))
    result.definitions = list(known.values())
    for node in doc["nodes"]:
        if node["kind"] != "output":
            continue
        for _, feeder in graph.incoming(doc, node["id"]):
            result.results[node["name"]] = variables[(feeder["node"], feeder["port"])]
    return result
