"""Files a cell opens, seen through Python's audit hooks (PEP 578).

``open()``, ``io.open``, ``os.open`` and ``io.open_code`` raise the ``open`` audit event, and so do
numpy's and pandas' readers and writers, which open files through Python. Network connections
raise ``socket.connect``. An audit hook cannot be removed, so one hook is installed per process
and does nothing (one attribute check) unless a :class:`FileWatch` is active.

Not seen: files opened by C libraries without Python (HDF5's own driver, some image codecs),
and files read by other processes. Reify then finds no input for them: the operation's code keeps
reading the path it names.
"""

from __future__ import annotations

import hashlib
import os
import site
import sys
import sysconfig
import threading
from pathlib import Path
from typing import Any

from ..environment import cache_dir

#: Files up to this size are hashed after the cell (others are recorded without a hash).
HASH_LIMIT = 64 * 1024 * 1024

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC


def _ignored_prefixes() -> tuple[str, ...]:
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, *sysconfig.get_paths().values()}
    paths |= set(site.getsitepackages()) | {site.getusersitepackages()}
    home = Path.home()
    paths |= {str(home / d) for d in (".cache", ".config", ".ipython", ".matplotlib", ".keras")}
    paths |= {"/proc", "/sys", "/dev", "/etc", "/usr", "/run"}
    # ForgeLab's own modules are code, not data, also when it is installed editable; its cache
    # (the Keras layer catalog, read when an architecture is built) is derived, not data.
    paths.add(str(Path(__file__).resolve().parents[1]))
    paths.add(str(cache_dir()))
    return tuple(sorted(str(Path(p).resolve()) + os.sep for p in paths if p))


_this_thread = threading.local()
"""Per thread: ``ignored`` when what the thread opens is ForgeLab's, not the cell's (it ends with
the thread, so a later thread given the same id is watched)."""


class FileWatch:
    """Collects the files opened while it is active (one cell at a time)."""

    active: FileWatch | None = None
    _installed = False
    _ignored: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.read: dict[str, None] = {}
        self.written: dict[str, None] = {}
        self.network: list[str] = []

    @classmethod
    def install(cls) -> None:
        if not cls._installed:
            cls._ignored = _ignored_prefixes()
            sys.addaudithook(_hook)
            cls._installed = True

    @classmethod
    def ignore_this_thread(cls) -> None:
        """Leave out what the calling thread opens: ForgeLab's own (the provenance writer's
        store and its lock files), not the user's, though it runs while a cell does. Threads
        the cell starts stay watched: their files are the cell's."""
        _this_thread.ignored = True

    def start(self) -> None:
        FileWatch.active = self

    def stop(self) -> None:
        if FileWatch.active is self:
            FileWatch.active = None

    def opened(self, path: Any, mode: Any, flags: Any) -> None:
        if isinstance(path, int):
            return
        try:
            text = os.fsdecode(path)
        except TypeError:
            return
        full = os.path.abspath(text)
        if full.startswith(FileWatch._ignored) or "/.forgelab/" in full:
            return
        if isinstance(mode, str):
            writes = any(c in mode for c in "wax+")
        else:
            writes = bool((flags or 0) & _WRITE_FLAGS)
        if not writes and full.endswith((".py", ".pyc")) and _module_file(full):
            return  # an import, or a traceback or warning showing a module's source lines
        (self.written if writes else self.read)[full] = None


def _module_file(path: str) -> bool:
    """Whether ``path`` is the source or bytecode of a module imported in this process."""
    for module in list(sys.modules.values()):
        for name in (getattr(module, "__file__", None), getattr(module, "__cached__", None)):
            if isinstance(name, str) and os.path.abspath(name) == path:
                return True
    return False


def _hook(event: str, args: tuple[Any, ...]) -> None:
    watch = FileWatch.active
    if watch is None or getattr(_this_thread, "ignored", False):
        return
    if event == "open":
        watch.opened(*args[:3]) if len(args) >= 3 else watch.opened(args[0], "r", 0)
    elif event == "socket.connect":
        address = args[1] if len(args) > 1 else None
        watch.network.append(str(address))


def file_hash(path: str, limit: int = HASH_LIMIT) -> str | None:
    """``sha256:<hex>`` of a regular file up to ``limit`` bytes; None otherwise."""
    try:
        if not os.path.isfile(path) or os.path.getsize(path) > limit:
            return None
        with open(path, "rb") as handle:
            return "sha256:" + hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def network_path(address: str) -> str:
    """How a network connection appears among a record's files read."""
    return f"socket:{address}"
