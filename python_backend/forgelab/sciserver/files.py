"""SciServer Files (the fileservice REST API): upload, download, list, move, delete.

Paths are ``<root volume>/<owner>/<user volume>/<relative path>`` (user volumes) as SciServer
writes them; each segment is URL-encoded, since names like ``SDSS DAS`` hold spaces.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, Any
from urllib.parse import quote

from .session import SciServerError, SciServerNotFound, SciServerSession

CHUNK = 1024 * 1024


def encode(path: str) -> str:
    return "/".join(quote(part, safe="") for part in path.strip("/").split("/"))


class FilesClient:
    """Calls under the fileservice's ``apiEndpoint``."""

    def __init__(self, session: SciServerSession) -> None:
        self.session = session
        self._endpoint = session.settings.files_url

    @property
    def endpoint(self) -> str:
        """The fileservice apiEndpoint, ending with '/'; asked from RACM when not configured."""
        if not self._endpoint:
            url = f"{self.session.settings.racm_url.rstrip('/')}/storem/fileservices"
            services = self.session.request(
                "GET", url, what="find the SciServer fileservice"
            ).json()
            if not services:
                raise SciServerError("SciServer lists no fileservice for this user.")
            self._endpoint = services[0]["apiEndpoint"]
        return self._endpoint if self._endpoint.endswith("/") else self._endpoint + "/"

    def _url(self, kind: str, path: str) -> str:
        return f"{self.endpoint}api/{kind}/{encode(path)}"

    def upload(
        self, path: str, data: bytes | IO[bytes] | Iterable[bytes], *, overwrite: bool = True
    ) -> None:
        """Write ``data`` to ``path`` (parents created); existing files only with ``overwrite``."""
        self.session.request(
            "PUT",
            self._url("file", path),
            data=data,
            params={"quiet": str(overwrite).lower()},
            what=f"upload {path}",
        )

    def download(self, path: str) -> bytes:
        return self.session.request("GET", self._url("file", path), what=f"download {path}").content

    def download_chunks(self, path: str) -> Iterator[bytes]:
        response = self.session.request(
            "GET", self._url("file", path), stream=True, what=f"download {path}"
        )
        with response:
            yield from response.iter_content(CHUNK)

    def listing(self, path: str, level: int = 1) -> dict[str, Any]:
        """A folder's jsontree: ``{"name", "folders": [...], "files": [{"name", "size"}, ...]}``."""
        response = self.session.request(
            "GET", self._url("jsontree", path), params={"level": level}, what=f"list {path}"
        )
        return dict(response.json()["root"])

    def stat(self, path: str) -> dict[str, Any] | None:
        """``{"name", "size", "type"}`` of a file or folder, or None if it does not exist."""
        parent, _, name = path.strip("/").rpartition("/")
        try:
            tree = self.listing(parent)
        except SciServerNotFound:
            return None
        for entry in tree.get("files") or []:
            if entry["name"] == name:
                return {**entry, "type": "file"}
        for entry in tree.get("folders") or []:
            if entry["name"] == name:
                return {**entry, "size": 0, "type": "directory"}
        return None

    def mkdir(self, path: str) -> None:
        self.session.request(
            "PUT", self._url("folder", path), params={"quiet": "true"}, what=f"create folder {path}"
        )

    def delete(self, path: str, *, missing_ok: bool = True) -> None:
        self.session.request(
            "DELETE",
            self._url("data", path),
            params={"quiet": str(missing_ok).lower()},
            what=f"delete {path}",
        )

    def move(self, source: str, destination: str, *, copy: bool = False) -> None:
        """Move (a rename on the server) or copy ``source`` to a user-volume ``destination``."""
        root, owner, volume, *rest = destination.strip("/").split("/")
        body = {
            "destinationPath": "/".join(rest),
            "destinationRootVolume": root,
            "destinationUserVolume": volume,
            "destinationOwnerName": owner,
        }
        self.session.request(
            "PUT",
            self._url("data", source),
            json=body,
            params={"replaceExisting": "true", "doCopy": str(copy).lower()},
            what=f"move {source} to {destination}",
        )
