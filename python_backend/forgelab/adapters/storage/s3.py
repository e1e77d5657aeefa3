"""The ``s3`` storage adapter: artifacts in any S3-compatible store (AWS, MinIO, Ceph...) via s3fs.

An artifact is written to a temporary key under ``<prefix>/<owner>/.forgelab-tmp/`` (the first
part of its key: its owner's prefix) while its bytes are hashed, then copied to its own key with
the hash in its metadata (``x-amz-meta-sha256``) and the temporary object deleted. An S3 object
appears whole when its upload or copy completes, so nothing half-written is ever visible under an
artifact's name. Errors of the endpoint (unreachable, missing bucket, refused credentials) become
:class:`S3StorageError` with a message that says what to fix.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from collections.abc import Iterator
from typing import IO, Any, ClassVar

import fsspec

from .base import (
    CHUNK,
    StorageAdapter,
    StorageKeyError,
    StoredObject,
    artifact_key,
    key_parts,
)

TEMP_FOLDER = ".forgelab-tmp"
#: Multipart part size: S3 wants at least 5 MiB per part but the last, and at most 10,000 parts.
PART_SIZE = 32 * 1024 * 1024

_CREDENTIAL_CODES = {
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "AccessDenied",
    "InvalidClientTokenId",
    "ExpiredToken",
    "403",
}


class S3StorageError(OSError):
    """An S3 operation failed; the message says why and what to do."""


class S3Storage(StorageAdapter):
    """Artifacts in an S3-compatible bucket (endpoint, bucket, prefix, keys)."""

    name = "s3"
    requires = ("s3fs",)
    config_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "title": "S3",
        "additionalProperties": False,
        "required": ["bucket"],
        "properties": {
            "endpoint_url": {
                "type": "string",
                "pattern": "^https?://",
                "description": "For S3-compatible stores (MinIO, Ceph); empty for AWS.",
            },
            "bucket": {"type": "string", "pattern": "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"},
            "prefix": {"type": "string", "default": "forgelab"},
            "key": {"type": "string", "description": "Access key id (else the usual AWS chain)."},
            "secret": {"type": "string", "description": "Secret access key."},
            "region": {"type": "string", "default": "us-east-1"},
            "connect_timeout": {"type": "number", "exclusiveMinimum": 0, "default": 5},
        },
    }

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config)
        self._fs: Any = None

    @property
    def bucket(self) -> str:
        return str(self.config["bucket"])

    @property
    def root(self) -> str:
        """``bucket/prefix`` without slashes at the ends: where this adapter's keys live."""
        prefix = str(self.config.get("prefix", "forgelab")).strip("/")
        return f"{self.bucket}/{prefix}" if prefix else self.bucket

    @property
    def endpoint(self) -> str:
        return str(self.config.get("endpoint_url") or "AWS S3")

    def filesystem(self) -> fsspec.AbstractFileSystem:
        if self._fs is None:
            import s3fs

            self._fs = s3fs.S3FileSystem(
                key=self.config.get("key"),
                secret=self.config.get("secret"),
                endpoint_url=self.config.get("endpoint_url"),
                client_kwargs={"region_name": self.config.get("region", "us-east-1")},
                config_kwargs={
                    "s3": {"addressing_style": "path"},
                    "connect_timeout": float(self.config.get("connect_timeout", 5)),
                    "read_timeout": 60,
                    "retries": {"max_attempts": 2, "mode": "standard"},
                    # Default CRC checksums (boto 1.36+) break many S3-compatible servers.
                    "request_checksum_calculation": "when_required",
                    "response_checksum_validation": "when_required",
                },
                skip_instance_cache=True,
            )
            self._fs.retries = 2
        return self._fs

    def uri_for(self, key: str) -> str:
        return f"s3://{self.root}/{'/'.join(key_parts(key))}"

    def path_of(self, uri: str) -> str:
        """``bucket/prefix/key`` of ``uri``; :class:`StorageKeyError` when it is not under this
        adapter's bucket and prefix (HTTP clients resolve ``..`` in a key's URL, so a key with
        such a part could reach another prefix or bucket)."""
        path = uri.removeprefix("s3://")
        if not path.startswith(self.root + "/"):
            raise StorageKeyError(
                f"artifact URI {uri!r} is outside s3://{self.root}: this storage reads and "
                "writes only under its bucket and prefix"
            )
        key_parts(path[len(self.root) + 1 :])
        return path

    @contextlib.contextmanager
    def _errors(self, action: str, where: str) -> Iterator[None]:
        """Turn botocore/aiohttp/s3fs failures into one readable :class:`S3StorageError`."""
        try:
            yield
        except (S3StorageError, StorageKeyError):
            raise
        except FileNotFoundError as error:
            if "bucket" in str(error).lower():
                raise S3StorageError(
                    f"Could not {action} {where}: the bucket {self.bucket!r} does not exist at "
                    f"{self.endpoint}. Create it, or fix 'bucket' in the s3 storage configuration.",
                ) from None
            raise
        except Exception as error:  # botocore, aiohttp and s3fs raise many unrelated types
            raise S3StorageError(self._explain(action, where, error)) from None

    def _explain(self, action: str, where: str, error: BaseException) -> str:
        text = f"{type(error).__name__}: {error}"
        codes = {getattr(e, "response", {}).get("Error", {}).get("Code") for e in _chain(error)}
        if (
            isinstance(error, PermissionError)
            or codes & _CREDENTIAL_CODES
            or any(c in text for c in _CREDENTIAL_CODES)
        ):
            return (
                f"Could not {action} {where}: {self.endpoint} refused the credentials "
                f"(access key {_hint(self.config.get('key'))}). Check 'key' and 'secret' in the s3 "
                "storage configuration, and that they may use this bucket."
            )
        names = {type(e).__name__ for e in _chain(error)}
        if (
            names
            & {
                "EndpointConnectionError",
                "ClientConnectorError",
                "ConnectTimeoutError",
                "ConnectionRefusedError",
                "ServerDisconnectedError",
                "ConnectionClosedError",
                "ClientOSError",
                "ReadTimeoutError",
            }
            or "connect" in text.lower()
        ):
            return (
                f"Could not {action} {where}: the S3 endpoint {self.endpoint} cannot be reached "
                f"({type(error).__name__}). Check that it runs and that 'endpoint_url' is right."
            )
        return f"Could not {action} {where} at {self.endpoint}: {text}"

    def _temp_folder(self, key: str) -> str:
        """Where an artifact's bytes wait for their hash: under the key's first part (its
        owner's prefix, :func:`~.base.artifact_key`), which credentials confined to that prefix
        may write; under the prefix itself for a one-part key."""
        parts = key_parts(key)
        owner = f"/{parts[0]}" if len(parts) > 1 else ""
        return f"{self.root}{owner}/{TEMP_FOLDER}"

    def put_file(self, local_path: str, key: str) -> StoredObject:
        fs = self.filesystem()
        uri = self.uri_for(key)
        temp = f"{self._temp_folder(key)}/{uuid.uuid4().hex}"
        digest = hashlib.sha256()
        size = 0
        with self._errors("store", uri):
            try:
                with (
                    open(local_path, "rb") as source,
                    fs.open(temp, "wb", block_size=PART_SIZE) as target,
                ):
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        target.write(chunk)
                # The copy is where the object gets its hash, known only once all bytes were read.
                fs.copy(
                    temp,
                    self.path_of(uri),
                    Metadata={"sha256": digest.hexdigest()},
                    MetadataDirective="REPLACE",
                )
            finally:
                with contextlib.suppress(Exception):
                    fs.rm_file(temp)
        return StoredObject(uri, size, "sha256:" + digest.hexdigest())

    def get_file(self, uri: str, local_path: str) -> None:
        with self._errors("read", uri):
            self.filesystem().get_file(self.path_of(uri), local_path)

    def open(self, uri: str, mode: str = "rb") -> IO[bytes]:
        with self._errors("open", uri):
            return self.filesystem().open(self.path_of(uri), mode)  # type: ignore[no-any-return]

    def exists(self, uri: str) -> bool:
        with self._errors("check", uri):
            return bool(self.filesystem().exists(self.path_of(uri)))

    def delete(self, uri: str) -> None:
        with self._errors("delete", uri):
            self.filesystem().rm(self.path_of(uri))

    def test_connection(self, owner: str | None = None) -> dict[str, Any]:
        """Write and delete a probe where ``owner``'s artifacts wait for their hash, so that
        credentials confined to the owner's prefix pass as their jobs would."""
        fs = self.filesystem()
        folder = self._temp_folder(artifact_key(owner, "probe", "probe", "probe"))
        probe = f"{folder}/probe-{uuid.uuid4().hex}"
        where = f"s3://{self.root}"
        with self._errors("write to", where):
            try:
                fs.call_s3("head_bucket", Bucket=self.bucket)
            except FileNotFoundError:
                raise FileNotFoundError(f"bucket {self.bucket} not found") from None
            except PermissionError:
                pass  # a key confined to a prefix may not list the bucket: the probe says more
            fs.pipe_file(probe, b"forgelab")
            fs.rm_file(probe)
        return {
            "ok": True,
            "message": f"Wrote and deleted a probe object in {where} at {self.endpoint}.",
        }


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: BaseException | None = error
    while seen is not None:
        yield seen
        seen = seen.__cause__ or seen.__context__


def _hint(key: Any) -> str:
    return f"{str(key)[:4]}…" if key else "from the environment"
