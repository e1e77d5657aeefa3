"""Reading a framework's classes: Google-style docstrings and JSON-able defaults.

Shared by the libraries' catalogs, which describe each layer from its class alone.
"""

from __future__ import annotations

import inspect
import re
from typing import Any


def parse_docstring(doc: str | None) -> tuple[str, dict[str, str]]:
    """The summary (first paragraph) and the ``Args:`` entries of a Google-style docstring."""
    text = inspect.cleandoc(doc or "")
    lines = text.splitlines()
    summary_lines: list[str] = []
    for line in lines:
        if not line.strip():
            if summary_lines:
                break
            continue
        summary_lines.append(line.strip())
    summary = " ".join(summary_lines)

    args: dict[str, str] = {}
    start = next(
        (i for i, line in enumerate(lines) if line.strip() in ("Args:", "Arguments:")), None
    )
    if start is None:
        return summary, args
    header_indent = _indent(lines[start])
    arg_indent: int | None = None
    current: str | None = None
    entry = re.compile(r"^\*{0,2}([A-Za-z_][A-Za-z0-9_]*)\s*(\([^)]*\))?\s*:\s*(.*)$")
    for line in lines[start + 1 :]:
        if not line.strip():
            continue
        indent = _indent(line)
        if indent <= header_indent:
            break
        if arg_indent is None:
            arg_indent = indent
        if indent < arg_indent:
            break
        match = entry.match(line.strip()) if indent == arg_indent else None
        if match:
            current = match.group(1)
            args[current] = match.group(3).strip()
        elif current is not None:
            args[current] = (args[current] + " " + line.strip()).strip()
    return summary, args


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def json_default(value: Any) -> tuple[bool, Any]:
    """``(True, value)`` when a default can be written as JSON, else ``(False, repr)``."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return True, value
    if isinstance(value, (tuple, list)):
        items = [json_default(v) for v in value]
        if all(ok for ok, _ in items):
            return True, [v for _, v in items]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        items_d = {k: json_default(v) for k, v in value.items()}
        if all(ok for ok, _ in items_d.values()):
            return True, {k: v for k, (_, v) in items_d.items()}
    return False, repr(value)
