"""Health and vocabularies."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import literal, select

from common.vocab import vocabulary_payload
from sync_server import __version__
from sync_server.api.deps import SessionDep, public

router = APIRouter(tags=["meta"])


class Health(BaseModel):
    status: str
    version: str
    database: str


@router.get("/health", response_model=Health, **public())
def health(session: SessionDep) -> Health:
    session.execute(select(literal(1)))  # a statement seen to read only (see sync_server.statements)
    return Health(status="ok", version=__version__, database=session.get_bind().dialect.name)


@router.get("/vocabularies", **public())
def vocabularies() -> dict[str, list[dict[str, Any]]]:
    """Every controlled vocabulary with Vietnamese and English labels."""
    return vocabulary_payload()
