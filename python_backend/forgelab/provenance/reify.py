"""Reify: turn the recorded history of a value into a ``*.pipeline.json``.

Algorithm (docs/provenance.md, "Reify"):

1. Walk back from the record that wrote the target's version (:mod:`.slicing`); each read of
   ``x`` at version ``v`` is classified by the record that wrote it:

   * *carried*: ``x`` is bound by an ``import``, ``def`` or ``class`` statement, or by a
     re-runnable binding whose globals travel too (:mod:`.bindings`): that statement is copied
     into the operations that read ``x`` (modules and code do not travel between jobs); the
     globals of functions a cell defines and uses, or that are carried, are read as well;
   * *fused*: ``x`` is a module whose hidden state the writer changed (``np.random.seed``,
     ``plt.hist``: pyplot's current figure), or
     the reader changed ``x`` in place together with an object sharing its memory or figure (a
     view, an Axes), or the reader reads two values that share state (``sharesWith``: a figure
     and its Axes, a model and its optimizer): writer and reader must run in one process, so
     they become one operation; likewise a cell that reads a file an earlier cell wrote is fused
     with that writer;
   * *port*: anything else: the writer's operation returns ``x``, the reader's takes it as input.

2. Records joined by fusion form one operation; if grouping made a cycle, the groups on it merge.
3. Each group becomes ``def make_<what>(<inputs>, *, <attributes>)`` (:mod:`.naming`) whose
   body is the cells' code, returning what later operations read (or the target). A second
   version of a variable read by one operation is its own input (``lr_v2``, rebound before the
   cells that read it); a value bound again later in its operation is kept (``x_v1 = x``); a
   name changed through an alias is bound to it (``params = cfg``). Files the cells read become
   Input nodes and the string literal naming each file becomes the parameter holding its path (a
   path computed at run time is served from the parameter by ``forgelab.jobs.file_inputs``). With
   ``lift_constants``, a top-level ``x = <literal>`` becomes a keyword-only attribute, and
   ``metadata.reifiedFrom`` says which were lifted and why others were not.
4. The document is checked with :func:`forgelab.executions.pipeline.validate` before it is returned.

Whatever cannot be reproduced (an errored or interrupted cell, a deleted or changed input file,
data from the network, a magic or shell line whose result is needed: :mod:`.magics`) raises
:class:`ReifyError` with the reason.
With ``allow_network``, cells that fetch data from the network are kept as operations that fetch
it again.
"""

from __future__ import annotations

import ast
import bisect
import gc
import io
import json
import keyword
import os
import re
import textwrap
import tokenize
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..executions import pipeline as pipelines
from ..kernel.analysis import (
    NETWORK_MODULES,
    STATEFUL_MODULES,
    CellAnalysis,
    analyze,
    analyze_tree,
    stores_of,
)
from ..kernel.files import file_hash
from ..kernel.magics import PlainCell, already_python, plain_python
from . import bindings, naming
from .errors import ReifyError
from .slicing import Slice, describe, slice_history

__all__ = ["reify", "reify_slice"]

#: IPython's output and input history: values with no recorded writer.
_OUTPUT_HISTORY = re.compile(r"^(_+|_\d+|_i+\d*|Out|In|_oh|_ih)$")


@lru_cache(maxsize=1)
def _transformer() -> Any:
    """IPython's input transformer (one is enough: it keeps no state between cells)."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager()


@lru_cache(maxsize=4096)
def _plain(code: str) -> PlainCell:
    plain = already_python(code)
    return plain_python(plain if plain is not None else _transformer().transform_cell(code))


def python_code(code: str) -> str:
    """A cell's source as plain Python (IPython syntax transformed, magics unwrapped or dropped:
    :mod:`.magics`)."""
    return _plain(code).code


@dataclass
class _Parsed:
    code: str
    tree: ast.Module
    analysis: CellAnalysis


def _parse(record: dict[str, Any]) -> _Parsed:
    raw = record.get("code", "")
    plain = _plain(raw)
    if plain.blocked is not None:
        line, what = plain.blocked
        lines = raw.splitlines()
        text = lines[line - 1].strip() if 0 < line <= len(lines) else what
        raise ReifyError(
            f"{describe(record)}, line {line} ({text!r}) {what}, and the pipeline would need its "
            "result, which it cannot compute; replace the line with Python code (read the file, "
            "call subprocess.run) and run the notebook again"
        )
    code = plain.code
    try:
        tree = ast.parse(code)
    except SyntaxError as error:
        raise ReifyError(f"{describe(record)} does not parse: {error.msg}") from None
    analysis = analyze_tree(tree)
    history_names = sorted(n for n in analysis.reads if _OUTPUT_HISTORY.match(n))
    if history_names:
        raise ReifyError(
            f"{describe(record)} uses IPython's output history ({', '.join(history_names)}); "
            "assign the value to a variable and use that instead, then run the notebook again"
        )
    for node in tree.body:
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            raise ReifyError(f"{describe(record)} has a top-level global statement")
    awaits = "await" in code or "async" in code  # the only words that make such a node
    for node in ast.walk(tree) if awaits else ():
        if isinstance(node, (ast.Await, ast.AsyncFor, ast.AsyncWith)) and _top_level(tree, node):
            raise ReifyError(
                f"{describe(record)} awaits at top level; wrap the code in an async function "
                "and call it with asyncio.run() so that it can become an operation"
            )
    return _Parsed(code, tree, analysis)


def _top_level(tree: ast.Module, target: ast.AST) -> bool:
    """Whether ``target`` is outside every function body of ``tree``."""
    todo: list[ast.AST] = list(tree.body)
    while todo:
        node = todo.pop()
        if node is target:
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        todo.extend(ast.iter_child_nodes(node))
    return False


def _binding_statement(parsed: _Parsed, name: str) -> str | None:
    """The top-level import, def or class statement of ``parsed`` that binds ``name`` (last one)."""
    if name not in parsed.analysis.stores:
        return None
    found: str | None = None
    for node, stores in zip(parsed.tree.body, parsed.analysis.statement_stores, strict=True):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name == name:
                found = ast.get_source_segment(parsed.code, node) or ast.unparse(node)
                decorators = node.decorator_list
                if decorators:
                    found = ast.unparse(node)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                bound = alias.asname or (
                    alias.name.split(".")[0] if isinstance(node, ast.Import) else alias.name
                )
                if bound == name:
                    single = (
                        ast.Import(names=[alias])
                        if isinstance(node, ast.Import)
                        else ast.ImportFrom(module=node.module, names=[alias], level=node.level)
                    )
                    found = ast.unparse(single)
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For, ast.With)):
            if name in stores:
                found = None  # rebound after the definition: the definition is not the value
    return found


@dataclass
class _Group:
    """Records that become one operation."""

    records: list[dict[str, Any]]
    inputs: dict[str, int] = field(default_factory=dict)
    carried: dict[str, str] = field(default_factory=dict)
    outputs: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    function: str = ""
    versions: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Inputs holding another version of a variable than its plain name: ``lr_v2`` → (lr, 2)."""
    before: dict[str, list[str]] = field(default_factory=dict)
    """Statements run before a record's code (``lr = lr_v2``), by record id."""
    after: dict[str, list[str]] = field(default_factory=dict)
    """Statements run after a record's code (``lr_v1 = lr``), by record id."""
    aliases: dict[str, str] = field(default_factory=dict)
    """Outputs changed through another name (``cfg = params``), to that name."""
    kept: dict[tuple[str, int], str] = field(default_factory=dict)
    """Versions bound again later in the group, to the name that keeps them (``x_v1``)."""


class _Reifier:
    def __init__(
        self,
        piece: Slice,
        lift_constants: bool,
        session_records: list[dict[str, Any]],
        allow_network: bool = False,
    ):
        self.slice = piece
        self.lift_constants = lift_constants
        self.allow_network = allow_network
        #: Folders of the files read or written by cells that got data from the network
        #: (``allow_network``): their operations fetch those files again when the pipeline runs.
        #: Folders, not files, because downloads are written under a temporary name and renamed.
        self.fetched: set[str] = set()
        self.session_records = session_records
        self.position = (
            piece.position
            if piece.session_records is session_records
            else {r["id"]: i for i, r in enumerate(session_records)}
        )
        self.parsed: dict[str, _Parsed] = {}
        self.parent: dict[str, str] = {}

    def parsed_of(self, record: dict[str, Any]) -> _Parsed:
        """The record's code parsed and analysed, once per distinct code (a cell run again is
        parsed once). The trees are only read, never changed."""
        code = record.get("code", "")
        parsed = self.parsed.get(code)
        if parsed is None:
            parsed = self.parsed[code] = _parse(record)
        return parsed

    # -- union-find over record ids -------------------------------------------------------
    def find(self, rid: str) -> str:
        self.parent.setdefault(rid, rid)
        while self.parent[rid] != rid:
            self.parent[rid] = self.parent[self.parent[rid]]
            rid = self.parent[rid]
        return rid

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            first, second = sorted((ra, rb), key=self.position.__getitem__)
            self.parent[second] = first

    # -- step 1: classify reads -----------------------------------------------------------
    def classify(self, name: str, version: int, writer: dict[str, Any]) -> tuple[str, str | None]:
        write = next(
            (w for w in writer["writes"] if w["name"] == name and w["version"] == version), {}
        )
        kind = str(write.get("type", ""))
        parsed = self.parsed_of(writer)
        if kind.startswith("module:") and (
            name in parsed.analysis.rng or name in parsed.analysis.mutated or parsed.analysis.seeds
        ):
            return "fuse", None
        if kind.removeprefix("module:") in STATEFUL_MODULES and (
            name in parsed.analysis.candidates or name not in parsed.analysis.stores
        ):
            # The writer drew through pyplot (itself or in a function it called): the reader
            # sees pyplot's current figure, which lives in the writer's process.
            return "fuse", None
        statement = self._carried_statement(name, version, writer, frozenset())
        if statement is not None:
            return "carry", statement
        return "port", None

    def _carried_statement(
        self, name: str, version: int, writer: dict[str, Any], visiting: frozenset[str]
    ) -> str | None:
        """The code that binds ``name`` again in another operation, or None to ship its value.

        ``import``/``def``/``class`` travel as they are (a function's globals are followed by
        :meth:`_function_reads`); an optional import block, ``f = module.g``, a lambda or a
        ``partial`` travel with the statements of the globals they read, when all of those can
        travel too (:mod:`.bindings`).
        """
        parsed = self.parsed_of(writer)
        statement = _binding_statement(parsed, name)
        if statement is not None:
            return statement
        module = _import_of(name, writer, version)
        if module is not None:
            return module
        binding = bindings.rerunnable_binding(
            parsed.tree, parsed.code, name, parsed.analysis.statement_stores
        )
        if binding is None or name in visiting:
            return None
        needed: list[tuple[int, str]] = []
        for read in sorted(binding.reads):
            own = [w["version"] for w in writer["writes"] if w["name"] == read]
            found = (
                (own[0], writer)  # bound by the same cell, before the statement
                if own
                else self._latest_write(read, self.position[writer["id"]])
            )
            if found is None:
                return None
            dependency = self._carried_statement(read, found[0], found[1], visiting | {name})
            if dependency is None:
                return None
            needed.append((self.position[found[1]["id"]], dependency))
        return "\n".join([*(s for _pos, s in sorted(needed)), binding.source])

    def _latest_write(self, name: str, before: int) -> tuple[int, dict[str, Any]] | None:
        """(version, record) of the last write of ``name`` before session position ``before``."""
        if not hasattr(self, "_writes_by_name"):
            index: dict[str, list[tuple[int, int, dict[str, Any]]]] = defaultdict(list)
            for position, record in enumerate(self.session_records):
                for write in record.get("writes", []):
                    index[write["name"]].append((position, write["version"], record))
            self._writes_by_name = index
        writes = self._writes_by_name.get(name, [])
        at = bisect.bisect_left(writes, before, key=lambda w: w[0])
        if at == 0:
            return None
        _position, version, record = writes[at - 1]
        if any(w["name"] == name and w.get("type") == "deleted" for w in record["writes"]):
            return None
        return version, record

    def _function_reads(self, record: dict[str, Any], names: set[str]) -> list[tuple[str, int]]:
        """Reads the recorder could not see: globals of functions among ``names`` at call time.

        ``names`` are the globals of functions the record defines and uses itself, or of
        definitions carried into it. Each is read at the version live when ``record`` ran.
        """
        already = {read["name"] for read in record.get("reads", [])}
        stores = self.parsed_of(record).analysis.stores
        found: list[tuple[str, int]] = []
        for name in sorted(names - already - stores):
            latest = self._latest_write(name, self.position[record["id"]])
            if latest is not None:
                found.append((name, latest[0]))
        return found

    def walk(self) -> tuple[list[dict[str, Any]], list[tuple[str, str, str, int]], dict[str, dict]]:
        """Records that become operations, port edges and carried statements per record."""
        writers = self.slice.writers
        producer = self.slice.producer
        seen = {producer["id"]: producer}
        todo = [producer]
        edges: list[tuple[str, str, str, int]] = []
        carried: dict[str, dict[str, tuple[int, str, str]]] = defaultdict(dict)
        while todo:
            record = todo.pop()
            self.find(record["id"])
            for writer in self.file_writers(record):
                # The file is the value the writer passes: one operation writes and reads it.
                self.union(writer["id"], record["id"])
                if writer["id"] not in seen:
                    seen[writer["id"]] = writer
                    todo.append(writer)
            owned = self.shared_writes(record)
            parsed = self.parsed_of(record)
            reads = [(r["name"], r["version"]) for r in record.get("reads", [])]
            reads += self._function_reads(
                record, bindings.called_free_names(parsed.tree, parsed.analysis.free_names)
            )
            done: set[str] = set()
            ports: dict[str, tuple[dict[str, Any], int]] = {}
            while reads:
                name, version = reads.pop(0)
                if name in done:
                    continue
                done.add(name)
                writer = writers[(name, version)]
                kind, statement = self.classify(name, version, writer)
                if kind == "port" and name in owned:
                    kind = "fuse"
                if kind == "carry":
                    position = self.position[writer["id"]]
                    carried[record["id"]][name] = (position, statement or "", writer["id"])
                    # The globals a carried function reads when it is called here.
                    free = analyze(statement or "").free_names
                    if free:
                        reads += self._function_reads(record, set().union(*free.values()))
                    continue
                if kind == "fuse":
                    self.union(writer["id"], record["id"])
                    # The writer may change the module's state without importing it itself.
                    module_import = _import_of(name, writer, version)
                    if module_import:
                        carried[record["id"]][name] = (-1, module_import, writer["id"])
                else:
                    ports[name] = (writer, version)
                if writer["id"] not in seen:
                    seen[writer["id"]] = writer
                    todo.append(writer)
            together = self.sharing_ports(ports)
            for name, (writer, version) in ports.items():
                if name in together:
                    self.union(writer["id"], record["id"])
                else:
                    edges.append((writer["id"], record["id"], name, version))
        records = sorted(seen.values(), key=lambda r: self.position[r["id"]])
        return records, edges, carried

    def file_writers(self, record: dict[str, Any]) -> list[dict[str, Any]]:
        """Earlier records of the session that wrote a file ``record`` reads.

        Every earlier writer counts (a file may be appended to); a file read before the notebook
        first wrote it has none and stays an Input.
        """
        if not record.get("filesRead"):
            return []
        if not hasattr(self, "_file_writers"):
            found: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for other in self.writing_files():
                for access in other.get("filesWritten", []):
                    found[access["path"]].append(other)
            self._file_writers = found
        here = self.position[record["id"]]
        return [
            writer
            for access in record.get("filesRead", [])
            for writer in self._file_writers.get(access["path"], [])
            if self.position[writer["id"]] < here
            and not (self.allow_network and self.network_uses(writer))
        ]

    @staticmethod
    def sharing_ports(ports: dict[str, tuple[dict[str, Any], int]]) -> set[str]:
        """Names among a reader's ports whose objects share state with another of its ports.

        Each port is pickled on its own, so a figure and its Axes, or a model and its optimizer,
        would arrive as copies that no longer share anything: ``opt.step()`` would train a copy
        of the parameters. The recorder lists, for each write, the live names sharing its state
        (``sharesWith``); the readers of two such names run with their writers instead.
        """
        together: set[str] = set()
        for name, (writer, version) in ports.items():
            write = next(
                (w for w in writer["writes"] if w["name"] == name and w["version"] == version), {}
            )
            partners = set(write.get("sharesWith", ())) & ports.keys()
            if partners:
                together |= partners | {name}
        return together

    def shared_writes(self, record: dict[str, Any]) -> set[str]:
        """Names whose objects ``record`` changed in place, when it also changed an owner.

        The recorder gives a new version (and a read of the old one) to every name bound to an
        object that shares memory with, or owns, an object the cell changed: the base of a NumPy
        view, the figure of an Axes, an alias. Such a name does not appear in the cell's code.
        Copies made by pickling share nothing, so the cell must run in the same operation as
        the writers of all the objects it changed in place: returns their names, or nothing.
        """
        analysis = self.parsed_of(record).analysis
        seen = (
            analysis.reads
            | analysis.stores
            | analysis.mutated
            | analysis.candidates
            | analysis.deletes
        )
        read = {r["name"] for r in record.get("reads", [])}
        changed = {
            w["name"]
            for w in record.get("writes", [])
            if w["name"] in read and not str(w.get("type", "")).startswith(("module:", "deleted"))
        }
        return changed if changed - seen else set()

    # -- step 2: groups -------------------------------------------------------------------
    def groups(
        self, records: list[dict[str, Any]], edges: list[tuple[str, str, str, int]]
    ) -> dict[str, _Group]:
        while True:
            members: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for record in records:
                members[self.find(record["id"])].append(record)
            graph: dict[str, set[str]] = defaultdict(set)
            for src, dst, _name, _version in edges:
                a, b = self.find(src), self.find(dst)
                if a != b:
                    graph[a].add(b)
            cycle = pipelines.find_cycle(list(members), graph)
            if not cycle:
                return {root: _Group(rs) for root, rs in members.items()}
            for node in cycle[1:]:
                self.union(cycle[0], node)

    # -- step 3: code ---------------------------------------------------------------------
    def check_record(self, record: dict[str, Any]) -> None:
        status = record.get("status", "ok")
        if status != "ok":
            what = "was interrupted" if status == "interrupted" else "raised an error"
            raise ReifyError(
                f"{describe(record)} {what}, and {self.slice.target!r} depends on it; fix the "
                "cell, run it again to completion, then reify"
            )
        network = self.network_uses(record)
        if network and self.allow_network:
            for access in record.get("filesRead", []) + record.get("filesWritten", []):
                self.fetched.add(os.path.dirname(access["path"]))
        elif network:
            raise ReifyError(
                f"{describe(record)} gets data from the network ({', '.join(network)}), so "
                f"{self.slice.target!r} cannot be reproduced from the notebook's history; save "
                "the data to a file in one cell and read that file in the next, then reify (or "
                "reify with --allow-network to fetch the data again when the pipeline runs)"
            )

    def network_uses(self, record: dict[str, Any]) -> list[str]:
        """Network modules and connections ``record`` used (empty when none)."""
        parsed = self.parsed_of(record)
        network = [m for m in parsed.analysis.imports if m.split(".")[0] in NETWORK_MODULES]
        for read in record.get("reads", []):
            writer = self.slice.writers.get((read["name"], read["version"]), {})
            types = [read.get("type")] + [
                w.get("type")
                for w in writer.get("writes", [])
                if w["name"] == read["name"] and w["version"] == read["version"]
            ]
            for kind in filter(None, types):
                module = str(kind).split(":", 1)[1] if str(kind).startswith("module:") else ""
                if module.split(".")[0] in NETWORK_MODULES:
                    network.append(module)
        network += [
            f["path"] for f in record.get("filesRead", []) if f["path"].startswith("socket:")
        ]
        return network

    def writing_files(self) -> list[dict[str, Any]]:
        """The session's records that wrote a file, in order (few: found once)."""
        if not hasattr(self, "_writing_files"):
            self._writing_files = [r for r in self.session_records if r.get("filesWritten")]
        return self._writing_files

    def first_writes(self) -> dict[str, dict[str, Any]]:
        """Each file the session wrote, to the first record that wrote it."""
        if not hasattr(self, "_first_writes"):
            found: dict[str, dict[str, Any]] = {}
            for record in self.writing_files():
                for access in record.get("filesWritten", []):
                    found.setdefault(access["path"], record)
            self._first_writes = found
        return self._first_writes

    def files_of(self, group: _Group, taken: set[str]) -> None:
        for record in group.records:
            for access in record.get("filesRead", []):
                written = self.first_writes()
                path, digest = access["path"], access.get("hash")
                if os.path.dirname(path) in self.fetched:
                    continue
                writer = written.get(path)
                if writer is not None and self.position[writer["id"]] < self.position[record["id"]]:
                    continue  # written by the same operation (see walk): not an input
                if not os.path.exists(path):
                    raise ReifyError(
                        f"{self.slice.target!r} was built from {path} (read by "
                        f"{describe(record)}), which no longer exists; restore the file (or "
                        "re-create it and run the notebook again) before reifying"
                    )
                current = file_hash(path) if digest else None
                if digest and current != digest:
                    raise ReifyError(
                        f"{path} changed since {describe(record)} read it, so the pipeline would "
                        "not reproduce the notebook's value; run the notebook again, then reify"
                    )
                if path in group.files.values():
                    continue
                stem = re.sub(r"\W+", "_", os.path.basename(path)).strip("_") or "file"
                param = stem if stem[0].isalpha() else f"file_{stem}"
                while param in taken:
                    param += "_"
                taken.add(param)
                group.files[param] = path

    def build(self) -> dict[str, Any]:
        records, edges, carried = self.walk()
        for record in records:
            self.check_record(record)
        groups = self.groups(records, edges)
        group_of = {r["id"]: root for root, g in groups.items() for r in g.records}
        ordered = sorted(groups, key=lambda root: self.position[root])
        # inputs and outputs
        connections = self._connect(groups, group_of, edges)
        producer_group = groups[group_of[self.slice.producer["id"]]]
        self.target_port = self._need_output(producer_group, self.slice.target, self.slice.version)
        names = naming.Names()
        for root in ordered:
            group = groups[root]
            self._bind_aliases(group)
            order = self._binding_order(group)
            group.outputs.sort(key=lambda o: order.get(o, len(order)))
            group.function = self._function_name(group, group is producer_group, names)
            for record in group.records:
                for name, (_pos, statement, writer_id) in sorted(
                    carried.get(record["id"], {}).items(), key=lambda item: item[1][0]
                ):
                    if group_of.get(writer_id) != root or _pos < 0:
                        group.carried.setdefault(name, statement)
        taken = {name for g in groups.values() for name in (*g.inputs, *g.outputs)}
        for root in ordered:
            self.files_of(groups[root], taken)
        return self._document(groups, ordered, connections)

    def _connect(
        self,
        groups: dict[str, _Group],
        group_of: dict[str, str],
        edges: list[tuple[str, str, str, int]],
    ) -> list[tuple[str, str, str, str]]:
        """Inputs and outputs of the groups; connections as (from, to, output port, input).

        An operation that reads two versions of one variable (a hyperparameter re-assigned
        between two experiments) takes the first as the variable's name and each other as
        ``<name>_v<version>``; ``<name> = <name>_v<version>`` runs before the cells that read
        that version, as the notebook's namespace had it when they ran.
        """
        readers: dict[tuple[str, str, int], tuple[int, str]] = {}
        for src, dst, name, version in edges:
            a, b = group_of[src], group_of[dst]
            if a != b:
                key = (b, name, version)
                first = (self.position[dst], a)
                readers[key] = min(readers.get(key, first), first)
        connections: list[tuple[str, str, str, str]] = []
        for (b, name, version), (_first, a) in sorted(readers.items(), key=lambda i: i[1][0]):
            group = groups[b]
            param = name
            if name in group.inputs:
                used = {n for r in group.records for n in _names_in(self.parsed_of(r))}
                param = naming.unique(f"{name}_v{version}", used | set(group.inputs))
                group.versions[param] = (name, version)
            group.inputs[param] = version
            port = self._need_output(groups[a], name, version)
            connections.append((a, b, port, param))
        for group in groups.values():
            group.inputs = dict(sorted(group.inputs.items()))
            if group.versions:
                self._rebind_versions(group)
        return connections

    def _rebind_versions(self, group: _Group) -> None:
        """``x = x_v2`` before each cell of ``group`` reading another version of x than is bound.

        Versions only grow as cells run, and a group's cells are in the order they ran, so the
        plain name (the first version read) is never needed again once rebound.
        """
        current = {name: group.inputs[name] for name, _v in group.versions.values()}
        param_of = {pair: param for param, pair in group.versions.items()}
        param_of.update({(name, version): name for name, version in current.items()})
        for record in group.records:
            for read in record.get("reads", []):
                key = (read["name"], read["version"])
                if read["name"] in current and current[read["name"]] != read["version"]:
                    if key in param_of:
                        group.before.setdefault(record["id"], []).append(
                            f"{read['name']} = {param_of[key]}"
                        )
                        current[read["name"]] = read["version"]
            for write in record.get("writes", []):
                if write["name"] in current:
                    current[write["name"]] = write["version"]

    def _need_output(self, group: _Group, name: str, version: int) -> str:
        """Make ``group`` return ``name`` at ``version``; the output port that holds it.

        When a later cell of the operation binds ``name`` again, the value is kept right after
        the cell that made it, as ``<name>_v<version>``. A later in-place change would alter
        that kept object too, so it is refused.
        """
        writer: dict[str, Any] | None = None
        later: list[dict[str, Any]] = []
        for record in group.records:
            for write in record.get("writes", []):
                if write["name"] != name:
                    continue
                if write["version"] == version:
                    writer, later = record, []
                elif writer is not None:
                    later.append(record)
        if writer is None:
            raise ReifyError(
                f"the operation made of {', '.join(describe(r) for r in group.records)} does "
                f"not write {name!r} version {version}; this is a bug in reify, please report it"
            )
        port = name
        if later:
            changed = [r for r in later if name not in self.parsed_of(r).analysis.stores]
            if changed:
                raise ReifyError(
                    f"{name!r} version {version} is changed in place again by "
                    f"{describe(changed[0])}, which runs in one operation with "
                    f"{describe(writer)} (they share hidden state); the pipeline cannot hand "
                    f"on the earlier value. Copy it in the notebook (e.g. "
                    f"{name}_before = {name}.copy()) and run it again"
                )
            if (name, version) not in group.kept:
                used = {n for r in group.records for n in _names_in(self.parsed_of(r))}
                used |= set(group.inputs) | set(group.outputs) | set(group.kept.values())
                kept = naming.unique(f"{name}_v{version}", used)
                group.kept[(name, version)] = kept
                group.after.setdefault(writer["id"], []).append(f"{kept} = {name}")
            port = group.kept[(name, version)]
        if port not in group.outputs:
            group.outputs.append(port)
        return port

    def _bind_aliases(self, group: _Group) -> None:
        """Bind outputs that the group's cells changed only through another name (an alias).

        ``cfg = params`` then ``cfg["lr"] = 0.1``: the cell writes both names, but its code
        binds neither of them; the operation returns ``params`` by binding it to ``cfg``, the
        name it holds, as the statement that made them one object says.
        """
        bound = set(group.inputs) | set(group.kept.values())
        for record in group.records:
            bound |= self.parsed_of(record).analysis.stores
        for output in group.outputs:
            if output in bound or output in group.files:
                continue
            writer = next(
                r
                for r in reversed(group.records)
                if any(w["name"] == output for w in r.get("writes", []))
            )
            together = {w["name"] for w in writer.get("writes", [])} & bound
            partner = next(
                (b for a, b in sorted(self._alias_pairs(writer)) if a == output and b in together),
                None,
            )
            # Without one, the name is bound some other way (a function's ``global`` statement).
            if partner is not None:
                group.aliases[output] = partner

    def _alias_pairs(self, until: dict[str, Any]) -> set[tuple[str, str]]:
        """Names made one object (``b = a``) by the session's cells up to ``until``."""
        if not hasattr(self, "_pairs_of"):
            self._pairs_of: dict[str, set[tuple[str, str]]] = {}
        pairs: set[tuple[str, str]] = set()
        for record in self.session_records[: self.position[until["id"]] + 1]:
            if record["id"] not in self._pairs_of:
                try:
                    tree = ast.parse(python_code(record.get("code", "")))
                except SyntaxError:
                    tree = ast.Module(body=[], type_ignores=[])
                self._pairs_of[record["id"]] = bindings.alias_pairs(tree)
            pairs |= self._pairs_of[record["id"]]
        return pairs

    def _binding_order(self, group: _Group) -> dict[str, int]:
        """The order in which the group's cells bind names (outputs are listed so, for names)."""
        order: dict[str, int] = {}
        for record in group.records:
            for stores in self.parsed_of(record).analysis.statement_stores:
                for name in sorted(stores):
                    order.setdefault(name, len(order))
        for record in group.records:  # names changed in place, bound by no statement
            for write in record.get("writes", []):
                order.setdefault(write["name"], len(order))
        return order

    def _function_name(self, group: _Group, produces_target: bool, taken: naming.Names) -> str:
        """``make_<target>`` or ``make_<first output>[_etc]``, unique among the node ids."""
        target = self.slice.target if produces_target else None
        return taken.unique(naming.operation_name(group.outputs, target))

    def _code(self, group: _Group) -> tuple[str, _Lifted]:
        """The operation's source, and its attributes with the constants left in the code."""
        body_parts = [
            "\n".join(
                [
                    *group.before.get(r["id"], []),
                    self.parsed_of(r).code.strip("\n"),
                    *group.after.get(r["id"], []),
                ]
            )
            for r in group.records
        ]
        carried = list(group.carried.values())
        source = "\n".join(body_parts)
        multiline = _has_multiline_strings(source)
        # Most operations keep their cells' code as it is: parse it only to change or rewrite it.
        tree = ast.parse(source) if group.files or self.lift_constants or multiline else None
        modified = False
        if group.files:
            tree = _PathParameters(group.files).apply(tree, group)
            modified = True
        lifted = _Lifted()
        if self.lift_constants:
            lifted = _lift(tree, set(group.inputs) | set(group.files))
            modified = modified or bool(lifted.attributes)
        attributes = lifted.attributes
        params = [*group.inputs, *group.files]
        signature = f"def {group.function}({', '.join(params)}):"  # as ast.unparse writes it
        if attributes:
            signature = self._signature(group.function, params, attributes)
        returned = "".join(f"{name} = {other}\n" for name, other in group.aliases.items())
        if len(group.outputs) == 1:
            returned += f"return {group.outputs[0]}"
        else:
            returned += "return {" + ", ".join(f"{o!r}: {o}" for o in group.outputs) + "}"
        if not modified and not multiline:
            body = "\n".join([*carried, source, returned])
        else:
            assert tree is not None
            body = "\n".join([*carried, ast.unparse(tree), returned])
        doc = _docstring(group.records)
        code = f"{signature}\n{textwrap.indent(doc + chr(10) + body, '    ')}\n"
        return code, lifted

    @staticmethod
    def _signature(function: str, params: list[str], attributes: list[dict[str, Any]]) -> str:
        """``def f(a, b, *, lr=0.1):``, the defaults written as Python writes their literals."""
        header = ast.FunctionDef(
            name=function,
            args=ast.arguments(
                posonlyargs=[],
                args=[ast.arg(arg=p) for p in params],
                kwonlyargs=[ast.arg(arg=a["name"]) for a in attributes],
                kw_defaults=[ast.parse(repr(a["default"]), mode="eval").body for a in attributes],
                defaults=[],
            ),
            body=[ast.Pass()],
            decorator_list=[],
            returns=None,
            type_params=[],
        )
        ast.fix_missing_locations(header)
        return ast.unparse(header).splitlines()[0]

    def _document(
        self,
        groups: dict[str, _Group],
        ordered: list[str],
        connections: list[tuple[str, str, str, str]],
    ) -> dict[str, Any]:
        nodes: list[dict[str, Any]] = []
        links: list[dict[str, Any]] = []
        depth: dict[str, int] = {}
        feeding: dict[str, list[str]] = defaultdict(list)
        for a, b, _port, _param in connections:
            feeding[b].append(a)
        for root in ordered:
            depth[root] = 1 + max((depth[a] for a in feeding[root] if a in depth), default=0)
        inputs_by_path: dict[str, str] = {}
        node_ids = naming.Names(groups[root].function for root in ordered)
        row = defaultdict(int)
        for root in ordered:
            group = groups[root]
            for param, path in group.files.items():
                if path not in inputs_by_path:
                    node_id = node_ids.unique(f"input_{naming.ascii_name(param)}")
                    inputs_by_path[path] = node_id
                    nodes.append(
                        {
                            "id": node_id,
                            "kind": "input",
                            "name": param,
                            "source": path,
                            "position": {"x": 40, "y": 60 + 120 * row[0]},
                        }
                    )
                    row[0] += 1
                links.append(_link(inputs_by_path[path], "value", group.function, param))
        target = self.slice.target
        producer = groups[next(r for r, g in groups.items() if self.slice.producer in g.records)]
        lifted_all: list[dict[str, Any]] = []
        left_all: list[dict[str, Any]] = []
        for root in ordered:
            group = groups[root]
            code, lifted = self._code(group)
            attributes = lifted.attributes
            lifted_all += [{"operation": group.function, **a} for a in attributes]
            left_all += [
                {"operation": group.function, "name": n, "reason": why} for n, why in lifted.left
            ]
            level = depth[root]
            nodes.append(
                {
                    "id": group.function,
                    "kind": "operation",
                    "label": naming.label(group.outputs, target if group is producer else None),
                    "position": {"x": 40 + 240 * level, "y": 60 + 120 * row[level]},
                    "operation": {
                        "id": f"reified.{group.function}",
                        "name": group.function,
                        "description": "Reified from "
                        + "; ".join(naming.cell_summary(r) for r in group.records),
                        "category": "Reified",
                        "inputs": [
                            {"name": p, "type": "any"} for p in (*group.inputs, *group.files)
                        ],
                        "outputs": [{"name": o, "type": "any"} for o in group.outputs],
                        "attributes": attributes,
                        "references": [],
                        "source": {"language": "python", "code": code, "function": group.function},
                    },
                }
            )
            row[level] += 1
        for a, b, port, param in connections:
            links.append(_link(groups[a].function, port, groups[b].function, param))
        last = max(depth.values(), default=0) + 1
        output_id = node_ids.unique(f"output_{naming.ascii_name(target)}")
        nodes.append(
            {
                "id": output_id,
                "kind": "output",
                "name": target,
                "position": {"x": 40 + 240 * last, "y": 60},
            }
        )
        links.append(_link(producer.function, self.target_port, output_id, "value"))
        doc = {
            "format": "forgelab.pipeline",
            "version": 1,
            "name": f"reified {target}",
            "description": f"The history of {target!r} (version {self.slice.version}) as a "
            "pipeline, reified from a notebook.",
            "nodes": nodes,
            "connections": links,
            "metadata": {
                "reifiedFrom": {
                    "session": self.slice.session,
                    "target": target,
                    "version": self.slice.version,
                    "records": [r["id"] for root in ordered for r in groups[root].records],
                    "cells": [
                        {
                            "record": r["id"],
                            "cellId": r.get("cellId"),
                            "executionCount": r.get("executionCount"),
                            "firstLine": naming.first_line(r),
                            "operation": groups[root].function,
                        }
                        for root in ordered
                        for r in groups[root].records
                    ],
                    "notebook": self.slice.producer.get("notebook"),
                }
            },
        }
        if self.lift_constants:
            source = doc["metadata"]["reifiedFrom"]
            source["lifted"], source["notLifted"] = lifted_all, left_all
            if not lifted_all:
                source["liftNote"] = _no_lift_note(left_all)
        return _validated(doc, source=f"reified {target}")


#: The schema's node id pattern (``pipeline.schema.json#/$defs/nodeId``).
_NODE_ID = re.compile(r"[A-Za-z0-9_.-]+")


def _identifier(value: Any) -> bool:
    """The schema's ``python-identifier`` format, strings only."""
    return isinstance(value, str) and value.isidentifier() and not keyword.iskeyword(value)


def _names_fit(doc: dict[str, Any]) -> bool:
    """Whether the strings reify took from the notebook fit the pipeline schema.

    Everything else of a reified document is written by :class:`_Reifier` in the schema's
    shape (fixed keys, strings, numbers, JSON literals); its names and ids are the only values
    that come from the history (variable names, file names, a hand-written record), so they are
    all the schema could refuse. Stricter than the schema where they differ (a full match).
    """
    ids: list[Any] = []
    names: list[Any] = []
    for node in doc["nodes"]:
        ids.append(node["id"])
        if node["kind"] == "operation":
            op = node["operation"]
            names.append(op["source"]["function"])
            for side in ("inputs", "outputs", "attributes"):
                names.extend(port["name"] for port in op[side])
        else:
            names.append(node["name"])
    for link in doc["connections"]:
        for end in (link["source"], link["target"]):
            ids.append(end["node"])
            names.append(end["port"])
    return all(isinstance(i, str) and _NODE_ID.fullmatch(i) for i in ids) and all(
        map(_identifier, names)
    )


def _validated(doc: dict[str, Any], source: str) -> dict[str, Any]:
    """``doc``, checked as :func:`forgelab.executions.pipeline.validate` checks it.

    The JSON Schema pass costs a tenth of a millisecond per operation (a fifth of reify over a
    long history) and can only fail on the names :func:`_names_fit` checks first; when one does
    not fit, the full validation runs and words the issue as it always has.
    """
    return pipelines.validate(doc, source=source, check_schema=not _names_fit(doc))


def _import_of(name: str, writer: dict[str, Any], version: int) -> str | None:
    """``import numpy as np`` for a module-typed write of ``np``, from its recorded type."""
    for write in writer.get("writes", []):
        kind = str(write.get("type", ""))
        if write["name"] == name and write["version"] == version and kind.startswith("module:"):
            module = kind.split(":", 1)[1]
            return f"import {module}" if module == name else f"import {module} as {name}"
    return None


def _no_lift_note(left: list[dict[str, Any]]) -> str:
    """Why lifting constants made no attribute, in one sentence a person can act on."""
    if not left:
        return (
            "no constants lifted: no cell of the pipeline assigns a literal to a name at top "
            "level (x = 0.1, name = 'adam', sizes = [64, 32])"
        )
    reasons = "; ".join(f"{c['name']}: {c['reason']}" for c in left)
    return f"no constants lifted: {reasons}"


def _names_in(parsed: _Parsed) -> set[str]:
    """Every name a cell's code uses or binds, at any depth (new names must not clash)."""
    return {n.id for n in ast.walk(parsed.tree) if isinstance(n, ast.Name)} | set(
        parsed.analysis.stores
    )


def _docstring(records: list[dict[str, Any]]) -> str:
    """The generated function's docstring: the cells it was made of, by number.

    Not their code: a literal the operation turned into a parameter must not linger there.
    """
    cells = ", ".join(naming.cell_label(r) for r in records)
    return f'"""Reified from {cells} of the notebook."""'


def _link(src: str, src_port: str, dst: str, dst_port: str) -> dict[str, Any]:
    return {"source": {"node": src, "port": src_port}, "target": {"node": dst, "port": dst_port}}


def _has_multiline_strings(source: str) -> bool:
    """Whether a string literal of ``source`` spans lines (its indentation must not change)."""
    if '"""' not in source and "'''" not in source and "\\\n" not in source:
        return False  # only triple quotes and a backslash at a line's end make one
    try:
        tokens = tokenize.generate_tokens(io.StringIO(source).readline)
        return any(t.type == tokenize.STRING and "\n" in t.string for t in tokens)
    except (tokenize.TokenError, SyntaxError):
        return True


class _PathParameters(ast.NodeTransformer):
    """Replaces string literals naming a file read by the cells with the parameter holding it;
    files whose path the code computes are served from the parameter while the body runs."""

    def __init__(self, files: dict[str, str]) -> None:
        self.files = files
        self.used: set[str] = set()

    def _match(self, literal: str) -> str | None:
        if not literal or len(literal) > 4096 or "\n" in literal:
            return None
        wanted = os.path.normpath(literal)
        for param, path in self.files.items():
            if path == os.path.abspath(literal) or path == wanted:
                return param
            if not os.path.isabs(literal) and path.endswith(os.sep + _without_parents(wanted)):
                return param
        return None

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, str) and (param := self._match(node.value)):
            self.used.add(param)
            return ast.copy_location(ast.Name(id=param, ctx=ast.Load()), node)
        return node

    def apply(self, tree: ast.Module, group: _Group) -> ast.Module:
        tree = self.visit(tree)
        ast.fix_missing_locations(tree)
        computed = {p: path for p, path in self.files.items() if p not in self.used}
        if computed:
            # No literal names these files: the code computes their paths at run time, so the
            # operation finds each Input where the code looks (forgelab.jobs.file_inputs).
            mapping = ", ".join(f"{path!r}: {param}" for param, path in computed.items())
            wrapper = ast.parse(
                "from forgelab.jobs.file_inputs import inputs_at as _forgelab_inputs_at\n"
                f"with _forgelab_inputs_at({{{mapping}}}):\n    pass\n"
            )
            wrapper.body[1].body = tree.body or [ast.Pass()]  # type: ignore[attr-defined]
            tree.body = wrapper.body
            ast.fix_missing_locations(tree)
        return tree


def _without_parents(relative: str) -> str:
    """``../a/b`` → ``a/b``: the kernel's folder is not recorded, so a path relative to it is
    matched by its end."""
    parent = os.pardir + os.sep
    while relative.startswith(parent):
        relative = relative[len(parent) :]
    return relative


def _literal(node: ast.AST) -> Any:
    """The value of a literal an attribute can hold: a number, str, bool, or a JSON list/dict."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (bool, int, float, str)):
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and isinstance(node.operand.value, (int, float))
        and not isinstance(node.operand.value, bool)
    ):
        return -node.operand.value
    if isinstance(node, (ast.List, ast.Dict)):
        try:
            value = ast.literal_eval(node)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            raise ValueError from None
        # Only what comes back from JSON unchanged: a tuple or an int key would not.
        if json.loads(json.dumps(value)) == value and _json_only(value):
            return value
    raise ValueError


def _json_only(value: Any) -> bool:
    if isinstance(value, list):
        return all(_json_only(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_only(v) for k, v in value.items())
    return value is None or isinstance(value, (bool, int, float, str))


_ATTRIBUTE_TYPES = {
    bool: "bool",
    int: "int",
    float: "float",
    str: "str",
    list: "json",
    dict: "json",
}


@dataclass
class _Lifted:
    """What lifting constants did in one operation: attributes made, and constants left, why."""

    attributes: list[dict[str, Any]] = field(default_factory=list)
    left: list[tuple[str, str]] = field(default_factory=list)
    """(name, reason) for each ``name = <literal>`` that stayed in the code."""


def _single_name_literal(statement: ast.AST) -> tuple[str, Any] | None:
    """``("x", 0.1)`` for ``x = 0.1``; None for any other statement."""
    if (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
    ):
        try:
            return statement.targets[0].id, _literal(statement.value)
        except ValueError:
            return None
    return None


def _lift(tree: ast.Module, parameters: set[str]) -> _Lifted:
    """Remove top-level ``x = <literal>`` (x bound once) and describe them as attributes."""
    counts: dict[str, int] = defaultdict(int)
    for statement in tree.body:
        for name in stores_of(statement):
            counts[name] += 1
    analysis = analyze(ast.unparse(tree))
    changeable = analysis.mutated | analysis.candidates
    lifted = _Lifted()
    kept: list[ast.stmt] = []
    for statement in tree.body:
        found = _single_name_literal(statement)
        if found is None:
            kept.append(statement)
            continue
        name, value = found
        if name in parameters:
            lifted.left.append((name, "it is also an input of the operation"))
        elif counts[name] > 1:
            lifted.left.append(
                (name, f"it is bound {counts[name]} times in the operation's cells, not once")
            )
        elif isinstance(value, (list, dict)) and name in changeable:
            lifted.left.append((name, "it may be changed in place, so it is not a constant"))
        else:
            kind = _ATTRIBUTE_TYPES[type(value)]
            lifted.attributes.append({"name": name, "type": kind, "default": value})
            continue
        kept.append(statement)
    top = set(map(id, tree.body))
    for node in ast.walk(tree):
        found = _single_name_literal(node) if id(node) not in top else None
        if found is not None:
            lifted.left.append(
                (found[0], "it is assigned inside a block (if, for, with, def), not at top level")
            )
    tree.body = kept or [ast.Pass()]
    return lifted


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while reify runs.

    Reify's garbage (trees, sets, strings) is freed by reference counting; what triggers the
    collector is only how much it allocates, and a full collection then traverses every object
    alive, the whole history included: 150 ms at 100,000 records, a quarter of the reify.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def reify_slice(
    piece: Slice,
    session_records: Sequence[dict[str, Any]],
    *,
    lift_constants: bool = False,
    allow_network: bool = False,
) -> dict[str, Any]:
    """The pipeline document for an already computed slice."""
    ordered = [r for r in session_records if r.get("session") == piece.session]
    with _no_cycle_collection():
        return _Reifier(piece, lift_constants, ordered, allow_network).build()


def _reify_sliced(piece: Slice, *, lift_constants: bool, allow_network: bool) -> dict[str, Any]:
    """:func:`reify_slice` over the session records the slice already holds (and indexed)."""
    return _Reifier(piece, lift_constants, piece.session_records, allow_network).build()


def reify(
    records: Sequence[dict[str, Any]],
    target: str,
    *,
    session: str | None = None,
    record_id: str | None = None,
    lift_constants: bool = False,
    allow_network: bool = False,
) -> dict[str, Any]:
    """A runnable pipeline document that reproduces ``target`` from the recorded ``records``.

    ``records`` are cell and widget records in execution order
    (:meth:`forgelab.store.Store.history_records`). Raises :class:`ReifyError` when the value
    cannot be reproduced, with the reason and what to do. With ``allow_network``, cells that get
    data from the network become operations that fetch it again when the pipeline runs (the
    result may differ if the service's data changed), and the files they read or wrote are
    theirs (with the other files of their folders): later cells may read them without the files
    becoming pipeline inputs.
    """
    with _no_cycle_collection():
        piece = slice_history(records, target, session=session, record_id=record_id)
        return _reify_sliced(piece, lift_constants=lift_constants, allow_network=allow_network)
