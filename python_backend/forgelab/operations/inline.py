"""Describe an inline operation: Python source kept in a pipeline (``source.code``).

The pipeline editor sends the code of an operation created or edited in the editor, and gets
back its Operation JSON, or the syntax or signature error with its line. The code may be
someone else's (a pipeline shared with the user), so it is read with :mod:`.static`, never run:
errors that only running shows (a missing import, a top-level ``raise``) are reported by the
job when the user runs the pipeline.

Which function is the operation: ``function`` when the code defines it; otherwise the only
public function the code defines (so renaming the function in the editor keeps working);
otherwise the error names the functions there are.
"""

from __future__ import annotations

from typing import Any

from . import static

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


def introspect_code(
    code: str, function: str | None = None, *, timeout: float | None = None
) -> dict[str, Any]:
    """Operation JSON of the operation defined in ``code`` (its ``source.code`` is ``code``).

    The code is read, never run. Raises :class:`InlineOperationError`, with the line when
    known, when the code does not parse or defines no usable function. ``timeout`` is accepted
    for compatibility; reading never runs the code, so nothing can hang.
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
    try:
        tree = static.parse(code, FILENAME)
    except SyntaxError as error:
        raise InlineOperationError(f"SyntaxError: {error.msg}", error.lineno) from None
    except ValueError as error:  # a NUL byte in the source
        raise InlineOperationError(f"the code cannot be read as Python: {error}") from None
    functions = static.public_functions(tree)
    names = list(functions)
    if function and function in functions:
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
    try:
        return static.describe_function(
            tree, functions[chosen], op_id=f"inline:{chosen}", code=code
        )
    except static.StaticDescriptionError as error:
        raise InlineOperationError(str(error), error.line) from None
