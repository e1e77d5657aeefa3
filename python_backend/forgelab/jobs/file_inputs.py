"""Files an operation opens at a path it computes, served from the pipeline's Input nodes.

A reified cell may read ``os.path.join(DATA, "x.csv")`` or ``Path(root) / name``: no literal in
its code names the file, so reify cannot turn the path into the operation's parameter. Instead
the operation's body runs inside :func:`inputs_at`, which maps each path the notebook read (the
Input node's ``source``) to the local file the Input delivers to the job: while it is active,
reading that path with Python's ``open`` (``builtins.open``, ``io.open``, ``pathlib``, and so
NumPy's and pandas' readers) opens the Input's file instead. A relative path (or an absolute one
under the working folder, built from ``os.getcwd()``) is matched by its end, as the notebook's
folder and the job's differ. Writes, and every other path, are left alone.
"""

from __future__ import annotations

import builtins
import io
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

_WRITE_MODES = frozenset("wax+")


def _without_parents(relative: str) -> str:
    parent = os.pardir + os.sep
    while relative.startswith(parent):
        relative = relative[len(parent) :]
    return relative


def _matching(path: Any, sources: Mapping[str, str]) -> str | None:
    """The local file for ``path`` when it names one of ``sources``; None otherwise."""
    try:
        text = os.fsdecode(os.fspath(path))
    except TypeError:
        return None
    full = os.path.normpath(os.path.abspath(text))
    if full in sources:
        return sources[full]
    relative = text
    if os.path.isabs(text):
        # Built from os.getcwd() (or Path.cwd()): relative to the working folder in disguise.
        relative = os.path.relpath(full) if full.startswith(os.getcwd() + os.sep) else ""
    if relative:
        end = os.sep + _without_parents(os.path.normpath(relative))
        for source, local in sources.items():
            if source.endswith(end):
                return local
    return None


@contextmanager
def inputs_at(files: Mapping[str, Any]) -> Iterator[None]:
    """While active, reading a path in ``files`` (source path to the Input's local path) opens
    the Input's file instead."""
    sources = {os.path.normpath(s): os.fspath(local) for s, local in files.items()}
    original = builtins.open

    def opening(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if not isinstance(file, int) and not (_WRITE_MODES & set(mode)):
            local = _matching(file, sources)
            if local is not None:
                file = local
        return original(file, mode, *args, **kwargs)

    builtins.open = opening
    io.open = opening
    try:
        yield
    finally:
        builtins.open = original
        io.open = original
