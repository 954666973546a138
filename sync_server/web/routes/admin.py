"""Administration pages (administrators only): users and their roles, agency binding and surveyor
assignments, password resets and tablet enrollment codes (shown as a QR code); devices and
revocation; the agency list import with its row errors; survey campaigns.

Every change goes through the same domain functions as the API, so it is validated and audited
the same way.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from common import schemas as s
from common.enroll import enroll_uri
from common.errors import FieldError, SaoLuuError, error_message, field_errors
from common.qr import qr_png
from common.vocab import Role
from sync_server.domain import agencies as agency_domain
from sync_server.domain import campaigns as campaign_domain
from sync_server.domain import devices as device_domain
from sync_server.domain import users as user_domain
from sync_server.errors import http_status
from sync_server.web.deps import SignedInPage, page_user

router = APIRouter(include_in_schema=False)
AdminPage = Annotated[SignedInPage, Depends(page_user(Role.ADMIN))]
USER_FIELDS = ("username", "full_name", "role", "agency_code")


def _messages(page: SignedInPage, errors: list[FieldError]) -> dict[str, str]:
    """``{field: message}`` in the page's language (the first message of each field)."""
    out: dict[str, str] = {}
    for e in errors:
        out.setdefault(e.field.split("[")[0].split(".")[0] or "form", e.message.get(page.lang))
    return out


def _failure(exc: SaoLuuError) -> list[FieldError]:
    """The field errors of a failure, or its message as an error of the whole form."""
    return list(exc.details) or [FieldError(field="form", reason=exc.code, message=exc.message)]


# users


def _users_page(
    page: SignedInPage, status: int = 200, errors: dict[str, str] | None = None, **form: Any
) -> HTMLResponse:
    return page.render(
        "admin/users.html",
        status=status,
        tab="users",
        users=user_domain.list_users(page.db),
        agencies=agency_domain.list_agencies(page.db),
        roles=list(Role),
        errors=errors or {},
        form=form,
    )


@router.get("/web/admin")
def users(page: AdminPage) -> HTMLResponse:
    return _users_page(page)


def _user_form(page: SignedInPage) -> dict[str, Any]:
    form: dict[str, Any] = {name: page.field(name) for name in USER_FIELDS}
    form["assigned_agencies"] = page.fields("assigned_agencies")
    form["active"] = page.field("active") == "1"
    return form


@router.post("/web/admin/users")
def create_user(page: AdminPage) -> Response:
    form = _user_form(page)
    try:
        data = user_domain.UserCreate(
            username=form["username"].lower(),
            password=page.form.get("password") if page.form is not None else "",
            role=form["role"],
            full_name=form["full_name"],
            agency_code=form["agency_code"] or None,
            assigned_agencies=form["assigned_agencies"],
        )
        user_domain.create_user(page.db, page.principal, data)
    except ValidationError as exc:
        return _users_page(page, 422, _messages(page, field_errors(exc)), **form)
    except SaoLuuError as exc:
        page.db.rollback()
        status = http_status(exc)
        return _users_page(page, status if status < 500 else 422, _messages(page, _failure(exc)), **form)
    return page.redirect(f"/web/admin/users/{data.username}", "adm.created", name=data.username)


def _user_page(
    page: SignedInPage, username: str, status: int = 200, errors: dict[str, str] | None = None, **extra: Any
) -> HTMLResponse:
    user = user_domain.get_user(page.db, username)
    return page.render(
        "admin/user.html",
        status=status,
        tab="users",
        user=user_domain.to_public(page.db, user),
        agencies=agency_domain.list_agencies(page.db),
        roles=list(Role),
        devices=device_domain.list_devices(page.db, user.id),
        errors=errors or {},
        **extra,
    )


@router.get("/web/admin/users/{username}")
def user(username: str, page: AdminPage) -> HTMLResponse:
    return _user_page(page, username)


@router.post("/web/admin/users/{username}")
def update_user(username: str, page: AdminPage) -> Response:
    """Role, agency binding, assignments, name, active flag."""
    form = _user_form(page)
    current = user_domain.get_user(page.db, username)
    if current.id == page.principal.user_id and (form["role"] != current.role or not form["active"]):
        return _user_page(page, username, 422, {"form": page.t("adm.not_yourself")})
    try:
        data = user_domain.UserUpdate(
            full_name=form["full_name"],
            role=form["role"],
            agency_code=form["agency_code"] or None,
            assigned_agencies=form["assigned_agencies"],
            active=form["active"],
        )
        user_domain.update_user(page.db, page.principal, username, data)
    except ValidationError as exc:
        return _user_page(page, username, 422, _messages(page, field_errors(exc)))
    except SaoLuuError as exc:
        page.db.rollback()
        return _user_page(page, username, 422, _messages(page, _failure(exc)))
    return page.redirect(f"/web/admin/users/{username}", "adm.updated", name=username)


@router.post("/web/admin/users/{username}/password")
def reset_password(username: str, page: AdminPage) -> Response:
    password = page.form.get("password") if page.form is not None else None
    try:
        data = user_domain.UserUpdate(password=password if isinstance(password, str) else "")
        user_domain.update_user(page.db, page.principal, username, data)
    except ValidationError as exc:
        return _user_page(
            page, username, 422, {"password": _messages(page, field_errors(exc)).get("password", "")}
        )
    return page.redirect(f"/web/admin/users/{username}", "adm.password_reset", name=username)


def _qr_data_uri(payload: str) -> str:
    return "data:image/png;base64," + base64.b64encode(qr_png(payload, box_size=6)).decode()


@router.post("/web/admin/users/{username}/enroll-code")
def enroll_code(username: str, page: AdminPage) -> HTMLResponse:
    """A one-time tablet enrollment code, shown once as text and as a QR code."""
    settings = page.request.app.state.settings
    target = user_domain.get_user(page.db, username)
    code = device_domain.create_enroll_code(
        page.db, page.principal, target, dt.timedelta(hours=settings.enroll_code_hours)
    )
    server = settings.public_url or str(page.request.base_url).rstrip("/")
    uri = enroll_uri(server, code)
    return _user_page(
        page,
        username,
        enroll={"code": code, "uri": uri, "qr": _qr_data_uri(uri), "hours": settings.enroll_code_hours},
    )


# devices


@router.get("/web/admin/devices")
def devices(page: AdminPage) -> HTMLResponse:
    devices = device_domain.list_devices(page.db, newest_first=True)
    return page.render("admin/devices.html", tab="devices", devices=devices)


@router.post("/web/admin/devices/{device_id}/revoke")
def revoke_device(device_id: str, page: AdminPage) -> Response:
    device = device_domain.revoke_device(page.db, page.principal, device_id)
    back = page.field("back")
    target = back if back.startswith("/web/admin/") else "/web/admin/devices"
    return page.redirect(target, "adm.device_revoked", name=device.name)


# agencies


def _agencies_page(page: SignedInPage, status: int = 200, **extra: Any) -> HTMLResponse:
    return page.render(
        "admin/agencies.html",
        status=status,
        tab="agencies",
        agencies=agency_domain.list_agencies(page.db),
        **extra,
    )


@router.get("/web/admin/agencies")
def agencies(page: AdminPage) -> HTMLResponse:
    return _agencies_page(page)


@router.post("/web/admin/agencies/import")
def import_agencies(page: AdminPage) -> Response:
    """Import the list; a file with any bad row imports nothing and its errors are listed by row."""
    upload = page.form.get("file") if page.form is not None else None
    limit = page.request.app.state.settings.max_import_bytes
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _agencies_page(
            page, 422, import_errors=[page.t("common.required") + ": " + page.t("adm.import_file")]
        )
    content = upload.file.read(limit + 1)
    if len(content) > limit:
        return _agencies_page(page, 413, import_errors=[error_message("payload_too_large").get(page.lang)])
    try:
        result = agency_domain.import_agencies(page.db, page.principal, upload.filename, content)
    except SaoLuuError as exc:
        page.db.rollback()
        rows = [f"{e.field}: {e.message.get(page.lang)}" for e in _failure(exc)]
        return _agencies_page(page, 422, import_errors=rows)
    return page.redirect(
        "/web/admin/agencies",
        "adm.imported",
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
    )


# campaigns


def _campaigns_page(
    page: SignedInPage, status: int = 200, errors: dict[str, str] | None = None, **form: Any
) -> HTMLResponse:
    editing = page.request.query_params.get("edit")
    if editing and not form:
        found = next((c for c in campaign_domain.list_campaigns(page.db) if c.id == editing), None)
        if found is not None:
            form = {k: "" if v is None else str(v) for k, v in found.model_dump().items()}
    return page.render(
        "admin/campaigns.html",
        status=status,
        tab="campaigns",
        campaigns=campaign_domain.list_campaigns(page.db),
        errors=errors or {},
        form=form,
    )


@router.get("/web/admin/campaigns")
def campaigns(page: AdminPage) -> HTMLResponse:
    return _campaigns_page(page)


@router.post("/web/admin/campaigns")
def save_campaign(page: AdminPage) -> Response:
    form = {name: page.field(name) for name in ("id", "year", "name", "starts_on", "ends_on")}
    form["active"] = "True" if page.field("active") == "1" else ""
    try:
        data = s.Campaign.model_validate(
            {
                "id": form["id"] or str(uuid.uuid4()),
                "year": form["year"],
                "name": form["name"],
                "starts_on": form["starts_on"] or None,
                "ends_on": form["ends_on"] or None,
                "active": bool(form["active"]),
            }
        )
    except ValidationError as exc:
        return _campaigns_page(page, 422, _messages(page, field_errors(exc)), **form)
    campaign_domain.save_campaign(page.db, page.principal, data)
    return page.redirect("/web/admin/campaigns", "adm.campaign_saved", name=data.name)


__all__ = ["router"]
