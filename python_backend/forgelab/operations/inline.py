"""Describe an inline operation: Python source kept in a pipeline (``source.code``).

The pipeline editor sends the code of an operation created or edited in the editor, and gets
back its Operation JSON, or the syntax or signature error with its line. The code is user code,
so it runs in a separate Python process (``python -m forgelab.operations.inline``, code on
stdin), as workspace files do in :mod:`.library`: a loop, an exit or a crash in it cannot take
the server down.

Which function is the operation: ``function`` when the code defines it; otherwise the only
public function the code defines (so renaming the function in the editor keeps working);
otherwise the error names the functions there are.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import traceback
import types
from typing import Any

from .introspect import OperationDefinitionError, describe

#: The file name tracebacks and syntax errors of inline code refer to.
FILENAME = "<operation>"

#: Longest code accepted, in characters; an operation is a function, not a program.
MAX_CODE = 200_000


class InlineOperationError(ValueError):
    """Inline code cannot be described as an operation; ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line, self.detail = line, message
        super().__init__(f"line {line}: {message}" if line else message)

    def to_json(self) -> dict[str, Any]:
        return {"message": self.detail, "line": self.line}


def _public_functions(module: types.ModuleType) -> list[str]:
    return [
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and isinstance(value, types.FunctionType)
        and value.__module__ == module.__name__
    ]


def _describe_code(code: str, function: str | None) -> dict[str, Any]:
    """Run ``code`` in a fresh module and describe its operation (runs in the child process)."""
    compiled = compile(code, FILENAME, "exec")
    module = types.ModuleType("forgelab_inline_operation")
    sys.modules[module.__name__] = module
    exec(compiled, module.__dict__)  # noqa: S102 - the user's own operation, in a child process
    names = _public_functions(module)
    if function and function in names:
        chosen = function
    elif len(names) == 1:
        chosen = names[0]
    elif not names:
        raise InlineOperationError(
            "the code defines no function; an operation is a top-level `def name(inputs, *, "
            "attributes):`"
        )
    else:
        wanted = f"no function named `{function}`; " if function else ""
        raise InlineOperationError(
            f"{wanted}the code defines {', '.join(f'`{n}`' for n in names)}: say which one is "
            "the operation, or prefix helpers with `_`"
        )
    func = getattr(module, chosen)
    try:
        return describe(func, op_id=f"inline:{chosen}", code=code)
    except OperationDefinitionError as error:
        raise InlineOperationError(str(error), func.__code__.co_firstlineno) from None


def _child_main(function: str | None) -> int:
    """Entry point of the child process: print ``{"operation": ...}`` or ``{"error": ...}``."""
    code = sys.stdin.read()
    try:
        result: dict[str, Any] = {"operation": _describe_code(code, function)}
    except SyntaxError as error:
        result = {"error": {"message": f"SyntaxError: {error.msg}", "line": error.lineno}}
    except InlineOperationError as error:
        result = {"error": error.to_json()}
    except BaseException as error:  # noqa: BLE001 - any failure of user code is reported, not raised
        line = None
        for frame in traceback.extract_tb(error.__traceback__):
            if frame.filename == FILENAME:
                line = frame.lineno
        result = {"error": {"message": f"{type(error).__name__}: {error}", "line": line}}
    sys.stdout.write("\n" + json.dumps(result) + "\n")
    return 0


def introspect_code(
    code: str, function: str | None = None, *, timeout: float = 30.0
) -> dict[str, Any]:
    """Operation JSON of the operation defined in ``code`` (its ``source.code`` is ``code``).

    Raises :class:`InlineOperationError`, with the line when known, when the code does not
    compile, fails while it is defined, defines no usable function, or takes longer than
    ``timeout`` seconds.
    """
    if not isinstance(code, str):
        raise InlineOperationError("`code` must be a string of Python source")
    if len(code) > MAX_CODE:
        raise InlineOperationError(
            f"the code has {len(code)} characters, more than {MAX_CODE}; move it to a .py file "
            "of the workspace and use its operations"
        )
    if function is not None and not isinstance(function, str):
        raise InlineOperationError("`function` must be the name of a function, or absent")
    env = {**os.environ, "MPLBACKEND": "Agg"}
    env.setdefault("KERAS_BACKEND", "torch")
    command = [sys.executable, "-m", "forgelab.operations.inline"]
    if function:
        command.append(function)
    try:
        done = subprocess.run(
            command,
            input=code,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
        )
    except subprocess.TimeoutExpired:
        raise InlineOperationError(
            f"defining the operation took more than {timeout:g} s; move slow work from the "
            "top level into the function"
        ) from None
    lines = done.stdout.strip().splitlines()
    try:
        answer = json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        answer = None
    if not isinstance(answer, dict):
        detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise InlineOperationError(
            f"defining the operation ended the process (exit {done.returncode}): {detail}"
        )
    if "error" in answer:
        raise InlineOperationError(answer["error"]["message"], answer["error"].get("line"))
    operation: dict[str, Any] = answer["operation"]
    return operation


if __name__ == "__main__":  # pragma: no cover - exercised through introspect_code
    sys.exit(_child_main(sys.argv[1] if len(sys.argv) > 1 else None))
