"""Page routes, one module per area."""

from __future__ import annotations

from fastapi import APIRouter

from sync_server.web.routes import agency, auth, compliance, dashboard, inventory, nil_reports, records

router = APIRouter(include_in_schema=False)
for module in (auth, dashboard, compliance, inventory, records, nil_reports, agency):
    router.include_router(module.router)

__all__ = ["router"]
