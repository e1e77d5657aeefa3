"""Where a path a user gives may lead: inside the Jupyter root, or not."""

from __future__ import annotations

import os
from pathlib import Path

#: Longest path and longest path component accepted (Linux's ``PATH_MAX`` and ``NAME_MAX``).
PATH_MAX = 4096
NAME_MAX = 255


class PathError(ValueError):
    """A path that no file system can hold: too long, a too long name, or a NUL byte."""


def check_path_text(path: str | os.PathLike[str]) -> None:
    """Raise :class:`PathError` for a path no file could have, before the file system does
    (``OSError: File name too long`` is not the user's to read)."""
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    if "\x00" in text:
        raise PathError(f"{text[:60]!r} holds a NUL byte: give a file path")
    if len(text) > PATH_MAX:
        raise PathError(f"a path of {len(text)} characters is too long (at most {PATH_MAX})")
    longest = max((len(part) for part in text.split("/")), default=0)
    if longest > NAME_MAX:
        raise PathError(
            f"a file or folder name of {longest} characters is too long (at most {NAME_MAX})"
        )


def inside_root(root: str | os.PathLike[str], path: str | os.PathLike[str]) -> Path | None:
    """``path`` resolved (relative to ``root``, links followed) if it is ``root`` or below it.

    ``None`` when it leads elsewhere: a file a request names must not make the server read or
    write the user's other files. A relative ``path`` is taken from ``root``; an absolute one
    as it is. Raises :class:`PathError` for a path no file could have.
    """
    check_path_text(path)
    base = Path(root).resolve()
    full = (base / path).resolve()
    return full if full == base or base in full.parents else None


def tree_inside_root(root: str | os.PathLike[str], path: str | os.PathLike[str]) -> Path | None:
    """Like :func:`inside_root`, and for a folder every file and folder below it too.

    A folder inside the root may hold links to files elsewhere; copying it (a reference folder
    copied into a job) would read them. ``None`` if any entry, links followed, leaves ``root``.
    """
    full = inside_root(root, path)
    if full is None or not full.is_dir():
        return full
    seen: set[Path] = set()
    for folder, dirs, files in os.walk(full, followlinks=True):
        here = Path(folder).resolve()
        if inside_root(root, here) is None:
            return None
        if here in seen:  # a link back up the tree: do not walk it again
            dirs.clear()
            continue
        seen.add(here)
        if any(inside_root(root, here / name) is None for name in files):
            return None
    return full
