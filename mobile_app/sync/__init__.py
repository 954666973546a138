"""The tablet's sync engine (no UI imports)."""

from mobile_app.sync.engine import SyncEngine, SyncError, SyncStatus
from mobile_app.sync.retry import RetryPolicy

__all__ = ["RetryPolicy", "SyncEngine", "SyncError", "SyncStatus"]
