"""The exports page's words: reports, box labels, background jobs."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
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
