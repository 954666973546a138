"""A surveyor's day synced over a field link: 3G/4G from an agency office or a district town.

The day: 100 file records and 300 photos of document pages as the tablet's camera takes them
(4000 × 3000 JPEGs, 3–5 MB, drawn locally by ``tests/document_photos.py``), kept as the app keeps
them (``downscale_jpeg`` at the device's photo quality) and saved with their records as the file
form saves them. The app's own sync (its composition root, ``SyncModel.run``, the sync engine and
its retry policy) then sends them to a real server process over a real socket, through a loopback
proxy that shapes the link (``tests/faults/link.py``: 2 Mbit/s up, 8 Mbit/s down, 150 ms round
trip, a connection reset every ~4 MB carried).

Printed: bytes sent per photo and per record, requests, the time and its ratio to the **ideal** —
the payload (photo bytes and records' JSON up, the pulled records down) divided by the bandwidth,
no protocol at all — and what the sync screen said was left against what was left. Saved: the
camera's page beside the kept photo at the same physical size, to judge its legibility by eye.

    .venv/bin/python bench/field_link_bench.py [--quick] [--records 100] [--photos 300]
        [--up 2] [--down 8] [--rtt 150] [--cut-mb 4] [--timeout 1800] [--image FILE] [--cache DIR]

``--quick`` is a slice of the day: 20 records, 30 photos.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import random
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sync_bench import AGENCY, bench_database, free_port, make_records, start_server, stop_server  # noqa: E402

from mobile_app.container import Container, build_container  # noqa: E402
from mobile_app.models.photos import downscale_jpeg  # noqa: E402
from mobile_app.models.prefs import PhotoQuality  # noqa: E402
from tests.document_photos import DocumentPhoto, document_photo, font  # noqa: E402
from tests.faults.link import LinkCounters, LinkProxy, LinkShape  # noqa: E402

MB = 1_000_000


# --- the day's photos ------------------------------------------------------------------------------


def _shoot(seed: int, quality: PhotoQuality, cache: Path | None) -> tuple[int, bytes]:
    """One page: the camera file's size and the photo the tablet keeps of it (worker process)."""
    kept = cache / f"page-{seed}.jpg" if cache else None
    if kept is not None and kept.exists():
        return int(kept.with_suffix(".size").read_text()), kept.read_bytes()
    camera = document_photo(seed).jpeg
    result = len(camera), downscale_jpeg(camera, quality)
    if kept is not None:
        kept.with_suffix(".size").write_text(str(result[0]))
        kept.write_bytes(result[1])
    return result


def shoot_day(photos: int, quality: PhotoQuality, cache: Path | None) -> list[tuple[int, bytes]]:
    """The day's pages, drawn and downscaled on two processes; with ``cache``, kept there for the
    next run (under a name that changes with the drawing code, the downscaling code and quality)."""
    if cache is not None:
        code = b"".join(
            (ROOT / f).read_bytes() for f in ("tests/document_photos.py", "mobile_app/models/photos.py")
        )
        cache = cache / hashlib.sha256(code + repr(quality).encode()).hexdigest()[:16]
        cache.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(2) as pool:
        return list(pool.map(_shoot, range(photos), [quality] * photos, [cache] * photos))


def survey_day(c: Container, records: int, shots: list[tuple[int, bytes]]) -> None:
    """Records saved with their photos as the file form saves them (photos spread over the first
    records, three to a file)."""
    rng = random.Random(71)
    fonds = {"id": str(uuid.uuid4()), "agency_code": AGENCY, "number": "12", "name": "Phông UBND tỉnh"}
    c.store.save("fonds", fonds)
    refs = []
    for _camera, jpeg in shots:
        sha = c.store.stage_photo(jpeg)
        refs.append({"sha256": sha, "size": len(jpeg), "mime": "image/jpeg"})
    per_record = -(-len(refs) // records)  # rounded up
    for i, data in enumerate(make_records(records, fonds["id"], rng)):
        photos = refs[i * per_record : (i + 1) * per_record]
        c.store.save("file_record", {**data, "photos": photos}, photos=photos)


# --- watching the sync -----------------------------------------------------------------------------


class CountingTransport(httpx.HTTPTransport):
    """The tablet's transport, counting its requests and the pulled pages' bytes."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: Counter[str] = Counter()
        self.pulled = 0
        self.lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        kind = request.url.path.removeprefix("/api/v1/").split("/")
        name = f"{request.method} /{kind[0]}/{kind[1] if kind[0] == 'sync' else '…'}"
        with self.lock:
            self.requests[name] += 1
        response = super().handle_request(request)
        if request.url.path.endswith("/sync/pull"):
            with self.lock:
                self.pulled += int(response.headers.get("Content-Length", "0"))
        return response


@dataclass
class Watch:
    """What the screen's model showed over time, and the link's counters at each phase change."""

    link: LinkProxy
    c: Container
    start: float = field(default_factory=time.monotonic)
    phases: dict[str, tuple[float, LinkCounters]] = field(default_factory=dict)
    estimates: list[tuple[float, int, int, float | None]] = field(default_factory=list)
    """(time, photo bytes acknowledged, photo bytes in all, seconds left as shown)."""

    def __call__(self) -> None:
        model = self.c.sync
        s, now = model.status, time.monotonic() - self.start
        if s.phase not in self.phases:
            self.phases[s.phase] = (now, replace(self.link.counters))
        if s.phase == "uploading":
            self.estimates.append((now, s.photo_bytes_sent, s.photo_bytes_total, model.time_remaining()))


def estimate_errors(w: Watch, end: float) -> list[str]:
    """What the screen said was left at a quarter, half and three quarters of the photo bytes."""
    out = []
    for share in (0.25, 0.5, 0.75):
        point = next((e for e in w.estimates if e[1] >= share * e[2] and e[3] is not None), None)
        if point is not None:
            at, _sent, _total, shown = point
            out.append(f"at {share:.0%} of the photos: {shown:.0f} s shown, {end - at:.0f} s left")
    return out


# --- the side-by-side image ----------------------------------------------------------------------


def side_by_side(page: DocumentPhoto, kept: bytes, path: Path) -> None:
    """The camera's pixels beside the kept photo's (enlarged as a viewer zooms, bicubic), over the
    same parts of the page at the same size: two lines of the 11-point body, the seal over the
    signature, the 9-point list of recipients."""
    from PIL import Image, ImageDraw, ImageOps

    camera = ImageOps.exif_transpose(Image.open(io.BytesIO(page.jpeg)))
    small = ImageOps.exif_transpose(Image.open(io.BytesIO(kept)))
    scale = small.width / camera.width
    body, signer, recipients = page.lines[-14], page.lines[-5], page.lines[-4]
    boxes = [
        (body.x - 20, body.y - 20, body.x + 740, body.y + 150),
        (signer.x - 120, signer.y - 440, signer.x + 640, signer.y + 80),
        (recipients.x - 20, recipients.y - 20, recipients.x + 740, recipients.y + 270),
    ]
    label = font("DejaVuSans.ttf", 22)
    width = 760
    height = sum(b[3] - b[1] for b in boxes) + 10 * len(boxes) + 40
    out = Image.new("RGB", (2 * width + 20, height), "white")
    draw = ImageDraw.Draw(out)
    draw.text(
        (0, 6), f"camera {camera.width}×{camera.height}, {len(page.jpeg) / MB:.2f} MB", font=label, fill=0
    )
    ratio = len(kept) / len(page.jpeg)
    kept_text = f"kept {small.width}×{small.height}, {len(kept) / MB:.2f} MB ({ratio:.3f}×), enlarged"
    draw.text((width + 20, 6), kept_text, font=label, fill=0)
    y = 40
    for box in boxes:
        left = camera.crop(box)
        right = small.crop(tuple(round(v * scale) for v in box)).resize(left.size, Image.Resampling.BICUBIC)
        out.paste(left, (0, y))
        out.paste(right, (width + 20, y))
        y += left.height + 10
    path.parent.mkdir(parents=True, exist_ok=True)
    out.save(path)


# --- the run ---------------------------------------------------------------------------------------


def run(args: argparse.Namespace, workdir: Path) -> int:
    shape = LinkShape(
        up_bits=args.up * 1e6,
        down_bits=args.down * 1e6,
        rtt_s=args.rtt / 1000,
        cut_every=int(args.cut_mb * MB) if args.cut_mb > 0 else None,
    )
    c = build_container(workdir / "tablet")
    quality = c.prefs.photo_quality
    print(
        f"field link: {args.up:g} Mbit/s up, {args.down:g} Mbit/s down, {args.rtt:g} ms round trip, "
        f"a connection reset every ~{args.cut_mb:g} MB; the day: {args.records} records, {args.photos} photos"
    )
    t0 = time.perf_counter()
    shots = shoot_day(args.photos, quality, args.cache)
    camera_bytes, kept_bytes = sum(s[0] for s in shots), sum(len(s[1]) for s in shots)
    print(
        f"photos: camera {camera_bytes / len(shots) / MB:.2f} MB each (4000×3000), kept "
        f"{kept_bytes / len(shots) / MB:.3f} MB each ({quality.long_side} px, JPEG {quality.jpeg_quality}) "
        f"= {kept_bytes / camera_bytes:.3f}× the camera's bytes  [drawn and downscaled in "
        f"{time.perf_counter() - t0:.0f} s]"
    )
    page = document_photo(0)
    side_by_side(page, shots[0][1], args.image)
    if not args.skip_legibility:
        from PIL import Image, ImageOps

        from tests.legibility import why_illegible

        problems = why_illegible(ImageOps.exif_transpose(Image.open(io.BytesIO(shots[0][1]))), page.lines)
        verdict = "; ".join(problems) or "every size legible"
        print(f"legibility of the kept page (tests/legibility.py): {verdict}")
    print(f"side by side: {args.image}")

    with bench_database("sqlite", workdir) as db:
        assert db is not None
        settings, _ = db
        server_port = free_port()
        proc = start_server(settings, server_port)
        try:
            return _sync(args, c, settings, server_port, shape, shots)
        finally:
            stop_server(proc)


def _enroll(c: Container, settings: Any, url: str) -> None:
    """Enroll the tablet through its own enrollment screen's model (which syncs once, directly)."""
    import datetime as dt

    from sqlmodel import Session, select

    from sync_server.db import make_engine
    from sync_server.domain.devices import create_enroll_code
    from sync_server.models import User

    engine = make_engine(settings)
    with Session(engine) as s:
        user = s.exec(select(User).where(User.username == "bench")).one()
        code = create_enroll_code(s, None, user, dt.timedelta(hours=1))
    engine.dispose()
    model = c.enrollment()
    model.set("server_url", url)
    model.set("code", code)
    if not model.submit():
        raise SystemExit(f"enrollment failed: {model.error}")


def _sync(
    args: argparse.Namespace,
    c: Container,
    settings: Any,
    port: int,
    shape: LinkShape,
    shots: list[tuple[int, bytes]],
) -> int:
    _enroll(c, settings, f"http://127.0.0.1:{port}")
    survey_day(c, args.records, shots)
    changes = c.store.outbox_changes(c.store.outbox(100_000))
    record_payload = sum(len(ch.model_dump_json()) for ch in changes)
    photo_payload = sum(len(s[1]) for s in shots)
    transport = CountingTransport()
    c.transport = transport
    with LinkProxy(("127.0.0.1", port), shape) as link:
        c.prefs.set_server_url(link.url)
        watch = Watch(link, c)
        c.sync.subscribe(watch)
        outcome: list[bool] = []
        worker = threading.Thread(target=lambda: outcome.append(c.sync.run()), daemon=True)
        watch.start = time.monotonic()
        worker.start()
        worker.join(args.timeout)
        elapsed = time.monotonic() - watch.start
        if worker.is_alive():
            print(f"TIMED OUT after {args.timeout:.0f} s: {c.sync.status}")
            return 1
        totals = replace(link.counters)
    if not outcome[0]:
        print(f"sync failed: {c.sync.failure} {c.sync.status.message}")
        return 1
    if c.store.pending_count() or c.store.photos():
        print(f"not everything sent: {c.store.pending_count()} records, {len(c.store.photos())} photos")
        return 1
    photo_start, at_upload = watch.phases["uploading"]
    pull_start, at_pull = watch.phases.get("pulling", (elapsed, totals))
    records = len(changes)
    ideal = (record_payload + photo_payload) / (shape.up_bits / 8) + transport.pulled / (shape.down_bits / 8)
    print(
        f"sync: {elapsed:.1f} s (records {photo_start:.1f} s, photos {pull_start - photo_start:.1f} s, "
        f"pull {elapsed - pull_start:.1f} s); ideal {ideal:.1f} s "
        f"({(record_payload + photo_payload) / MB:.2f} MB up, {transport.pulled / MB:.2f} MB down); "
        f"ratio {elapsed / ideal:.2f}"
    )
    print(
        f"bytes sent: per record {at_upload.up / records:,.0f} (payload {record_payload / records:,.0f}), "
        f"per photo {(at_pull.up - at_upload.up) / len(shots):,.0f} "
        f"(payload {photo_payload / len(shots):,.0f}); "
        f"up {totals.up / MB:.2f} MB = {totals.up / (record_payload + photo_payload):.3f}× the payload, "
        f"down {totals.down / MB:.2f} MB"
    )
    by_kind = ", ".join(f"{n} {kind}" for kind, n in transport.requests.most_common())
    print(
        f"requests: {sum(transport.requests.values())} ({by_kind}); connections {totals.connections}, "
        f"resets {totals.cuts}, lost on the link {(totals.up - totals.delivered_up) / MB:.2f} MB up"
    )
    for line in estimate_errors(watch, pull_start):
        print(f"time remaining on the sync screen, {line}")
    return 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="a slice of the day: 20 records, 30 photos")
    ap.add_argument("--records", type=int, default=100)
    ap.add_argument("--photos", type=int, default=300)
    ap.add_argument("--up", type=float, default=2.0, help="Mbit/s from the tablet")
    ap.add_argument("--down", type=float, default=8.0, help="Mbit/s to the tablet")
    ap.add_argument("--rtt", type=float, default=150.0, help="round trip, ms")
    ap.add_argument(
        "--cut-mb", type=float, default=4.0, help="a connection reset every so many MB (0: never)"
    )
    ap.add_argument("--timeout", type=float, default=1800.0, help="seconds the sync may take")
    ap.add_argument("--image", type=Path, default=ROOT / "test-artifacts" / "bench" / "field-link-page.png")
    ap.add_argument("--cache", type=Path, help="keep the drawn and downscaled pages here for later runs")
    ap.add_argument("--skip-legibility", action="store_true", help="do not score the kept page's text")
    args = ap.parse_args()
    if args.quick:
        args.records, args.photos = 20, 30
    with tempfile.TemporaryDirectory(prefix="saoluu-field-") as tmp:
        raise SystemExit(run(args, Path(tmp)))


if __name__ == "__main__":
    main()
