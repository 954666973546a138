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
from common.errors import FieldError, SaoLuuError, field_errors
from common.qr import qr_png
from common.vocab import Role
from sync_server.domain import agencies as agency_domain
from sync_server.domain import campaigns as campaign_domain
from sync_server.domain import devices as device_domain
from sync_server.domain import users as user_domain
from sync_server.web.deps import SignedInPage, page_user
from sync_server.web.i18n import MESSAGES

router = APIRouter(include_in_schema=False)
AdminPage = Annotated[SignedInPage, Depends(page_user(Role.ADMIN))]
USER_FIELDS = ("username", "full_name", "role", "agency_code")

TEXTS: dict[str, tuple[str, str]] = {
    "adm.title": ("Quản trị", "Administration"),
    "adm.users": ("Người dùng", "Users"),
    "adm.devices": ("Máy tính bảng", "Tablets"),
    "adm.agencies": ("Danh sách cơ quan", "Agency list"),
    "adm.campaigns": ("Đợt thống kê", "Campaigns"),
    "adm.username": ("Tên đăng nhập", "User name"),
    "adm.username_hint": ("Chữ thường, số, dấu . _ -", "Lower-case letters, digits, . _ -"),
    "adm.full_name": ("Họ và tên", "Full name"),
    "adm.role": ("Vai trò", "Role"),
    "adm.agency": ("Cơ quan (thủ trưởng cơ quan)", "Agency (agency head)"),
    "adm.assigned": ("Cơ quan được giao (cán bộ khảo sát)", "Assigned agencies (surveyor)"),
    "adm.assigned_hint": ("Giữ Ctrl để chọn nhiều cơ quan", "Hold Ctrl to choose several agencies"),
    "adm.active": ("Đang hoạt động", "Active"),
    "adm.inactive": ("Đã khóa", "Disabled"),
    "adm.password": (
        "Mật khẩu (ít nhất 8 ký tự, không phổ biến, khó đoán)",
        "Password (8 characters or more, not common, hard to guess)",
    ),
    "adm.new_user": ("Thêm người dùng", "Add a user"),
    "adm.create": ("Tạo tài khoản", "Create the account"),
    "adm.edit_user": ("Sửa tài khoản {name}", "Edit account {name}"),
    "adm.save": ("Lưu thay đổi", "Save changes"),
    "adm.reset_password": ("Đặt lại mật khẩu", "Reset the password"),
    "adm.reset_hint": (
        "Mọi phiên đăng nhập của người này sẽ kết thúc ngay.",
        "Every session of this user ends at once.",
    ),
    "adm.enroll": ("Mã kích hoạt máy tính bảng", "Tablet enrollment code"),
    "adm.enroll_intro": (
        "Tạo mã dùng một lần để máy tính bảng của người này kết nối với máy chủ (quét mã QR hoặc gõ mã).",
        "Make a one-time code that connects this user's tablet to the server (scan the QR or type the code).",
    ),
    "adm.enroll_make": ("Tạo mã kích hoạt", "Make an enrollment code"),
    "adm.enroll_code": ("Mã kích hoạt", "Enrollment code"),
    "adm.enroll_expires": (
        "Hết hạn sau {hours} giờ; chỉ hiện một lần.",
        "Expires in {hours} hours; shown once.",
    ),
    "adm.enroll_qr": ("Mã QR kích hoạt cho {name}", "Enrollment QR code for {name}"),
    "adm.user_devices": ("Máy tính bảng của người này", "This user's tablets"),
    "adm.device": ("Tên máy", "Device"),
    "adm.owner": ("Người dùng", "User"),
    "adm.enrolled": ("Kích hoạt lúc", "Enrolled"),
    "adm.last_seen": ("Đồng bộ gần nhất", "Last sync"),
    "adm.revoked": ("Đã thu hồi lúc", "Revoked"),
    "adm.revoke": ("Thu hồi", "Revoke"),
    "adm.revoke_confirm": (
        "Thu hồi máy này? Máy sẽ không đồng bộ được nữa.",
        "Revoke this tablet? It can no longer sync.",
    ),
    "adm.no_devices": ("Chưa có máy tính bảng nào.", "No tablets yet."),
    "adm.import": ("Nhập danh sách cơ quan (CSV hoặc Excel)", "Import the agency list (CSV or Excel)"),
    "adm.import_hint": (
        "Cột bắt buộc: mã, tên, loại; tùy chọn: mã cấp trên, nguồn nộp lưu, trạng thái, mã tiếp nhận."
        " Tệp có dòng lỗi thì không dòng nào được nhập.",
        "Required columns: code, name, kind; optional: parent code, in deposit list, status, successor code."
        " A file with any bad row imports nothing.",
    ),
    "adm.import_file": ("Tệp", "File"),
    "adm.import_submit": ("Nhập", "Import"),
    "adm.imported": (
        "Đã nhập: {created} mới, {updated} cập nhật, {unchanged} không đổi.",
        "Imported: {created} new, {updated} updated, {unchanged} unchanged.",
    ),
    "adm.import_errors": ("Tệp chưa được nhập vì có lỗi:", "The file was not imported because of errors:"),
    "adm.code": ("Mã", "Code"),
    "adm.name": ("Tên", "Name"),
    "adm.kind": ("Loại", "Kind"),
    "adm.parent": ("Cấp trên", "Parent"),
    "adm.status": ("Trạng thái", "Status"),
    "adm.year": ("Năm", "Year"),
    "adm.starts_on": ("Bắt đầu", "Starts"),
    "adm.ends_on": ("Kết thúc", "Ends"),
    "adm.campaign_name": ("Tên đợt", "Name"),
    "adm.new_campaign": ("Thêm đợt thống kê", "Add a campaign"),
    "adm.edit_campaign": ("Sửa đợt thống kê", "Edit the campaign"),
    "adm.no_campaigns": ("Chưa có đợt thống kê nào.", "No campaigns yet."),
    "adm.edit": ("Sửa", "Edit"),
    "adm.created": ("Đã tạo tài khoản {name}.", "Account {name} created."),
    "adm.updated": ("Đã lưu tài khoản {name}.", "Account {name} saved."),
    "adm.password_reset": ("Đã đặt lại mật khẩu của {name}.", "Password of {name} reset."),
    "adm.device_revoked": ("Đã thu hồi máy {name}.", "Tablet {name} revoked."),
    "adm.campaign_saved": ("Đã lưu đợt thống kê {name}.", "Campaign {name} saved."),
    "adm.not_yourself": (
        "Không tự đổi vai trò hoặc tự khóa tài khoản đang dùng.",
        "You cannot change the role of, or disable, the account you are using.",
    ),
}
for _key, _pair in TEXTS.items():
    MESSAGES.setdefault(_key, _pair)


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
            password=page.form.get("password") if page.form is not None else "",  # type: ignore[arg-type]
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
        return _users_page(
            page, exc.status if exc.status < 500 else 422, _messages(page, _failure(exc)), **form
        )
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
        return _agencies_page(
            page, 413, import_errors=[SaoLuuError("payload_too_large", 413).message.get(page.lang)]
        )
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
