"""docs/sync-protocol.md shows what the server really answers, and names every error code it sends.

The exchange of :mod:`tests.docs.protocol_exchange` runs against the real application on each
database engine; every block the document marks ``<!-- example: name -->`` must equal what that
exchange produced under the same name. ``SAOLUU_REGENERATE_DOCS=1`` rewrites the blocks instead
(from the SQLite run), for a deliberate change of the protocol: review the diff of the document.
"""

from __future__ import annotations

import inspect
import os
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError

from common.errors import ERROR_CODES
from common.protocol import MAX_BATCH, MAX_INT64, MAX_PULL, Change
from common.schemas import MAX_PHOTOS
from mobile_app.sync import RetryPolicy, SyncEngine
from sync_server.api.guards import DEFAULT_BODY
from sync_server.api.sync import pull as pull_route
from sync_server.config import Settings
from sync_server.domain.photos import MAX_PIXELS
from tests.docs.examples import REGENERATE, drift, rewrite, section, unmarked_blocks
from tests.docs.protocol_exchange import run

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "sync-protocol.md"
WHERE = "docs/sync-protocol.md"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """The test settings, with the public address the enrollment QR payload names."""
    return Settings(
        data_dir=tmp_path / "data", database_url=database_url, public_url="https://saoluu.example"
    )


def test_protocol_examples_are_what_the_server_answers(
    client: TestClient, app: FastAPI, database_url: str
) -> None:
    produced = run(client, app)
    text = DOC.read_text(encoding="utf-8")
    if os.environ.get(REGENERATE) == "1" and database_url.startswith("sqlite"):
        text = rewrite(text, produced)
        DOC.write_text(text, encoding="utf-8")
    problems = drift(text, produced, WHERE)
    assert not problems, (
        f"{WHERE} no longer shows what the server answers:\n\n"
        + "\n\n".join(problems)
        + f"\n\nIf the change is meant, run {REGENERATE}=1 .venv/bin/python -m pytest "
        f"{Path(__file__).relative_to(ROOT)} -k sqlite, read the diff of the document and mend its prose"
        " where it no longer holds."
    )


def test_every_example_in_the_protocol_doc_is_generated() -> None:
    hand_written = unmarked_blocks(DOC.read_text(encoding="utf-8"), ("http", "json"))
    assert hand_written == [], f"{WHERE}: examples at lines {hand_written} are not produced by the test"


def test_error_table_names_every_error_code_and_only_those() -> None:
    errors = section(DOC.read_text(encoding="utf-8"), "8. Errors")
    listed = set(re.findall(r"^\| \d{3} \| `([a-z_]+)`", errors, re.MULTILINE))
    listed |= set(re.findall(r"^\| \d{3} \| `[a-z_]+` / `([a-z_]+)`", errors, re.MULTILINE))
    assert listed == set(ERROR_CODES)


def _table(section: str) -> dict[str, str]:
    """The rows of the first table in ``section``: first cell -> second cell."""
    rows = [line.strip("|").split(" | ") for line in section.splitlines() if line.startswith("| ")]
    return {cells[0].strip(): cells[1].strip() for cells in rows[1:]}


def _le(model: type[BaseModel], name: str) -> int:
    return next(m.le for m in model.model_fields[name].metadata if getattr(m, "le", None) is not None)


def _default(function: Any, name: str) -> Any:
    return inspect.signature(function).parameters[name].default


def test_limits_table_states_the_limits_of_the_code() -> None:
    limits = {
        "changes per push": MAX_BATCH,
        "bytes per push": Settings.model_fields["max_push_bytes"].default,
        "changes per pull page": MAX_PULL,
        "`rev`, `base_version`": _le(Change, "rev"),
        "cursor, upload offsets and lengths": MAX_INT64,
        "bytes per photo (and per chunk)": Settings.model_fields["max_photo_bytes"].default,
        "pixels per photo": MAX_PIXELS,
        "photos per file record": MAX_PHOTOS,
        "bytes of any other request": DEFAULT_BODY,
        "days an unfinished upload is kept (local store)": Settings.model_fields[
            "partial_upload_days"
        ].default,
        "reference client: changes per push": _default(SyncEngine, "batch_size"),
        "reference client: bytes per chunk": _default(SyncEngine, "chunk_size"),
        "reference client: photos uploaded at once": _default(SyncEngine, "parallel_uploads"),
        "reference client: attempts": RetryPolicy().attempts,
    }
    most = {
        "type": "fonds",
        "id": str(uuid.uuid4()),
        "rev": 1,
        "base_version": limits["`rev`, `base_version`"],
    }
    Change.model_validate(most)
    with pytest.raises(ValidationError):
        Change.model_validate({**most, "base_version": most["base_version"] + 1})
    table = _table(section(DOC.read_text(encoding="utf-8"), "10. Limits"))
    assert set(table) == set(limits), "every row of the limits table is checked here, and only those"
    stated = {what: int(re.match(r"[\d,]+", cell).group().replace(",", "")) for what, cell in table.items()}  # type: ignore[union-attr]
    assert stated == limits
    assert f"(default {_default(pull_route, 'limit')})" in table["changes per pull page"]
