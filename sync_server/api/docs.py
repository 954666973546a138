"""The API's documentation page (Swagger UI) served with every asset from this server.

FastAPI's own ``/docs`` loads Swagger UI from a CDN: on an archive's offline network the page stays
blank. Here the scripts and styles come from the ``fastapi-offline`` package, under
:data:`STATIC_PREFIX`, and the page carries a Content-Security-Policy that allows nothing else
(its one inline script by its hash).
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/docs"
REDIRECT_URL = "/docs/oauth2-redirect"
STATIC_PREFIX = "/docs-static"
ASSETS = Path(fastapi_offline.__file__).parent / "static"
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)
_CSP = (
    "default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def with_csp(page: HTMLResponse) -> HTMLResponse:
    """``page`` with a CSP allowing scripts from this server and the page's own inline ones only.
    (Swagger UI sets styles inline, so those are allowed; no script comes from anywhere else.)"""
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'"
        for script in _INLINE_SCRIPT.findall(bytes(page.body))
    )
    page.headers["Content-Security-Policy"] = _CSP.format(hashes=hashes)
    page.headers["X-Content-Type-Options"] = "nosniff"
    page.headers["X-Frame-Options"] = "DENY"
    page.headers["Referrer-Policy"] = "same-origin"
    return page


def install(app: FastAPI) -> None:
    """Serve ``/docs`` (create the app with ``docs_url=None, redoc_url=None``)."""
    app.mount(STATIC_PREFIX, StaticFiles(directory=ASSETS), name="docs-static")

    @app.get(DOCS_URL, include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return with_csp(
            get_swagger_ui_html(
                openapi_url=app.openapi_url or "/openapi.json",
                title=f"{app.title} – API",
                oauth2_redirect_url=REDIRECT_URL,
                swagger_js_url=f"{STATIC_PREFIX}/swagger-ui-bundle.js",
                swagger_css_url=f"{STATIC_PREFIX}/swagger-ui.css",
                swagger_favicon_url=f"{STATIC_PREFIX}/favicon.png",
            )
        )

    @app.get(REDIRECT_URL, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return with_csp(get_swagger_ui_oauth2_redirect_html())
