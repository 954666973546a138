"""Retry policy: exponential backoff with full jitter, as a pure function."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    base: float = 0.5
    cap: float = 30.0

    def delay(self, attempt: int, rng: random.Random, retry_after: str | None = None) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based): uniform in [0, min(cap, base·2^n)],
        but never less than the server's ``Retry-After`` (in seconds, capped at ``cap``) when it sent one."""
        jittered = rng.uniform(0.0, min(self.cap, self.base * (2**attempt)))
        try:
            asked = min(self.cap, float(retry_after)) if retry_after else 0.0
        except ValueError:  # an HTTP date: the jittered delay will do
            asked = 0.0
        return max(jittered, asked)
