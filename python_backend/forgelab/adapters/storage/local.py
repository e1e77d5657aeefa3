"""``local`` storage: artifacts as files in a folder (by default ``.forgelab/artifacts`` of the
Jupyter root). Writes are a temporary file renamed into place, so none is ever half visible."""

from __future__ import annotations

import os
from typing import Any, ClassVar

import fsspec
from fsspec.implementations.local import LocalFileSystem

from .base import StorageAdapter, StorageKeyError, key_parts


class LocalStorage(StorageAdapter):
    """Artifacts in a folder on the Jupyter server's machine."""

    name = "local"
    config_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "root": {
                "type": "string",
                "title": "Folder",
                "description": "Absolute folder, or relative to the Jupyter root.",
                "default": ".forgelab/artifacts",
            },
        },
    }

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config)
        self.root = os.path.abspath(self.config.get("root", ".forgelab/artifacts"))
        # Jobs rebuild the adapter elsewhere (other cwd): pin the absolute folder.
        self.config["root"] = self.root

    def filesystem(self) -> fsspec.AbstractFileSystem:
        return LocalFileSystem()

    def uri_for(self, key: str) -> str:
        return "file://" + os.path.join(self.root, *key_parts(key))

    def path_of(self, uri: str) -> str:
        """The file of ``uri``; :class:`StorageKeyError` when it is outside the folder, links
        followed (a link inside the folder to a file elsewhere is refused too)."""
        path = uri[len("file://") :] if uri.startswith("file://") else uri
        if "\x00" in path:
            raise StorageKeyError(f"invalid artifact URI {uri!r}: it holds a NUL byte")
        path = os.path.abspath(path)
        real_root = os.path.realpath(self.root)
        real = os.path.realpath(path)
        if real != real_root and not real.startswith(real_root + os.sep):
            raise StorageKeyError(
                f"artifact URI {uri!r} is outside the local storage folder {self.root} (after "
                "following links): this storage reads and writes only inside its folder"
            )
        return path

    def local_path(self, uri: str) -> str | None:
        return self.path_of(uri)

    def test_connection(self, owner: str | None = None) -> dict[str, Any]:
        os.makedirs(self.root, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise PermissionError(f"cannot write to {self.root}: check the folder's permissions")
        return {"ok": True, "message": f"writable folder {self.root}"}
