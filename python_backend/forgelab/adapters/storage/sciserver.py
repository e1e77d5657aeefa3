"""The ``sciserver`` storage adapter: artifacts in a SciServer user volume, over the Files API.

URIs look like ``sciserver://Storage/alice/persistent/forgelab/<key>``. Writes upload to a
temporary file under ``<prefix>/.forgelab-tmp/`` while hashing the bytes as they stream out, then
move it to its name (a rename on the fileservice), so nothing half-written is visible under an
artifact's name. The fileservice keeps no content hash; the hash returned here is recorded with
the artifact. Reads and deletes call the Files API directly; :meth:`filesystem` offers the same
files as an fsspec filesystem.

Inside a SciServer Compute container it needs no configuration: token, user and base URLs come
from the container (:mod:`forgelab.sciserver.container`), and the artifacts, in the user's
``Storage/<user>/persistent`` volume, also appear under ``/home/idies/workspace`` there.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Iterator
from typing import IO, Any, ClassVar

import fsspec

from ...sciserver import SETTINGS_SCHEMA, SciServer, SciServerNotFound, container
from ...sciserver.fs import SciServerFileSystem
from .base import CHUNK, StorageAdapter, StoredObject, key_parts

TEMP_FOLDER = ".forgelab-tmp"


class SciServerStorage(StorageAdapter):
    """Artifacts in a SciServer user volume (Files REST API, token)."""

    name = "sciserver"
    config_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "title": "SciServer Files",
        "additionalProperties": False,
        "properties": {
            **SETTINGS_SCHEMA,
            "root_volume": {"type": "string", "default": "Storage"},
            "user_volume": {"type": "string", "default": "persistent"},
            "owner": {"type": "string", "description": "Volume owner; default: the token's user."},
            "prefix": {"type": "string", "default": "forgelab"},
        },
    }

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config)
        self.sciserver = SciServer.from_config(self.config)
        self._fs: SciServerFileSystem | None = None

    @property
    def root(self) -> str:
        """``root/owner/volume/prefix``: where this adapter's keys live."""
        owner = self.config.get("owner") or self.sciserver.username
        parts = [
            self.config.get("root_volume", "Storage"),
            owner,
            self.config.get("user_volume", "persistent"),
            str(self.config.get("prefix", "forgelab")).strip("/"),
        ]
        return "/".join(p for p in parts if p)

    def filesystem(self) -> fsspec.AbstractFileSystem:
        if self._fs is None:
            self._fs = SciServerFileSystem(self.sciserver.files)
        return self._fs

    def uri_for(self, key: str) -> str:
        return f"sciserver://{self.root}/{'/'.join(key_parts(key))}"

    def path_of(self, uri: str) -> str:
        path = uri.removeprefix("sciserver://").strip("/")
        key_parts(path)  # no '.', '..' or NUL part, which the file service would resolve
        return path

    def put_file(self, local_path: str, key: str) -> StoredObject:
        uri = self.uri_for(key)
        temp = f"{self.root}/{TEMP_FOLDER}/{uuid.uuid4().hex}"
        digest = hashlib.sha256()
        size = [0]

        def chunks(source: IO[bytes]) -> Iterator[bytes]:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                size[0] += len(chunk)
                yield chunk

        files = self.sciserver.files
        try:
            with open(local_path, "rb") as source:
                files.upload(temp, chunks(source))
            files.move(temp, self.path_of(uri))
        finally:
            files.delete(temp)  # quiet: nothing left once moved
        return StoredObject(uri, size[0], "sha256:" + digest.hexdigest())

    def get_file(self, uri: str, local_path: str) -> None:
        path = self.path_of(uri)
        try:
            with open(local_path, "wb") as target:
                for chunk in self.sciserver.files.download_chunks(path):
                    target.write(chunk)
        except SciServerNotFound:
            raise FileNotFoundError(f"No artifact at {uri}") from None

    def open(self, uri: str, mode: str = "rb") -> IO[bytes]:
        if mode != "rb":
            raise ValueError("SciServer artifacts open read-only ('rb'); write with put_file")
        try:
            return io.BytesIO(self.sciserver.files.download(self.path_of(uri)))
        except SciServerNotFound:
            raise FileNotFoundError(f"No artifact at {uri}") from None

    def exists(self, uri: str) -> bool:
        return self.sciserver.files.stat(self.path_of(uri)) is not None

    def delete(self, uri: str) -> None:
        self.sciserver.files.delete(self.path_of(uri))

    def test_connection(self, owner: str | None = None) -> dict[str, Any]:
        # A SciServer user's files are theirs alone: the probe goes where every artifact waits.
        probe = f"{self.root}/{TEMP_FOLDER}/probe-{uuid.uuid4().hex}"
        files = self.sciserver.files
        files.upload(probe, b"forgelab")
        files.delete(probe)
        mounted = container.resolve(container.WORKSPACE)
        volume = "/".join(self.root.split("/")[:3])
        here = (
            f" (in this container: {container.WORKSPACE}/{self.root})"
            if (mounted / volume).is_dir()
            else ""
        )
        return {
            "ok": True,
            "message": f"Signed in to SciServer as {self.sciserver.username}; "
            f"wrote and deleted a probe file in {self.root}{here}.",
        }
