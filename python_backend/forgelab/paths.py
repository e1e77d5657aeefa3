"""Where a path a user gives may lead: inside the Jupyter root, or not."""

from __future__ import annotations

import os
from pathlib import Path


def inside_root(root: str | os.PathLike[str], path: str | os.PathLike[str]) -> Path | None:
    """``path`` resolved (relative to ``root``, links followed) if it is ``root`` or below it.

    ``None`` when it leads elsewhere: a file a request names must not make the server read or
    write the user's other files. A relative ``path`` is taken from ``root``; an absolute one
    as it is.
    """
    base = Path(root).resolve()
    full = (base / path).resolve()
    return full if full == base or base in full.parents else None
