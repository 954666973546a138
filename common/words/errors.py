"""Words of failures: the API's error codes (``error.<code>``), the reasons of field errors
(``reason.<reason>``, with ``{placeholders}`` from the error's context) and the web's error pages."""

from __future__ import annotations

CODES: dict[str, tuple[str, str]] = {
    # the message of an error answer, by its code
    "error.validation_error": ("Dữ liệu chưa hợp lệ, vui lòng kiểm tra", "The data is not valid"),
    "error.not_authenticated": ("Chưa đăng nhập hoặc phiên đã hết hạn", "Not signed in or session expired"),
    "error.bad_credentials": ("Sai tên đăng nhập hoặc mật khẩu", "Wrong user name or password"),
    "error.forbidden": ("Bạn không có quyền thực hiện thao tác này", "You are not allowed to do this"),
    "error.not_found": ("Không tìm thấy", "Not found"),
    "error.conflict": ("Dữ liệu đã thay đổi ở nơi khác", "The data was changed elsewhere"),
    "error.already_exists": ("Đã tồn tại", "Already exists"),
    "error.method_not_allowed": ("Phương thức không được hỗ trợ", "Method not allowed"),
    "error.payload_too_large": ("Dữ liệu gửi lên quá lớn", "Payload too large"),
    "error.unsupported_media_type": ("Định dạng không được hỗ trợ", "Unsupported media type"),
    "error.too_many_requests": ("Thử quá nhiều lần, vui lòng đợi", "Too many attempts, please wait"),
    "error.server_error": ("Lỗi máy chủ", "Server error"),
    "error.storage_unavailable": (
        "Kho lưu ảnh tạm thời không truy cập được, vui lòng thử lại sau",
        "Photo storage is temporarily unavailable, try again later",
    ),
    "error.storage_full": (
        "Kho lưu ảnh trên máy chủ đã đầy; ảnh sẽ được gửi lại khi có chỗ trống",
        "The server's photo storage is full; photos will be sent again when space is freed",
    ),
    "error.handover_incomplete": (
        "Không bàn giao được: phông còn hồ sơ chưa nghiệm thu bản số hóa (xem danh sách); "
        "hoặc chọn bàn giao một phần",
        "Cannot hand over: the fonds still has files not accepted as digitized (see the list); "
        "or choose a partial handover",
    ),
    "error.use_job": (
        "Bản xuất có {rows} dòng, cần chạy nền: tạo tác vụ rồi tải tệp khi xong",
        "The export has {rows} rows: start a background job and download its file when done",
    ),
}
"""The API's error codes (``error.<code>``): every code an answer may carry."""

PAGES: dict[str, tuple[str, str]] = {
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
}
"""The web's error pages."""

REASONS: dict[str, tuple[str, str]] = {
    "reason.missing": ("Bắt buộc nhập", "This field is required"),
    "reason.too_long": ("Dài quá {max_length} ký tự", "Longer than {max_length} characters"),
    "reason.too_short": ("Cần ít nhất {min_length} ký tự", "Needs at least {min_length} characters"),
    "reason.too_few_items": ("Cần chọn ít nhất {min_length} mục", "Choose at least {min_length} item(s)"),
    "reason.too_many_items": ("Nhiều hơn {max_length} mục", "More than {max_length} items"),
    "reason.in_future": ("Ngày không được ở tương lai: {input}", "The date can't be in the future: {input}"),
    "reason.not_in_vocab": ("Giá trị không có trong danh mục: {input}", "Unknown code: {input}"),
    "reason.too_small": ("Phải lớn hơn hoặc bằng {ge}", "Must be at least {ge}"),
    "reason.too_large": ("Phải nhỏ hơn hoặc bằng {le}", "Must be at most {le}"),
    "reason.not_a_number": ("Phải là số nguyên", "Must be a whole number"),
    "reason.not_a_decimal": ("Phải là số", "Must be a number"),
    "reason.not_boolean": ("Phải là có/không", "Must be yes/no"),
    "reason.not_text": ("Phải là văn bản", "Must be text"),
    "reason.not_a_list": ("Phải là danh sách", "Must be a list"),
    "reason.not_an_object": ("Dữ liệu không đúng cấu trúc", "Must be an object"),
    "reason.bad_format": ("Không đúng định dạng", "Wrong format"),
    "reason.bad_uuid": ("Mã định danh (UUID) không hợp lệ", "Not a valid UUID"),
    "reason.bad_date": (
        "Ngày không hợp lệ (năm, năm-tháng hoặc năm-tháng-ngày, ví dụ 1975-04-30)",
        "Invalid date (year, year-month or year-month-day, e.g. 1975-04-30)",
    ),
    "reason.end_before_start": (
        "Thời gian kết thúc phải sau hoặc bằng thời gian bắt đầu",
        "End date must not be before the start date",
    ),
    "reason.years_required": (
        "Nhập số năm bảo quản khi thời hạn là có thời hạn",
        "Enter the number of years for a fixed-term retention",
    ),
    "reason.years_not_allowed": (
        "Không nhập số năm khi bảo quản vĩnh viễn",
        "No number of years for permanent retention",
    ),
    "reason.duplicate_item": ("Mục bị trùng: {input}", "Duplicate item: {input}"),
    "reason.describe_other": ("Mô tả hư hỏng loại 'Khác'", "Describe the 'other' damage"),
    "reason.bad_agency_code": (
        "Mã cơ quan chỉ gồm chữ in hoa, số, dấu chấm, gạch dưới (2–40 ký tự)",
        "Agency code: capitals, digits, dot, underscore (2–40 characters)",
    ),
    "reason.bad_box_code": (
        "Mã hộp không đúng định dạng CƠQUAN-P<phông>-M<mục lục>-H<hộp>",
        "Box code must look like AGENCY-P<fonds>-M<inventory>-H<box>",
    ),
    "reason.bad_number_code": (
        "Chỉ gồm chữ in hoa và số (1–10 ký tự)",
        "Capitals and digits only (1–10 characters)",
    ),
    "reason.successor_required": (
        "Cơ quan đã sáp nhập phải có mã cơ quan tiếp nhận",
        "A merged agency needs the code of its successor",
    ),
    "reason.self_reference": ("Không được trỏ đến chính nó", "Must not refer to itself"),
    "reason.unknown_agency": ("Không có cơ quan mã {input}", "No agency with code {input}"),
    "reason.unknown_reference": ("Không tìm thấy {input}", "{input} not found"),
    "reason.duplicate_code": (
        "Mã {input} bị trùng (dòng {rows})",
        "Code {input} is duplicated (rows {rows})",
    ),
    "reason.username_taken": ("Tên đăng nhập {input} đã có", "User name {input} is already taken"),
    "reason.body_too_large": (
        "Dữ liệu gửi lên lớn quá {max_bytes} byte",
        "The request is larger than {max_bytes} bytes",
    ),
    "reason.bad_characters": (
        "Có ký tự không được phép (ký tự NUL)",
        "Contains a character that is not allowed (NUL)",
    ),
    "reason.out_of_range": (
        "Ngày giờ phải trong các năm {ge}–{le}",
        "The date must fall in the years {ge}–{le}",
    ),
    "reason.weak_password": (
        "Mật khẩu quá phổ biến hoặc dễ đoán (từ thông dụng, dãy số, tên đăng nhập…); hãy chọn một cụm "
        "từ dài hơn, khó đoán hơn",
        "This password is too common or easy to guess (a common word, a sequence, the user name…); "
        "choose a longer, less predictable phrase",
    ),
    "reason.code_invalid": (
        "Mã kích hoạt không đúng, đã dùng hoặc đã hết hạn",
        "The enrollment code is wrong, used or expired",
    ),
    "reason.not_allowed": (
        "Không có quyền ghi dữ liệu này (ngoài cơ quan được giao hoặc sai vai trò)",
        "Not allowed to write this (outside your agencies or role)",
    ),
    "reason.unknown_type": (
        "Loại dữ liệu không đồng bộ được: {input}",
        "Record type cannot be synced: {input}",
    ),
    "reason.id_mismatch": ("Mã bản ghi không khớp với dữ liệu", "The record id does not match its data"),
    "reason.bad_base_version": (
        "Phiên bản gốc {input} không có trên máy chủ",
        "Base version {input} does not exist on the server",
    ),
    "reason.agency_changed": (
        "Không được chuyển bản ghi sang cơ quan khác",
        "A record cannot move to another agency",
    ),
    "reason.hash_mismatch": (
        "Ảnh nhận được không khớp mã băm SHA-256, hãy gửi lại",
        "The uploaded bytes do not match their SHA-256, send again",
    ),
    "reason.not_an_image": ("Chỉ nhận ảnh JPEG hoặc PNG", "Only JPEG or PNG images are accepted"),
    "reason.image_too_large": (
        "Ảnh có kích thước (số điểm ảnh) quá lớn",
        "The image's dimensions (pixel count) are too large",
    ),
    "reason.too_big": ("Ảnh lớn quá {max_bytes} byte", "Photo larger than {max_bytes} bytes"),
    "reason.offset_mismatch": (
        "Vị trí tải lên không khớp (máy chủ đang giữ {input} byte)",
        "Upload offset does not match (the server holds {input} bytes)",
    ),
    "reason.length_mismatch": ("Tổng kích thước không khớp lần trước", "Total length differs from before"),
    "reason.not_a_pdf_name": (
        "Chỉ nhận tệp PDF (tên kết thúc bằng .pdf): {input}",
        "Only PDF files (named .pdf): {input}",
    ),
    "reason.file_too_big": ("Tệp lớn quá {max_bytes} byte", "File larger than {max_bytes} bytes"),
    "reason.upload_incomplete": (
        "Tệp {input} chưa tải lên xong; hãy tải tiếp rồi nhận",
        "{input} is not fully uploaded; resume the upload, then take it in",
    ),
    "reason.unknown_field": ("Trường không được phép", "Field not allowed"),
    "reason.unknown_column": ("Thiếu cột bắt buộc {input}", "Missing required column {input}"),
    "reason.unreadable_file": (
        "Không đọc được tệp (cần CSV UTF-8 hoặc Excel .xlsx)",
        "Cannot read the file (UTF-8 CSV or Excel .xlsx needed)",
    ),
    "reason.cycle": ("Quan hệ cấp trên bị vòng lặp", "Parent chain forms a cycle"),
    "reason.invalid": ("Giá trị không hợp lệ", "Invalid value"),
    # ingest of scanned masters (one line per delivered PDF in the run report)
    "reason.scan_no_record": (
        "Tên tệp không khớp hồ sơ nào (quy tắc: mã cơ quan/số phông/mục lục số/hồ sơ số.pdf)",
        "The name matches no file record (rule: agency code/fonds/inventory/file number.pdf)",
    ),
    "reason.scan_several_records": (
        "Tên tệp khớp {n} hồ sơ, không biết là hồ sơ nào: {input}",
        "The name matches {n} file records, which one is unclear: {input}",
    ),
    "reason.scan_not_approved": (
        "Hồ sơ chưa được duyệt vào danh mục số hóa (đang: {input})",
        "The file record is not approved for digitization (now: {input})",
    ),
    "reason.scan_not_pdf": (
        "Không phải tệp PDF, hoặc PDF bị hỏng không đọc được",
        "Not a PDF, or a corrupt PDF that cannot be read",
    ),
    "reason.scan_encrypted": (
        "PDF có mật khẩu hoặc bị mã hóa; bản số hóa phải mở được không cần mật khẩu",
        "The PDF is password-protected or encrypted; a master must open without a password",
    ),
    "reason.scan_empty": ("PDF không có trang nào", "The PDF has no pages"),
    "reason.scan_too_many_pages": (
        "PDF có {pages} trang, vượt giới hạn {max} trang",
        "The PDF has {pages} pages, above the limit of {max}",
    ),
    "reason.scan_page_too_large": (
        "Trang {page} có kích thước bất thường ({width} × {height} cm)",
        "Page {page} has an absurd size ({width} × {height} cm)",
    ),
    "reason.scan_image_too_large": (
        "Trang {page} có ảnh {width} × {height} điểm ảnh, vượt giới hạn",
        "Page {page} holds a {width} × {height} pixel image, above the limit",
    ),
    "reason.scan_too_complex": (
        "Trang {page} có quá nhiều đối tượng (hơn {max})",
        "Page {page} holds too many objects (over {max})",
    ),
    "reason.scan_unreadable": (
        "Không đọc xong PDF trong giới hạn thời gian và bộ nhớ (nghi tệp hỏng hoặc độc hại)",
        "The PDF could not be read within the time and memory limits (corrupt or malicious)",
    ),
    "reason.scan_no_image": (
        "Trang {page} không có ảnh quét (bản số hóa tài liệu giấy là ảnh quét từng trang)",
        "Page {page} holds no scanned image (a paper master is a scanned image per page)",
    ),
    "reason.scan_low_ppi": (
        "Trang {page} có độ phân giải {ppi} ppi, thấp hơn {min} ppi (Thông tư 02/2019/TT-BNV)",
        "Page {page} is {ppi} ppi, below {min} ppi (Circular 02/2019/TT-BNV)",
    ),
    "reason.scan_page_count": (
        "PDF có {pages} trang, hồ sơ ghi {expected} trang",
        "The PDF has {pages} pages; the file record says {expected}",
    ),
    "reason.scan_other_master": (
        "Hồ sơ đã có bản số hóa khác (SHA-256 {input}…); chỉ thay khi hồ sơ được trả lại để số hóa lại",
        "The file already has another master (SHA-256 {input}…); it is replaced only after a rescan request",
    ),
    "reason.scan_same_as_other": (
        "PDF này đã là bản số hóa của hồ sơ khác: {input}",
        "This PDF is already the master of another file: {input}",
    ),
    "reason.scan_already_held": (
        "Bản số hóa này đã được nhận trước đây",
        "This master was received before",
    ),
    "reason.scan_pages_from_master": (
        "Hồ sơ chưa ghi số trang: lấy {pages} trang của PDF",
        "The file record had no page count: {pages} pages taken from the PDF",
    ),
    "reason.scan_unreadable_file": ("Không đọc được tệp: {input}", "Cannot read the file: {input}"),
    "reason.scan_storage_failed": (
        "Chưa lưu được vào kho ({input}); chạy lại lệnh để nhận tiếp",
        "Could not be stored ({input}); run the command again to continue",
    ),
    "reason.scan_changed": (
        "Hồ sơ vừa thay đổi trong lúc nhận (trạng thái {input}); chạy lại lệnh",
        "The file record changed during the run (state {input}); run the command again",
    ),
    # approved lists, the digitization plan, custody of the originals
    "reason.list_nothing_to_freeze": (
        "Không còn hồ sơ đã duyệt nào chưa thuộc một danh mục được phê duyệt trong phạm vi này",
        "No approved file in this scope is left outside an approved list",
    ),
    "reason.list_not_main": (
        "Danh mục số {input} là danh mục bổ sung; danh mục bổ sung phải bổ sung cho một danh mục chính",
        "List {input} is itself a supplement; a supplement supplements a main list",
    ),
    "reason.list_other_campaign": (
        "Danh mục bổ sung phải cùng đợt khảo sát với danh mục số {input}",
        "A supplement belongs to the campaign of list {input}",
    ),
    "reason.not_a_decision_scan": (
        "Bản quét văn bản phê duyệt phải là tệp PDF, JPEG hoặc PNG",
        "The scan of the signed decision must be a PDF, JPEG or PNG file",
    ),
    "reason.not_in_approved_list": (
        "Hồ sơ chưa thuộc danh mục được phê duyệt nào: {input}",
        "The file is in no approved list: {input}",
    ),
    "reason.plan_year": (
        "Năm kế hoạch phải trong các năm {ge}–{le}",
        "The plan year must fall in the years {ge}–{le}",
    ),
    "reason.batch_other_year": (
        "Đợt số hóa {input} thuộc năm {year}, không phải năm đã chọn",
        "Batch {input} belongs to {year}, not to the year chosen",
    ),
    "reason.batch_taken": ("Năm {year} đã có đợt tên {input}", "{year} already has a batch named {input}"),
    "reason.box_unknown": (
        "Không có hộp mã {input}: mã chưa có trong dữ liệu khảo sát (kiểm tra nhãn hoặc gõ lại)",
        "No box has the code {input}: it is not in the survey data (check the label or type it again)",
    ),
    "reason.box_already_out": (
        "Hộp {input} đã được giao đi số hóa (đợt {batch}, từ {since}); nhận hộp về trước khi giao lại",
        "Box {input} is already out for scanning (batch {batch}, since {since}); check it in first",
    ),
    "reason.box_not_out": (
        "Hộp {input} đang ở trong kho, chưa được giao đi nên không nhận về được",
        "Box {input} is in the repository: it was not checked out, so it cannot be checked in",
    ),
    # insurance copies, fixity, handovers
    "reason.duplicate_file_code": (
        "Mã hồ sơ {input} trùng ở {n} hồ sơ; sửa mã hồ sơ trước khi ghi bản sao hoặc bàn giao",
        "File code {input} is shared by {n} files; correct it before a copy or a handover",
    ),
    "reason.copy_nothing": (
        "Không có hồ sơ nào đã nghiệm thu bản số hóa trong các phông đã chọn",
        "No file of the chosen fonds is accepted with a master",
    ),
    "reason.copy_target_not_empty": (
        "Thư mục {input} đã có dữ liệu; bản sao mới cần một thư mục trống",
        "Folder {input} is not empty; a new copy needs an empty folder",
    ),
    "reason.copy_set_taken": ("Đã có bộ sao số {input}", "There is already a copy set number {input}"),
    "reason.not_a_copy": (
        "Thư mục {input} không phải bản sao do SaoLuu ghi",
        "Folder {input} is not a copy SaoLuu wrote",
    ),
    "reason.copy_interrupted": (
        "Bản sao bị dừng giữa chừng khi đang ghi (chưa có bagit.txt)",
        "The copy was interrupted while being written (no bagit.txt)",
    ),
    "reason.copy_no_bagit": (
        "Thiếu tệp bagit.txt: bản sao chưa ghi xong",
        "No bagit.txt: the copy is not complete",
    ),
    "reason.copy_bad_bag": ("Không đọc được túi BagIt: {input}", "The BagIt bag cannot be read: {input}"),
    "reason.copy_file_missing": (
        "Thiếu tệp có trong danh sách (manifest)",
        "A file of the manifest is missing",
    ),
    "reason.copy_unexpected_file": ("Tệp không có trong danh sách (manifest)", "A file not in the manifest"),
    "reason.copy_oxum": (
        "Số tệp hoặc dung lượng khác Payload-Oxum: {input}",
        "File count or size differs from Payload-Oxum: {input}",
    ),
    "reason.copy_file_mismatch": (
        "Tệp đã bị thay đổi: mã băm SHA-256 không khớp (nay là {input})",
        "The file changed: its SHA-256 does not match (now {input})",
    ),
    "reason.copy_manifest_differs": (
        "Danh sách (manifest) khác với bản đã ghi (SHA-256 {input})",
        "The manifest differs from what was written (SHA-256 {input})",
    ),
    "reason.copy_unreadable_file": ("Không đọc được tệp: {input}", "Cannot read the file: {input}"),
    "reason.handover_not_accepted": (
        "Hồ sơ {input} chưa nghiệm thu bản số hóa (đang: {state})",
        "File {input} is not accepted as digitized (now: {state})",
    ),
    "reason.handover_no_master": (
        "Hồ sơ {input} đã nghiệm thu nhưng kho chưa có bản số hóa (PDF)",
        "File {input} is accepted but no master (PDF) is stored",
    ),
    "reason.handover_more_missing": ("… và {n} hồ sơ khác", "… and {n} more files"),
    "reason.handover_empty": (
        "Không có hồ sơ nào đã nghiệm thu bản số hóa để bàn giao",
        "No file accepted with a master to hand over",
    ),
    "reason.handover_number_taken": (
        "Số bàn giao {input} đã dùng",
        "Handover number {input} is already used",
    ),
}
"""Why a field was refused (``reason.<reason>``)."""

WORDS = {**CODES, **PAGES, **REASONS}
