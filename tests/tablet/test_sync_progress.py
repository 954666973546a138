"""The sync screen's progress bar and time remaining, from the statuses a sync publishes (no Flet)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from mobile_app.sync import SyncStatus

MB = 1_000_000
RATE = 250_000  # bytes per second: a 2 Mbit/s uplink


@dataclass
class Clock:
    now: float = 0.0

    def __call__(self) -> float:
        return self.now


@dataclass
class ScriptedEngine:
    """Publishes the statuses of a sync at given times, and what the screen showed at each."""

    on_status: Callable[[SyncStatus], None]
    script: list[tuple[float, SyncStatus]]
    clock: Clock
    look: Callable[[], tuple[float, float, str, str]]
    seen: list[tuple[float, float, str, str]] = field(default_factory=list)
    http: httpx.Client = field(default_factory=httpx.Client)

    def sync(self) -> SyncStatus:
        for at, status in self.script:
            self.clock.now = at
            self.on_status(status)
            self.seen.append(self.look())
        return self.script[-1][1]


def _day(photo_bytes: int, rates: list[tuple[float, float]]) -> list[tuple[float, SyncStatus]]:
    """100 records pushed in the first second, then photo bytes acknowledged every second at the
    given rate from the given time on, then the pull."""
    script = [(0.0, SyncStatus(phase="pushing", records_total=100, photo_bytes_total=photo_bytes))]
    script.append(
        (1.0, SyncStatus(phase="pushing", records_total=100, records_sent=100, photo_bytes_total=photo_bytes))
    )
    sent, t = 0.0, 1.0
    while sent < photo_bytes:
        t += 1.0
        rate = next(r for since, r in reversed(rates) if t > since)
        sent = min(photo_bytes, sent + rate)
        status = SyncStatus(
            phase="uploading",
            records_total=100,
            records_sent=100,
            photo_bytes_total=photo_bytes,
            photo_bytes_sent=int(sent),
        )
        script.append((t, status))
    script.append((t + 0.5, SyncStatus(phase="pulling", records_total=100, records_sent=100)))
    script.append((t + 1.0, SyncStatus(phase="done", records_total=100, records_sent=100)))
    return script


def _run(
    make_container, script: list[tuple[float, SyncStatus]], lang: str = "vi"
) -> list[tuple[float, float, str, str]]:  # type: ignore[no-untyped-def]
    from mobile_app.models.syncing import SyncModel

    c = make_container()
    clock = Clock()
    engines: list[ScriptedEngine] = []
    model: SyncModel

    def look() -> tuple[float, float, str, str]:
        return clock.now, model.progress(), model.remaining_text("vi"), model.remaining_text("en")

    def make_engine(on_status: Callable[[SyncStatus], None]) -> ScriptedEngine:
        engines.append(ScriptedEngine(on_status, script, clock, look))
        return engines[0]

    model = SyncModel(c.store, c.prefs, make_engine, timer=clock)  # type: ignore[arg-type]
    assert model.run()
    return engines[0].seen


def test_time_remaining_is_the_bytes_left_at_the_link_speed(make_container) -> None:  # type: ignore[no-untyped-def]
    seen = _run(make_container, _day(60 * MB, [(0, RATE)]))
    at = {round(t): (progress, vi, en) for t, progress, vi, en in seen}
    assert at[1][1] == "" and at[4][1] == ""  # no guess before five seconds of transfer
    # at 20 s: 19 s of photos sent (4.75 MB), 55.25 MB left at 250 kB/s = 221 s: "about 4 minutes"
    assert at[20][1:] == ("Còn khoảng 4 phút", "About 4 min left")
    # at 170 s: 17.75 MB left, 71 s (rounded up); at 200 s: 10.25 MB left, 41 s
    assert at[170][1:] == ("Còn khoảng 2 phút", "About 2 min left")
    assert at[200][1:] == ("Còn chưa đến 1 phút", "Less than a minute left")
    progress = [p for _t, p, _vi, _en in seen]
    assert progress == sorted(progress) and progress[-1] == 1.0
    # the bar follows the bytes: 100 records weigh 100 kB against 60 MB of photos
    assert 0.0 < at[1][0] < 0.01 and abs(at[121][0] - 0.97 * (0.1 + 30.0) / 60.1) < 0.01
    assert seen[-1][2:] == ("", "")  # done: nothing left to estimate


def test_time_remaining_follows_the_link_when_it_slows_down(make_container) -> None:  # type: ignore[no-untyped-def]
    seen = _run(make_container, _day(60 * MB, [(0, RATE), (60, RATE / 2)]))
    at = {round(t): vi for t, _p, vi, _en in seen}
    # at 60 s: 59 × 250 kB sent, 45.25 MB left at 250 kB/s: 181 s, "about 4 minutes"
    assert at[60] == "Còn khoảng 4 phút"
    # half a minute later the speed of the last half minute is 125 kB/s: 41.5 MB left, 332 s
    assert at[91] == "Còn khoảng 6 phút"


def test_long_transfers_are_told_in_hours_and_minutes(make_container) -> None:  # type: ignore[no-untyped-def]
    seen = _run(make_container, _day(1200 * MB, [(0, RATE)]))
    at = {round(t): (vi, en) for t, _p, vi, en in seen}
    # at 100 s: 1200.1 − 0.1 − 99 × 0.25 = 1175.25 MB left at 250 kB/s: 4701 s, 79 minutes
    assert at[100] == ("Còn khoảng 1 giờ 19 phút", "About 1 h 19 min left")
