"""Which statements of a cell can travel into another operation, and what they need there.

Reify copies the statement that bound a name into the operations that read it when running it
again gives the same thing: ``import``, ``def`` and ``class`` (see :mod:`.reify`), and here:

* a ``try: from m import f`` / ``except ImportError:`` fallback block, as a whole;
* ``f = g``, ``f = module.g`` (a dotted name), ``f = lambda ...``, ``f = functools.partial(...)``.

Each is re-runnable only when every global it reads can travel too (reify checks that, with the
names returned here); otherwise the value is shipped as a port (cloudpickle pickles lambdas and
closures by value, importable functions by reference), as is any other function-valued binding
(``f = make_scaler(2)``). The module also finds what the syntax says about aliases (``b = a``) and
the globals of functions a cell defines and calls itself, which the recorder cannot see.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Sequence
from dataclasses import dataclass

from ..kernel.analysis import analyze, stores_of

#: Exceptions that make a ``try`` block an optional import with a fallback.
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})

#: Statements that may appear in an optional import block without making it more than that.
_DEFINING = (
    ast.Import,
    ast.ImportFrom,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.Assign,
    ast.Pass,
    ast.Expr,
)


@dataclass(frozen=True)
class Binding:
    """A statement that can be run again in another operation to bind a name."""

    source: str
    reads: frozenset[str]
    """Globals the statement reads when it runs (builtins left out): they must travel too."""


def _dotted(node: ast.AST) -> bool:
    """``a``, ``a.b.c``: a name or a chain of attributes of a name."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def _is_partial(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call) or not _dotted(node.func):
        return False
    return ast.unparse(node.func).split(".")[-1] == "partial"


def _optional_import(node: ast.Try) -> bool:
    """``try: from fast import f`` / ``except ImportError: def f(...)``."""
    if node.finalbody or node.orelse or not node.handlers:
        return False
    for handler in node.handlers:
        caught = handler.type
        names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
        if not names or not all(isinstance(n, ast.Name) and n.id in _IMPORT_ERRORS for n in names):
            return False
    bodies = [node.body, *(h.body for h in node.handlers)]
    return all(isinstance(s, _DEFINING) for body in bodies for s in body) and any(
        isinstance(s, (ast.Import, ast.ImportFrom)) for s in node.body
    )


def _rerunnable(statement: ast.stmt, name: str) -> bool:
    if isinstance(statement, ast.Try):
        return _optional_import(statement)
    if (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
        and statement.targets[0].id == name
    ):
        value = statement.value
        return _dotted(value) or isinstance(value, ast.Lambda) or _is_partial(value)
    return False


def rerunnable_binding(
    tree: ast.Module,
    code: str,
    name: str,
    statement_stores: Sequence[frozenset[str]] | None = None,
) -> Binding | None:
    """The last top-level statement binding ``name``, if it is one of the re-runnable kinds.

    ``statement_stores``: what each statement of ``tree`` binds, when the caller has it
    (:attr:`~forgelab.kernel.analysis.CellAnalysis.statement_stores`).
    """
    last: ast.stmt | None = None
    if statement_stores is None:
        statement_stores = [stores_of(statement) for statement in tree.body]
    for statement, stores in zip(tree.body, statement_stores, strict=True):
        if name in stores:
            last = statement
    if last is None or not _rerunnable(last, name):
        return None
    source = ast.get_source_segment(code, last) or ast.unparse(last)
    reads = {n for n in analyze(source).reads if not hasattr(builtins, n)}
    return Binding(source, frozenset(reads))


def alias_pairs(tree: ast.Module) -> set[tuple[str, str]]:
    """Pairs of names that a top-level statement binds to one object: ``b = a``, ``a = b = {}``."""
    pairs: set[tuple[str, str]] = set()
    for statement in tree.body:
        if not isinstance(statement, ast.Assign):
            continue
        names = [t.id for t in statement.targets if isinstance(t, ast.Name)]
        if isinstance(statement.value, ast.Name):
            names.append(statement.value.id)
        pairs |= {(a, b) for a in names for b in names if a != b}
    return pairs


def called_free_names(tree: ast.Module, free_names: dict[str, frozenset[str]]) -> set[str]:
    """Globals read by the functions a cell defines and calls (or passes on) in that same cell.

    The recorder reads a function's globals when a *later* cell calls it; a cell that defines
    and uses the function at once reads them as well, but only the syntax shows it. Followed
    through the cell's other functions that those call, transitively; builtins left out.
    """
    if not free_names:
        return set()  # the cell defines no function: nothing to follow
    used: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            parts: list[ast.AST] = [*statement.decorator_list]
            if isinstance(statement, ast.ClassDef):
                parts += statement.bases
        else:
            parts = [statement]
        used |= {
            n.id
            for part in parts
            for n in ast.walk(part)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
        }
    todo = [n for n in used if n in free_names]
    seen: set[str] = set()
    found: set[str] = set()
    while todo:
        function = todo.pop()
        if function in seen:
            continue
        seen.add(function)
        for name in free_names[function]:
            if name in free_names:
                todo.append(name)
            elif not hasattr(builtins, name):
                found.add(name)
    return found
