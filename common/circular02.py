"""The input fields of a file (hồ sơ) after Circular 02/2019/TT-BNV, named once for every use.

The handover catalogue's columns, the keys of its JSON Lines copy, the staff's metadata form and
its length limits all read these names. They come from secondary sources (implementations of the
circular and articles quoting it), **not from the official text**: where the circular says
otherwise, correct them here and every use follows.

A file's code (*Mã hồ sơ*) joins four parts with dots: the code of the archive holding the fonds,
the fonds code, the inventory number or the year the file was formed, and the file's number
(see :func:`sync_server.domain.file_metadata.file_code` for the rule as applied).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CircularField:
    """One input field: a stable key for code, its Vietnamese name (the circular's), its English
    name, and the longest value the circular allows (None: no limit given)."""

    key: str
    vi: str
    en: str
    max_length: int | None = None

    def label(self, lang: str = "vi") -> str:
        return self.en if lang == "en" else self.vi


FILE_CODE = CircularField("file_code", "Mã hồ sơ", "File code", 30)
ARCHIVE_CODE = CircularField("archive_code", "Mã cơ quan lưu trữ lịch sử", "Historical archive code", 13)
FONDS_CODE = CircularField("fonds_code", "Mã phông/công trình/sưu tập", "Fonds / work / collection code", 13)
INVENTORY_OR_YEAR = CircularField(
    "inventory_or_year", "Mục lục số hoặc năm hình thành hồ sơ", "Inventory number or year formed", 4
)
FILE_NUMBER = CircularField("file_number", "Số và ký hiệu hồ sơ", "File number and notation", 20)
TITLE = CircularField("title", "Tiêu đề hồ sơ", "File title", 1000)
RETENTION = CircularField("retention", "Thời hạn bảo quản", "Retention period")
ACCESS = CircularField("access", "Chế độ sử dụng", "Access regime")
LANGUAGE = CircularField("language", "Ngôn ngữ", "Language")
START_DATE = CircularField("start_date", "Thời gian bắt đầu", "Start date")
END_DATE = CircularField("end_date", "Thời gian kết thúc", "End date")
DOCUMENTS = CircularField("documents", "Tổng số văn bản trong hồ sơ", "Number of documents in the file")
ANNOTATION = CircularField("annotation", "Chú giải", "Annotation", 2000)
INFO_SIGN = CircularField("info_sign", "Ký hiệu thông tin", "Information notation", 30)
KEYWORDS = CircularField("keywords", "Từ khóa", "Keywords", 100)
LEAVES = CircularField("leaves", "Số lượng tờ", "Number of leaves")
PAGES = CircularField("pages", "Số lượng trang", "Number of pages")
CONDITION = CircularField("condition", "Tình trạng vật lý", "Physical condition")

FIELDS: tuple[CircularField, ...] = (
    FILE_CODE,
    ARCHIVE_CODE,
    FONDS_CODE,
    INVENTORY_OR_YEAR,
    FILE_NUMBER,
    TITLE,
    RETENTION,
    ACCESS,
    LANGUAGE,
    START_DATE,
    END_DATE,
    DOCUMENTS,
    ANNOTATION,
    INFO_SIGN,
    KEYWORDS,
    LEAVES,
    PAGES,
    CONDITION,
)
"""Every field, in the circular's order."""

STAFF_FIELDS: tuple[CircularField, ...] = (FILE_CODE, INFO_SIGN, KEYWORDS, DOCUMENTS, ANNOTATION)
"""What the survey record lacks and staff fill in (a file code given here overrides the rule)."""

MASTER_FILE = CircularField("master_file", "Tệp bản số hóa", "Digitized master file")
MASTER_SHA256 = CircularField("master_sha256", "Mã băm SHA-256", "SHA-256")
PACKAGE_FIELDS: tuple[CircularField, ...] = (*FIELDS, MASTER_FILE, MASTER_SHA256)
"""A handover package's catalogue and JSON Lines: the circular's fields, then where the master is."""
