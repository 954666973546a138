"""Page routes, one module per resource."""

from __future__ import annotations

from fastapi import APIRouter

from sync_server.web.routes import (
    admin,
    agency,
    approved_lists,
    auth,
    compliance,
    dashboard,
    exports,
    inventory,
    nil_reports,
    plan,
    records,
    scan_station,
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
    scan_station,
    approved_lists,
    plan,
):
    router.include_router(module.router)

__all__ = ["router"]
