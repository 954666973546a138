"""Waiting in tests: on a condition, polled, never for a fixed time."""

from __future__ import annotations

import time
from collections.abc import Callable

POLL = 0.1


def poll(check: Callable[[], bool], timeout: float, interval: float = POLL) -> bool:
    """Call ``check`` until it is true (True) or ``timeout`` seconds have passed (False)."""
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
