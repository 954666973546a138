"""Page routes, one module per resource."""

from __future__ import annotations

from fastapi import APIRouter

from sync_server.web.routes import (
    admin,
    agency,
    approved_lists,
    auth,
    compliance,
    copy_sets,
    dashboard,
    exports,
    handovers,
    inventory,
    nil_reports,
    plan,
    quality,
    records,
    scan_station,
    scans,
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
    copy_sets,
    handovers,
):
    router.include_router(module.router)
for module in (quality, scans):  # scanned masters: the quality check, the upload (#16)
    router.include_router(module.router)

__all__ = ["router"]
