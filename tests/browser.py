"""Headless Debian Chromium driven by Playwright, shared by the web and tablet browser tests.

Playwright never downloads a browser here: it launches ``/usr/bin/chromium`` (installed by
``scripts/test.sh``) with the flags this closed network needs. Screenshots go under
``SAOLUU_ARTIFACTS`` (default ``test-artifacts/`` in the repository), printed at the end of the run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("SAOLUU_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(os.environ.get("SAOLUU_ARTIFACTS", _REPO / "test-artifacts"))


def artifacts_dir(*parts: str) -> Path:
    """A folder for screenshots and downloads of this run (created on demand)."""
    path = ARTIFACTS.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One Chromium for the whole run; each test opens its own context (cookies, storage)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") or os.environ.get("SAOLUU_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM} (scripts/test.sh installs it)")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
