"""The storage adapter interface: keep artifacts somewhere, atomically, hashed. fsspec underneath.

Artifacts are addressed by ``(storage name, uri)``. A job receives :meth:`StorageAdapter.job_config`
so that it can rebuild the same adapter where it runs (credentials included, which is why that
configuration stays on the server side and in job directories, never in the browser).
"""

from __future__ import annotations

import abc
import contextvars
import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any, ClassVar
from urllib.parse import quote, urlsplit, urlunsplit

import fsspec

from ..compute.base import AdapterConfigError

CHUNK = 4 * 1024 * 1024

#: Keys of configuration values that must never leave the server (masked in every answer).
#: Set while rebuilding an adapter inside a job from a configuration the server already checked;
#: skips importing jsonschema there (seconds of start-up per job).
TRUSTED_CONFIG: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "trusted_config", default=False
)

SECRET_KEYS = frozenset(
    {"secret", "secret_key", "key", "token", "password", "aws_secret_access_key"}
)


@dataclass(frozen=True)
class StoredObject:
    """What storing some bytes produced."""

    uri: str
    size: int
    hash: str
    """'sha256:<hex>' of the bytes."""


def sha256_of(stream: IO[bytes]) -> tuple[str, int]:
    """The 'sha256:<hex>' digest and size of a stream, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return "sha256:" + digest.hexdigest(), size


def is_secret(key: str) -> bool:
    """Whether a configuration key names a credential (``secret``, ``aws_secret_key``, ...)."""
    lowered = key.lower()
    return (
        lowered in SECRET_KEYS
        or any(word in lowered for word in ("secret", "password", "token", "credential"))
        or lowered.endswith("_key")
    )


def mask_url_password(value: str) -> str:
    """``value`` with the password of a URL's ``user:password@`` part replaced by ``***``."""
    if "://" not in value or "@" not in value:
        return value
    try:
        parts = urlsplit(value)
    except ValueError:
        return value
    if parts.password is None:
        return value
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def public_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """A configuration with its secrets masked at any depth, fit to show in the browser.

    Values under secret keys become ``***``, and so does a password written inside a URL
    (``http://user:pw@host`` becomes ``http://user:***@host``).
    """

    def mask(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {k: ("***" if is_secret(str(k)) and v else mask(v)) for k, v in value.items()}
        if isinstance(value, list):
            return [mask(v) for v in value]
        if isinstance(value, str):
            return mask_url_password(value)
        return value

    return mask(config)


class StorageKeyError(ValueError):
    """An artifact key or URI that names something outside the storage's own folder or prefix."""


def key_parts(key: Any) -> list[str]:
    """The parts of an artifact key (``execution/job/port``), checked to stay under the root.

    Raises :class:`StorageKeyError` for a key that is empty, absolute, or holds a ``.`` or
    ``..`` part, a backslash or a NUL byte: any of them could name a file outside the storage.
    """
    hint = "an artifact key is a relative '/'-separated name such as 'execution/job/port'"
    if not isinstance(key, str) or not key.strip("/"):
        raise StorageKeyError(f"invalid artifact key {key!r}: {hint}")
    if "\x00" in key:
        raise StorageKeyError(f"invalid artifact key {key!r}: it holds a NUL byte; {hint}")
    if key.startswith("/") or "\\" in key:
        raise StorageKeyError(f"invalid artifact key {key!r}: it is an absolute path; {hint}")
    parts = [p for p in key.split("/") if p]
    if any(p in (".", "..") for p in parts):
        raise StorageKeyError(f"invalid artifact key {key!r}: '.' and '..' are refused; {hint}")
    return parts


def owner_part(owner: str | None) -> str:
    """The key part naming ``owner``: the name itself, percent-encoded where it holds ``/`` or
    other characters an IAM user name cannot (so that ``${aws:username}`` policies match it)."""
    part = quote(owner or "", safe="@+=,.-_")
    return part if part not in ("", ".", "..") else f"_{part}"


def artifact_key(owner: str | None, execution_id: str, job_id: str, port: str) -> str:
    """Where a job's output goes in its storage: under its owner's prefix, one user's artifacts
    apart from another's (``alice/<execution>/<job>/<port>``), so that a bucket policy can confine
    each user's credentials to their own prefix (docs/deploy.md, "One bucket, many users")."""
    return f"{owner_part(owner)}/{execution_id}/{job_id}/{port}"


def _is_local(fs: fsspec.AbstractFileSystem) -> bool:
    protocols = fs.protocol if isinstance(fs.protocol, (tuple, list)) else (fs.protocol,)
    return "file" in protocols or "local" in protocols


class StorageAdapter(abc.ABC):
    """Base class of storage adapters: ``local``, ``s3``, ``sciserver``, ...

    Subclasses set :attr:`name` and :attr:`config_schema` and implement :meth:`filesystem`
    and :meth:`uri_for`; writes go through :meth:`put_file`, which never leaves a
    half-written artifact visible under its final name.
    """

    name: ClassVar[str]
    config_schema: ClassVar[dict[str, Any]] = {"type": "object"}
    #: Modules the adapter needs at run time; the registry reports it unavailable without them.
    requires: ClassVar[tuple[str, ...]] = ()

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        self.config: dict[str, Any] = dict(config or {})
        if TRUSTED_CONFIG.get():
            return
        import jsonschema

        try:
            jsonschema.validate(self.config, self.config_schema)
        except jsonschema.ValidationError as error:
            where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
            raise AdapterConfigError(
                f"Invalid configuration for the {self.name!r} storage adapter at {where}: "
                f"{error.message}"
            ) from None

    @abc.abstractmethod
    def filesystem(self) -> fsspec.AbstractFileSystem:
        """The fsspec filesystem holding the artifacts."""

    @abc.abstractmethod
    def uri_for(self, key: str) -> str:
        """The URI of the artifact stored under ``key`` (a relative, '/'-separated name)."""

    def path_of(self, uri: str) -> str:
        """The filesystem path of ``uri`` (what fsspec calls with)."""
        return self.filesystem()._strip_protocol(uri)

    def put_file(self, local_path: str, key: str) -> StoredObject:
        """Store a local file under ``key``: hashed, written under a temporary name, then moved.

        The move is a rename on local filesystems and a server-side copy on object stores, so
        readers see either nothing or the whole artifact under its final name.
        """
        with open(local_path, "rb") as stream:
            digest, size = sha256_of(stream)
        fs = self.filesystem()
        uri = self.uri_for(key)
        final = self.path_of(uri)
        parent, _, name = final.rpartition("/")
        temp_name = f".{name}.{uuid.uuid4().hex}.part"
        temp = f"{parent}/{temp_name}" if parent else temp_name
        if _is_local(fs) and parent:
            fs.makedirs(parent, exist_ok=True)
        try:
            fs.put_file(local_path, temp)
            fs.mv(temp, final)
        except BaseException:
            try:
                if fs.exists(temp):
                    fs.rm(temp)
            except Exception:  # noqa: BLE001 - the original error matters more
                pass
            raise
        return StoredObject(uri, size, digest)

    def local_path(self, uri: str) -> str | None:
        """A path on this machine where the artifact can be read directly, or None to copy it."""
        return None

    def get_file(self, uri: str, local_path: str) -> None:
        """Copy the artifact at ``uri`` to a local file."""
        self.filesystem().get_file(self.path_of(uri), local_path)

    def open(self, uri: str, mode: str = "rb") -> IO[bytes]:
        return self.filesystem().open(self.path_of(uri), mode)

    def exists(self, uri: str) -> bool:
        return bool(self.filesystem().exists(self.path_of(uri)))

    def delete(self, uri: str) -> None:
        self.filesystem().rm(self.path_of(uri))

    def job_config(self) -> dict[str, Any]:
        """What a job needs to rebuild this adapter where it runs (may hold credentials)."""
        return {"adapter": self.name, "config": self.config}

    def describe(self) -> dict[str, Any]:
        """The adapter's configuration with secrets masked."""
        return {"adapter": self.name, "config": public_config(self.config)}

    def test_connection(self, owner: str | None = None) -> dict[str, Any]:
        """Check that ``owner``'s artifacts can be written and read; raise with a readable message
        otherwise."""
        return {"ok": True}
