"""Security tests use the tablet and live-server fixtures of the sync tests."""

from tests.sync.conftest import live_server, tablet  # noqa: F401 (fixtures)
