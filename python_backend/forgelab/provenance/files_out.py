"""Writing a reified pipeline into the Jupyter tree without ever replacing an existing file."""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath
from typing import Any

from ..paths import inside_root
from .errors import ReifyError

SUFFIX = ".pipeline.json"
#: ForgeLab's own folder in the Jupyter root (store, jobs, artifacts): never written by reify.
PRIVATE = ".forgelab"


def tree_path(root: str | os.PathLike[str], path: str) -> Path:
    """``path`` (relative to the server root, ``/``-separated) as a file inside ``root``.

    Raises :class:`ReifyError` when ``path`` is absolute or leaves the root.
    """
    base = Path(root).resolve()
    if "\x00" in path:
        raise ReifyError(f"path {path!r} holds a NUL byte: give a file inside the Jupyter root")
    relative = PurePosixPath(path)
    if relative.is_absolute() or ".." in relative.parts:
        raise ReifyError(
            f"path {path!r} must be relative to the Jupyter root and stay inside it "
            "(no leading '/', no '..')"
        )
    resolved = inside_root(base, relative)
    if resolved is None:
        raise ReifyError(f"path {path!r} leaves the Jupyter root")
    return resolved


def safe_stem(name: str) -> str:
    """A file name stem made of ``name``'s word characters (``reified`` if none)."""
    stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in name).strip("._")
    return stem or "reified"


def write_new(root: str | os.PathLike[str], path: str, doc: dict[str, Any]) -> str:
    """Write ``doc`` at ``path`` or, if taken, at ``<stem>-1.pipeline.json``, ``-2``...

    ``path`` is relative to ``root`` and should end with ``.pipeline.json`` (added if not). The
    file is created exclusively, so two requests at once never write the same file. Returns the
    path written, relative to ``root`` with ``/`` separators.
    """
    name = PurePosixPath(path).name
    if not path.strip() or path.endswith("/") or name in ("", ".", "..") or name.startswith("."):
        raise ReifyError(
            f"path {path!r} names no visible file: give a file name such as "
            f"'analysis{SUFFIX}' (relative to the Jupyter root)"
        )
    if not path.endswith(SUFFIX):
        path = path[: -len(".json")] if path.endswith(".json") else path
        path += SUFFIX
    target = tree_path(root, path)
    if PRIVATE in target.relative_to(Path(root).resolve()).parts:
        raise ReifyError(
            f"path {path!r} is inside {PRIVATE}/, ForgeLab's own folder: choose another folder"
        )
    if target.is_dir():
        raise ReifyError(f"{path!r} is a folder; give a file name ending in {SUFFIX}")
    if not target.parent.is_dir():
        raise ReifyError(f"folder {str(PurePosixPath(path).parent)!r} does not exist")
    stem = target.name[: -len(SUFFIX)]
    text = json.dumps(doc, indent=2) + "\n"
    for attempt in range(10_000):
        candidate = target if attempt == 0 else target.with_name(f"{stem}-{attempt}{SUFFIX}")
        try:
            with open(candidate, "x", encoding="utf-8") as handle:
                handle.write(text)
        except FileExistsError:
            continue
        return candidate.relative_to(Path(root).resolve()).as_posix()
    raise ReifyError(f"too many files named {stem}-N{SUFFIX} already; choose another name")
