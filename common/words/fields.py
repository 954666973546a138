"""The names of the shared schema's fields (file records, nil reports), as both faces label them."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "field.inventory_no": ("Mục lục số", "Inventory no."),
    "field.box_no": ("Hộp số", "Box no."),
    "field.start_date": ("Thời gian bắt đầu", "Start date"),
    "field.end_date": ("Thời gian kết thúc", "End date"),
    "field.leaves": ("Số lượng tờ", "Leaves"),
    "field.pages": ("Số lượng trang", "Pages"),
    "field.retention": ("Thời hạn bảo quản", "Retention"),
    "field.access": ("Chế độ sử dụng", "Access"),
    "field.languages": ("Ngôn ngữ", "Languages"),
    "field.notes": ("Ghi chú", "Notes"),
    "field.damages": ("Tình trạng vật lý (hư hỏng)", "Physical condition (damage)"),
    "field.severity": ("Mức độ", "Severity"),
    "field.readability": ("Khả năng đọc", "Readability"),
    "field.photos": ("Ảnh", "Photos"),
    "field.carrier": ("Vật mang tin", "Carrier"),
    "field.fonds": ("Phông", "Fonds"),
    "field.statement": ("Nội dung báo cáo", "Statement"),
    "field.signer_name": ("Người ký", "Signed by"),
    "field.signer_position": ("Chức vụ", "Position"),
    "field.doc_date": ("Ngày văn bản", "Document date"),
}
