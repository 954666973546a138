"""Photos in an S3-compatible bucket (AWS S3, MinIO, Ceph…), shared safely by several server processes.

* a complete photo is the object ``<prefix><sha[:2]>/<sha>``;
* an unfinished upload is one object per accepted chunk, ``<prefix>.partial/<sha>/<offset>`` (offset
  zero-padded so keys list in byte order); the upload's size is the contiguous end of those chunks,
  so every process sees the same state and none needs a lock or a local file;
* a chunk is written with ``If-None-Match: *``: of two processes racing for the same offset one
  wins, the other answers :class:`OffsetMismatch` (servers that ignore the header fall back to
  last-writer-wins, which the final hash check still makes safe);
* :meth:`S3PhotoStore.complete` writes the assembled bytes as one object, then deletes the chunks;
* :meth:`S3PhotoStore.put_file` streams a large blob as a multipart upload (each part checked by
  its Content-MD5) to ``<prefix>.incoming/<random>``, hashing it on the way, then copies it to its
  hash's key inside the bucket and checks the size there; an upload killed midway leaves an
  incomplete multipart upload or an incoming object (a lifecycle rule, or
  :meth:`S3PhotoStore.sweep_incoming`, removes them);
* :meth:`S3PhotoStore.open` reads a blob through ranged GETs, so a reader seeking in a large PDF
  fetches only what it reads.

Every failure of the storage service becomes :class:`StorageUnavailable` (retry later). This is the
only module that imports boto3.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, TypeVar

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from sync_server.config import Settings
from sync_server.storage.base import OffsetMismatch, Readable, StorageUnavailable, StoredBlob

log = logging.getLogger("saoluu.storage")

OFFSET_DIGITS = 12
PART_BYTES = 16 * 1024 * 1024
"""Part size of a streamed multipart upload (S3: at least 5 MiB, at most 10,000 parts: 160 GB)."""
SINGLE_COPY_MAX = 5 * 1024**3
"""Largest object S3 copies in one request; larger ones are copied part by part."""
READ_BLOCK = 256 * 1024
"""Bytes fetched per ranged GET by :meth:`S3PhotoStore.open`'s reader."""
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
            return body.read()
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

    def copy_partial(self, upload: str, target: BinaryIO) -> int:
        run, _ = self._chunks(upload)
        for chunk in run:
            target.write(self._read(chunk.key))
        return sum(c.size for c in run)

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

    # --- streamed blobs ------------------------------------------------------------------------

    def put_file(self, source: Readable) -> StoredBlob:
        """A blob of one part goes straight to its key; a larger one by multipart upload and a copy."""
        part = _read_part(source)
        if len(part) < PART_BYTES:
            sha256 = hashlib.sha256(part).hexdigest()
            held = self.size(sha256) == len(part)
            if not held:
                self._put_new(self.key(sha256), part)
            self._check_size(sha256, len(part))
            return StoredBlob(sha256, len(part), new=not held)
        incoming = f"{self.prefix}.incoming/{uuid.uuid4().hex}"
        digest, size = self._upload_parts(incoming, part, source)
        sha256 = digest.hexdigest()
        try:
            held = self.size(sha256) == size
            if not held:
                self._call(
                    "copy",
                    self.client.copy,
                    CopySource={"Bucket": self.bucket, "Key": incoming},
                    Key=self.key(sha256),
                    Config=TransferConfig(multipart_threshold=SINGLE_COPY_MAX, use_threads=False),
                )
            self._check_size(sha256, size)
        finally:
            self._call("delete_object", self.client.delete_object, Key=incoming)
        return StoredBlob(sha256, size, new=not held)

    def _upload_parts(self, key: str, first: bytes, source: Readable) -> tuple[Any, int]:
        """Upload ``first`` and the rest of ``source`` as the parts of ``key``; its SHA-256 and size."""
        upload_id = self._call("create_multipart_upload", self.client.create_multipart_upload, Key=key)[
            "UploadId"
        ]
        digest, size = hashlib.sha256(), 0
        parts: list[dict[str, Any]] = []
        try:
            part = first
            while part:
                digest.update(part)
                size += len(part)
                md5 = base64.b64encode(hashlib.md5(part, usedforsecurity=False).digest()).decode()
                number = len(parts) + 1
                answer = self._call(
                    "upload_part",
                    self.client.upload_part,
                    Key=key,
                    UploadId=upload_id,
                    PartNumber=number,
                    Body=part,
                    ContentMD5=md5,
                )
                parts.append({"ETag": answer["ETag"], "PartNumber": number})
                part = _read_part(source)
            self._call(
                "complete_multipart_upload",
                self.client.complete_multipart_upload,
                Key=key,
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},
            )
        except BaseException:
            try:
                self._request(
                    "abort_multipart_upload", self.client.abort_multipart_upload, Key=key, UploadId=upload_id
                )
            except (ClientError, StorageUnavailable):
                log.warning("photo storage: could not abort the upload of %s", key)
            raise
        return digest, size

    def _check_size(self, sha256: str, size: int) -> None:
        stored = self.size(sha256)
        if stored != size:
            log.error("storage: %s holds %s bytes, %s were sent", self.key(sha256), stored, size)
            raise StorageUnavailable("put_file")

    def open(self, sha256: str) -> io.BufferedIOBase:
        size = self.size(sha256)
        if size is None:
            raise FileNotFoundError(self.key(sha256))
        return io.BufferedReader(_RangeReader(self, self.key(sha256), size), buffer_size=READ_BLOCK)

    def read_range(self, key: str, start: int, end: int) -> bytes:
        """Bytes ``start`` to ``end`` (inclusive) of object ``key``."""
        try:
            body = self._call("get_object", self.client.get_object, Key=key, Range=f"bytes={start}-{end}")
            return body["Body"].read()
        except ClientError as exc:
            raise StorageUnavailable("get_object") from exc
        except BotoCoreError as exc:
            raise StorageUnavailable("get_object") from exc

    def sweep_incoming(self, older_than: dt.timedelta) -> int:
        """Abort multipart uploads and delete incoming copies older than ``older_than``."""
        prefix = f"{self.prefix}.incoming/"
        cutoff = dt.datetime.now(dt.UTC) - older_than
        swept = 0
        uploads = self._call("list_multipart_uploads", self.client.list_multipart_uploads, Prefix=prefix)
        for upload in uploads.get("Uploads", []):
            if upload["Initiated"] < cutoff:
                self._call(
                    "abort_multipart_upload",
                    self.client.abort_multipart_upload,
                    Key=upload["Key"],
                    UploadId=upload["UploadId"],
                )
                swept += 1
        page = self._call("list_objects_v2", self.client.list_objects_v2, Prefix=prefix)
        old = [obj["Key"] for obj in page.get("Contents", []) if obj["LastModified"] < cutoff]
        self._delete_keys(old)
        return swept + len(old)


def _read_part(source: Readable) -> bytes:
    """Up to :data:`PART_BYTES` from ``source`` (fewer only at its end)."""
    buf = bytearray(PART_BYTES)
    view = memoryview(buf)
    filled = 0
    while filled < PART_BYTES and (n := source.readinto(view[filled:])):
        filled += n
    del view
    if filled < PART_BYTES:
        del buf[filled:]
    return bytes(buf)


class _RangeReader(io.RawIOBase):
    """A seekable raw stream over one object, each read a ranged GET."""

    def __init__(self, store: S3PhotoStore, key: str, size: int) -> None:
        self.store, self.key, self.length, self.pos = store, key, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.pos, io.SEEK_END: self.length}[whence]
        self.pos = max(0, base + offset)
        return self.pos

    def readinto(self, buffer: Any) -> int:
        if self.pos >= self.length:
            return 0
        end = min(self.length, self.pos + len(buffer)) - 1
        data = self.store.read_range(self.key, self.pos, end)
        buffer[: len(data)] = data
        self.pos += len(data)
        return len(data)
