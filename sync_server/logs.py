"""Logging setup for ``serve``: the access log never carries secrets put in a URL."""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

from uvicorn.config import LOGGING_CONFIG

SECRET_PARAMS = re.compile(r"([?&](?:token|access_token|code|password|secret|key)=)[^&\s]*", re.IGNORECASE)


def redact(text: str) -> str:
    """``/x?token=abc&a=1`` -> ``/x?token=***&a=1``."""
    return SECRET_PARAMS.sub(r"\1***", text)


class RedactSecrets(logging.Filter):
    """Rewrites the path of uvicorn's access records (and any message) before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's logging configuration with the redacting filter on every handler."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"redact": {"()": RedactSecrets}}
    for handler in config["handlers"].values():
        handler["filters"] = ["redact"]
    return config
