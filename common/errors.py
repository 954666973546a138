"""One error shape for the API, the tablet and the web: ``{code, message{vi,en}, details[]}``.

Validation failures become :class:`FieldError` values (field, reason, message in both languages),
whether they come from pydantic or from our own rules, so every caller can show the user what to
fix in their language.

Errors say what happened, never how HTTP says it. Code outside the HTTP layer raises one of the
outcome kinds below, with a code (a key of :data:`ERROR_CODES`, or one with its own message) and
field errors; it never picks a status or a header::

    raise NotFound()                                           # was SaoLuuError("not_found", 404)
    raise NotAllowed()                                         # was SaoLuuError("forbidden", 403)
    raise NotAllowed(details=[field_error("code", "code_invalid")])
    raise Conflict("already_exists", [field_error("username", "username_taken", input=name)])
    raise Refused("payload_too_large", [field_error("scan", "too_big", max_bytes=limit)])
    raise ValidationFailed([field_error("text", "missing")])  # the data breaks a rule
    raise RetryLater("storage_unavailable", retry_after=30)

The HTTP layer maps kind and code to a status and headers in one place,
:func:`sync_server.errors.http_status` / :func:`sync_server.errors.http_headers`, used by the API's
JSON answers and by the web's error pages alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from pydantic import BaseModel, ValidationError

from common.vocab import DEFAULT_LANG, Lang

# reason code -> (Vietnamese template, English template); templates use str.format(**ctx)
MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("Bắt buộc nhập", "This field is required"),
    "too_long": ("Dài quá {max_length} ký tự", "Longer than {max_length} characters"),
    "too_short": ("Cần ít nhất {min_length} ký tự", "Needs at least {min_length} characters"),
    "too_few_items": ("Cần chọn ít nhất {min_length} mục", "Choose at least {min_length} item(s)"),
    "too_many_items": ("Nhiều hơn {max_length} mục", "More than {max_length} items"),
    "in_future": ("Ngày không được ở tương lai: {input}", "The date can't be in the future: {input}"),
    "not_in_vocab": ("Giá trị không có trong danh mục: {input}", "Unknown code: {input}"),
    "too_small": ("Phải lớn hơn hoặc bằng {ge}", "Must be at least {ge}"),
    "too_large": ("Phải nhỏ hơn hoặc bằng {le}", "Must be at most {le}"),
    "not_a_number": ("Phải là số nguyên", "Must be a whole number"),
    "not_a_decimal": ("Phải là số", "Must be a number"),
    "not_boolean": ("Phải là có/không", "Must be yes/no"),
    "not_text": ("Phải là văn bản", "Must be text"),
    "not_a_list": ("Phải là danh sách", "Must be a list"),
    "not_an_object": ("Dữ liệu không đúng cấu trúc", "Must be an object"),
    "bad_format": ("Không đúng định dạng", "Wrong format"),
    "bad_uuid": ("Mã định danh (UUID) không hợp lệ", "Not a valid UUID"),
    "bad_date": (
        "Ngày không hợp lệ (năm, năm-tháng hoặc năm-tháng-ngày, ví dụ 1975-04-30)",
        "Invalid date (year, year-month or year-month-day, e.g. 1975-04-30)",
    ),
    "end_before_start": (
        "Thời gian kết thúc phải sau hoặc bằng thời gian bắt đầu",
        "End date must not be before the start date",
    ),
    "years_required": (
        "Nhập số năm bảo quản khi thời hạn là có thời hạn",
        "Enter the number of years for a fixed-term retention",
    ),
    "years_not_allowed": (
        "Không nhập số năm khi bảo quản vĩnh viễn",
        "No number of years for permanent retention",
    ),
    "duplicate_item": ("Mục bị trùng: {input}", "Duplicate item: {input}"),
    "describe_other": ("Mô tả hư hỏng loại 'Khác'", "Describe the 'other' damage"),
    "bad_agency_code": (
        "Mã cơ quan chỉ gồm chữ in hoa, số, dấu chấm, gạch dưới (2–40 ký tự)",
        "Agency code: capitals, digits, dot, underscore (2–40 characters)",
    ),
    "bad_box_code": (
        "Mã hộp không đúng định dạng CƠQUAN-P<phông>-M<mục lục>-H<hộp>",
        "Box code must look like AGENCY-P<fonds>-M<inventory>-H<box>",
    ),
    "bad_number_code": (
        "Chỉ gồm chữ in hoa và số (1–10 ký tự)",
        "Capitals and digits only (1–10 characters)",
    ),
    "successor_required": (
        "Cơ quan đã sáp nhập phải có mã cơ quan tiếp nhận",
        "A merged agency needs the code of its successor",
    ),
    "self_reference": ("Không được trỏ đến chính nó", "Must not refer to itself"),
    "unknown_agency": ("Không có cơ quan mã {input}", "No agency with code {input}"),
    "unknown_reference": ("Không tìm thấy {input}", "{input} not found"),
    "duplicate_code": ("Mã {input} bị trùng (dòng {rows})", "Code {input} is duplicated (rows {rows})"),
    "username_taken": ("Tên đăng nhập {input} đã có", "User name {input} is already taken"),
    "body_too_large": (
        "Dữ liệu gửi lên lớn quá {max_bytes} byte",
        "The request is larger than {max_bytes} bytes",
    ),
    "bad_characters": (
        "Có ký tự không được phép (ký tự NUL)",
        "Contains a character that is not allowed (NUL)",
    ),
    "out_of_range": ("Ngày giờ phải trong các năm {ge}–{le}", "The date must fall in the years {ge}–{le}"),
    "weak_password": (
        "Mật khẩu quá phổ biến hoặc dễ đoán (từ thông dụng, dãy số, tên đăng nhập…); hãy chọn một cụm "
        "từ dài hơn, khó đoán hơn",
        "This password is too common or easy to guess (a common word, a sequence, the user name…); "
        "choose a longer, less predictable phrase",
    ),
    "code_invalid": (
        "Mã kích hoạt không đúng, đã dùng hoặc đã hết hạn",
        "The enrollment code is wrong, used or expired",
    ),
    "not_allowed": (
        "Không có quyền ghi dữ liệu này (ngoài cơ quan được giao hoặc sai vai trò)",
        "Not allowed to write this (outside your agencies or role)",
    ),
    "unknown_type": ("Loại dữ liệu không đồng bộ được: {input}", "Record type cannot be synced: {input}"),
    "id_mismatch": ("Mã bản ghi không khớp với dữ liệu", "The record id does not match its data"),
    "bad_base_version": (
        "Phiên bản gốc {input} không có trên máy chủ",
        "Base version {input} does not exist on the server",
    ),
    "agency_changed": (
        "Không được chuyển bản ghi sang cơ quan khác",
        "A record cannot move to another agency",
    ),
    "hash_mismatch": (
        "Ảnh nhận được không khớp mã băm SHA-256, hãy gửi lại",
        "The uploaded bytes do not match their SHA-256, send again",
    ),
    "not_an_image": ("Chỉ nhận ảnh JPEG hoặc PNG", "Only JPEG or PNG images are accepted"),
    "image_too_large": (
        "Ảnh có kích thước (số điểm ảnh) quá lớn",
        "The image's dimensions (pixel count) are too large",
    ),
    "too_big": ("Ảnh lớn quá {max_bytes} byte", "Photo larger than {max_bytes} bytes"),
    "offset_mismatch": (
        "Vị trí tải lên không khớp (máy chủ đang giữ {input} byte)",
        "Upload offset does not match (the server holds {input} bytes)",
    ),
    "length_mismatch": ("Tổng kích thước không khớp lần trước", "Total length differs from before"),
    "unknown_field": ("Trường không được phép", "Field not allowed"),
    "unknown_column": ("Thiếu cột bắt buộc {input}", "Missing required column {input}"),
    "unreadable_file": (
        "Không đọc được tệp (cần CSV UTF-8 hoặc Excel .xlsx)",
        "Cannot read the file (UTF-8 CSV or Excel .xlsx needed)",
    ),
    "cycle": ("Quan hệ cấp trên bị vòng lặp", "Parent chain forms a cycle"),
    "invalid": ("Giá trị không hợp lệ", "Invalid value"),
    # ingest of scanned masters (one line per delivered PDF in the run report)
    "scan_no_record": (
        "Tên tệp không khớp hồ sơ nào (quy tắc: mã cơ quan/số phông/mục lục số/hồ sơ số.pdf)",
        "The name matches no file record (rule: agency code/fonds/inventory/file number.pdf)",
    ),
    "scan_several_records": (
        "Tên tệp khớp {n} hồ sơ, không biết là hồ sơ nào: {input}",
        "The name matches {n} file records, which one is unclear: {input}",
    ),
    "scan_not_approved": (
        "Hồ sơ chưa được duyệt vào danh mục số hóa (đang: {input})",
        "The file record is not approved for digitization (now: {input})",
    ),
    "scan_not_pdf": (
        "Không phải tệp PDF, hoặc PDF bị hỏng không đọc được",
        "Not a PDF, or a corrupt PDF that cannot be read",
    ),
    "scan_encrypted": (
        "PDF có mật khẩu hoặc bị mã hóa; bản số hóa phải mở được không cần mật khẩu",
        "The PDF is password-protected or encrypted; a master must open without a password",
    ),
    "scan_empty": ("PDF không có trang nào", "The PDF has no pages"),
    "scan_too_many_pages": (
        "PDF có {pages} trang, vượt giới hạn {max} trang",
        "The PDF has {pages} pages, above the limit of {max}",
    ),
    "scan_page_too_large": (
        "Trang {page} có kích thước bất thường ({width} × {height} cm)",
        "Page {page} has an absurd size ({width} × {height} cm)",
    ),
    "scan_image_too_large": (
        "Trang {page} có ảnh {width} × {height} điểm ảnh, vượt giới hạn",
        "Page {page} holds a {width} × {height} pixel image, above the limit",
    ),
    "scan_too_complex": (
        "Trang {page} có quá nhiều đối tượng (hơn {max})",
        "Page {page} holds too many objects (over {max})",
    ),
    "scan_unreadable": (
        "Không đọc xong PDF trong giới hạn thời gian và bộ nhớ (nghi tệp hỏng hoặc độc hại)",
        "The PDF could not be read within the time and memory limits (corrupt or malicious)",
    ),
    "scan_no_image": (
        "Trang {page} không có ảnh quét (bản số hóa tài liệu giấy là ảnh quét từng trang)",
        "Page {page} holds no scanned image (a paper master is a scanned image per page)",
    ),
    "scan_low_ppi": (
        "Trang {page} có độ phân giải {ppi} ppi, thấp hơn {min} ppi (Thông tư 02/2019/TT-BNV)",
        "Page {page} is {ppi} ppi, below {min} ppi (Circular 02/2019/TT-BNV)",
    ),
    "scan_page_count": (
        "PDF có {pages} trang, hồ sơ ghi {expected} trang",
        "The PDF has {pages} pages; the file record says {expected}",
    ),
    "scan_other_master": (
        "Hồ sơ đã có bản số hóa khác (SHA-256 {input}…); chỉ thay khi hồ sơ được trả lại để số hóa lại",
        "The file already has another master (SHA-256 {input}…); it is replaced only after a rescan request",
    ),
    "scan_same_as_other": (
        "PDF này đã là bản số hóa của hồ sơ khác: {input}",
        "This PDF is already the master of another file: {input}",
    ),
    "scan_already_held": (
        "Bản số hóa này đã được nhận trước đây",
        "This master was received before",
    ),
    "scan_pages_from_master": (
        "Hồ sơ chưa ghi số trang: lấy {pages} trang của PDF",
        "The file record had no page count: {pages} pages taken from the PDF",
    ),
    "scan_unreadable_file": ("Không đọc được tệp: {input}", "Cannot read the file: {input}"),
    "scan_storage_failed": (
        "Chưa lưu được vào kho ({input}); chạy lại lệnh để nhận tiếp",
        "Could not be stored ({input}); run the command again to continue",
    ),
    "scan_changed": (
        "Hồ sơ vừa thay đổi trong lúc nhận (trạng thái {input}); chạy lại lệnh",
        "The file record changed during the run (state {input}); run the command again",
    ),
    # approved lists, the digitization plan, custody of the originals
    "list_nothing_to_freeze": (
        "Không còn hồ sơ đã duyệt nào chưa thuộc một danh mục được phê duyệt trong phạm vi này",
        "No approved file in this scope is left outside an approved list",
    ),
    "list_not_main": (
        "Danh mục số {input} là danh mục bổ sung; danh mục bổ sung phải bổ sung cho một danh mục chính",
        "List {input} is itself a supplement; a supplement supplements a main list",
    ),
    "list_other_campaign": (
        "Danh mục bổ sung phải cùng đợt khảo sát với danh mục số {input}",
        "A supplement belongs to the campaign of list {input}",
    ),
    "not_a_decision_scan": (
        "Bản quét văn bản phê duyệt phải là tệp PDF, JPEG hoặc PNG",
        "The scan of the signed decision must be a PDF, JPEG or PNG file",
    ),
    "not_in_approved_list": (
        "Hồ sơ chưa thuộc danh mục được phê duyệt nào: {input}",
        "The file is in no approved list: {input}",
    ),
    "plan_year": (
        "Năm kế hoạch phải trong các năm {ge}–{le}",
        "The plan year must fall in the years {ge}–{le}",
    ),
    "batch_other_year": (
        "Đợt số hóa {input} thuộc năm {year}, không phải năm đã chọn",
        "Batch {input} belongs to {year}, not to the year chosen",
    ),
    "batch_taken": ("Năm {year} đã có đợt tên {input}", "{year} already has a batch named {input}"),
    "box_unknown": (
        "Không có hộp mã {input}: mã chưa có trong dữ liệu khảo sát (kiểm tra nhãn hoặc gõ lại)",
        "No box has the code {input}: it is not in the survey data (check the label or type it again)",
    ),
    "box_already_out": (
        "Hộp {input} đã được giao đi số hóa (đợt {batch}, từ {since}); nhận hộp về trước khi giao lại",
        "Box {input} is already out for scanning (batch {batch}, since {since}); check it in first",
    ),
    "box_not_out": (
        "Hộp {input} đang ở trong kho, chưa được giao đi nên không nhận về được",
        "Box {input} is in the repository: it was not checked out, so it cannot be checked in",
    ),
    # insurance copies, fixity, handovers
    "duplicate_file_code": (
        "Mã hồ sơ {input} trùng ở {n} hồ sơ; sửa mã hồ sơ trước khi ghi bản sao hoặc bàn giao",
        "File code {input} is shared by {n} files; correct it before a copy or a handover",
    ),
    "copy_nothing": (
        "Không có hồ sơ nào đã nghiệm thu bản số hóa trong các phông đã chọn",
        "No file of the chosen fonds is accepted with a master",
    ),
    "copy_target_not_empty": (
        "Thư mục {input} đã có dữ liệu; bản sao mới cần một thư mục trống",
        "Folder {input} is not empty; a new copy needs an empty folder",
    ),
    "copy_set_taken": ("Đã có bộ sao số {input}", "There is already a copy set number {input}"),
    "not_a_copy": (
        "Thư mục {input} không phải bản sao do SaoLuu ghi",
        "Folder {input} is not a copy SaoLuu wrote",
    ),
    "copy_interrupted": (
        "Bản sao bị dừng giữa chừng khi đang ghi (chưa có bagit.txt)",
        "The copy was interrupted while being written (no bagit.txt)",
    ),
    "copy_no_bagit": ("Thiếu tệp bagit.txt: bản sao chưa ghi xong", "No bagit.txt: the copy is not complete"),
    "copy_bad_bag": ("Không đọc được túi BagIt: {input}", "The BagIt bag cannot be read: {input}"),
    "copy_file_missing": ("Thiếu tệp có trong danh sách (manifest)", "A file of the manifest is missing"),
    "copy_unexpected_file": ("Tệp không có trong danh sách (manifest)", "A file not in the manifest"),
    "copy_oxum": (
        "Số tệp hoặc dung lượng khác Payload-Oxum: {input}",
        "File count or size differs from Payload-Oxum: {input}",
    ),
    "copy_file_mismatch": (
        "Tệp đã bị thay đổi: mã băm SHA-256 không khớp (nay là {input})",
        "The file changed: its SHA-256 does not match (now {input})",
    ),
    "copy_manifest_differs": (
        "Danh sách (manifest) khác với bản đã ghi (SHA-256 {input})",
        "The manifest differs from what was written (SHA-256 {input})",
    ),
    "copy_unreadable_file": ("Không đọc được tệp: {input}", "Cannot read the file: {input}"),
    "handover_not_accepted": (
        "Hồ sơ {input} chưa nghiệm thu bản số hóa (đang: {state})",
        "File {input} is not accepted as digitized (now: {state})",
    ),
    "handover_no_master": (
        "Hồ sơ {input} đã nghiệm thu nhưng kho chưa có bản số hóa (PDF)",
        "File {input} is accepted but no master (PDF) is stored",
    ),
    "handover_more_missing": ("… và {n} hồ sơ khác", "… and {n} more files"),
    "handover_empty": (
        "Không có hồ sơ nào đã nghiệm thu bản số hóa để bàn giao",
        "No file accepted with a master to hand over",
    ),
    "handover_number_taken": ("Số bàn giao {input} đã dùng", "Handover number {input} is already used"),
}

# error code -> (Vietnamese, English) for the top-level message
ERROR_CODES: dict[str, tuple[str, str]] = {
    "validation_error": ("Dữ liệu chưa hợp lệ, vui lòng kiểm tra", "The data is not valid"),
    "not_authenticated": ("Chưa đăng nhập hoặc phiên đã hết hạn", "Not signed in or session expired"),
    "bad_credentials": ("Sai tên đăng nhập hoặc mật khẩu", "Wrong user name or password"),
    "forbidden": ("Bạn không có quyền thực hiện thao tác này", "You are not allowed to do this"),
    "not_found": ("Không tìm thấy", "Not found"),
    "conflict": ("Dữ liệu đã thay đổi ở nơi khác", "The data was changed elsewhere"),
    "already_exists": ("Đã tồn tại", "Already exists"),
    "method_not_allowed": ("Phương thức không được hỗ trợ", "Method not allowed"),
    "payload_too_large": ("Dữ liệu gửi lên quá lớn", "Payload too large"),
    "unsupported_media_type": ("Định dạng không được hỗ trợ", "Unsupported media type"),
    "too_many_requests": ("Thử quá nhiều lần, vui lòng đợi", "Too many attempts, please wait"),
    "server_error": ("Lỗi máy chủ", "Server error"),
    "storage_unavailable": (
        "Kho lưu ảnh tạm thời không truy cập được, vui lòng thử lại sau",
        "Photo storage is temporarily unavailable, try again later",
    ),
    "handover_incomplete": (
        "Không bàn giao được: phông còn hồ sơ chưa nghiệm thu bản số hóa (xem danh sách); "
        "hoặc chọn bàn giao một phần",
        "Cannot hand over: the fonds still has files not accepted as digitized (see the list); "
        "or choose a partial handover",
    ),
    "storage_full": (
        "Kho lưu ảnh trên máy chủ đã đầy; ảnh sẽ được gửi lại khi có chỗ trống",
        "The server's photo storage is full; photos will be sent again when space is freed",
    ),
}

_PYDANTIC_REASONS: dict[str, str] = {
    "missing": "missing",
    "string_too_long": "too_long",
    "string_too_short": "too_short",
    "too_short": "too_few_items",
    "too_long": "too_many_items",
    "enum": "not_in_vocab",
    "literal_error": "not_in_vocab",
    "greater_than_equal": "too_small",
    "greater_than": "too_small",
    "less_than_equal": "too_large",
    "less_than": "too_large",
    "int_parsing": "not_a_number",
    "int_type": "not_a_number",
    "int_from_float": "not_a_number",
    "float_parsing": "not_a_decimal",
    "float_type": "not_a_decimal",
    "bool_parsing": "not_boolean",
    "bool_type": "not_boolean",
    "string_type": "not_text",
    "list_type": "not_a_list",
    "dict_type": "not_an_object",
    "model_type": "not_an_object",
    "model_attributes_type": "not_an_object",
    "string_pattern_mismatch": "bad_format",
    "uuid_parsing": "bad_uuid",
    "uuid_type": "bad_uuid",
    "date_parsing": "bad_date",
    "date_from_datetime_parsing": "bad_date",
    "extra_forbidden": "unknown_field",
}


class Localized(BaseModel):
    vi: str
    en: str

    def get(self, lang: Lang = DEFAULT_LANG) -> str:
        return self.en if lang == "en" else self.vi


class FieldError(BaseModel):
    field: str
    reason: str
    message: Localized


class ErrorBody(BaseModel):
    code: str
    message: Localized
    details: list[FieldError] = []


class ErrorResponse(BaseModel):
    """The body of every 4xx/5xx answer of the API."""

    error: ErrorBody


class SaoLuuError(Exception):
    """A failure the user can act on; the API turns it into an :class:`ErrorResponse`.

    Raise one of its kinds (below), which say what happened; a bare ``SaoLuuError`` is a failure of
    the server itself.
    """

    default_code: ClassVar[str] = "server_error"

    def __init__(
        self, code: str | None = None, details: Sequence[FieldError] = (), message: Localized | None = None
    ) -> None:
        self.code = code or self.default_code
        self.details = list(details)
        self.message = message or error_message(self.code)
        super().__init__(f"{self.code}: {self.message.en}")

    def body(self) -> ErrorResponse:
        return ErrorResponse(error=ErrorBody(code=self.code, message=self.message, details=self.details))


class Refused(SaoLuuError):
    """The request was refused because of what it carries; the code says why (too large, not an
    image, …) and the details which part."""

    default_code = "validation_error"


class ValidationFailed(Refused):
    """The data breaks a rule: the details name each field and reason."""

    def __init__(self, details: Sequence[FieldError]) -> None:
        super().__init__("validation_error", details)


class Malformed(Refused):
    """The request cannot be read as sent (a header contradicts another, a NUL in the address, the
    body cut off), as opposed to data that breaks a rule."""


class NotAuthenticated(SaoLuuError):
    """Who is asking is unknown: no, an expired or a wrong credential (``bad_credentials``)."""

    default_code = "not_authenticated"


class NotAllowed(SaoLuuError):
    """The caller is known but may not do this (role, agency scope, a code already used)."""

    default_code = "forbidden"


class NotFound(SaoLuuError):
    """No such thing, or none the caller may see (existence is not revealed)."""

    default_code = "not_found"


class Conflict(SaoLuuError):
    """The request clashes with the current state: it already exists, it changed meanwhile, or it
    must be done another way (``use_job``)."""

    default_code = "conflict"


class RetryLater(SaoLuuError):
    """Cannot be done now, nothing wrong with the request: try again, after ``retry_after`` seconds
    when known (storage unreachable or full, too many attempts)."""

    default_code = "storage_unavailable"

    def __init__(
        self, code: str | None = None, details: Sequence[FieldError] = (), *, retry_after: int | None = None
    ) -> None:
        super().__init__(code, details)
        self.retry_after = retry_after


def error_message(code: str) -> Localized:
    vi, en = ERROR_CODES.get(code, ERROR_CODES["server_error"])
    return Localized(vi=vi, en=en)


def _fmt(template: str, ctx: Mapping[str, Any]) -> str:
    try:
        return template.format(**ctx)
    except (KeyError, IndexError, ValueError):
        return template.split("{")[0].rstrip(": ")


def field_error(field: str, reason: str, **ctx: Any) -> FieldError:
    """Build a field error for ``reason`` (a key of :data:`MESSAGES`)."""
    vi, en = MESSAGES.get(reason, MESSAGES["invalid"])
    return FieldError(field=field, reason=reason, message=Localized(vi=_fmt(vi, ctx), en=_fmt(en, ctx)))


def field_path(loc: Iterable[str | int]) -> str:
    """``("damages", 0, "severity")`` -> ``"damages[0].severity"``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def field_errors(errors: ValidationError | Sequence[Mapping[str, Any]], *, drop: int = 0) -> list[FieldError]:
    """Translate pydantic errors into field errors; ``drop`` strips leading loc parts (e.g. body)."""
    items = errors.errors() if isinstance(errors, ValidationError) else errors
    out: list[FieldError] = []
    for err in items:
        etype = str(err.get("type", "invalid"))
        reason = etype if etype in MESSAGES else _PYDANTIC_REASONS.get(etype, "invalid")
        ctx = dict(err.get("ctx") or {})
        raw = err.get("input")
        if isinstance(raw, str | int | float):
            ctx.setdefault("input", str(raw)[:80])
        loc = [p for p in err.get("loc", ()) if isinstance(p, str | int)][drop:]
        where = ctx.pop("field", None)  # model-level rules name the field they are about
        if where:
            loc.append(str(where))
        out.append(field_error(field_path(loc), reason, **ctx))
    return out
