"""REST handlers for artifacts: list, get, download, provenance."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

import tornado

from ..adapters.storage.base import StorageKeyError
from ..jobs.serializers import EXTENSIONS
from .handlers import ForgeLabHandler

CHUNK = 1024 * 1024


def content_disposition(filename: str) -> str:
    """An ``attachment`` header for ``filename``, which comes from a pipeline's labels: any
    text. Quotes, control characters and non-ASCII letters cannot break the header; browsers
    take the exact name from ``filename*`` (RFC 6266)."""
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in filename
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


class ArtifactsHandler(ForgeLabHandler):
    """``GET artifacts?execution=``."""

    @tornado.web.authenticated
    async def get(self) -> None:
        artifacts = self.store.list_artifacts(
            execution=self.get_argument("execution", None), owner=self.owner
        )
        self.write_json({"artifacts": artifacts})


class ArtifactHandler(ForgeLabHandler):
    """``GET artifacts/{id}``, ``artifacts/{id}/download``, ``artifacts/{id}/provenance``."""

    @tornado.web.authenticated
    async def get(self, artifact_id: str, action: str | None = None) -> None:
        artifact = self.own_artifact(artifact_id)
        if action is None:
            self.write_json(artifact)
        elif action == "provenance":
            self.write_json({"records": self.store.provenance_chain(artifact_id, owner=self.owner)})
        else:
            await self._download(artifact)

    async def _download(self, artifact: dict) -> None:
        storage = self.orchestrator.storage(artifact["storage"])
        loop = asyncio.get_running_loop()
        try:
            stream = await loop.run_in_executor(None, storage.open, artifact["uri"])
        except FileNotFoundError:
            raise tornado.web.HTTPError(
                410, f"artifact {artifact['id']} is gone from its storage"
            ) from None
        except StorageKeyError as error:
            raise tornado.web.HTTPError(
                400, f"artifact {artifact['id']} cannot be read: {error}"
            ) from None
        filename = artifact["name"] + EXTENSIONS.get(artifact.get("serializer", ""), "")
        self.set_header(
            "Content-Type", "image/png" if filename.endswith(".png") else "application/octet-stream"
        )
        self.set_header("Content-Disposition", content_disposition(filename))
        try:
            while chunk := await loop.run_in_executor(None, stream.read, CHUNK):
                self.write(chunk)
                await self.flush()
        finally:
            stream.close()
        self.finish()
