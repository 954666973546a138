"""The web pages' words in Vietnamese (default) and English, and number/date formatting.

Labels of vocabularies (criteria, damage, carriers…) come from :mod:`common.vocab`; error messages
from :mod:`common.errors`. Everything else a page shows is a key of :data:`MESSAGES`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from common.vocab import DEFAULT_LANG, LANGUAGES, Lang

LOCAL_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")
"""Vietnam keeps UTC+7 all year; times are shown in it."""

MESSAGES: dict[str, tuple[str, str]] = {
    # frame
    "app.name": ("SaoLuu", "SaoLuu"),
    "app.tagline": (
        "Khảo sát tài liệu lưu trữ thuộc diện số hóa",
        "Survey of archival documents for digitization",
    ),
    "app.org": ("Trung tâm Lưu trữ lịch sử tỉnh", "Provincial Historical Archive"),
    "nav.skip": ("Bỏ qua, đến nội dung chính", "Skip to main content"),
    "nav.main": ("Điều hướng chính", "Main navigation"),
    "nav.dashboard": ("Tổng quan", "Dashboard"),
    "nav.compliance": ("Theo dõi báo cáo", "Compliance"),
    "nav.inventory": ("Danh mục hồ sơ", "Inventory"),
    "nav.nil_reports": ("Báo cáo không có tài liệu", "Nil reports"),
    "nav.agency": ("Cơ quan của tôi", "My agency"),
    "nav.exports": ("Xuất báo cáo", "Exports"),
    "nav.admin": ("Quản trị", "Administration"),
    "nav.scan_station": ("Giao nhận hộp", "Scan station"),
    "nav.soon": ("sắp có", "coming soon"),
    "nav.language": ("Ngôn ngữ", "Language"),
    "nav.signed_in_as": ("Đăng nhập:", "Signed in:"),
    "nav.sign_out": ("Đăng xuất", "Sign out"),
    "nav.print": ("In trang này", "Print this page"),
    "common.all": ("Tất cả", "All"),
    "common.none": ("Không có", "None"),
    "common.yes": ("Có", "Yes"),
    "common.no": ("Không", "No"),
    "common.apply": ("Lọc", "Apply"),
    "common.clear": ("Xóa bộ lọc", "Clear filters"),
    "common.back": ("Quay lại", "Back"),
    "common.save": ("Lưu", "Save"),
    "common.unknown": ("Chưa rõ", "Unknown"),
    "common.total": ("Tổng", "Total"),
    "common.count": ("Số lượng", "Count"),
    "common.chart_table": ("Số liệu của biểu đồ", "Chart data"),
    "common.page": ("Trang {n}", "Page {n}"),
    "common.next": ("Trang sau", "Next page"),
    "common.prev": ("Trang trước", "Previous page"),
    "common.first": ("Trang đầu", "First page"),
    "common.required": ("bắt buộc", "required"),
    "common.updated": ("Cập nhật", "Updated"),
    # sign in
    "login.title": ("Đăng nhập", "Sign in"),
    "login.intro": (
        "Dùng tài khoản do Trung tâm Lưu trữ cấp (giống tài khoản trên máy tính bảng).",
        "Use the account the archive centre gave you (the same as on the tablet).",
    ),
    "login.username": ("Tên đăng nhập", "User name"),
    "login.password": ("Mật khẩu", "Password"),
    "login.submit": ("Đăng nhập", "Sign in"),
    "login.failed": ("Sai tên đăng nhập hoặc mật khẩu.", "Wrong user name or password."),
    "login.locked": (
        "Đăng nhập sai quá nhiều lần. Tài khoản này tạm khóa trên máy này đến {until}.",
        "Too many failed sign-ins. This account is locked on this computer until {until}.",
    ),
    "login.signed_out": ("Bạn đã đăng xuất.", "You have signed out."),
    "login.expired": ("Vui lòng đăng nhập để tiếp tục.", "Please sign in to continue."),
    # errors
    "error.title": ("Không thực hiện được", "Something went wrong"),
    "error.403": ("Bạn không có quyền xem trang này.", "You are not allowed to see this page."),
    "error.404": ("Không tìm thấy trang hoặc hồ sơ này.", "This page or record was not found."),
    "error.405": ("Thao tác không được hỗ trợ.", "This action is not supported."),
    "error.500": ("Lỗi máy chủ. Vui lòng thử lại sau.", "Server error. Please try again later."),
    "error.csrf": (
        "Biểu mẫu đã hết hạn hoặc không hợp lệ (thiếu mã bảo vệ). Vui lòng tải lại trang rồi thử lại.",
        "The form has expired or is not valid (missing protection code). Reload the page and try again.",
    ),
    "error.home": ("Về trang chính", "Go to the start page"),
    "error.fix_below": ("Vui lòng sửa các mục dưới đây:", "Please correct the following:"),
    # dashboard
    "dash.title": ("Tổng quan đợt khảo sát", "Campaign dashboard"),
    "dash.campaign": ("Đợt khảo sát", "Campaign"),
    "dash.no_campaign": ("Chưa có đợt khảo sát nào.", "There is no campaign yet."),
    "dash.agencies": ("Cơ quan thuộc nguồn nộp lưu", "Agencies in the deposit list"),
    "dash.reporting": ("Tình hình báo cáo của cơ quan", "Agency reporting"),
    "dash.reported": ("Đã báo cáo", "Reported"),
    "dash.not_reported": ("Chưa báo cáo", "Not yet reported"),
    "dash.files": ("Hồ sơ thuộc diện số hóa", "Files that qualify"),
    "dash.conservation": (
        "Hồ sơ khó đọc: tu bổ, bảo quản trước khi số hóa",
        "Hard-to-read files: conservation before digitization",
    ),
    "dash.unassigned": (
        "{n} hồ sơ chưa gắn với đợt khảo sát nào (không tính ở đây).",
        "{n} files carry no campaign (not counted here).",
    ),
    "dash.by_criterion": ("Hồ sơ theo tiêu chí", "Files by criterion"),
    "dash.by_criterion_note": ("Một hồ sơ có thể đạt nhiều tiêu chí.", "A file may meet several criteria."),
    "dash.by_carrier": ("Hồ sơ theo vật mang tin", "Files by carrier"),
    "dash.damage": ("Hư hỏng theo loại và mức độ", "Damage by type and severity"),
    "dash.damage_type": ("Loại hư hỏng", "Damage type"),
    "dash.activity": ("Đồng bộ gần đây (24 giờ qua)", "Recent sync activity (last 24 hours)"),
    "dash.no_activity": ("Không có lần đồng bộ nào trong 24 giờ qua.", "No syncs in the last 24 hours."),
    "dash.surveyor": ("Cán bộ khảo sát", "Surveyor"),
    "dash.device": ("Thiết bị", "Device"),
    "dash.last_sync": ("Lần gửi gần nhất", "Last push"),
    "dash.changes": ("Bản ghi gửi lên", "Changes pushed"),
    "dash.conflicts": ("Xung đột", "Conflicts"),
    "dash.see_tracker": ("Xem danh sách cơ quan", "See the agency list"),
    "dash.preservation": ("Bản sao bảo hiểm và bàn giao", "Insurance copies and handovers"),
    "dash.copies_written": ("Bản sao đã ghi", "Copies written"),
    "dash.copies_verified": ("Bản sao kiểm tra nguyên vẹn", "Copies verified intact"),
    "dash.unprotected": (
        "Hồ sơ đã số hóa chưa có đủ 2 bộ sao nguyên vẹn (trên {n})",
        "Digitized files on fewer than 2 verified sets (of {n})",
    ),
    "dash.handed_over": ("Hồ sơ đã bàn giao", "Files handed over"),
    "dash.fixity_problems": (
        "Bản số hóa hỏng hoặc mất (kiểm tra toàn vẹn)",
        "Masters damaged or missing (fixity)",
    ),
    "dash.fixity_last": ("Lần kiểm tra toàn vẹn gần nhất: {at}", "Latest fixity run: {at}"),
    "dash.fixity_never": ("Chưa chạy kiểm tra toàn vẹn bản số hóa.", "No fixity run yet."),
    # compliance
    "comp.title": ("Theo dõi báo cáo của cơ quan", "Agency compliance tracker"),
    "comp.kind": ("Loại cơ quan", "Agency kind"),
    "comp.parent": ("Cơ quan cấp trên", "Parent agency"),
    "comp.status": ("Tình trạng", "Status"),
    "comp.agency": ("Cơ quan, đơn vị", "Agency"),
    "comp.code": ("Mã định danh", "Code"),
    "comp.last_visit": ("Lần khảo sát gần nhất", "Last visit"),
    "comp.files": ("Hồ sơ", "Files"),
    "comp.approved": ("Đã duyệt", "Approved"),
    "comp.pending": ("Chờ duyệt", "Pending"),
    "comp.sent_back": ("Trả lại", "Sent back"),
    "comp.fonds": ("Phông", "Fonds"),
    "comp.nil": ("Báo cáo không có tài liệu", "Nil report"),
    "comp.confirmed": ("Thủ trưởng đã xác nhận {date}", "Confirmed by the head {date}"),
    "comp.export": ("Danh sách chưa báo cáo (để nhắc)", "Not-yet-reported list (for reminders)"),
    "comp.export_xlsx": ("Tải Excel (.xlsx)", "Download Excel (.xlsx)"),
    "comp.export_csv": ("Tải CSV", "Download CSV"),
    "comp.count": ("{n} cơ quan", "{n} agencies"),
    "comp.sheet": ("Chưa báo cáo", "Not reported"),
    "comp.inactive": ("({status})", "({status})"),
    # inventory
    "inv.title": ("Danh mục hồ sơ thuộc diện số hóa", "Inventory of qualifying files"),
    "inv.filters": ("Bộ lọc", "Filters"),
    "inv.q": ("Tìm trong tiêu đề", "Search titles"),
    "inv.q_hint": (
        "Gõ có dấu hoặc không dấu: “mun” tìm được “mủn”.",
        "With or without diacritics: “mun” finds “mủn”.",
    ),
    "inv.agency": ("Cơ quan", "Agency"),
    "inv.fonds": ("Phông", "Fonds"),
    "inv.criterion": ("Tiêu chí", "Criterion"),
    "inv.damage": ("Loại hư hỏng", "Damage type"),
    "inv.severity": ("Mức độ hư hỏng", "Severity"),
    "inv.severity_none": ("Không hư hỏng", "No damage"),
    "inv.carrier": ("Vật mang tin", "Carrier"),
    "inv.state": ("Trạng thái duyệt", "Review state"),
    "inv.campaign": ("Đợt khảo sát", "Campaign"),
    "inv.conflicted": ("Chỉ hồ sơ có xung đột", "Only files with conflicts"),
    "inv.conservation": (
        "Chỉ hồ sơ khó đọc (tu bổ, bảo quản trước)",
        "Only hard-to-read files (conservation first)",
    ),
    "cons.badge": ("Tu bổ trước khi số hóa", "Conservation first"),
    "cons.why": (
        "Hồ sơ khó đọc: ưu tiên tu bổ, bảo quản trước khi số hóa",
        "Hard to read: conservation and preservation come before digitization",
    ),
    "cons.notice": (
        "Hồ sơ có hư hỏng khó đọc: được thống kê để ưu tiên tu bổ, bảo quản trước khi số hóa, "
        "chưa đưa vào số hóa.",
        "A damage leaves this file hard to read: it is listed for conservation and preservation "
        "before digitization, not for digitization yet.",
    ),
    "inv.sort": ("Sắp xếp", "Sort by"),
    "inv.sort.recent": ("Mới cập nhật trước", "Latest change first"),
    "inv.sort.title": ("Tiêu đề (A–Z)", "Title (A–Z)"),
    "inv.sort.severity": ("Hư hỏng nặng trước", "Most damaged first"),
    "inv.found": ("{n} hồ sơ", "{n} files"),
    "inv.found_more": ("Hơn {n} hồ sơ", "More than {n} files"),
    "inv.found_uncounted": (
        "Nhiều hồ sơ khớp; thu hẹp bộ lọc để đếm",
        "Many files match; narrow the filters to count them",
    ),
    "inv.empty": ("Không có hồ sơ nào khớp bộ lọc.", "No file matches these filters."),
    "inv.code": ("Số, ký hiệu", "Reference"),
    "inv.code_fmt": ("MLHS {inv} · Hộp {box} · HS {file}", "Inv. {inv} · Box {box} · File {file}"),
    "inv.select": ("Chọn hồ sơ {title}", "Select file {title}"),
    "inv.select_all": ("Chọn tất cả trên trang", "Select all on this page"),
    "inv.approve_selected": ("Duyệt {n} hồ sơ đã chọn", "Approve {n} selected files"),
    "dig.title": ("Số hóa", "Digitization"),
    "dig.not_yet": ("Chưa số hóa.", "Not digitized yet."),
    "dig.done_on": ("Đã số hóa ngày {day}", "Digitized on {day}"),
    "dig.day": ("Ngày số hóa", "Day digitized"),
    "dig.mark": ("Ghi nhận đã số hóa", "Mark digitized"),
    "dig.clear": ("Bỏ ghi nhận", "Clear the mark"),
    "dig.mark_selected": ("Ghi nhận đã số hóa (hôm nay)", "Mark digitized (today)"),
    "dig.marked": ("Đã ghi nhận số hóa {n} hồ sơ.", "{n} files marked digitized."),
    "dig.saved": ("Đã lưu tình trạng số hóa.", "Digitization saved."),
    "dig.bad_date": ("Ngày không hợp lệ.", "Not a valid date."),
    "inv.approved": ("Đã duyệt {n} hồ sơ.", "{n} files approved."),
    "inv.nothing_selected": ("Chưa chọn hồ sơ nào.", "No file was selected."),
    "inv.conflict_badge": ("Xung đột", "Conflict"),
    "inv.leaves": ("Số tờ", "Leaves"),
    # record
    "rec.title": ("Hồ sơ", "File"),
    "rec.fields": ("Thông tin hồ sơ", "File details"),
    "rec.agency": ("Cơ quan", "Agency"),
    "rec.fonds": ("Phông", "Fonds"),
    "rec.inventory_no": ("Mục lục số", "Inventory no."),
    "rec.box_no": ("Hộp số", "Box no."),
    "rec.file_no": ("Hồ sơ số", "File no."),
    "rec.file_title": ("Tiêu đề hồ sơ", "Title"),
    "rec.dates": ("Thời gian", "Dates"),
    "rec.start_date": ("Thời gian bắt đầu", "Start date"),
    "rec.end_date": ("Thời gian kết thúc", "End date"),
    "rec.leaves": ("Số lượng tờ", "Leaves"),
    "rec.pages": ("Số lượng trang", "Pages"),
    "rec.retention": ("Thời hạn bảo quản", "Retention"),
    "rec.retention_years": ("{n} năm", "{n} years"),
    "rec.access": ("Chế độ sử dụng", "Access"),
    "rec.languages": ("Ngôn ngữ", "Languages"),
    "rec.carrier": ("Vật mang tin", "Carrier"),
    "rec.criteria": ("Tiêu chí", "Criteria"),
    "rec.notes": ("Ghi chú", "Notes"),
    "rec.campaign": ("Đợt khảo sát", "Campaign"),
    "rec.version": ("Phiên bản", "Version"),
    "rec.state": ("Trạng thái duyệt", "Review state"),
    "rec.damages": ("Tình trạng vật lý (hư hỏng)", "Physical condition (damage)"),
    "rec.no_damage": ("Không ghi nhận hư hỏng.", "No damage recorded."),
    "rec.damage_type": ("Loại hư hỏng", "Damage"),
    "rec.severity": ("Mức độ", "Severity"),
    "rec.readability": ("Khả năng đọc", "Readability"),
    "rec.note": ("Mô tả", "Note"),
    "rec.photos": ("Ảnh", "Photos"),
    "rec.no_photos": ("Chưa có ảnh.", "No photos."),
    "rec.photo_missing": ("Ảnh chưa tải lên máy chủ", "Photo not uploaded yet"),
    "rec.photo_alt": ("Ảnh {n} của hồ sơ", "Photo {n} of the file"),
    "rec.history": ("Lịch sử thay đổi", "History"),
    "rec.when": ("Thời điểm", "When"),
    "rec.who": ("Người thực hiện", "Who"),
    "rec.action": ("Thao tác", "Action"),
    "rec.versions": ("Phiên bản", "Version"),
    "rec.comments": ("Ý kiến duyệt", "Review comments"),
    "rec.review": ("Duyệt hồ sơ", "Review"),
    "rec.comment": ("Ý kiến / lý do", "Comment / reason"),
    "rec.comment_hint": (
        "Bắt buộc khi trả lại hoặc không đạt; cán bộ khảo sát sẽ thấy trên máy tính bảng.",
        "Required to send back or reject; the surveyor sees it on the tablet.",
    ),
    "rec.approve": ("Duyệt", "Approve"),
    "rec.send_back": ("Trả lại để sửa", "Send back"),
    "rec.reject": ("Không đạt", "Reject"),
    "rec.reviewed.approved": ("Đã duyệt hồ sơ.", "The file is approved."),
    "rec.reviewed.sent_back": (
        "Đã trả lại hồ sơ để sửa; cán bộ khảo sát thấy ý kiến ở lần đồng bộ sau.",
        "The file is sent back; the surveyor sees the comment at the next sync.",
    ),
    "rec.reviewed.rejected": ("Đã ghi nhận hồ sơ không đạt.", "The file is marked as not qualifying."),
    "rec.conflicts": ("Các phiên bản xung đột", "Conflicting versions"),
    "rec.conflicts_intro": (
        "Máy tính bảng đã gửi các bản sửa dựa trên phiên bản cũ. Chọn một bản để giữ; bản được chọn trở "
        "thành phiên bản mới trên mọi máy.",
        "Tablets sent edits made on an older version. Choose the one to keep; it becomes the new "
        "version everywhere.",
    ),
    "rec.current": ("Bản trên máy chủ (v{v})", "Server copy (v{v})"),
    "rec.revision": ("Bản gửi lên #{id} (từ v{base})", "Incoming #{id} (from v{base})"),
    "rec.field": ("Trường", "Field"),
    "rec.keep_current": ("Giữ bản trên máy chủ", "Keep the server copy"),
    "rec.keep_revision": ("Chọn bản #{id}", "Choose #{id}"),
    "rec.resolved": ("Đã giải quyết xung đột.", "Conflict resolved."),
    "rec.deleted": ("Hồ sơ này đã bị xóa.", "This file was deleted."),
    "rec.open": ("Xem hồ sơ {title}", "Open file {title}"),
    # nil reports
    "nil.title": ("Báo cáo không có tài liệu thuộc diện", "Nil reports"),
    "nil.one": ("Báo cáo không có tài liệu", "Nil report"),
    "nil.statement": ("Nội dung báo cáo", "Statement"),
    "nil.signer_name": ("Người ký", "Signed by"),
    "nil.signer_position": ("Chức vụ", "Position"),
    "nil.doc_number": ("Số văn bản", "Document number"),
    "nil.doc_date": ("Ngày văn bản", "Document date"),
    "nil.scan": ("Bản chụp / bản quét văn bản đã ký", "Photo or scan of the signed document"),
    "nil.scan_hint": ("Ảnh JPEG hoặc PNG, tối đa {mb} MB.", "JPEG or PNG image, at most {mb} MB."),
    "nil.scan_keep": ("Để trống để giữ bản quét đã gửi.", "Leave empty to keep the scan already sent."),
    "nil.no_scan": ("Chưa có bản quét.", "No scan yet."),
    "nil.empty": ("Chưa có báo cáo nào.", "No reports yet."),
    "nil.accept": ("Chấp nhận", "Accept"),
    "nil.send_back": ("Trả lại để bổ sung", "Send back"),
    "nil.fields": ("Thông tin báo cáo", "Report details"),
    "nil.review": ("Xét duyệt báo cáo", "Review the report"),
    "nil.comment_hint": (
        "Bắt buộc khi trả lại; cơ quan và cán bộ khảo sát sẽ thấy ý kiến này.",
        "Required to send back; the agency and the surveyor will see it.",
    ),
    "nil.reviewed.approved": ("Đã chấp nhận báo cáo.", "The report is accepted."),
    "nil.reviewed.sent_back": (
        "Đã trả lại báo cáo để cơ quan bổ sung.",
        "The report is sent back to the agency for completion.",
    ),
    "nil.filed": (
        "Đã gửi báo cáo. Trung tâm Lưu trữ sẽ xem xét.",
        "Report sent. The archive centre will review it.",
    ),
    "nil.submit": ("Gửi báo cáo", "Send the report"),
    "nil.resubmit": ("Gửi lại báo cáo", "Send the corrected report"),
    "nil.write": ("Lập báo cáo", "Write the report"),
    "nil.edit": ("Sửa và gửi lại báo cáo", "Correct and send the report again"),
    # agency head
    "agency.title": ("Báo cáo của cơ quan", "Your agency's report"),
    "agency.status": ("Tình trạng trong đợt", "Status in this campaign"),
    "agency.files": ("Hồ sơ đã thống kê", "Files listed"),
    "agency.see_list": ("Xem danh mục hồ sơ", "See the list of files"),
    "agency.confirm": ("Xác nhận danh mục", "Confirm the list"),
    "agency.confirm_intro": (
        "Xác nhận danh mục {n} hồ sơ do cán bộ khảo sát lập là đầy đủ, đúng với tài liệu của cơ quan.",
        "Confirm that the list of {n} files made by the surveyors is complete and matches your records.",
    ),
    "agency.confirm_note": ("Ghi chú (không bắt buộc)", "Note (optional)"),
    "agency.confirm_submit": ("Xác nhận danh mục", "Confirm the list"),
    "agency.confirmed": ("Đã xác nhận danh mục {n} hồ sơ.", "The list of {n} files was confirmed."),
    "agency.not_ready": (
        "Chưa thể xác nhận danh mục vì:",
        "The list cannot be confirmed yet because:",
    ),
    "agency.blocked.sent_back": (
        "{n} hồ sơ đang bị Trung tâm Lưu trữ trả lại để sửa:",
        "{n} files were sent back by the archive centre for correction:",
    ),
    "agency.blocked.file": ("Hồ sơ số {no}: {title}", "File {no}: {title}"),
    "agency.blocked.more": ("và {n} hồ sơ khác", "and {n} more"),
    "agency.blocked.visit": (
        "Lần khảo sát bắt đầu lúc {when} ({who}) chưa kết thúc trên máy tính bảng.",
        "The visit started at {when} ({who}) has not been ended on the tablet.",
    ),
    "agency.blocked.conflicted": (
        "{n} hồ sơ có các phiên bản xung đột chưa được Trung tâm Lưu trữ giải quyết.",
        "{n} files have conflicting versions the archive centre has not resolved.",
    ),
    "agency.blocked.then": (
        "Khi cán bộ khảo sát sửa xong, kết thúc lần khảo sát và đồng bộ, trang này sẽ cho phép xác nhận.",
        "Once the surveyor has corrected the files, ended the visit and synced, you can confirm here.",
    ),
    "agency.no_files": (
        "Chưa có hồ sơ nào được thống kê. Nếu cơ quan không có tài liệu thuộc diện, hãy gửi báo cáo "
        "bằng văn bản dưới đây.",
        "No file has been listed. If your agency holds no qualifying documents, send the written report "
        "below.",
    ),
    "agency.nil_intro": (
        "Cơ quan không có tài liệu thuộc diện số hóa vẫn gửi báo cáo bằng văn bản.",
        "An agency with no qualifying documents still sends a written report.",
    ),
    "agency.no_campaign": ("Chưa có đợt khảo sát đang mở.", "No campaign is open."),
    "agency.none": ("Tài khoản chưa gắn với cơ quan nào.", "This account is not bound to an agency."),
    "crit.short.permanent": ("Vĩnh viễn", "Permanent"),
    "crit.short.collected": ("Sưu tầm", "Collected"),
    "crit.short.damaged": ("Hư hỏng", "Damaged"),
    "crit.short.rare": ("Quý hiếm", "Rare"),
    "nil.view": ("Xem báo cáo", "View the report"),
    "inv.scope_note": (
        "Bạn chỉ thấy hồ sơ của cơ quan được giao hoặc cơ quan của mình.",
        "You only see the files of your own or your assigned agencies.",
    ),
    # history actions (audit trail)
    "action.create": ("Tạo mới", "Created"),
    "action.update": ("Sửa", "Edited"),
    "action.delete": ("Xóa", "Deleted"),
    "action.conflict": ("Bản sửa từ phiên bản cũ (xung đột)", "Edit of an older version (conflict)"),
    "action.resolve": ("Giải quyết xung đột", "Conflict resolved"),
    "action.review:approved": ("Duyệt", "Approved"),
    "action.review:sent_back": ("Trả lại để sửa", "Sent back"),
    "action.review:rejected": ("Không đạt", "Rejected"),
    "action.review:pending": ("Chuyển về chờ duyệt", "Back to pending"),
    "action.digitized": ("Ghi nhận đã số hóa", "Marked digitized"),
    "action.digitized:cleared": ("Bỏ ghi nhận số hóa", "Digitized mark cleared"),
    "action.digitization:master": ("Nhận bản số hóa (PDF)", "Scanned master received (PDF)"),
    "action.digitization:rescan": ("Trả lại để số hóa lại", "Sent back for rescanning"),
    "history.device": ("qua {name}", "via {name}"),
    "history.server": ("máy chủ", "server"),
    # home for surveyors
    "home.surveyor": (
        "Cán bộ khảo sát nhập liệu trên máy tính bảng; ở đây bạn xem danh mục của các cơ quan được giao.",
        "Surveyors enter data on the tablet; here you can see the lists of your assigned agencies.",
    ),
}


def pick_lang(value: str | None) -> Lang:
    return value if value in LANGUAGES else DEFAULT_LANG


def translate(key: str, lang: Lang, **values: Any) -> str:
    """The message ``key`` in ``lang`` with ``{placeholders}`` filled; the key itself if unknown."""
    pair = MESSAGES.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**values) if values else text


def fmt_number(value: int | float | None, lang: Lang) -> str:
    """``1234567`` -> ``1.234.567`` (vi) or ``1,234,567`` (en)."""
    if value is None:
        return ""
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"
    return text.translate(str.maketrans(",.", ".,")) if lang == "vi" else text


def fmt_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")


def fmt_date(value: dt.date | str | None) -> str:
    """Dates and partial dates (``1996``, ``1996-01``, ``1996-01-31``) the Vietnamese way."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return fmt_datetime(value)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    parts = str(value).split("-")
    return "/".join(reversed(parts))
