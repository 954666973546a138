"""The archive centre's web pages, served by the sync server itself under ``/web``.

Server-rendered (Jinja2) pages in Vietnamese or English, a little vanilla JavaScript, every asset
served from ``/web/static`` (no CDN). :func:`install` adds them to the app; page routes build on
:mod:`sync_server.web.deps` (signed-in user, CSRF, rendering) and the base template ``base.html``.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from sync_server.web.routes import router
from sync_server.web.security import SecurityHeaders, install_error_pages
from sync_server.web.templating import STATIC, STATIC_PREFIX


def install(app: FastAPI) -> None:
    """Add the pages, their static files, security headers and HTML error pages to ``app``."""
    app.include_router(router)
    app.mount(STATIC_PREFIX, StaticFiles(directory=STATIC), name="web-static")
    app.add_middleware(SecurityHeaders)
    install_error_pages(app)


__all__ = ["install"]
