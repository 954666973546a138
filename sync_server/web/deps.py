"""What every web page route depends on: the signed-in user, CSRF protection, rendering.

A page route declares who may open it with one parameter::

    @router.get("/web/things")
    def things(page: Annotated[SignedInPage, Depends(page_user(*STAFF))]) -> Response:
        return page.render("things.html", things=domain.things(page.db, page.principal))

:func:`page_user` gives a :class:`SignedInPage` (its database session, principal and user are
always there) and sends visitors who are not signed in to the sign-in page (and back afterwards),
answers 403 to other roles, and — for every method but GET/HEAD — refuses a form whose
``csrf_token`` field is missing or wrong, so a POST route cannot forget the check. Templates put
the token in a form with ``{{ csrf_field() }}``. :func:`public_page` is the same for pages anyone may
open (sign-in). Routes of ``/web`` must use one of the two (a test checks it).

After a successful POST, answer with :meth:`Page.redirect` and a message key: the next page shows
the message once (post/redirect/get).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup, escape
from sqlmodel import Session
from starlette.datastructures import FormData

from common import words
from common.errors import SaoLuuError
from common.schemas import has_nul
from common.vocab import STAFF, Lang, Role
from sync_server.auth import Principal
from sync_server.deps import SessionDep
from sync_server.models import User
from sync_server.web import sessions
from sync_server.web.templating import environment, fmt_number, nav_items, pick_lang, vocab_label

SESSION_COOKIE = "saoluu_session"
SEED_COOKIE = "saoluu_seed"
LANG_COOKIE = "saoluu_lang"
FLASH_COOKIE = "saoluu_flash"
CSRF_FIELD = "csrf_token"
COOKIE_PATH = "/web"
SAFE_METHODS = frozenset({"GET", "HEAD"})
ROLES_ATTR = "saoluu_page_roles"
PUBLIC = "public"
AUTHENTICATED = "authenticated"


class LoginRequired(Exception):
    """Not signed in: the page answers with a redirect to the sign-in page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class PageError(Exception):
    """A failure shown as an error page in the user's language (status and message key)."""

    def __init__(self, status: int, message_key: str, details: list[str] | None = None) -> None:
        super().__init__(message_key)
        self.status = status
        self.message_key = message_key
        self.details = details or []


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def set_cookie(
    response: Response, request: Request, name: str, value: str, max_age: int | None = None
) -> None:
    """An HttpOnly, SameSite=Lax cookie for ``/web`` (Secure over HTTPS)."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=is_https(request),
    )


def local_path(url: str | None, default: str = "/web") -> str:
    """``url`` if it is a path on this site under ``/web``, else ``default`` (no open redirects)."""
    if not url or not url.startswith("/web") or url.startswith("//") or "\\" in url:
        return default
    return url


@dataclass(kw_only=True)
class Page:
    """One page being answered: who asks, in which language, and how to answer. A page anyone may
    open (sign-in, an error) may have no database session and no signed-in user."""

    request: Request
    db: Session | None
    principal: Principal | None
    user: User | None
    lang: Lang
    bound_to: str | None
    """The secret the CSRF token is bound to: the session secret, or the seed of anonymous forms."""
    new_seed: str | None = None
    form: FormData | None = None
    flash: str | None = None
    cookies_to_set: dict[str, tuple[str, int | None]] = field(default_factory=dict)

    @property
    def role(self) -> Role | None:
        return self.principal.role if self.principal else None

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF

    @property
    def csrf(self) -> str:
        secret_key = self.request.app.state.settings.secret_key
        return sessions.csrf_token(secret_key, self.bound_to) if self.bound_to else ""

    def t(self, key: str, **values: Any) -> str:
        """The words of ``key`` (:mod:`common.words`) in the page's language."""
        return words.text(key, self.lang, **values)

    def t_html(self, key: str, **markup: Markup) -> Markup:
        """The words of ``key`` with their ``{placeholders}`` filled by markup (their own text escaped)."""
        return Markup(escape(words.text(key, self.lang))).format(**markup)

    def refusal(self, exc: SaoLuuError) -> str:
        """Why the domain refused, in the page's language: its first field's message, or its own."""
        return (exc.details[0].message if exc.details else exc.message).get(self.lang)

    def num(self, value: int | float | None) -> str:
        return fmt_number(value, self.lang)

    def label(self, vocabulary: str, code: Any) -> str:
        return vocab_label(vocabulary, code, self.lang)

    def field(self, name: str, default: str = "") -> str:
        """A submitted text field, trimmed (empty if absent or a file); NUL in it is refused (400)."""
        value = self.form.get(name) if self.form is not None else None
        return _no_nul(value).strip() if isinstance(value, str) else default

    def fields(self, name: str) -> list[str]:
        if self.form is None:
            return []
        return [_no_nul(v) for v in self.form.getlist(name) if isinstance(v, str)]

    def url(self, path: str | None = None, **changes: Any) -> str:
        """The current URL (or ``path``) with query parameters changed; None or "" removes one."""
        params = dict(self.request.query_params) if path is None else {}
        for key, value in changes.items():
            if value is None or value == "":
                params.pop(key, None)
            else:
                params[key] = str(value)
        return (path or self.request.url.path) + (f"?{urlencode(params)}" if params else "")

    def csrf_field(self) -> Markup:
        return Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(self.csrf)}">')

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        env = environment()
        html = env.get_template(template).render(
            page=self,
            t=self.t,
            t_html=self.t_html,
            known=words.has,
            num=self.num,
            label=self.label,
            csrf_field=self.csrf_field,
            nav=nav_items(self.role, self.request.url.path, self.request.app.routes),
            **context,
        )
        response = HTMLResponse(html, status_code=status)
        self._finish(response)
        if self.flash is not None:
            response.delete_cookie(FLASH_COOKIE, path=COOKIE_PATH)
        return response

    def redirect(self, url: str, message: str | None = None, **values: Any) -> RedirectResponse:
        """303 to ``url``; the next page shows ``message`` (a key of the catalogue) once."""
        response = RedirectResponse(url, status_code=303)
        self._finish(response)
        if message:
            set_cookie(response, self.request, FLASH_COOKIE, json.dumps({"key": message, "values": values}))
        return response

    def _finish(self, response: Response) -> None:
        if self.new_seed:
            set_cookie(response, self.request, SEED_COOKIE, self.new_seed)
        for name, (value, max_age) in self.cookies_to_set.items():
            set_cookie(response, self.request, name, value, max_age)

    def flash_text(self) -> str | None:
        if not self.flash:
            return None
        try:
            data = json.loads(self.flash)
            key, values = data["key"], data.get("values") or {}
        except (ValueError, KeyError, TypeError):
            return None
        if not isinstance(key, str) or not words.has(key) or not isinstance(values, dict):
            return None
        return self.t(key, **{k: self.num(v) if isinstance(v, int) else str(v) for k, v in values.items()})


@dataclass(kw_only=True)
class VisitorPage(Page):
    """A page anyone may open (sign-in): its database session is there, a signed-in user may be."""

    db: Session


@dataclass(kw_only=True)
class SignedInPage(VisitorPage):
    """The page of a signed-in user: the database session, the principal and the user are there."""

    principal: Principal
    user: User


def _no_nul(text: str) -> str:
    if has_nul(text):
        raise PageError(400, "error.title")
    return text


async def submitted_form(request: Request) -> FormData | None:
    """The parsed form of a POST (parsed here once, before the sync dependencies run)."""
    if request.method in SAFE_METHODS:
        return None
    return await request.form()


FormDep = Annotated[FormData | None, Depends(submitted_form)]
"""Declared before the session in page dependencies: an upload (a nil report's scan) arrives before
the request takes one of the limited database sessions (see :mod:`sync_server.session_slots`)."""


def _answer(request: Request, form: FormData | None, signed_in: bool) -> dict[str, Any]:
    """What every page knows of the request: language, CSRF binding, form, flash message."""
    secret = request.cookies.get(SESSION_COOKIE) if signed_in else None
    seed = request.cookies.get(SEED_COOKIE)
    new_seed = None
    if secret is None and not seed:
        seed = new_seed = secrets.token_urlsafe(32)
    return {
        "request": request,
        "lang": pick_lang(request.cookies.get(LANG_COOKIE)),
        "bound_to": secret or seed,
        "new_seed": new_seed,
        "form": form,
        "flash": request.cookies.get(FLASH_COOKIE),
    }


def _check_csrf(page: Page) -> None:
    if page.request.method in SAFE_METHODS:
        return
    secret_key = page.request.app.state.settings.secret_key
    submitted = page.form.get(CSRF_FIELD) if page.form is not None else None
    if page.new_seed is not None or not sessions.csrf_ok(secret_key, page.bound_to, submitted):
        raise PageError(403, "error.csrf")


def page_user(*roles: Role) -> Callable[..., SignedInPage]:
    """Dependency: the page of a signed-in user with one of ``roles`` (any role if none given)."""
    allowed = frozenset(roles)

    def dependency(
        request: Request, form: FormDep, db: SessionDep
    ) -> SignedInPage:  # form first: see FormDep
        principal = sessions.current(db, request.cookies.get(SESSION_COOKIE))
        user = db.get(User, principal.user_id) if principal is not None else None
        if principal is None or user is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise LoginRequired(target if request.method in SAFE_METHODS else "/web")
        if allowed and principal.role not in allowed:
            raise PageError(403, "error.403")
        page = SignedInPage(db=db, principal=principal, user=user, **_answer(request, form, signed_in=True))
        _check_csrf(page)
        db.commit()  # release the connection until the route runs (see api.deps._resolve)
        return page

    setattr(dependency, ROLES_ATTR, sorted(r.value for r in allowed) or [AUTHENTICATED])
    return dependency


def public_page() -> Callable[..., VisitorPage]:
    """Dependency: a page anyone may open (the signed-in user, if any, is still known)."""

    def dependency(request: Request, form: FormDep, db: SessionDep) -> VisitorPage:  # form first: see FormDep
        principal = sessions.current(db, request.cookies.get(SESSION_COOKIE))
        user = db.get(User, principal.user_id) if principal is not None else None
        answer = _answer(request, form, signed_in=principal is not None)
        page = VisitorPage(db=db, principal=principal, user=user, **answer)
        _check_csrf(page)
        db.commit()  # release the connection until the route runs (see api.deps._resolve)
        return page

    setattr(dependency, ROLES_ATTR, [PUBLIC])
    return dependency


def error_page(
    request: Request, status: int, message_key: str, details: list[str] | None = None
) -> HTMLResponse:
    """An error page without a database (used by the exception handlers)."""
    lang = pick_lang(request.cookies.get(LANG_COOKIE))
    page = Page(request=request, db=None, principal=None, user=None, lang=lang, bound_to=None)
    return page.render("error.html", status=status, message_key=message_key, details=details or [])


StaffPage = Annotated[SignedInPage, Depends(page_user(*STAFF))]
AnyUserPage = Annotated[SignedInPage, Depends(page_user())]
SurveyPage = Annotated[SignedInPage, Depends(page_user(*STAFF, Role.SURVEYOR, Role.AGENCY_HEAD))]
"""The survey's pages: everyone but the digitization operators, who have no business there."""
HeadPage = Annotated[SignedInPage, Depends(page_user(Role.AGENCY_HEAD))]
PublicPage = Annotated[VisitorPage, Depends(public_page())]
