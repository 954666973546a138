"""The tablet's own screen texts in Vietnamese (default) and English.

Vocabulary labels come from :mod:`common.vocab` and validation messages from
:mod:`common.errors`; this table holds only what the screens add around them.
"""

from __future__ import annotations

import datetime as dt

from common.vocab import Lang

TEXTS: dict[str, tuple[str, str]] = {
    "app_title": ("SaoLuu – Khảo sát tài liệu lưu trữ", "SaoLuu – Archive survey"),
    # enrollment
    "enroll_title": ("Kích hoạt máy tính bảng", "Enroll this tablet"),
    "enroll_intro": (
        "Nhập địa chỉ máy chủ và mã kích hoạt một lần do Trung tâm Lưu trữ cấp, hoặc đọc mã QR kích hoạt.",
        "Enter the server address and the one-time code from the archive centre, or read the enrollment QR.",
    ),
    "server_url": ("Địa chỉ máy chủ", "Server address"),
    "enroll_code": ("Mã kích hoạt", "Enrollment code"),
    "device_name": ("Tên máy", "Device name"),
    "enroll_button": ("Kích hoạt", "Enroll"),
    "enroll_from_image": ("Đọc mã QR kích hoạt từ ảnh", "Read the enrollment QR from an image"),
    "enroll_qr_read": ("Đã đọc mã QR: {server}", "QR read: {server}"),
    "enrolling": ("Đang kích hoạt…", "Enrolling…"),
    "err_server_url": (
        "Địa chỉ máy chủ phải bắt đầu bằng http:// hoặc https://",
        "The server address must start with http:// or https://",
    ),
    "err_offline": (
        "Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.",
        "Cannot reach the server. Check the network and try again.",
    ),
    "err_not_enroll_qr": (
        "Ảnh không có mã QR kích hoạt SaoLuu",
        "No SaoLuu enrollment QR code in this image",
    ),
    "err_no_decoder": (
        "Máy này chưa đọc được mã QR từ ảnh; hãy nhập mã bằng tay",
        "This device cannot read QR codes from images; type the code",
    ),
    "err_server": ("Máy chủ báo lỗi: {message}", "The server answered: {message}"),
    # home
    "home_title": ("Cơ quan được giao", "Assigned agencies"),
    "search_agencies": ("Tìm cơ quan (gõ không dấu cũng được)", "Search agencies (accents optional)"),
    "pending_sync": (
        "Chờ đồng bộ: {records} bản ghi, {photos} ảnh",
        "To sync: {records} records, {photos} photos",
    ),
    "last_sync": ("Đồng bộ lần cuối: {when}", "Last sync: {when}"),
    "never_synced": ("Chưa đồng bộ lần nào", "Never synced"),
    "no_agencies": (
        "Chưa có cơ quan nào. Hãy đồng bộ khi có mạng để nhận danh sách cơ quan được giao.",
        "No agencies yet. Sync when online to receive the agencies assigned to you.",
    ),
    "no_match": ("Không tìm thấy kết quả phù hợp", "Nothing matches"),
    "campaign": ("Đợt khảo sát: {name}", "Campaign: {name}"),
    "no_campaign": ("Chưa nhận đợt khảo sát", "No campaign received yet"),
    "status_not_visited": ("Chưa khảo sát", "Not visited"),
    "status_in_progress": ("Đang khảo sát", "In progress"),
    "status_listed": ("Đã lập danh mục", "Listed"),
    "status_nil_report": ("Báo cáo không có tài liệu", "Nil report"),
    "status_sent_back": ("Bị trả lại để sửa", "Sent back"),
    "files_count": ("{n} hồ sơ", "{n} files"),
    "nav_home": ("Cơ quan", "Agencies"),
    "nav_sync": ("Đồng bộ", "Sync"),
    "nav_settings": ("Cài đặt", "Settings"),
    # visit
    "visit_none": ("Chưa bắt đầu khảo sát tại cơ quan này", "No visit started at this agency"),
    "start_visit": ("Bắt đầu khảo sát", "Start visit"),
    "nil_filed": (
        "Cơ quan báo cáo không có tài liệu thuộc diện: văn bản số {number} ngày {date}, {signer} ký",
        "Nil report filed: document {number} of {date}, signed by {signer}",
    ),
    "open_nil": ("Xem báo cáo không có tài liệu", "Open the nil report"),
    "end_visit": ("Kết thúc khảo sát", "End visit"),
    "visit_started": ("Đang khảo sát từ {when}", "Visit started {when}"),
    "visit_ended": ("Đã khảo sát {start} – {end}", "Visited {start} – {end}"),
    "fonds_section": ("Phông lưu trữ", "Fonds"),
    "no_fonds": ("Chưa có phông nào — thêm phông trước khi thêm hộp, hồ sơ", "No fonds yet — add one first"),
    "add_fonds": ("Thêm phông", "Add fonds"),
    "fonds_number": ("Số phông", "Fonds no."),
    "fonds_name": ("Tên phông", "Fonds name"),
    "fonds_kind": ("Loại", "Kind"),
    "start_year": ("Năm bắt đầu", "First year"),
    "end_year": ("Năm kết thúc", "Last year"),
    "shelf_metres": ("Số mét giá", "Shelf metres"),
    "boxes_section": ("Hộp", "Boxes"),
    "no_boxes": ("Phông này chưa có hộp", "No boxes in this fonds yet"),
    "add_box": ("Thêm hộp", "Add box"),
    "box_code": ("Mã hộp", "Box code"),
    "find_box": ("Tìm hộp theo mã", "Find a box by code"),
    "find_box_image": ("Đọc nhãn hộp từ ảnh", "Read a box label image"),
    "box_not_found": ("Không có hộp mã {code} ở cơ quan này", "No box {code} at this agency"),
    "not_a_box_label": ("Ảnh không có nhãn hộp SaoLuu", "No SaoLuu box label in this image"),
    "not_a_box_code": (
        "Mã hộp không đúng dạng CƠQUAN-P<phông>-M<mục lục>-H<hộp>",
        "A box code looks like AGENCY-P<fonds>-M<inventory>-H<box>",
    ),
    "files_section": ("Hồ sơ", "Files"),
    "search_files": ("Tìm hồ sơ (số, tiêu đề; không dấu cũng được)", "Search files (number, title)"),
    "add_file": ("Thêm hồ sơ", "Add file"),
    "drafts_section": ("Bản nháp chưa lưu", "Unsaved drafts"),
    "discard_draft": ("Bỏ bản nháp", "Discard draft"),
    "draft_untitled": ("(chưa có tiêu đề)", "(no title yet)"),
    "more_results": ("… và {n} hồ sơ khác, hãy tìm để thu hẹp", "… and {n} more; search to narrow"),
    "all_boxes": ("Mọi hộp", "All boxes"),
    "label_title": ("Nhãn hộp", "Box label"),
    "save_label": ("Lưu nhãn (PDF)", "Save the label (PDF)"),
    "save_sheet_pdf": ("In tờ nhãn các hộp (PDF)", "Label sheet of the boxes (PDF)"),
    "saved_to": ("Đã lưu: {path}", "Saved: {path}"),
    "file_subtitle": (
        "Mục lục {inv} · Hộp {box} · {damages} loại hư hỏng · {photos} ảnh",
        "Inventory {inv} · Box {box} · {damages} damage type(s) · {photos} photo(s)",
    ),
    "files_in_box": ("{n} hồ sơ trong hộp", "{n} files in this box"),
    # file record form
    "new_file_title": ("Hồ sơ mới", "New file"),
    "file_title": ("Hồ sơ {file_no}", "File {file_no}"),
    "fonds": ("Phông", "Fonds"),
    "box": ("Hộp", "Box"),
    "no_box": ("Không đóng hộp", "Not boxed"),
    "inventory_no": ("Mục lục số", "Inventory no."),
    "box_no": ("Hộp số", "Box no."),
    "file_no": ("Hồ sơ số (số và ký hiệu)", "File no."),
    "title": ("Tiêu đề hồ sơ", "File title"),
    "start_date": ("Thời gian bắt đầu", "Start date"),
    "end_date": ("Thời gian kết thúc", "End date"),
    "date_hint": ("năm, tháng/năm hoặc ngày/tháng/năm", "year, month/year or day/month/year"),
    "leaves": ("Số lượng tờ", "Leaves"),
    "pages": ("Số lượng trang", "Pages"),
    "retention": ("Thời hạn bảo quản", "Retention"),
    "retention_years": ("Số năm bảo quản", "Years"),
    "access": ("Chế độ sử dụng", "Access"),
    "languages": ("Ngôn ngữ", "Languages"),
    "carrier": ("Vật mang tin", "Carrier"),
    "criteria": ("Tiêu chí thuộc diện số hóa", "Criteria"),
    "rules_section": ("Tiêu chí, bảo quản, ngôn ngữ", "Criteria, retention, language"),
    "notes": ("Ghi chú", "Notes"),
    "damages": ("Tình trạng vật lý (hư hỏng)", "Physical condition (damage)"),
    "severity": ("Mức độ", "Severity"),
    "readability": ("Khả năng đọc", "Readability"),
    "damage_note": ("Mô tả hư hỏng", "Describe the damage"),
    "photos": ("Ảnh", "Photos"),
    "add_photos": ("Thêm ảnh", "Add photos"),
    "take_photos": ("Chụp ảnh", "Take photos"),
    "camera_shoot": ("Chụp", "Shoot"),
    "camera_close": ("Đóng máy ảnh", "Close the camera"),
    "camera_starting": ("Đang mở máy ảnh…", "Opening the camera…"),
    "camera_ready": ("Máy ảnh sẵn sàng — bấm Chụp", "Camera ready — press Shoot"),
    "camera_busy": ("Đang chụp…", "Taking the picture…"),
    "camera_taken": ("Đã chụp {n} ảnh", "{n} photo(s) taken"),
    "camera_none": ("Máy không có máy ảnh", "This device has no camera"),
    "camera_failed": (
        "Không mở được máy ảnh ({reason}); vẫn có thể chọn ảnh có sẵn",
        "The camera could not be opened ({reason}); photos can still be picked",
    ),
    "remove_photo": ("Bỏ ảnh", "Remove photo"),
    "save": ("Lưu", "Save"),
    "save_next": ("Lưu và sang hồ sơ tiếp theo trong hộp", "Save and next file in this box"),
    "draft_saved": ("Đã lưu nháp lúc {when}", "Draft saved at {when}"),
    "record_saved": ("Đã lưu hồ sơ {file_no}", "File {file_no} saved"),
    "has_errors": ("Còn {n} chỗ cần sửa trước khi lưu", "{n} problem(s) to fix before saving"),
    "conservation_flag": (
        "Khó đọc: hồ sơ được ghi nhận để bảo quản, tu bổ — chưa đưa vào số hóa",
        "Hard to read: recorded for conservation, not for digitization",
    ),
    "review_comment": ("{state} — {author}: {text}", "{state} — {author}: {text}"),
    "server_rejected": ("Máy chủ không nhận bản ghi này:", "The server refused this record:"),
    "conflict_note": (
        "Bản ghi này xung đột với bản trên máy chủ; Trung tâm Lưu trữ sẽ xử lý",
        "This record conflicts with the server's copy; the archive centre will resolve it",
    ),
    "photo_added": ("Đã thêm {n} ảnh", "{n} photo(s) added"),
    "photo_unreadable": ("Không đọc được ảnh {name}", "Cannot read image {name}"),
    # nil report
    "nil_title": ("Báo cáo không có tài liệu thuộc diện", "Nil report"),
    "statement": ("Nội dung báo cáo", "Statement"),
    "signer_name": ("Người ký", "Signed by"),
    "signer_position": ("Chức vụ", "Position"),
    "doc_number": ("Số văn bản", "Document no."),
    "doc_date": ("Ngày văn bản", "Document date"),
    "doc_date_hint": ("ngày/tháng/năm", "day/month/year"),
    "scan": ("Ảnh văn bản đã ký", "Photo of the signed paper"),
    "add_scan": ("Chọn ảnh văn bản đã ký", "Choose the signed paper's photo"),
    "take_scan": ("Chụp ảnh văn bản đã ký", "Photograph the signed paper"),
    "nil_saved": ("Đã lưu báo cáo", "Nil report saved"),
    # sync
    "sync_title": ("Đồng bộ dữ liệu", "Sync"),
    "sync_now": ("Đồng bộ ngay", "Sync now"),
    "pending_records": ("Bản ghi chờ gửi ({n})", "Records to send ({n})"),
    "pending_photos": ("Ảnh chờ gửi: {n} ({size})", "Photos to send: {n} ({size})"),
    "phase_idle": ("Sẵn sàng", "Ready"),
    "phase_pushing": ("Đang gửi bản ghi {sent}/{total}", "Sending records {sent}/{total}"),
    "phase_uploading": ("Đang gửi ảnh {sent} / {total}", "Sending photos {sent} / {total}"),
    "phase_pulling": ("Đang nhận dữ liệu mới ({n})", "Receiving updates ({n})"),
    "time_left_under_minute": ("Còn chưa đến 1 phút", "Less than a minute left"),
    "time_left_minutes": ("Còn khoảng {minutes} phút", "About {minutes} min left"),
    "time_left_hours": ("Còn khoảng {hours} giờ {minutes} phút", "About {hours} h {minutes} min left"),
    "phase_done": ("Đồng bộ xong lúc {when}", "Synced at {when}"),
    "phase_offline": (
        "Không kết nối được máy chủ — dữ liệu vẫn an toàn trên máy, hãy thử lại khi có mạng",
        "Cannot reach the server — your data is safe on this tablet; try again when online",
    ),
    "phase_error": ("Đồng bộ bị từ chối: {message}", "Sync refused: {message}"),
    "phase_unauthorized": (
        "Máy này đã bị thu hồi hoặc hết hạn; hãy đăng xuất và kích hoạt lại (dữ liệu chưa gửi được cất giữ)",
        "This device was revoked or expired; sign out and enroll again (unsent data is kept aside)",
    ),
    "result_summary": (
        "Máy chủ đã nhận {applied} bản ghi · {conflicts} xung đột · {rejected} bị từ chối · "
        "nhận về {pulled} thay đổi",
        "Server accepted {applied} records · {conflicts} conflicts · {rejected} refused · "
        "{pulled} updates received",
    ),
    "conflicts_section": ("Xung đột chờ Trung tâm xử lý", "Conflicts awaiting the archive centre"),
    "rejected_section": ("Bị máy chủ từ chối — cần sửa", "Refused by the server — to fix"),
    "sent_back_section": ("Bị trả lại để sửa", "Sent back for correction"),
    "nothing_pending": ("Không còn gì chờ đồng bộ", "Nothing waiting to sync"),
    "type_visit": ("Chuyến khảo sát", "Visit"),
    "type_fonds": ("Phông", "Fonds"),
    "type_box": ("Hộp", "Box"),
    "type_file_record": ("Hồ sơ", "File"),
    "type_nil_report": ("Báo cáo không có tài liệu", "Nil report"),
    # settings
    "settings_title": ("Cài đặt", "Settings"),
    "language": ("Ngôn ngữ hiển thị", "Display language"),
    "lang_vi": ("Tiếng Việt", "Vietnamese"),
    "lang_en": ("Tiếng Anh", "English"),
    "photo_quality": ("Chất lượng ảnh", "Photo quality"),
    "quality_high": ("Cao (cạnh dài 2048 px, JPEG 90)", "High (long side 2048 px, JPEG 90)"),
    "quality_standard": ("Chuẩn (cạnh dài 2048 px, JPEG 65)", "Standard (long side 2048 px, JPEG 65)"),
    "quality_compact": ("Tiết kiệm (cạnh dài 1600 px, JPEG 70)", "Compact (long side 1600 px, JPEG 70)"),
    "account": ("Tài khoản: {user}", "Account: {user}"),
    "device": ("Mã thiết bị: {id}", "Device id: {id}"),
    "save_server": ("Lưu địa chỉ máy chủ", "Save server address"),
    "server_saved": ("Đã lưu địa chỉ máy chủ", "Server address saved"),
    "sign_out": ("Đăng xuất khỏi máy này", "Sign out of this tablet"),
    "sign_out_confirm1": (
        "Còn {n} mục chưa đồng bộ. Nếu đăng xuất, dữ liệu chưa gửi sẽ được cất vào thư mục lưu giữ "
        "trên máy và không tự gửi đi nữa. Vẫn đăng xuất?",
        "{n} item(s) are not synced. Signing out sets the unsent data aside in a folder on this tablet "
        "and it will no longer be sent. Sign out anyway?",
    ),
    "sign_out_confirm2": (
        "Xác nhận lần cuối: đăng xuất khi còn {n} mục chưa đồng bộ?",
        "Last confirmation: sign out with {n} unsynced item(s)?",
    ),
    "sign_out_yes": ("Vẫn đăng xuất", "Sign out anyway"),
    "signed_out": ("Đã đăng xuất", "Signed out"),
    "cancel": ("Hủy", "Cancel"),
    "close": ("Đóng", "Close"),
    "ok": ("Đồng ý", "OK"),
    "back": ("Quay lại", "Back"),
    "open": ("Mở", "Open"),
}


def t(key: str, lang: Lang = "vi", **kw: object) -> str:
    """The text ``key`` in ``lang``, with ``{placeholders}`` filled from ``kw``."""
    vi, en = TEXTS[key]
    text = en if lang == "en" else vi
    return text.format(**kw) if kw else text


def local_time(when: dt.datetime | None, with_date: bool = True) -> str:
    """``dd/mm/yyyy HH:MM`` in the tablet's local time (Vietnamese order in both languages)."""
    if when is None:
        return ""
    if when.tzinfo is not None:
        when = when.astimezone()
    return when.strftime("%d/%m/%Y %H:%M" if with_date else "%H:%M:%S")


def human_bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"
