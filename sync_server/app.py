"""``create_app(settings)``: wires database, photo store, routers and error handling."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from common.errors import ErrorResponse
from sync_server import __version__, web
from sync_server.api import (
    agencies,
    approved_lists,
    auth,
    campaigns,
    custody,
    devices,
    exports,
    meta,
    photos,
    plan,
    records,
    scans,
    sync,
    users,
)
from sync_server.api import docs as api_docs
from sync_server.api import preservation as api_preservation
from sync_server.api.guards import RequestGuard
from sync_server.auth import PrincipalCache
from sync_server.checkpoint import Checkpointer
from sync_server.config import Settings, get_settings
from sync_server.db import make_engine, migrate
from sync_server.domain.jobs import JobRegistry
from sync_server.errors import install_error_handlers
from sync_server.session_slots import SessionSlots
from sync_server.storage import make_master_store, make_photo_store
from sync_server.web.deps import error_page

API_PREFIX = "/api/v1"
log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, *, run_migrations: bool = True) -> FastAPI:
    settings = settings or get_settings()
    engine = make_engine(settings)
    if run_migrations:
        migrate(engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        swept = app.state.photos.sweep_partials(dt.timedelta(days=settings.partial_upload_days))
        if swept:
            log.info("deleted %d photo uploads unfinished for %d days", swept, settings.partial_upload_days)
        checkpointer = Checkpointer(engine).start() if settings.is_sqlite else None
        yield
        if checkpointer is not None:
            checkpointer.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="SaoLuu sync server",
        version=__version__,
        description="Kiểm kê tài liệu lưu trữ thuộc diện số hóa lập bản sao bảo hiểm (QĐ 71/QĐ-TTg).",
        responses={"4XX": {"model": ErrorResponse, "description": "Structured error"}},
        docs_url=None,  # served by api.docs with local assets
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.photos = make_photo_store(settings)
    app.state.masters = make_master_store(settings)
    app.state.session_slots = SessionSlots(settings.db_sessions)
    app.state.principals = PrincipalCache(settings.auth_cache_seconds)
    app.state.principals.install(engine)
    app.state.export_jobs = JobRegistry(settings.data_dir / "exports")
    install_error_handlers(app)

    for module in (meta, auth, devices, agencies, users, campaigns, records, sync, photos, exports):
        app.include_router(module.router, prefix=API_PREFIX)
    for module in (approved_lists, plan, custody, scans):  # the digitization phase (#16)
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(api_preservation.router, prefix=API_PREFIX)
    # before the pages' middleware, which so wraps it: a refused page also gets their headers
    app.add_middleware(
        RequestGuard, settings=settings, engine=engine, principals=app.state.principals, web_error=error_page
    )
    web.install(app)  # the archive centre's pages under /web

    api_docs.install(app)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/web")

    return app


def worker_app() -> FastAPI:
    """The app of one of several worker processes (``serve --workers N``): the parent migrated."""
    return create_app(get_settings(), run_migrations=False)
