"""Find operations: the built-in ones and those defined in a workspace's ``.py`` files.

A workspace file is user code, possibly someone else's, so it is read, never run: its syntax
tree is described by :mod:`.static`, and the code runs only in a job the user started. Every
public top-level function defined in the file (not imported into it) is an operation; its
source is the whole file, so that helpers and imports travel with it into the job.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..paths import inside_root
from . import static

#: Directories never searched for operations.
_SKIP_DIRS = {
    ".git",
    ".forgelab",
    "node_modules",
    "__pycache__",
    ".venv",
    "venv",
    ".ipynb_checkpoints",
}


class OperationLoadError(Exception):
    """A workspace file could not be read as operations."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path, self.line, self.detail = path, line, message
        where = f"{path}, line {line}" if line else path
        super().__init__(f"{where}: {message}")

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "message": self.detail}


def builtin_operations() -> list[dict[str, Any]]:
    """Operation JSON of every built-in operation."""
    from .builtin import operations

    return operations()


def load_file(
    path: str | os.PathLike[str], *, timeout: float | None = None
) -> list[dict[str, Any]]:
    """Operation JSON of the functions defined in one ``.py`` file, read without running it.

    Raises :class:`OperationLoadError` (with the line when known) when the file is not UTF-8
    Python source or defines an unusable function. ``timeout`` is accepted for compatibility:
    reading the syntax tree never runs the file's code, so nothing can hang.
    """
    path = Path(path)
    if not path.is_file():
        raise OperationLoadError(str(path), "no such file")
    try:
        code = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise OperationLoadError(
            str(path), f"the file is not UTF-8 text (byte {error.start}); save it as UTF-8"
        ) from None
    try:
        operations = static.iter_operations(
            code, id_prefix=f"{path.name}:", filename=str(path), category=path.name
        )
        return list(operations)
    except SyntaxError as error:
        raise OperationLoadError(str(path), f"SyntaxError: {error.msg}", error.lineno) from None
    except static.StaticDescriptionError as error:
        raise OperationLoadError(str(path), str(error), error.line) from None
    except ValueError as error:  # a NUL byte in the source
        raise OperationLoadError(str(path), f"the file cannot be read as Python: {error}") from None


def workspace_operations(
    root: str | os.PathLike[str],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Operations of every ``.py`` file under ``root``, and the errors of files that failed.

    A file that is a link to somewhere outside ``root`` is skipped: its code would otherwise
    reach the browser as an operation's source.
    """
    operations: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    root = Path(root)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS and not d.startswith(".")]
        for filename in sorted(filenames):
            if not filename.endswith(".py"):
                continue
            file = Path(dirpath) / filename
            if inside_root(root, file.absolute()) is None:
                continue
            try:
                for op in load_file(file):
                    op["id"] = f"{file.relative_to(root).as_posix()}:{op['source']['function']}"
                    operations.append(op)
            except OperationLoadError as error:
                error.path = file.relative_to(root).as_posix()
                errors.append(error.to_json())
    return operations, errors
