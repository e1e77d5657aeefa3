"""A small fsspec filesystem over SciServer Files, so storage code can treat it like any other.

Paths are SciServer's user-volume paths (``Storage/alice/persistent/...``); URIs use the
``sciserver://`` protocol. Reads download the whole file (the Files API has no ranges); writes
upload on close.
"""

from __future__ import annotations

import io
from typing import Any

from fsspec import AbstractFileSystem

from .files import FilesClient
from .session import SciServerNotFound


class _Upload(io.BytesIO):
    def __init__(self, files: FilesClient, path: str) -> None:
        super().__init__()
        self._files, self._path = files, path

    def close(self) -> None:
        if not self.closed:
            self._files.upload(self._path, self.getvalue())
        super().close()


class SciServerFileSystem(AbstractFileSystem):
    """fsspec view of one account's SciServer Files."""

    protocol = "sciserver"
    cachable = False

    def __init__(self, files: FilesClient, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.files = files

    def ls(self, path: str, detail: bool = True, **kwargs: Any) -> list[Any]:
        path = self._strip_protocol(path)
        try:
            tree = self.files.listing(path)
        except SciServerNotFound:
            raise FileNotFoundError(path) from None
        entries = [
            {"name": f"{path}/{f['name']}", "size": f.get("size", 0), "type": "file"}
            for f in tree.get("files") or []
        ]
        entries += [
            {"name": f"{path}/{f['name']}", "size": 0, "type": "directory"}
            for f in tree.get("folders") or []
        ]
        return entries if detail else [e["name"] for e in entries]

    def info(self, path: str, **kwargs: Any) -> dict[str, Any]:
        path = self._strip_protocol(path)
        found = self.files.stat(path)
        if found is None:
            raise FileNotFoundError(path)
        return {"name": path, "size": found.get("size", 0), "type": found["type"]}

    def _open(self, path: str, mode: str = "rb", **kwargs: Any) -> Any:
        path = self._strip_protocol(path)
        if "r" in mode:
            try:
                return io.BytesIO(self.files.download(path))
            except SciServerNotFound:
                raise FileNotFoundError(path) from None
        return _Upload(self.files, path)

    def cat_file(
        self, path: str, start: int | None = None, end: int | None = None, **kw: Any
    ) -> bytes:
        try:
            return self.files.download(self._strip_protocol(path))[start:end]
        except SciServerNotFound:
            raise FileNotFoundError(path) from None

    def pipe_file(self, path: str, value: bytes, **kwargs: Any) -> None:
        self.files.upload(self._strip_protocol(path), value)

    def mkdir(self, path: str, create_parents: bool = True, **kwargs: Any) -> None:
        self.files.mkdir(self._strip_protocol(path))

    def makedirs(self, path: str, exist_ok: bool = False) -> None:
        self.files.mkdir(self._strip_protocol(path))

    def rm_file(self, path: str) -> None:
        self.files.delete(self._strip_protocol(path), missing_ok=False)

    def rm(self, path: Any, recursive: bool = False, maxdepth: int | None = None) -> None:
        for one in [path] if isinstance(path, str) else path:
            self.files.delete(self._strip_protocol(one), missing_ok=False)

    def mv(self, path1: str, path2: str, **kwargs: Any) -> None:
        self.files.move(self._strip_protocol(path1), self._strip_protocol(path2))

    def cp_file(self, path1: str, path2: str, **kwargs: Any) -> None:
        self.files.move(self._strip_protocol(path1), self._strip_protocol(path2), copy=True)
