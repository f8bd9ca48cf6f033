"""Content-addressed blob store: bytes are kept under their SHA-256, so storing the same upload twice stores it once,
and a stored blob never changes.

Ordering makes the store crash-safe without a two-phase commit: the bytes are stored (and, locally, fsync'd and
renamed into place) before any row that names them is committed. A crash in between leaves at worst an unreferenced
blob, never a row pointing at nothing. Blobs are never deleted by request handlers.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from abc import ABC, abstractmethod
from pathlib import Path

from config.settings import StorageSettings
from domain.errors import ConfigError, ExternalServiceError, NotFound

_SHA_RE = re.compile(r"^[0-9a-f]{64}$")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check_sha(sha256: str) -> str:
    if not _SHA_RE.match(sha256):
        raise NotFound("no such blob", message_zh="文件不存在")
    return sha256


class BlobStore(ABC):
    """Where uploaded and produced bytes live. Implementations are safe to share between threads."""

    name: str

    @abstractmethod
    def put(self, data: bytes) -> str:
        """Stores ``data`` durably and returns its SHA-256 (hex). Storing existing bytes again is a no-op."""

    @abstractmethod
    def get(self, sha256: str) -> bytes:
        """The bytes, verified against their hash. NotFound if absent."""

    @abstractmethod
    def exists(self, sha256: str) -> bool: ...

    @abstractmethod
    def delete(self, sha256: str) -> None:
        """Removes bytes that no row names (output of a request that did not commit); absent bytes are no error.
        Callers make sure no row names the bytes: the store is content-addressed, so they may be shared."""

    def ping(self) -> None:  # noqa: B027 - most stores have nothing to check
        """Raises if the store cannot be reached."""


class LocalBlobStore(BlobStore):
    """``root/ab/cd/abcd…``: written to a temporary file in the same folder, fsync'd, then renamed into place."""

    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        sha = sha256_hex(data)
        path = self._path(sha)
        if path.exists():
            return sha
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)  # atomic: readers see all of the blob or none of it
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        # The rename itself must survive a crash before the row that names it is committed.
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        return sha

    def get(self, sha256: str) -> bytes:
        path = self._path(_check_sha(sha256))
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise NotFound("no such blob", message_zh="文件不存在") from None
        if sha256_hex(data) != sha256:
            raise ExternalServiceError(f"blob {sha256[:12]}… is damaged", message_zh="存储的文件已损坏")
        return data

    def exists(self, sha256: str) -> bool:
        return self._path(_check_sha(sha256)).is_file()

    def delete(self, sha256: str) -> None:
        self._path(_check_sha(sha256)).unlink(missing_ok=True)

    def ping(self) -> None:
        if not os.access(self.root, os.W_OK):
            raise ExternalServiceError(f"blob folder {self.root} is not writable", message_zh="文件存储不可写")


class S3BlobStore(BlobStore):
    """An S3-compatible bucket (AWS S3, MinIO, Ceph RGW…). boto3 is imported only when this backend is chosen."""

    name = "s3"

    def __init__(self, settings: StorageSettings) -> None:
        if not settings.s3_bucket:
            raise ConfigError("storage.s3_bucket is required for the s3 blob backend", message_zh="未配置 S3 存储桶")
        try:
            import boto3
            from botocore.config import Config
        except ImportError as exc:  # pragma: no cover - boto3 is in requirements.lock
            raise ConfigError("boto3 is not installed", message_zh="缺少 boto3") from exc
        self.bucket = settings.s3_bucket
        self.prefix = settings.s3_prefix
        self._client = boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint_url,
            region_name=settings.s3_region,
            aws_access_key_id=settings.s3_access_key_id,
            aws_secret_access_key=settings.s3_secret_access_key,
            config=Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=30),
        )

    def _key(self, sha256: str) -> str:
        return f"{self.prefix}{sha256[:2]}/{sha256}"

    def _call(self, fn, **kwargs):  # type: ignore[no-untyped-def]
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return fn(**kwargs)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                raise NotFound("no such blob", message_zh="文件不存在") from None
            raise ExternalServiceError(f"S3 error: {exc}", message_zh="对象存储出错") from None
        except BotoCoreError as exc:
            raise ExternalServiceError(f"S3 unreachable: {exc}", message_zh="对象存储无法连接") from None

    def put(self, data: bytes) -> str:
        sha = sha256_hex(data)
        if not self.exists(sha):
            # PUT is atomic in S3: the object appears whole or not at all. The checksum makes the store verify it.
            import base64

            self._call(
                self._client.put_object,
                Bucket=self.bucket,
                Key=self._key(sha),
                Body=data,
                ChecksumSHA256=base64.b64encode(bytes.fromhex(sha)).decode(),
            )
        return sha

    def get(self, sha256: str) -> bytes:
        obj = self._call(self._client.get_object, Bucket=self.bucket, Key=self._key(_check_sha(sha256)))
        data = obj["Body"].read()
        if sha256_hex(data) != sha256:
            raise ExternalServiceError(f"blob {sha256[:12]}… is damaged", message_zh="存储的文件已损坏")
        return data

    def exists(self, sha256: str) -> bool:
        try:
            self._call(self._client.head_object, Bucket=self.bucket, Key=self._key(_check_sha(sha256)))
        except NotFound:
            return False
        return True

    def delete(self, sha256: str) -> None:
        self._call(self._client.delete_object, Bucket=self.bucket, Key=self._key(_check_sha(sha256)))

    def ping(self) -> None:
        self._call(self._client.head_bucket, Bucket=self.bucket)


def build_blob_store(settings: StorageSettings) -> BlobStore:
    if settings.blob_backend == "s3":
        return S3BlobStore(settings)
    return LocalBlobStore(settings.blob_dir)
