"""``local`` storage: artifacts as files in a folder (by default ``.forgelab/artifacts`` of the
Jupyter root). Writes are a temporary file renamed into place, so none is ever half visible."""

from __future__ import annotations

import os
from typing import Any, ClassVar

import fsspec
from fsspec.implementations.local import LocalFileSystem

from .base import StorageAdapter


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
        parts = [p for p in key.split("/") if p]
        if not parts or any(p in (".", "..") for p in parts):
            raise ValueError(f"invalid artifact key {key!r}: use a relative '/'-separated name")
        return "file://" + os.path.join(self.root, *parts)

    def path_of(self, uri: str) -> str:
        path = uri[len("file://") :] if uri.startswith("file://") else uri
        return os.path.abspath(path)

    def local_path(self, uri: str) -> str | None:
        return self.path_of(uri)

    def test_connection(self) -> dict[str, Any]:
        os.makedirs(self.root, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise PermissionError(f"cannot write to {self.root}: check the folder's permissions")
        return {"ok": True, "message": f"writable folder {self.root}"}
