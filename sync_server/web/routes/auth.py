"""Sign in, sign out, language, and the start page (by role)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from common.dates import show_date
from common.vocab import Role
from sync_server.deps import client_address
from sync_server.domain import signin
from sync_server.web import sessions
from sync_server.web.deps import (
    LANG_COOKIE,
    SESSION_COOKIE,
    AnyUserPage,
    PublicPage,
    local_path,
    set_cookie,
)
from sync_server.web.templating import pick_lang

router = APIRouter(include_in_schema=False)
HOME_BY_ROLE = {
    Role.ADMIN: "/web/dashboard",
    Role.REVIEWER: "/web/dashboard",
    Role.AGENCY_HEAD: "/web/agency",
    Role.SURVEYOR: "/web/inventory",
    Role.DIGITIZATION_OPERATOR: "/web/scan-station",
}
LANG_COOKIE_AGE = 365 * 24 * 3600


@router.get("/web")
def home(page: AnyUserPage) -> RedirectResponse:
    return page.redirect(HOME_BY_ROLE[page.principal.role])


@router.get("/web/login")
def login_form(page: PublicPage) -> Response:
    if page.principal is not None:
        return page.redirect(local_path(page.request.query_params.get("next")))
    return page.render("login.html", username="", error=None, next=page.request.query_params.get("next", ""))


@router.post("/web/login")
def login(page: PublicPage) -> Response:
    username, password = page.field("username"), page.form.get("password") if page.form else None
    next_url = local_path(page.field("next"))
    text = password if isinstance(password, str) else ""
    user, locked = signin.sign_in(page.db, username, text, client_address(page.request), "web")
    if user is None:
        error = page.t("login.locked", until=show_date(locked)) if locked else page.t("login.failed")
        status = 429 if locked else 401
        return page.render("login.html", status=status, username=username, error=error, next=next_url)
    settings = page.request.app.state.settings
    secret = sessions.open_session(page.db, user, settings.user_token_hours)
    page.cookies_to_set[SESSION_COOKIE] = (secret, settings.user_token_hours * 3600)
    target = next_url if next_url != "/web" else HOME_BY_ROLE[Role(user.role)]
    return page.redirect(target)


@router.post("/web/logout")
def logout(page: AnyUserPage) -> Response:
    sessions.close_session(page.db, page.principal)
    response = page.redirect("/web/login", "login.signed_out")
    response.delete_cookie(SESSION_COOKIE, path="/web")
    return response


@router.get("/web/lang/{lang}")
def switch_language(lang: str, page: PublicPage) -> Response:
    """Remember the language (a cookie only: nothing changes on the server) and go back."""
    response = page.redirect(local_path(page.request.query_params.get("next")))
    set_cookie(response, page.request, LANG_COOKIE, pick_lang(lang), LANG_COOKIE_AGE)
    return response
