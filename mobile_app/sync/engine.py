"""The tablet's sync engine: push the outbox, upload photos resumably, pull by cursor.

Plain Python over an ``httpx.Client`` (no UI): the app calls :meth:`SyncEngine.sync` and observes
:attr:`SyncEngine.status`. Transport failures and 5xx answers are retried with backoff; the outbox
row of a change goes only when the server has answered that exact revision, and the pull cursor
moves only with the page it belongs to, so a crash at any point loses nothing and repeats nothing
harmful (the server recognises replays).
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx

from common.protocol import PROTOCOL_VERSION, ChangeStatus, PullResponse, PushRequest, PushResponse
from mobile_app.store import LocalPhoto, LocalStore
from mobile_app.sync.retry import RetryPolicy

RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}


class SyncError(Exception):
    """Sync stopped: offline after all retries, or refused (e.g. the device was revoked)."""

    def __init__(self, message: str, *, offline: bool, status: int | None = None) -> None:
        super().__init__(message)
        self.offline = offline
        self.status = status


@dataclass(frozen=True)
class SyncStatus:
    """What the UI shows; replaced (never mutated) as sync progresses."""

    phase: str = "idle"  # idle | pushing | uploading | pulling | done | offline | error
    records_total: int = 0
    records_sent: int = 0
    photo_bytes_total: int = 0
    photo_bytes_sent: int = 0
    applied: int = 0
    conflicts: int = 0
    rejected: int = 0
    pulled: int = 0
    message: str = ""


class SyncEngine:
    def __init__(
        self,
        store: LocalStore,
        http: httpx.Client,
        *,
        batch_size: int = 200,
        chunk_size: int = 256 * 1024,
        parallel_uploads: int = 2,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        on_status: Callable[[SyncStatus], None] | None = None,
    ) -> None:
        self.store = store
        self.http = http
        self.batch_size = batch_size
        self.chunk_size = chunk_size
        self.parallel_uploads = parallel_uploads
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.on_status = on_status
        self.status = SyncStatus()
        self._lock = threading.RLock()  # status and upload progress, written by upload threads
        self._acked: dict[str, int] = {}
        self._halt = threading.Event()

    def _publish(self, **changes: Any) -> None:
        with self._lock:
            self.status = replace(self.status, **changes)
            if self.on_status is not None:
                self.on_status(self.status)

    def _request(self, method: str, url: str, *, ok: tuple[int, ...] = (200,), **kw: Any) -> httpx.Response:
        """One request with retries on transport errors and retryable statuses."""
        last: str = ""
        for attempt in range(self.retry.attempts):
            retry_after: str | None = None
            try:
                resp = self.http.request(method, url, **kw)
            except httpx.TransportError as exc:
                last = f"{type(exc).__name__}: {exc}"
            else:
                if resp.status_code in ok:
                    return resp
                if resp.status_code not in RETRY_STATUS:
                    raise SyncError(
                        f"{method} {url}: {resp.status_code} {resp.text[:200]}",
                        offline=False,
                        status=resp.status_code,
                    )
                last = f"HTTP {resp.status_code}"
                retry_after = resp.headers.get("Retry-After")
            if attempt + 1 < self.retry.attempts:
                self.sleep(self.retry.delay(attempt, self.rng, retry_after))
        raise SyncError(f"{method} {url}: {last}", offline=True)

    # --- push ----------------------------------------------------------------------------------

    def push(self) -> set[str]:
        """Send the whole outbox in batches; returns the photos the server asked for."""
        missing: set[str] = set()
        self._publish(phase="pushing", records_total=self.store.pending_count(), records_sent=0)
        while True:
            entries = self.store.outbox(self.batch_size)
            if not entries:
                return missing
            request = PushRequest(batch_id=uuid.uuid4(), changes=self.store.outbox_changes(entries))
            resp = self._request("POST", "/api/v1/sync/push", json=request.model_dump(mode="json"))
            answer = PushResponse.model_validate_json(resp.content)
            self.store.apply_results(answer.results)
            missing.update(answer.missing_photos)
            counts = {s: sum(r.status == s for r in answer.results) for s in ChangeStatus}
            self._publish(
                records_sent=self.status.records_sent + len(entries),
                applied=self.status.applied + counts[ChangeStatus.APPLIED] + counts[ChangeStatus.DUPLICATE],
                conflicts=self.status.conflicts + counts[ChangeStatus.CONFLICT],
                rejected=self.status.rejected + counts[ChangeStatus.REJECTED],
            )

    # --- photos --------------------------------------------------------------------------------

    def upload_photos(self, missing: Collection[str] = ()) -> None:
        """Upload every queued photo, ``parallel_uploads`` at a time (while one waits for its answer
        the other keeps the link busy). A photo the last push listed in ``missing`` and never tried
        before starts at offset 0 without asking; any other first asks the server where to resume."""
        photos = self.store.photos()
        fresh = set(missing)
        with self._lock:
            self._acked = {}
        self._halt.clear()
        self._publish(phase="uploading", photo_bytes_total=sum(p.size for p in photos), photo_bytes_sent=0)
        offline: SyncError | None = None
        with ThreadPoolExecutor(self.parallel_uploads, thread_name_prefix="photo-upload") as pool:
            jobs = [pool.submit(self._upload, p, p.state == "queued" and p.sha256 in fresh) for p in photos]
            for job in as_completed(jobs):
                error = job.exception()
                if isinstance(error, SyncError) and error.offline:
                    offline = offline or error
                    self._halt.set()  # the others stop after their chunk in flight
                elif error is not None and not isinstance(error, SyncError):
                    self._halt.set()
                    raise error
        if offline is not None:
            raise offline

    def _server_offset(self, sha: str) -> tuple[int, bool]:
        resp = self._request("HEAD", f"/api/v1/photos/{sha}", ok=(200, 404))
        return int(resp.headers.get("Upload-Offset", "0")), resp.headers.get("Upload-Complete") == "?1"

    def _upload(self, photo: LocalPhoto, fresh: bool) -> None:
        """Upload one photo and record how it ended; raises :class:`SyncError` when it failed."""
        if self._halt.is_set():  # another upload found the server unreachable: this one waits
            raise SyncError(f"photo {photo.sha256[:12]}: sync stopped", offline=True)
        self.store.mark_photo(photo.sha256, "uploading")
        try:
            self._send(photo.sha256, Path(photo.path), photo.size, fresh)
        except SyncError as exc:
            self.store.mark_photo(photo.sha256, "failed", str(exc))
            raise
        self.store.mark_photo(photo.sha256, "done")

    def _send(self, sha: str, path: Path, size: int, fresh: bool) -> None:
        """Chunks from the offset the server acknowledged, each byte once: after a failure whose
        outcome is unknown (a cut connection, a lost answer) the server is asked where to resume
        before anything is sent again. Gives up after ``retry.attempts`` failures in a row."""
        offset, complete = (0, False) if fresh else self._server_offset(sha)
        failures = 0
        with path.open("rb") as fh:
            while not complete:
                if self._halt.is_set():
                    raise SyncError(f"photo {sha[:12]}: sync stopped", offline=True)
                # Only the server's "complete" ends an upload. Holding every byte is not enough: a
                # server that died before checking and recording the photo answers offset = size,
                # and an empty chunk at that offset makes it finish the job.
                fh.seek(min(offset, size))
                chunk = fh.read(self.chunk_size) if offset < size else b""
                headers = {
                    "Upload-Offset": str(offset),
                    "Upload-Length": str(size),
                    "Content-Type": "application/offset+octet-stream",
                }
                retry_after: str | None = None
                try:
                    resp = self.http.patch(f"/api/v1/photos/{sha}", content=chunk, headers=headers)
                except httpx.TransportError as exc:
                    problem = f"{type(exc).__name__}: {exc}"
                else:
                    if resp.status_code in (200, 201, 204):
                        offset = int(resp.headers.get("Upload-Offset", offset + len(chunk)))
                        complete = resp.headers.get("Upload-Complete") == "?1"
                        failures = 0
                        self._acknowledged(sha, offset)
                        continue
                    if resp.status_code == 409:  # another upload of the same photo moved the offset
                        offset = int(resp.headers.get("Upload-Offset", "0"))
                        failures += 1
                        if failures >= self.retry.attempts:
                            raise SyncError(f"photo {sha[:12]}: offset keeps moving", offline=True)
                        continue
                    if resp.status_code not in RETRY_STATUS:
                        raise SyncError(
                            f"photo {sha[:12]}: {resp.status_code} {resp.text[:200]}",
                            offline=False,
                            status=resp.status_code,
                        )
                    problem, retry_after = f"HTTP {resp.status_code}", resp.headers.get("Retry-After")
                failures += 1
                if failures >= self.retry.attempts:
                    raise SyncError(f"photo {sha[:12]}: {problem}", offline=True)
                self.sleep(self.retry.delay(failures - 1, self.rng, retry_after))
                offset, complete = self._server_offset(sha)  # learn what actually arrived
                self._acknowledged(sha, offset)
        self._acknowledged(sha, size)

    def _acknowledged(self, sha: str, offset: int) -> None:
        with self._lock:
            self._acked[sha] = offset
            self._publish(photo_bytes_sent=sum(self._acked.values()))

    # --- pull ----------------------------------------------------------------------------------

    def pull(self, limit: int = 500) -> int:
        """Pull every page after the saved cursor; each page and its cursor are stored together."""
        self._publish(phase="pulling")
        total = 0
        while True:
            resp = self._request(
                "GET",
                "/api/v1/sync/pull",
                params={"cursor": self.store.cursor(), "limit": limit, "protocol": PROTOCOL_VERSION},
            )
            page = PullResponse.model_validate_json(resp.content)
            restart = self.store.apply_pulled(page.changes, page.cursor, page.agencies)
            total += len(page.changes)
            self._publish(pulled=self.status.pulled + len(page.changes))
            if not page.has_more and not restart:
                return total

    def sync(self) -> SyncStatus:
        """Push, upload photos, pull. Raises :class:`SyncError` when the server can't be reached."""
        _photos, photo_bytes = self.store.pending_photo_totals()  # known from the start: one progress bar
        self._publish(
            phase="pushing",
            applied=0,
            conflicts=0,
            rejected=0,
            pulled=0,
            message="",
            photo_bytes_total=photo_bytes,
            photo_bytes_sent=0,
        )
        try:
            missing = self.push()
            self.upload_photos(missing)
            self.pull()
        except SyncError as exc:
            self._publish(phase="offline" if exc.offline else "error", message=str(exc))
            raise
        self._publish(phase="done")
        return self.status
