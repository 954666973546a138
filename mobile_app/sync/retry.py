"""Retry policy: exponential backoff with full jitter, as a pure function."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    base: float = 0.5
    cap: float = 30.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based): uniform in [0, min(cap, base·2^n)]."""
        return rng.uniform(0.0, min(self.cap, self.base * (2**attempt)))
