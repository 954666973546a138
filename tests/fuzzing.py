"""Hypothesis settings shared by the fuzz tests: bounded, repeatable, no example database."""

from __future__ import annotations

from hypothesis import HealthCheck, settings


def bounded(examples: int) -> settings:
    """``examples`` derandomized examples without deadline (a request's time varies with load)."""
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
