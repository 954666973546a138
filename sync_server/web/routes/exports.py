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

from common.errors import SaoLuuError, field_error, field_errors
from common.labels import DEFAULT_LAYOUT, LAYOUTS
from common.vocab import ReviewState, Role
from sync_server.domain import labels
from sync_server.domain.exports import registry as exports
from sync_server.domain.exports.choices import choices
from sync_server.domain.jobs import Job, JobRegistry
from sync_server.web.deps import PageError, SignedInPage, page_user
from sync_server.web.i18n import MESSAGES

router = APIRouter(include_in_schema=False)
ExportPage = Annotated[SignedInPage, Depends(page_user(Role.ADMIN, Role.REVIEWER, Role.AGENCY_HEAD))]
REFRESH_SECONDS = 2
MAX_BOX_CODES = 2000
FORM_FIELDS = (
    "kind",
    "agency_code",
    "campaign_id",
    "review_state",
    "year",
    "fonds_id",
    "layout",
    "box_codes",
)

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


def _jobs(page: SignedInPage) -> JobRegistry:
    return page.request.app.state.export_jobs  # type: ignore[no-any-return]


def _render(
    page: SignedInPage, status: int = 200, errors: list[str] | None = None, **form: str
) -> HTMLResponse:
    offer = choices(page.db, page.principal)
    return page.render(
        "exports/index.html",
        status=status,
        kinds=offer.reports,
        can_label=offer.can_label,
        agencies=offer.agencies,
        fonds_groups=offer.fonds_groups,
        campaigns=offer.campaigns,
        states=list(ReviewState),
        layouts=list(LAYOUTS.values()),
        default_layout=DEFAULT_LAYOUT,
        jobs=_jobs(page).for_owner(page.principal.user_id)[:20],
        errors=errors or [],
        form=form,
        scoped=offer.scoped,
    )


@router.get("/web/exports")
def exports_page(page: ExportPage) -> HTMLResponse:
    return _render(page)


def _params(page: SignedInPage, kind: str) -> dict[str, Any]:
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
    kind_name = page.field("kind")
    form = {name: page.field(name) for name in FORM_FIELDS}
    params = _params(page, kind_name)
    if kind_name == "labels":
        codes = page.field("box_codes")
        if len(codes.splitlines()) > MAX_BOX_CODES:
            return _render(page, 422, [page.t("exp.too_many_boxes", n=MAX_BOX_CODES)], **form)
        if codes:
            params["box_ids"], bad = labels.box_ids(page.db, page.principal, codes)
            if bad:
                return _render(page, 422, [page.t("exp.unknown_boxes", codes=", ".join(bad[:20]))], **form)
        if not (params.get("agency_code") or params.get("fonds_id") or params.get("box_ids")):
            return _render(page, 422, [page.t("exp.need_choice")], **form)
    try:
        export_params = exports.ExportParams.model_validate(params)
    except ValidationError as exc:
        return _render(
            page, 422, [f"{e.field}: {e.message.get(page.lang)}" for e in field_errors(exc)], **form
        )
    try:
        kind, filters = exports.prepare(kind_name, export_params, page.principal)
    except SaoLuuError as exc:
        if exc.status == 404:
            return _render(page, 422, [field_error("kind", "invalid").message.get(page.lang)], **form)
        raise PageError(exc.status, "error.403") from None
    job = exports.start_job(
        _jobs(page), page.db.get_bind(), page.principal.user_id, page.principal.agency_codes, kind, filters
    )
    return page.redirect(f"/web/exports/jobs/{job.id}", "exp.started")


def _own_job(page: SignedInPage, job_id: str) -> Job:
    job = _jobs(page).get(job_id)
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
    path = _jobs(page).result_path(job)
    if job.status != "done" or not path.is_file():
        raise PageError(404, "error.404")
    return FileResponse(path, media_type=job.media_type, filename=job.filename)
