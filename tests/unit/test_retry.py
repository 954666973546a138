"""The tablet's retry delays: jittered exponential backoff that honours the server's Retry-After."""

from __future__ import annotations

import random

from mobile_app.sync.retry import RetryPolicy


def test_backoff_grows_and_stays_under_the_cap() -> None:
    policy = RetryPolicy(attempts=10, base=0.5, cap=30.0)
    rng = random.Random(1)
    for attempt in range(10):
        bound = min(30.0, 0.5 * 2**attempt)
        delays = [policy.delay(attempt, rng) for _ in range(200)]
        assert all(0.0 <= d <= bound for d in delays)
        assert max(delays) > bound * 0.8  # full jitter uses the whole range


def test_retry_after_is_a_floor_capped_by_the_policy() -> None:
    policy = RetryPolicy(attempts=5, base=0.5, cap=30.0)
    rng = random.Random(2)
    assert all(policy.delay(0, rng, "7") >= 7.0 for _ in range(50))
    assert policy.delay(0, rng, "3600") == 30.0  # a server can't park a tablet for an hour
    assert policy.delay(0, rng, "Wed, 21 Oct 2026 07:28:00 GMT") <= 0.5  # dates: plain backoff
