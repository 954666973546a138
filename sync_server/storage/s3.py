"""Photos in an S3-compatible bucket (AWS S3, MinIO, Ceph…), shared safely by several server processes.

* a complete photo is the object ``<prefix><sha[:2]>/<sha>``;
* an unfinished upload is one object per accepted chunk, ``<prefix>.partial/<sha>/<offset>`` (offset
  zero-padded so keys list in byte order); the upload's size is the contiguous end of those chunks,
  so every process sees the same state and none needs a lock or a local file;
* a chunk is written with ``If-None-Match: *``: of two processes racing for the same offset one
  wins, the other answers :class:`OffsetMismatch` (servers that ignore the header fall back to
  last-writer-wins, which the final hash check still makes safe);
* :meth:`S3PhotoStore.complete` writes the assembled bytes as one object, then deletes the chunks.

Every failure of the storage service becomes :class:`StorageUnavailable` (HTTP 503). This is the
only module that imports boto3.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from sync_server.config import Settings
from sync_server.storage.base import OffsetMismatch, StorageUnavailable

log = logging.getLogger("saoluu.storage")

OFFSET_DIGITS = 12
_NOT_FOUND = {"404", "NoSuchKey", "NotFound"}
_LOST_RACE = {"412", "PreconditionFailed", "ConditionalRequestConflict"}
_ANSWERS = _NOT_FOUND | _LOST_RACE | {"BucketAlreadyOwnedByYou"}
"""Error codes that are answers the store acts on; any other failure is StorageUnavailable."""
_T = TypeVar("_T")


@dataclass(frozen=True)
class _Chunk:
    key: str
    offset: int
    size: int


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _check(sha256: str) -> str:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a SHA-256 hex digest")
    return sha256


def client_from_settings(settings: Settings) -> Any:
    """A boto3 S3 client for the configured endpoint, with short timeouts and bounded retries."""
    secret = settings.s3_secret_key.get_secret_value()
    return boto3.client(
        "s3",
        endpoint_url=settings.s3_endpoint_url or None,
        region_name=settings.s3_region or None,
        aws_access_key_id=settings.s3_access_key or None,
        aws_secret_access_key=secret or None,
        config=Config(
            connect_timeout=5,
            read_timeout=30,
            retries={"max_attempts": 3, "mode": "standard"},
            # S3-compatible servers (MinIO, Ceph) want path-style URLs and no default checksums
            s3={"addressing_style": "path" if settings.s3_endpoint_url else "auto"},
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        ),
    )


class S3PhotoStore:
    """The :class:`~sync_server.storage.base.PhotoStore` protocol over one bucket and key prefix."""

    def __init__(self, client: Any, bucket: str, prefix: str = "photos/", region: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix if not prefix or prefix.endswith("/") else prefix + "/"
        self.region = region
        self._bucket_ready = False
        self._conditional_puts = True
        self._verified: dict[str, bytes] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> S3PhotoStore:
        return cls(client_from_settings(settings), settings.s3_bucket, settings.s3_prefix, settings.s3_region)

    # --- plumbing ------------------------------------------------------------------------------

    def _call(self, operation: str, fn: Callable[..., _T], **kwargs: Any) -> _T:
        """Run one S3 call on the bucket, creating the bucket first if that has not been done."""
        if not self._bucket_ready:
            self.ensure_bucket()
        return self._request(operation, fn, **kwargs)

    def _request(self, operation: str, fn: Callable[..., _T], **kwargs: Any) -> _T:
        """Answers in :data:`_ANSWERS` are raised as ``ClientError`` for the caller to act on; any
        other failure (unreachable, denied, server error) becomes :class:`StorageUnavailable`."""
        try:
            return fn(Bucket=self.bucket, **kwargs)
        except ClientError as exc:
            if _code(exc) in _ANSWERS:
                raise
            log.error("photo storage: %s failed: %s", operation, exc)
            raise StorageUnavailable(operation) from exc
        except BotoCoreError as exc:
            log.error("photo storage: %s failed: %s", operation, exc)
            raise StorageUnavailable(operation) from exc

    def ensure_bucket(self) -> None:
        """Create the bucket unless it exists (several processes may race to do so)."""
        try:
            self._request("head_bucket", self.client.head_bucket)
        except ClientError:  # 404: no such bucket yet
            extra: dict[str, Any] = {}
            if self.region and self.region != "us-east-1":
                extra["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
            try:
                self._request("create_bucket", self.client.create_bucket, **extra)
            except ClientError as exc:
                if _code(exc) != "BucketAlreadyOwnedByYou":
                    raise StorageUnavailable("create_bucket") from exc
        self._bucket_ready = True

    def key(self, sha256: str) -> str:
        return f"{self.prefix}{_check(sha256)[:2]}/{sha256}"

    def _partial_prefix(self, sha256: str) -> str:
        return f"{self.prefix}.partial/{_check(sha256)}/"

    def _head(self, key: str) -> dict[str, Any] | None:
        try:
            return self._call("head_object", self.client.head_object, Key=key)
        except ClientError as exc:
            if _code(exc) in _NOT_FOUND:
                return None
            raise StorageUnavailable("head_object") from exc

    def _listed(self, sha256: str) -> Iterator[_Chunk]:
        prefix = self._partial_prefix(sha256)
        token: dict[str, str] = {}
        while True:
            page = self._call("list_objects_v2", self.client.list_objects_v2, Prefix=prefix, **token)
            for obj in page.get("Contents", []):
                suffix = obj["Key"][len(prefix) :]
                if suffix.isdigit():
                    yield _Chunk(obj["Key"], int(suffix), int(obj["Size"]))
            if not page.get("IsTruncated"):
                return
            token = {"ContinuationToken": page["NextContinuationToken"]}

    def _chunks(self, sha256: str) -> tuple[list[_Chunk], list[str]]:
        """The contiguous run of chunks from offset 0, and every chunk key (for clean-up)."""
        run: list[_Chunk] = []
        keys: list[str] = []
        end = 0
        for chunk in self._listed(sha256):  # listed in key order, i.e. by offset
            keys.append(chunk.key)
            if chunk.offset == end and chunk.size:
                run.append(chunk)
                end += chunk.size
        return run, keys

    def _read(self, key: str) -> bytes:
        try:
            body = self._call("get_object", self.client.get_object, Key=key)["Body"]
        except ClientError as exc:
            if _code(exc) in _NOT_FOUND:
                raise FileNotFoundError(key) from None
            raise StorageUnavailable("get_object") from exc
        try:
            return body.read()  # type: ignore[no-any-return]
        except BotoCoreError as exc:
            raise StorageUnavailable("get_object") from exc

    def _put_new(self, key: str, data: bytes) -> bool:
        """Write ``key`` unless it exists (``If-None-Match: *``); False if another writer was first."""
        condition = {"IfNoneMatch": "*"} if self._conditional_puts else {}
        try:
            self._call("put_object", self.client.put_object, Key=key, Body=data, **condition)
        except ClientError as exc:
            if _code(exc) in _LOST_RACE:
                return False
            raise StorageUnavailable("put_object") from exc
        except StorageUnavailable as exc:
            cause = exc.__cause__
            if condition and isinstance(cause, ClientError) and _code(cause) == "NotImplemented":
                log.warning("photo storage ignores If-None-Match: last writer wins")
                self._conditional_puts = False
                return self._put_new(key, data)
            raise
        return True

    def _delete_keys(self, keys: list[str]) -> None:
        for i in range(0, len(keys), 1000):
            objects = [{"Key": k} for k in keys[i : i + 1000]]
            answer = self._call(
                "delete_objects", self.client.delete_objects, Delete={"Objects": objects, "Quiet": True}
            )
            for err in answer.get("Errors", []):
                log.warning("photo storage: could not delete %s: %s", err.get("Key"), err.get("Message"))

    # --- complete photos -----------------------------------------------------------------------

    def exists(self, sha256: str) -> bool:
        return self._head(self.key(sha256)) is not None

    def size(self, sha256: str) -> int | None:
        head = self._head(self.key(sha256))
        return None if head is None else int(head["ContentLength"])

    def get(self, sha256: str) -> bytes:
        return self._read(self.key(sha256))

    def put(self, sha256: str, data: bytes) -> None:
        """Store ``data`` under ``sha256``; a photo already stored is left as it is."""
        key = self.key(sha256)
        if self._head(key) is None:
            self._put_new(key, data)  # a lost race means another process stored the same bytes

    def delete(self, sha256: str) -> None:
        self._call("delete_object", self.client.delete_object, Key=self.key(sha256))

    # --- resumable uploads ---------------------------------------------------------------------

    def partial_size(self, sha256: str) -> int:
        run, _ = self._chunks(sha256)
        return run[-1].offset + run[-1].size if run else 0

    def append_partial(self, sha256: str, offset: int, data: bytes) -> int:
        """Store ``data`` as the chunk at ``offset``; refused unless ``offset`` is the current size."""
        current = self.partial_size(sha256)
        if offset != current:
            raise OffsetMismatch(current)
        if not data:
            return current
        key = f"{self._partial_prefix(sha256)}{offset:0{OFFSET_DIGITS}d}"
        if not self._put_new(key, data):
            raise OffsetMismatch(self.partial_size(sha256))
        return offset + len(data)

    def read_partial(self, sha256: str) -> bytes:
        """The uploaded bytes so far; remembered so :meth:`complete` stores exactly what was checked."""
        run, _ = self._chunks(sha256)
        data = b"".join(self._read(c.key) for c in run)
        with self._lock:
            self._verified[sha256] = data
        return data

    def complete(self, sha256: str, upload: str | None = None) -> None:
        """Write the assembled upload as the photo, then delete its chunks.

        The bytes are those :meth:`read_partial` returned to the caller who checked them; without
        that (another process completing), the chunks are reassembled and must hash to ``sha256``.
        """
        upload = upload or sha256
        with self._lock:
            data = self._verified.pop(upload, None)
        run, keys = self._chunks(upload)
        if data is None:
            data = b"".join(self._read(c.key) for c in run)
            if hashlib.sha256(data).hexdigest() != sha256:
                raise ValueError(f"partial upload of {sha256[:12]} does not match its hash")
        self.put(sha256, data)
        self._delete_keys(keys)

    def discard_partial(self, sha256: str) -> None:
        with self._lock:
            self._verified.pop(sha256, None)
        _, keys = self._chunks(sha256)
        self._delete_keys(keys)

    def sweep_partials(self, older_than: dt.timedelta) -> int:
        """Nothing here: on S3 a lifecycle rule on the partial prefix expires them (see README)."""
        return 0
