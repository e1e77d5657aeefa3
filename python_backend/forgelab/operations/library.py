"""Find operations: the built-in ones and those defined in a workspace's ``.py`` files.

A workspace file is user code, so it is imported in a separate Python process
(``python -m forgelab.operations.library FILE``): a file that loops forever, exits or crashes
cannot take the server down, and its errors come back as a message naming the file and line.
Every public top-level function defined in the file (not imported into it) is an operation; its
source is the whole file, so that helpers and imports travel with it into the job.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import traceback
from pathlib import Path
from typing import Any

from .introspect import OperationDefinitionError, describe

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


def _describe_file(path: Path) -> list[dict[str, Any]]:
    """Import ``path`` in a fresh module and describe its functions (runs in the child process)."""
    code = path.read_text(encoding="utf-8")
    module_name = "forgelab_workspace_" + "".join(c if c.isalnum() else "_" for c in path.stem)
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    found = []
    for name, value in vars(module).items():
        if name.startswith("_") or not callable(value) or not hasattr(value, "__code__"):
            continue
        if getattr(value, "__module__", None) != module_name:
            continue
        op = describe(value, op_id=f"{path.name}:{name}", code=code, category=path.name)
        found.append(op)
    return found


def _child_main(path_text: str) -> int:
    """Entry point of the child process: print ``{"operations": [...]}`` or ``{"error": ...}``."""
    path = Path(path_text).resolve()
    os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        result: dict[str, Any] = {"operations": _describe_file(path)}
    except SyntaxError as error:
        result = {"error": {"message": f"SyntaxError: {error.msg}", "line": error.lineno}}
    except OperationDefinitionError as error:
        result = {"error": {"message": str(error), "line": None}}
    except BaseException as error:  # noqa: BLE001 - any failure of user code is reported, not raised
        line = None
        for frame in traceback.extract_tb(error.__traceback__):
            if Path(frame.filename).resolve() == path:
                line = frame.lineno
        result = {"error": {"message": f"{type(error).__name__}: {error}", "line": line}}
    sys.stdout.write("\n" + json.dumps(result) + "\n")
    return 0


def load_file(path: str | os.PathLike[str], *, timeout: float = 30.0) -> list[dict[str, Any]]:
    """Operation JSON of the functions defined in one ``.py`` file.

    Raises :class:`OperationLoadError` (with the line when known) when the file cannot be
    imported, takes longer than ``timeout`` seconds, or defines an unusable function.
    """
    path = Path(path)
    if not path.is_file():
        raise OperationLoadError(str(path), "no such file")
    env = {
        **os.environ,
        "MPLBACKEND": "Agg",
        "KERAS_BACKEND": os.environ.get("KERAS_BACKEND", "torch"),
    }
    try:
        done = subprocess.run(
            [sys.executable, "-m", "forgelab.operations.library", str(path.resolve())],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=str(path.resolve().parent),
            env=env,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise OperationLoadError(
            str(path), f"importing the file took more than {timeout:g} s"
        ) from None
    lines = done.stdout.strip().splitlines()
    try:
        answer = json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        answer = None
    if not isinstance(answer, dict):
        detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise OperationLoadError(
            str(path), f"importing the file ended the process (exit {done.returncode}): {detail}"
        )
    if "error" in answer:
        raise OperationLoadError(str(path), answer["error"]["message"], answer["error"].get("line"))
    return list(answer["operations"])


def workspace_operations(
    root: str | os.PathLike[str],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Operations of every ``.py`` file under ``root``, and the errors of files that failed."""
    operations: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    root = Path(root)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS and not d.startswith(".")]
        for filename in sorted(filenames):
            if not filename.endswith(".py"):
                continue
            file = Path(dirpath) / filename
            try:
                for op in load_file(file):
                    op["id"] = f"{file.relative_to(root).as_posix()}:{op['source']['function']}"
                    operations.append(op)
            except OperationLoadError as error:
                error.path = file.relative_to(root).as_posix()
                errors.append(error.to_json())
    return operations, errors


if __name__ == "__main__":  # pragma: no cover - exercised through load_file
    sys.exit(_child_main(sys.argv[1]))
