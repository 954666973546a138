"""The API fuzzed from its own OpenAPI schema (bounded examples): no input ever gives a 5xx, and
every error has the structured shape."""

from __future__ import annotations

from typing import Any

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import given

from tests.conftest import login
from tests.fuzzing import bounded

EXAMPLES = {"sqlite": 40, "postgresql": 25}
"""Examples per operation by engine (PostgreSQL's are slower; SQLite is where most run)."""


def test_no_server_errors_on_any_operation(app, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    examples = EXAMPLES["sqlite" if app.state.settings.is_sqlite else "postgresql"]
    auth = login(client, "admin")
    checked: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @bounded(examples)
        def fuzz(case: Any) -> None:
            response = case.call(headers={**(case.headers or {}), **auth})
            where = f"{case.method} {case.formatted_path}"
            assert response.status_code < 500, f"{where}: {response.status_code} {response.text[:300]}"
            if response.status_code >= 400 and case.method != "HEAD":
                assert set(response.json()["error"]) >= {"code", "message", "details"}, where

        fuzz()
        checked.append(f"{operation.method.upper()} {operation.path}")
    assert len(checked) >= 25
