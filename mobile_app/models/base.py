"""Small building blocks of the view-models: change notification, a clock, a debouncer."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Protocol

Listener = Callable[[], None]


class Observable:
    """Something a screen can watch: listeners are called after each change (from any thread)."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` after every change; returns the function that stops it."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def notify(self) -> None:
        for listener in list(self._listeners):
            listener()


class Clock(Protocol):
    def __call__(self) -> dt.datetime: ...


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Debouncer:
    """Run ``fn`` once, ``delay`` seconds after the last :meth:`call`; :meth:`flush` runs it now."""

    def __init__(self, fn: Callable[[], None], delay: float) -> None:
        self.fn = fn
        self.delay = delay
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    @property
    def pending(self) -> bool:
        return self._timer is not None

    def call(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            if self.delay <= 0:
                self._timer = None
            else:
                self._timer = threading.Timer(self.delay, self._fire)
                self._timer.daemon = True
                self._timer.start()
                return
        self.fn()

    def _fire(self) -> None:
        with self._lock:
            self._timer = None
        self.fn()

    def flush(self) -> None:
        with self._lock:
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
            self.fn()

    def cancel(self) -> None:
        with self._lock:
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
