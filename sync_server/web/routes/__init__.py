"""Page routes, one module per resource."""

from __future__ import annotations

from fastapi import APIRouter

from sync_server.web.routes import (
    admin,
    agency,
    auth,
    compliance,
    copy_sets,
    dashboard,
    exports,
    handovers,
    inventory,
    nil_reports,
    records,
)

router = APIRouter(include_in_schema=False)
for module in (
    auth,
    dashboard,
    compliance,
    inventory,
    records,
    nil_reports,
    agency,
    exports,
    admin,
    copy_sets,
    handovers,
):
    router.include_router(module.router)

__all__ = ["router"]
