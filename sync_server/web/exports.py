"""The exports page: choose an export and its filters, follow the job's progress, download the file;
box label sheets by agency, fonds or a list of box codes.

The job page polls by reloading itself (a ``Refresh`` header) until the file is ready, so it works
without JavaScript under the pages' strict content security policy.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse, HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from common.boxcode import make_box_code, parse_box_code
from common.errors import FieldError, NotFound, SaoLuuError, field_error, field_errors
from common.labels import DEFAULT_LAYOUT, LAYOUTS
from common.vocab import STAFF, ReviewState, Role
from sync_server.api.exports import ExportParams, registry_of
from sync_server.domain.exports import registry as exports
from sync_server.domain.jobs import Job
from sync_server.errors import http_status
from sync_server.models import Agency, Box, Campaign, Fonds
from sync_server.web.deps import Page, PageError, PublicPage, page_user
from sync_server.web.i18n import MESSAGES

router = APIRouter(include_in_schema=False)
ExportPage = Annotated[Page, Depends(page_user(*STAFF, Role.AGENCY_HEAD))]
REFRESH_SECONDS = 2
MAX_BOX_CODES = 2000

TEXTS: dict[str, tuple[str, str]] = {
    "exp.title": ("Xuất báo cáo và nhãn hộp", "Exports and box labels"),
    "exp.intro": (
        "Tệp Excel mở được bằng Excel hoặc LibreOffice; bản xuất lớn chạy nền, trang sẽ tự cập nhật tiến độ.",
        "Excel files open in Excel or LibreOffice; large exports run in the background and this page"
        " follows their progress.",
    ),
    "exp.reports": ("Báo cáo (Excel)", "Reports (Excel)"),
    "exp.kind": ("Loại báo cáo", "Report"),
    "exp.agency": ("Cơ quan, đơn vị", "Agency"),
    "exp.all_agencies": ("Tất cả cơ quan", "All agencies"),
    "exp.choose_agency": ("— Chọn cơ quan —", "— Choose an agency —"),
    "exp.campaign": ("Đợt thống kê", "Campaign"),
    "exp.all_campaigns": ("Tất cả (cộng dồn)", "All (cumulative)"),
    "exp.state": ("Trạng thái duyệt", "Review state"),
    "exp.year": ("Năm báo cáo", "Report year"),
    "exp.year_hint": ("Chỉ dùng cho báo cáo hằng năm", "Yearly report only"),
    "exp.start": ("Tạo tệp", "Make the file"),
    "exp.labels": ("Nhãn hộp (PDF, khổ A4)", "Box labels (PDF, A4)"),
    "exp.labels_intro": (
        "Chọn cơ quan, phông hoặc dán danh sách mã hộp; mỗi nhãn có mã QR và mã hộp để máy tính bảng quét.",
        "Choose an agency, a fonds or paste box codes; each label has a QR code and the box code for the"
        " tablet to scan.",
    ),
    "exp.fonds": ("Phông / sưu tập / công trình", "Fonds / collection / work"),
    "exp.all_fonds": ("Tất cả phông của cơ quan", "Every fonds of the agency"),
    "exp.box_codes": ("Hoặc các mã hộp (mỗi dòng một mã)", "Or box codes (one per line)"),
    "exp.layout": ("Khổ nhãn", "Label sheet"),
    "exp.make_labels": ("Tạo nhãn", "Make labels"),
    "exp.my_jobs": ("Các tệp đã tạo gần đây", "Recent files"),
    "exp.no_jobs": ("Chưa có tệp nào.", "No files yet."),
    "exp.file": ("Tệp", "File"),
    "exp.status": ("Tình trạng", "Status"),
    "exp.progress": ("Tiến độ", "Progress"),
    "exp.created": ("Lúc tạo", "Created"),
    "exp.download": ("Tải về", "Download"),
    "exp.job_title": ("Đang tạo tệp", "Making the file"),
    "exp.rows": ("{done} / {total} dòng", "{done} / {total} rows"),
    "exp.rows_unknown": ("{done} dòng", "{done} rows"),
    "exp.refreshing": (
        "Trang tự cập nhật sau mỗi {n} giây cho đến khi xong.",
        "This page refreshes every {n} seconds until the file is ready.",
    ),
    "exp.ready": ("Tệp đã sẵn sàng.", "The file is ready."),
    "exp.failed": (
        "Không tạo được tệp ({error}). Vui lòng thử lại.",
        "The file could not be made ({error}).",
    ),
    "exp.back": ("Quay lại trang xuất báo cáo", "Back to exports"),
    "exp.started": ("Đã bắt đầu tạo tệp.", "The file is being made."),
    "exp.need_choice": (
        "Chọn cơ quan, phông hoặc nhập mã hộp.",
        "Choose an agency or a fonds, or enter box codes.",
    ),
    "exp.unknown_boxes": ("Không tìm thấy các mã hộp: {codes}", "Box codes not found: {codes}"),
    "exp.too_many_boxes": ("Nhiều nhất {n} mã hộp một lần.", "At most {n} box codes at a time."),
    "job.queued": ("Đang chờ", "Queued"),
    "job.running": ("Đang tạo", "Running"),
    "job.done": ("Xong", "Done"),
    "job.failed": ("Lỗi", "Failed"),
}
for _key, _pair in TEXTS.items():
    MESSAGES.setdefault(_key, _pair)


STYLE = """
.job-progress { width: 100%; height: 1.6rem; }
.admin-tabs ul { list-style: none; padding: 0; margin: 0 0 1.25rem; }
.enroll-qr { border: 1px solid #c9cfd6; background: #fff; image-rendering: pixelated; }
"""


@router.get("/web/exports/style.css")
def stylesheet(page: PublicPage) -> Response:
    """The few rules the exports and admin pages add (the pages' CSP forbids inline styles)."""
    return Response(STYLE, media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})


def _agencies(page: Page) -> list[Agency]:
    assert page.db is not None and page.principal is not None
    query = select(Agency).order_by(Agency.name)
    if page.principal.agency_codes is not None:
        query = query.where(Agency.code.in_(sorted(page.principal.agency_codes)))  # type: ignore[attr-defined]
    return list(page.db.execute(query).scalars())


def _fonds(page: Page, agencies: list[Agency]) -> list[tuple[Agency, list[Fonds]]]:
    assert page.db is not None
    codes = [a.code for a in agencies]
    query = select(Fonds).where(Fonds.agency_code.in_(codes), Fonds.deleted.is_(False))  # type: ignore[attr-defined]
    by_agency: dict[str, list[Fonds]] = {}
    for f in page.db.execute(query.order_by(Fonds.number)).scalars():
        by_agency.setdefault(f.agency_code, []).append(f)
    return [(a, by_agency[a.code]) for a in agencies if a.code in by_agency]


def _render(page: Page, status: int = 200, errors: list[str] | None = None, **form: str) -> HTMLResponse:
    assert page.db is not None and page.principal is not None
    role = page.principal.role
    agencies = _agencies(page)
    return page.render(
        "exports/index.html",
        status=status,
        kinds=[k for k in exports.kinds().values() if role in k.roles and k.name != "labels"],
        can_label=role in exports.kinds()["labels"].roles,
        agencies=agencies,
        fonds_groups=_fonds(page, agencies),
        campaigns=list(page.db.execute(select(Campaign).order_by(Campaign.year.desc())).scalars()),
        states=list(ReviewState),
        layouts=list(LAYOUTS.values()),
        default_layout=DEFAULT_LAYOUT,
        jobs=registry_of(page.request.app).for_owner(page.principal.user_id)[:20],
        errors=errors or [],
        form=form,
        scoped=page.principal.agency_codes is not None,
    )


@router.get("/web/exports")
def exports_page(page: ExportPage) -> HTMLResponse:
    return _render(page)


def _box_ids(page: Page, text: str) -> tuple[list[str], list[str]]:
    """Box ids for pasted codes (one per line) in the caller's scope, and the codes not found."""
    assert page.db is not None and page.principal is not None
    wanted: dict[str, str] = {}
    bad: list[str] = []
    for line in text.splitlines():
        raw = line.strip()
        if not raw:
            continue
        try:
            code = parse_box_code(raw)
            wanted[make_box_code(code.agency, code.fonds, code.inventory, code.box)] = raw
        except ValueError:
            bad.append(raw)
    found: dict[str, str] = {}
    if wanted:
        query = select(Box.code, Box.id, Box.agency_code).where(
            Box.code.in_(list(wanted)),  # type: ignore[attr-defined]
            Box.deleted.is_(False),  # type: ignore[attr-defined]
        )
        found = {c: i for c, i, agency in page.db.execute(query) if page.principal.can_access(agency)}
    bad += [raw for code, raw in wanted.items() if code not in found]
    return list(found.values()), bad


def _params(page: Page, kind: str) -> dict[str, Any]:
    fields = {
        name: page.field(name) or None for name in ("agency_code", "campaign_id", "review_state", "year")
    }
    if kind == "labels":
        fields = {
            "agency_code": page.field("agency_code") or None,
            "fonds_id": page.field("fonds_id") or None,
        }
        fields["layout"] = page.field("layout") or None
    elif kind != "yearly_report":
        fields.pop("year")
    return {k: v for k, v in fields.items() if v is not None}


@router.post("/web/exports")
def start_export(page: ExportPage) -> Response:
    """Check the choice, start the job, go to its page."""
    assert page.db is not None and page.principal is not None
    kind_name = page.field("kind")
    form = {name: page.field(name) for name in ("kind", "agency_code", "campaign_id", "review_state", "year")}
    form |= {
        "fonds_id": page.field("fonds_id"),
        "layout": page.field("layout"),
        "box_codes": page.field("box_codes"),
    }
    params = _params(page, kind_name)
    errors: list[FieldError] = []
    if kind_name == "labels":
        codes = page.field("box_codes")
        if len(codes.splitlines()) > MAX_BOX_CODES:
            return _render(page, 422, [page.t("exp.too_many_boxes", n=MAX_BOX_CODES)], **form)
        if codes:
            params["box_ids"], bad = _box_ids(page, codes)
            if bad:
                return _render(page, 422, [page.t("exp.unknown_boxes", codes=", ".join(bad[:20]))], **form)
        if not (params.get("agency_code") or params.get("fonds_id") or params.get("box_ids")):
            return _render(page, 422, [page.t("exp.need_choice")], **form)
    try:
        export_params = ExportParams.model_validate(params)
    except ValidationError as exc:
        errors = field_errors(exc)
    if errors:
        return _render(page, 422, [f"{e.field}: {e.message.get(page.lang)}" for e in errors], **form)
    try:
        kind = exports.export_kind(kind_name)
        filters = export_params.filters()
        exports.authorize(kind, page.principal.role, filters, page.principal.agency_codes)
    except SaoLuuError as exc:
        if isinstance(exc, NotFound):
            return _render(page, 422, [field_error("kind", "invalid").message.get(page.lang)], **form)
        raise PageError(http_status(exc), "error.403") from None
    job = exports.start_job(
        registry_of(page.request.app),
        page.db.get_bind(),
        page.principal.user_id,
        page.principal.agency_codes,
        kind,
        filters,
    )
    return page.redirect(f"/web/exports/jobs/{job.id}", "exp.started")


def _own_job(page: Page, job_id: str) -> Job:
    assert page.principal is not None
    job = registry_of(page.request.app).get(job_id)
    if job is None or job.owner_id != page.principal.user_id:
        raise PageError(404, "error.404")
    return job


@router.get("/web/exports/jobs/{job_id}")
def job_page(job_id: str, page: ExportPage) -> HTMLResponse:
    """Progress of one export; reloads itself until done, then offers the file."""
    job = _own_job(page, job_id)
    kind = exports.kinds().get(job.kind)
    response = page.render("exports/job.html", job=job, kind=kind, refresh=REFRESH_SECONDS)
    if not job.finished:
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


@router.get("/web/exports/jobs/{job_id}/file")
def job_file(job_id: str, page: ExportPage) -> FileResponse:
    job = _own_job(page, job_id)
    path = registry_of(page.request.app).result_path(job)
    if job.status != "done" or not path.is_file():
        raise PageError(404, "error.404")
    return FileResponse(path, media_type=job.media_type, filename=job.filename)
