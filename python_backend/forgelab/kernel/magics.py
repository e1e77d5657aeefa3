"""IPython magics and shell lines in a cell, as far as a pipeline is concerned.

IPython turns ``%time x = f()`` into ``get_ipython().run_line_magic('time', 'x = f()')``, which a
pipeline cannot run. Most magics in real notebooks do not make the values a pipeline needs, so each
top-level statement that calls ``get_ipython()`` is either

* *unwrapped*: ``%time``/``%%time`` (and ``%%capture`` without a name to bind the output to)
  run their code, so the statement becomes that code;
* *dropped*: magics that only change display, the session or timing (``%matplotlib``,
  ``%load_ext``, ``%timeit``/``%%timeit``, which binds nothing in the namespace), shell lines
  whose output nobody keeps (``!ls``, ``%%bash``); their effect on files is seen, if at all, as
  files read later, which then become pipeline inputs;
* *blocking*: anything else (``files = !ls``, ``%store -r x``, ``%cd``): the pipeline would need
  its result and cannot compute it, so reify refuses and names the line.

The recorder analyses the plain code too, so that ``%time y = f(x)`` reads ``f`` and ``x``.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import lru_cache

#: Characters and line starts on which IPython's input transformer may change a cell: magics,
#: shell and help escapes, auto-call escapes, pasted prompts.
_IPYTHON_SYNTAX = re.compile(r"[%!?]|^[ \t]*(?:[/,;]|>>>|\.\.\.|In \[)", re.MULTILINE)


def already_python(cell: str) -> str | None:
    """The cell as IPython's default transformer would give it back, when it holds no IPython
    syntax (most cells): it would only end it with a newline. None when it must be transformed.

    Tokenizing a cell to look for that syntax costs IPython a few milliseconds a cell.
    """
    if cell and not cell[0].isspace() and not _IPYTHON_SYNTAX.search(cell):
        return cell if cell.endswith("\n") else cell + "\n"
    return None


#: Line magics that only change display, the session or timing: dropped.
DROPPED_LINE_MAGICS = frozenset(
    {
        "matplotlib",
        "load_ext",
        "reload_ext",
        "unload_ext",
        "config",
        "autoreload",
        "aimport",
        "pylab",
        "precision",
        "timeit",
        "who",
        "whos",
        "lsmagic",
        "pwd",
        "pinfo",
        "pinfo2",
        "pdef",
        "pdoc",
        "psource",
        "pfile",
        "history",
        "xmode",
        "colors",
        "autosave",
        "notebook",
        "page",
        "pip",
        "conda",
        "mamba",
    }
)

#: Cell magics whose body is run as Python in the namespace (without a name to bind).
UNWRAPPED_CELL_MAGICS = frozenset({"time", "capture"})

#: Cell magics that bind nothing in the namespace: timing, display, shell scripts.
DROPPED_CELL_MAGICS = frozenset(
    {"timeit", "html", "javascript", "js", "markdown", "latex", "svg", "bash", "sh", "script"}
)


@dataclass(frozen=True)
class PlainCell:
    """A cell as plain Python, and the first magic or shell line it cannot do without."""

    code: str
    blocked: tuple[int, str] | None = None
    """``(line, what)``: the line (1-based, in the cell) and a description of the magic."""


def _magic(statement: ast.stmt) -> tuple[str, str, list[str]] | None:
    """``('run_line_magic', 'time', ['x = f()'])`` for a bare ``get_ipython().<method>(...)``."""
    if not isinstance(statement, ast.Expr) or not isinstance(statement.value, ast.Call):
        return None
    call = statement.value
    func = call.func
    if not (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Call)
        and isinstance(func.value.func, ast.Name)
        and func.value.func.id == "get_ipython"
        and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in call.args)
    ):
        return None
    args = [str(a.value) for a in call.args]  # type: ignore[attr-defined]
    if func.attr in ("run_line_magic", "run_cell_magic") and args:
        return func.attr, args[0], args[1:]
    if func.attr == "system":
        return "system", "!", args
    return None


def _uses_ipython(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Name) and n.id == "get_ipython" for n in ast.walk(node))


def _describe(statement: ast.stmt) -> str:
    magic = _magic(statement)
    if magic is None:
        return "uses the result of an IPython magic or shell command"
    method, name, args = magic
    if method == "system":
        return "runs a shell command"
    prefix = "%%" if method == "run_cell_magic" else "%"
    return f"runs {prefix}{name}" + (f" {args[0]}" if args and args[0] else "")


def _rewrite(statement: ast.stmt) -> list[ast.stmt] | None:
    """The plain statements that replace ``statement``, or None when it blocks."""
    if not _uses_ipython(statement):
        return [statement]
    magic = _magic(statement)
    if magic is None:
        return None
    method, name, args = magic
    if method == "system":
        return []
    if method == "run_line_magic":
        if name in DROPPED_LINE_MAGICS:
            return []
        if name == "time" and args:
            return _inner(args[0])
        return None
    options, body = (args + ["", ""])[:2]
    if name in DROPPED_CELL_MAGICS:
        return []
    if name in UNWRAPPED_CELL_MAGICS and all(o.startswith("-") for o in options.split()):
        return _inner(body)  # options only; a name (%%capture out) would bind the output
    return None


def _inner(code: str) -> list[ast.stmt] | None:
    from IPython.core.inputtransformer2 import TransformerManager

    inner = plain_python(TransformerManager().transform_cell(code))
    if inner.blocked is not None:
        return None
    try:
        return ast.parse(inner.code).body
    except SyntaxError:
        return None


@lru_cache(maxsize=4096)
def plain_python(code: str) -> PlainCell:
    """``code`` (already transformed by IPython) with magics unwrapped or dropped (module doc)."""
    if "get_ipython" not in code:
        return PlainCell(code)
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return PlainCell(code)
    body: list[ast.stmt] = []
    blocked: tuple[int, str] | None = None
    for statement in tree.body:
        replaced = _rewrite(statement)
        if replaced is None:
            blocked = blocked or (statement.lineno, _describe(statement))
            replaced = [statement]
        body.extend(replaced)
    tree.body = body
    return PlainCell(ast.unparse(tree) + "\n" if body else "", blocked)
