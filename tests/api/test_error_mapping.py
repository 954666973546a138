"""Errors say what happened; one mapping in the HTTP layer says it in HTTP, for the API's JSON
answers and the web's error pages alike. Tablets in the field depend on these statuses."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import sync_server.app  # noqa: F401  (every module, so every error kind, is loaded)
from common.errors import (
    Conflict,
    Malformed,
    NotAllowed,
    NotAuthenticated,
    NotFound,
    Refused,
    RetryLater,
    SaoLuuError,
    ValidationFailed,
    field_error,
)
from sync_server.app import create_app
from sync_server.config import Settings
from sync_server.domain.photos import OffsetConflict
from sync_server.errors import error_response, http_status
from sync_server.storage.base import StorageUnavailable

ROOT = Path(__file__).resolve().parents[2] / "sync_server"
NO_HTTP = ("domain", "storage")


def _kinds(cls: type[SaoLuuError] = SaoLuuError) -> Iterator[type[SaoLuuError]]:
    yield cls
    for sub in cls.__subclasses__():
        yield from _kinds(sub)


KIND_NAMES = {kind.__name__ for kind in _kinds()}


def _http_choices(path: Path) -> list[str]:
    """Places in ``path`` that pick an HTTP status or header for an error, or import HTTP."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        where = f"{path.relative_to(ROOT.parent)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in ("fastapi", "starlette"):
            found.append(f"{where} imports {node.module}")
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name not in KIND_NAMES and name != "__init__":
            continue
        for kw in node.keywords:
            if kw.arg in ("status", "status_code", "headers"):
                found.append(f"{where} {name}({kw.arg}=…)")
        for arg in [*node.args, *(kw.value for kw in node.keywords)]:
            if isinstance(arg, ast.Constant) and type(arg.value) is int and 100 <= arg.value < 600:
                found.append(f"{where} {name}(…, {arg.value})")
    return found


def test_domain_and_storage_choose_no_http_status_or_header() -> None:
    files = [p for part in NO_HTTP for p in sorted((ROOT / part).rglob("*.py"))]
    assert len(files) > 30
    assert [choice for path in files for choice in _http_choices(path)] == []


def test_an_error_cannot_carry_a_status_or_headers() -> None:
    for kind in _kinds():
        params = set(inspect.signature(kind.__init__).parameters)
        assert not params & {"status", "status_code", "headers"}, kind


WWW = {"WWW-Authenticate": "Bearer"}


@pytest.mark.parametrize(
    ("error", "status", "headers"),
    [
        (Malformed(details=[field_error("url", "bad_characters")]), 400, {}),
        (ValidationFailed([field_error("text", "missing")]), 422, {}),
        (Refused("validation_error", [field_error("body", "hash_mismatch")]), 422, {}),
        (Refused("payload_too_large"), 413, {}),
        (Refused("unsupported_media_type"), 415, {}),
        (NotAuthenticated(), 401, WWW),
        (NotAuthenticated("bad_credentials"), 401, WWW),
        (NotAllowed(), 403, {}),
        (NotAllowed(details=[field_error("code", "code_invalid")]), 403, {}),
        (NotFound(), 404, {}),
        (Conflict("already_exists"), 409, {}),
        (Conflict("use_job"), 409, {}),
        (OffsetConflict(30000), 409, {}),
        (RetryLater("too_many_requests", retry_after=7), 429, {"Retry-After": "7"}),
        (StorageUnavailable("get"), 503, {"Retry-After": "30"}),
        (RetryLater("storage_full"), 507, {}),
        (SaoLuuError(), 500, {}),
    ],
    ids=lambda v: (
        type(v).__name__ + (f"-{v.code}" if isinstance(v, SaoLuuError) else "")
        if isinstance(v, SaoLuuError)
        else str(v)
    ),
)
def test_each_kind_and_code_has_its_status_and_headers(
    error: SaoLuuError, status: int, headers: dict[str, str]
) -> None:
    answer = error_response(error)
    assert answer.status_code == status == http_status(error)
    assert {
        k: v for k, v in answer.headers.items() if k.lower() not in ("content-length", "content-type")
    } == {k.lower(): v for k, v in headers.items()}


@dataclass
class Probe:
    """The real app with two routes raising :attr:`error`: one in the API, one in the web pages."""

    client: TestClient
    error: SaoLuuError = field(default_factory=SaoLuuError)


@pytest.fixture
def probe(tmp_path: Path) -> Iterator[Probe]:
    app: FastAPI = create_app(Settings(data_dir=tmp_path))
    with TestClient(app) as client:
        probe = Probe(client)

        def fail() -> None:
            raise probe.error

        app.add_api_route("/api/v1/probe", fail)
        app.add_api_route("/web/probe", fail)
        yield probe
    app.state.engine.dispose()


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (StorageUnavailable("get"), 503),
        (NotFound(), 404),
        (NotAllowed(), 403),
        (Refused("payload_too_large"), 413),
    ],
)
def test_the_api_and_the_pages_answer_an_error_with_the_same_status(
    probe: Probe, error: SaoLuuError, status: int
) -> None:
    probe.error = error
    api = probe.client.get("/api/v1/probe")
    page = probe.client.get("/web/probe")
    assert api.status_code == page.status_code == status
    assert api.json()["error"]["code"] == error.code
    assert page.headers["content-type"].startswith("text/html")
    if isinstance(error, RetryLater):
        assert api.headers["Retry-After"] == "30"
