"""The tablet's sync engine: push the outbox, upload photos resumably, pull by cursor.

Plain Python over an ``httpx.Client`` (no UI): the app calls :meth:`SyncEngine.sync` and observes
:attr:`SyncEngine.status`. Transport failures and 5xx answers are retried with backoff; the outbox
row of a change goes only when the server has answered that exact revision, and the pull cursor
moves only with the page it belongs to, so a crash at any point loses nothing and repeats nothing
harmful (the server recognises replays).
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx

from common.protocol import PROTOCOL_VERSION, ChangeStatus, PullResponse, PushRequest, PushResponse
from mobile_app.store import LocalStore
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
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        on_status: Callable[[SyncStatus], None] | None = None,
    ) -> None:
        self.store = store
        self.http = http
        self.batch_size = batch_size
        self.chunk_size = chunk_size
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.on_status = on_status
        self.status = SyncStatus()

    def _publish(self, **changes: Any) -> None:
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

    def upload_photos(self) -> None:
        photos = self.store.photos()
        self._publish(phase="uploading", photo_bytes_total=sum(p.size for p in photos), photo_bytes_sent=0)
        for photo in photos:
            try:
                self._upload(photo.sha256, Path(photo.path), photo.size)
            except SyncError as exc:
                self.store.mark_photo(photo.sha256, "failed", str(exc))
                if exc.offline:
                    raise
            else:
                self.store.mark_photo(photo.sha256, "done")

    def _server_offset(self, sha: str) -> tuple[int, bool]:
        resp = self._request("HEAD", f"/api/v1/photos/{sha}", ok=(200, 404))
        return int(resp.headers.get("Upload-Offset", "0")), resp.headers.get("Upload-Complete") == "?1"

    def _upload(self, sha: str, path: Path, size: int) -> None:
        """Resume from the server's offset; a cut connection costs at most the chunk in flight."""
        self.store.mark_photo(sha, "uploading")
        sent_before = self.status.photo_bytes_sent
        offset, complete = self._server_offset(sha)
        with path.open("rb") as fh:
            for attempt in range(self.retry.attempts * 4):
                if complete:
                    self._publish(photo_bytes_sent=sent_before + size)
                    return
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
                try:
                    resp = self.http.patch(f"/api/v1/photos/{sha}", content=chunk, headers=headers)
                except httpx.TransportError:
                    self.sleep(self.retry.delay(min(attempt, 8), self.rng))
                    offset, complete = self._server_offset(sha)  # learn what actually arrived
                    continue
                if resp.status_code in (200, 201, 204):
                    offset = int(resp.headers.get("Upload-Offset", offset + len(chunk)))
                    complete = resp.headers.get("Upload-Complete") == "?1"
                elif resp.status_code == 409:
                    offset = int(resp.headers.get("Upload-Offset", "0"))
                elif resp.status_code in RETRY_STATUS:
                    self.sleep(self.retry.delay(min(attempt, 8), self.rng))
                    offset, complete = self._server_offset(sha)
                else:
                    raise SyncError(
                        f"photo {sha[:12]}: {resp.status_code} {resp.text[:200]}",
                        offline=False,
                        status=resp.status_code,
                    )
                self._publish(photo_bytes_sent=sent_before + offset)
        raise SyncError(f"photo {sha[:12]}: too many attempts", offline=True)

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
        self._publish(phase="pushing", applied=0, conflicts=0, rejected=0, pulled=0, message="")
        try:
            self.push()
            self.upload_photos()
            self.pull()
        except SyncError as exc:
            self._publish(phase="offline" if exc.offline else "error", message=str(exc))
            raise
        self._publish(phase="done")
        return self.status
