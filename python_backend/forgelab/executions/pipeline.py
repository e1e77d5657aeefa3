"""Pipelines beyond their schema: semantic validation, dependency order, attribute overrides.

The JSON Schema says a pipeline is well formed; :func:`check` says whether it can run: no cycle,
every connection between known nodes and ports, at most one source per input, every required
input connected, every operation's code found, every attribute of its declared type. Each
problem is a :class:`PipelineIssue` with a JSON Pointer and the node it concerns.
"""

from __future__ import annotations

import ast
import copy
import heapq
import importlib.machinery
import importlib.util
import json
import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import formats
from . import graph


@dataclass(frozen=True)
class PipelineIssue:
    """One reason a pipeline cannot run."""

    path: str
    message: str
    node: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "message": self.message}
        if self.node is not None:
            data["node"] = self.node
        return data

    def __str__(self) -> str:
        where = f" (node {self.node})" if self.node else ""
        return f"{self.path or '/'}{where}: {self.message}"


class PipelineError(ValueError):
    """A pipeline cannot run; :attr:`issues` says every reason."""

    def __init__(self, issues: list[PipelineIssue], source: str | None = None) -> None:
        self.issues, self.source = issues, source
        where = f" {source}" if source else ""
        lines = "\n".join(f"  {i}" for i in issues)
        super().__init__(f"The pipeline{where} cannot run:\n{lines}")

    def to_json(self) -> dict[str, Any]:
        return {"message": str(self), "issues": [i.to_json() for i in self.issues]}


def operation_nodes(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [n for n in doc.get("nodes", []) if n.get("kind") == "operation"]


def _find_spec_unrun(name: str) -> importlib.machinery.ModuleSpec | None:
    """The spec of module ``name``, found without running its code or its packages' code
    (``importlib.util.find_spec`` imports the parent packages of a dotted name)."""
    if name in sys.modules:
        return getattr(sys.modules[name], "__spec__", None)
    parent, _, _ = name.rpartition(".")
    if not parent or parent in sys.modules:
        return importlib.util.find_spec(name)
    parent_spec = _find_spec_unrun(parent)
    locations = parent_spec.submodule_search_locations if parent_spec else None
    if not locations:
        return None
    return importlib.machinery.PathFinder.find_spec(name, list(locations))


def _defines(path: str, function: str) -> bool:
    """Whether the Python file at ``path`` binds ``function`` at its top level (read, not run).

    A file whose names cannot be known without running it (``from x import *``, a module
    ``__getattr__``) is given the benefit of the doubt: the job reports it if it is wrong.
    """
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read(), filename=path)
    bound: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            bound |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return function in bound or "*" in bound or "__getattr__" in bound


def _check_module(module: str, function: str) -> str | None:
    """Why ``module`` has no function ``function``, found without importing a module that is
    not loaded yet: validating a pipeline from someone else must not run its code."""
    try:
        spec = _find_spec_unrun(module)
    except (ImportError, ValueError) as error:
        return f"unknown operation: module {module!r} cannot be found: {error}"
    if spec is None:
        return f"unknown operation: module {module!r} is not installed here"
    if module in sys.modules:
        defined = callable(getattr(sys.modules[module], function, None))
    elif spec.origin and spec.origin.endswith(".py"):
        try:
            defined = _defines(spec.origin, function)
        except (OSError, SyntaxError, UnicodeDecodeError, ValueError) as error:
            return f"unknown operation: module {module!r} cannot be read: {error}"
    else:  # compiled or namespace module: only running it would tell
        defined = True
    if not defined:
        return f"unknown operation: module {module!r} has no function {function!r}"
    return None


def _check_source(source: Mapping[str, Any]) -> str | None:
    """Why the operation's code cannot be found, or None. Nothing of it runs."""
    function = source.get("function", "")
    if "module" in source:
        return _check_module(source["module"], function)
    try:
        tree = ast.parse(source.get("code", ""))
    except SyntaxError as error:
        return f"the operation's code has a syntax error at line {error.lineno}: {error.msg}"
    defined = {
        n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
    } | {
        t.id
        for n in tree.body
        if isinstance(n, ast.Assign)
        for t in n.targets
        if isinstance(t, ast.Name)
    }
    if function not in defined:
        return f"unknown operation: the code defines no function {function!r}"
    return None


def attribute_problem(spec: Mapping[str, Any], value: Any) -> str | None:
    """Why ``value`` does not fit attribute ``spec``, or None."""
    kind = spec["type"]
    if value is None and not spec.get("required"):
        return None
    if kind == "int" and (not isinstance(value, int) or isinstance(value, bool)):
        return f"expected an integer, got {formats_quote(value)}"
    if kind == "float" and (not isinstance(value, (int, float)) or isinstance(value, bool)):
        return f"expected a number, got {formats_quote(value)}"
    if isinstance(value, float) and not math.isfinite(value):
        return f"expected a finite number, got {value}"
    if kind == "str" and not isinstance(value, str):
        return f"expected a string, got {formats_quote(value)}"
    if kind == "bool" and not isinstance(value, bool):
        return f"expected true or false, got {formats_quote(value)}"
    if kind == "choice" and value not in spec.get("choices", []):
        choices = ", ".join(formats_quote(c) for c in spec.get("choices", []))
        return f"expected one of {choices}, got {formats_quote(value)}"
    if kind in ("int", "float"):
        if "minimum" in spec and value < spec["minimum"]:
            return f"expected a number >= {spec['minimum']}, got {value}"
        if "maximum" in spec and value > spec["maximum"]:
            return f"expected a number <= {spec['maximum']}, got {value}"
    return None


def formats_quote(value: Any) -> str:
    text = json.dumps(value, default=repr)
    return text if len(text) <= 60 else text[:57] + "..."


def _find_cycle(nodes: list[str], edges: dict[str, set[str]]) -> list[str] | None:
    """Node ids forming one cycle, in order, or None."""
    # Iterative depth-first search: long chains (reified histories) exceed the recursion limit.
    state: dict[str, int] = {}
    for start in nodes:
        if start in state:
            continue
        state[start] = 1
        path = [start]
        pending = [iter(sorted(edges.get(start, ())))]
        while pending:
            nxt = next(pending[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                pending.pop()
                continue
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                pending.append(iter(sorted(edges.get(nxt, ()))))
    return None


#: Public name of the cycle search, for graphs built outside a pipeline document.
find_cycle = _find_cycle


def check(
    doc: Any, *, check_sources: bool = True, check_schema: bool = True
) -> list[PipelineIssue]:
    """Every reason ``doc`` cannot run; empty when it can.

    ``check_schema=False`` skips the JSON Schema pass, for a caller that built ``doc`` in the
    schema's shape itself and checked the strings it took from elsewhere (reify).
    """
    schema_issues = formats.issues("pipeline", doc) if check_schema else []
    if schema_issues:
        return [PipelineIssue(i.path, i.message) for i in schema_issues]
    found: list[PipelineIssue] = []
    nodes: dict[str, tuple[int, dict[str, Any]]] = {}
    for index, node in enumerate(doc["nodes"]):
        if node["id"] in nodes:
            found.append(
                PipelineIssue(f"/nodes/{index}/id", f"duplicate node id {node['id']!r}", node["id"])
            )
        nodes[node["id"]] = (index, node)

    def ports(node: dict[str, Any], side: str) -> dict[str, dict[str, Any]] | None:
        if node["kind"] != "operation":
            return None  # input/output nodes carry one value under any port name
        return {p["name"]: p for p in node["operation"].get(side, [])}

    incoming: dict[tuple[str, str], int] = {}
    edges: dict[str, set[str]] = {}
    for ci, conn in enumerate(doc["connections"]):
        path = f"/connections/{ci}"
        src, dst = conn["source"], conn["target"]
        ok = True
        for end, side, role in ((src, "outputs", "source"), (dst, "inputs", "target")):
            if end["node"] not in nodes:
                found.append(PipelineIssue(f"{path}/{role}/node", f"unknown node {end['node']!r}"))
                ok = False
                continue
            node = nodes[end["node"]][1]
            if role == "source" and node["kind"] == "output":
                found.append(
                    PipelineIssue(
                        f"{path}/source", "an output node cannot feed other nodes", node["id"]
                    )
                )
                ok = False
            if role == "target" and node["kind"] == "input":
                found.append(
                    PipelineIssue(
                        f"{path}/target", "an input node cannot receive a connection", node["id"]
                    )
                )
                ok = False
            known = ports(node, side)
            if known is not None and end["port"] not in known:
                names = ", ".join(known) or "none"
                found.append(
                    PipelineIssue(
                        f"{path}/{role}/port",
                        f"node {node['id']!r} has no {side[:-1]} port {end['port']!r} "
                        f"(its {side}: {names})",
                        node["id"],
                    )
                )
                ok = False
        if not ok:
            continue
        key = (dst["node"], dst["port"])
        if key in incoming:
            found.append(
                PipelineIssue(
                    f"{path}/target",
                    f"input {dst['port']!r} of node {dst['node']!r} already has a source "
                    f"(connection {incoming[key]}); an input takes one value",
                    dst["node"],
                )
            )
        incoming.setdefault(key, ci)
        edges.setdefault(src["node"], set()).add(dst["node"])

    cycle = _find_cycle(list(nodes), edges)
    if cycle:
        found.append(
            PipelineIssue(
                "/connections", f"the connections form a cycle: {' -> '.join(cycle)}", cycle[0]
            )
        )

    for node_id, (index, node) in nodes.items():
        path = f"/nodes/{index}"
        if node["kind"] == "input":
            used = node_id in edges
            if used and not node.get("source"):
                found.append(
                    PipelineIssue(
                        f"{path}/source",
                        f"input {node['name']!r} has no value: "
                        "set its source (a path or artifact URI)",
                        node_id,
                    )
                )
            continue
        if node["kind"] != "operation":
            continue
        op = node["operation"]
        for port in op.get("inputs", []):
            if not port.get("optional") and (node_id, port["name"]) not in incoming:
                found.append(
                    PipelineIssue(
                        f"{path}/operation/inputs",
                        f"required input {port['name']!r} of {op['name']!r} is not connected",
                        node_id,
                    )
                )
        values = node.get("attributes", {})
        specs = {a["name"]: a for a in op.get("attributes", [])}
        for name in values:
            if name not in specs:
                known = ", ".join(specs) or "none"
                found.append(
                    PipelineIssue(
                        f"{path}/attributes/{name}",
                        f"unknown attribute {name!r} (attributes: {known})",
                        node_id,
                    )
                )
        for name, spec in specs.items():
            if name not in values:
                if spec.get("required") and "default" not in spec:
                    found.append(
                        PipelineIssue(
                            f"{path}/attributes", f"missing required attribute {name!r}", node_id
                        )
                    )
                continue
            if (problem := attribute_problem(spec, values[name])) is not None:
                found.append(
                    PipelineIssue(f"{path}/attributes/{name}", f"{name}: {problem}", node_id)
                )
        refs = node.get("references", {})
        for ref in op.get("references", []):
            if not ref.get("optional") and not refs.get(ref["name"]):
                found.append(
                    PipelineIssue(
                        f"{path}/references",
                        f"missing {ref['kind']} reference {ref['name']!r}: choose a file for it",
                        node_id,
                    )
                )
        if check_sources and (problem := _check_source(op["source"])) is not None:
            found.append(PipelineIssue(f"{path}/operation/source", problem, node_id))
    return found


def validate(
    doc: Any,
    *,
    source: str | None = None,
    check_sources: bool = True,
    check_schema: bool = True,
) -> dict[str, Any]:
    """Return ``doc`` if it can run; raise :class:`PipelineError` otherwise."""
    problems = check(doc, check_sources=check_sources, check_schema=check_schema)
    if problems:
        raise PipelineError(problems, source)
    return doc


def topological_order(doc: Mapping[str, Any]) -> list[str]:
    """Node ids so that every node comes after the nodes feeding it (stable in file order).

    Kahn's algorithm, each node and connection visited once: the ready nodes wait in a heap
    keyed by their place in the file, so a 10,000-node chain takes milliseconds.
    """
    order_index = {n["id"]: i for i, n in enumerate(doc["nodes"])}
    upstream = graph.feeders(doc)
    position = {n: order_index.get(n, len(order_index) + i) for i, n in enumerate(upstream)}
    waiting = {n: len(ups) for n, ups in upstream.items()}
    downstream: dict[str, list[str]] = {}
    for node, ups in upstream.items():
        for up in ups:
            downstream.setdefault(up, []).append(node)
    ready = [(position[n], n) for n, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    done: list[str] = []
    while ready:
        _, node = heapq.heappop(ready)
        done.append(node)
        for after in downstream.get(node, ()):
            waiting[after] -= 1
            if waiting[after] == 0:
                heapq.heappush(ready, (position[after], after))
    if len(done) < len(upstream):
        raise PipelineError([PipelineIssue("/connections", "the connections form a cycle")])
    return done


def _coerce(spec: Mapping[str, Any], value: Any) -> Any:
    """Turn a command-line string into the attribute's type; other values pass through."""
    if not isinstance(value, str) or spec["type"] == "str":
        return value
    kind = spec["type"]
    try:
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "bool":
            lowered = value.lower()
            if lowered in ("true", "1", "yes", "on"):
                return True
            if lowered in ("false", "0", "no", "off"):
                return False
            raise ValueError(value)
        if kind == "choice":
            for choice in spec["choices"]:
                if str(choice) == value:
                    return choice
            return value
        return formats.loads(value)
    except ValueError:
        if kind == "json":
            return value
        raise PipelineError(
            [PipelineIssue("", f"{spec['name']}: expected {kind}, got {value!r}")]
        ) from None


def _find_node(doc: Mapping[str, Any], name: str) -> tuple[int, dict[str, Any]]:
    nodes = list(enumerate(doc["nodes"]))
    for key in ("id", "label"):
        hits = [(i, n) for i, n in nodes if n.get(key) == name]
        if len(hits) == 1:
            return hits[0]
    hits = [
        (i, n)
        for i, n in nodes
        if n.get("kind") == "operation"
        and name in (n["operation"]["source"]["function"], n["operation"]["name"])
    ]
    if len(hits) == 1:
        return hits[0]
    known = ", ".join(n["id"] for _, n in nodes)
    detail = "matches several nodes" if hits else "matches no node"
    raise PipelineError([PipelineIssue("/nodes", f"{name!r} {detail}; node ids: {known}")])


def apply_overrides(doc: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``doc`` with ``{"NODE.ATTR": value}`` set (NODE: id, label or operation name).

    String values (from the command line) are converted to the attribute's type; a value that does
    not fit, or an unknown node or attribute, raises :class:`PipelineError`. ``NODE.source`` sets
    the source of an input node.
    """
    result = copy.deepcopy(dict(doc))
    problems: list[PipelineIssue] = []
    for target, value in overrides.items():
        node_name, dot, attr = target.rpartition(".")
        if not dot or not node_name or not attr:
            problems.append(PipelineIssue("", f"{target!r}: expected NODE.ATTRIBUTE=VALUE"))
            continue
        try:
            index, node = _find_node(result, node_name)
        except PipelineError as error:
            problems.extend(error.issues)
            continue
        path = f"/nodes/{index}"
        if node["kind"] == "input" and attr == "source":
            node["source"] = str(value)
            continue
        if node["kind"] != "operation":
            problems.append(
                PipelineIssue(path, f"{target!r}: only operation attributes can be set", node["id"])
            )
            continue
        specs = {a["name"]: a for a in node["operation"].get("attributes", [])}
        if attr not in specs:
            known = ", ".join(specs) or "none"
            problems.append(
                PipelineIssue(
                    f"{path}/attributes/{attr}",
                    f"unknown attribute {attr!r} (attributes: {known})",
                    node["id"],
                )
            )
            continue
        try:
            coerced = _coerce(specs[attr], value)
        except PipelineError as error:
            problems.extend(
                PipelineIssue(f"{path}/attributes/{attr}", i.message, node["id"])
                for i in error.issues
            )
            continue
        if (problem := attribute_problem(specs[attr], coerced)) is not None:
            problems.append(
                PipelineIssue(f"{path}/attributes/{attr}", f"{attr}: {problem}", node["id"])
            )
            continue
        node.setdefault("attributes", {})[attr] = coerced
    if problems:
        raise PipelineError(problems)
    return result
