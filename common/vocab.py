"""Controlled vocabularies shared by the tablet and the server, with Vietnamese and English labels.

Each vocabulary is a string (or int) enum whose value is the stable code stored and synced;
labels are for display only. Add a term here and both sides learn it.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING, Any, Self

Lang = str  # "vi" or "en"
LANGUAGES: tuple[Lang, ...] = ("vi", "en")
DEFAULT_LANG: Lang = "vi"


class _Labelled:
    """Mixin giving enum members Vietnamese and English labels."""

    _value_: Any  # the code: str or int, as the enum it is mixed into says
    vi: str
    en: str

    def label(self, lang: Lang = DEFAULT_LANG) -> str:
        return self.en if lang == "en" else self.vi

    def _labelled(self, code: str | int, vi: str, en: str) -> Self:
        self._value_ = code
        self.vi, self.en = vi, en
        return self


# Members are declared as (code, vi, en); callers look a member up by its code alone: Vocab("code").
class Vocab(_Labelled, StrEnum):
    """A vocabulary whose codes are strings."""

    if TYPE_CHECKING:

        def __new__(cls, code: str) -> Self: ...
    else:

        def __new__(cls, code: str, vi: str, en: str) -> Vocab:
            return str.__new__(cls, code)._labelled(code, vi, en)


class IntVocab(_Labelled, IntEnum):
    """A vocabulary whose codes are small integers (ordered scales)."""

    if TYPE_CHECKING:

        def __new__(cls, code: int) -> Self: ...
    else:

        def __new__(cls, code: int, vi: str, en: str) -> IntVocab:
            return int.__new__(cls, code)._labelled(code, vi, en)


class Criterion(Vocab):
    """Why a file qualifies for digitization; a file may meet several, and each qualifies on its own."""

    PERMANENT = ("permanent", "Tài liệu có giá trị bảo quản vĩnh viễn", "Permanent retention")
    COLLECTED = (
        "collected",
        "Tài liệu sưu tầm (cá nhân, gia đình, dòng họ tiêu biểu; lịch sử tỉnh)",
        "Collected papers (notable people, families, clans; province history)",
    )
    DAMAGED = (
        "damaged",
        "Tài liệu có giá trị cao bị hư hỏng hoặc có nguy cơ hư hỏng",
        "High-value documents damaged or at risk",
    )
    RARE = ("rare", "Tài liệu quý, hiếm", "Rare and precious documents")


class DamageType(Vocab):
    CRUMBLING = ("crumbling", "Mủn", "Crumbling, disintegrating paper")
    BRITTLE = ("brittle", "Giòn", "Brittle")
    TORN = ("torn", "Rách", "Torn")
    STAINED = ("stained", "Ố, ố vàng", "Stained, foxing, yellowing")
    FADED = ("faded", "Mờ chữ, phai mực", "Faded text or ink")
    MOULD = ("mould", "Nấm mốc", "Mould")
    PESTS = ("pests", "Côn trùng, mối mọt, chuột", "Insects, termites, rodents")
    WATER = ("water", "Ẩm, ngấm nước", "Damp, water damage")
    STUCK = ("stuck", "Dính bết", "Pages stuck together")
    LOSSES = ("losses", "Thủng, mất mảng, mất trang", "Holes, losses, missing pages")
    FIRE = ("fire", "Cháy, xém", "Burnt, scorched")
    FASTENERS = ("fasteners", "Ghim kẹp gỉ, băng dính", "Rusty fasteners, adhesive tape")
    FILM_DECAY = ("film_decay", "Phim co ngót, hội chứng giấm", "Film shrinkage, vinegar syndrome")
    TAPE_DECAY = ("tape_decay", "Băng dính bết, bong lớp từ", "Sticky-shed, oxide loss")
    OTHER = ("other", "Khác", "Other (describe)")


class Severity(IntVocab):
    MINOR = (1, "Nhẹ", "Minor")
    MODERATE = (2, "Trung bình", "Moderate")
    SEVERE = (3, "Nặng", "Severe")
    CRITICAL = (4, "Rất nặng, nguy cơ mất thông tin", "Critical, information at risk")


class Readability(Vocab):
    FULL = ("full", "Đọc được đầy đủ", "Fully readable")
    PARTIAL = ("partial", "Đọc được một phần", "Partly readable")
    DIFFICULT = ("difficult", "Khó đọc", "Hard to read")


class Condition(Vocab):
    """A file's physical condition in a word, when no damage tells it (Circular 02/2019's field)."""

    SOUND = ("sound", "Bình thường (không ghi nhận hư hỏng)", "Sound (no damage recorded)")


class Carrier(Vocab):
    PAPER = ("paper", "Giấy", "Paper")
    PHOTO = ("photo", "Ảnh", "Photographs")
    FILM = ("film", "Phim điện ảnh", "Motion-picture film")
    AUDIO = ("audio", "Băng, đĩa ghi âm", "Audio tape/disc")
    VIDEO = ("video", "Băng, đĩa ghi hình", "Video tape/disc")
    MICROFILM = ("microfilm", "Vi phim", "Microfilm")
    MAPS = ("maps", "Bản đồ, bản vẽ", "Maps and drawings")
    ELECTRONIC = ("electronic", "Tài liệu điện tử", "Electronic media")
    OTHER = ("other", "Khác", "Other")


class Retention(Vocab):
    PERMANENT = ("permanent", "Vĩnh viễn", "Permanent")
    YEARS = ("years", "Có thời hạn (số năm)", "Fixed term (years)")


class AccessRegime(Vocab):
    OPEN = ("open", "Sử dụng rộng rãi", "Open")
    RESTRICTED = ("restricted", "Hạn chế sử dụng", "Restricted")


class Language(Vocab):
    VI = ("vi", "Tiếng Việt", "Vietnamese")
    FR = ("fr", "Tiếng Pháp", "French")
    HAN_NOM = ("han_nom", "Hán Nôm", "Chinese (Hán Nôm)")
    EN = ("en", "Tiếng Anh", "English")
    OTHER = ("other", "Khác", "Other")


class AgencyKind(Vocab):
    PROVINCE = ("province", "UBND tỉnh và cơ quan cấp tỉnh", "Provincial government office")
    DEPARTMENT = ("department", "Sở, Ban, Ngành", "Provincial department")
    DISTRICT = ("district", "UBND huyện, thị xã, thành phố", "District people's committee")
    COMMUNE = ("commune", "UBND xã, phường, thị trấn", "Commune people's committee")
    PUBLIC_SERVICE = ("public_service", "Đơn vị sự nghiệp", "Public service unit")
    ARCHIVE = ("archive", "Trung tâm Lưu trữ lịch sử", "Historical archive")
    OTHER = ("other", "Khác", "Other")


class AgencyStatus(Vocab):
    ACTIVE = ("active", "Đang hoạt động", "Active")
    MERGED = ("merged", "Đã sáp nhập", "Merged")
    DISSOLVED = ("dissolved", "Đã giải thể", "Dissolved")


class FondsKind(Vocab):
    FONDS = ("fonds", "Phông lưu trữ", "Archival fonds")
    COLLECTION = ("collection", "Sưu tập lưu trữ", "Collection")
    WORK = ("work", "Công trình", "Work")


class ReviewState(Vocab):
    PENDING = ("pending", "Chờ duyệt", "Awaiting review")
    APPROVED = ("approved", "Đã duyệt", "Approved")
    SENT_BACK = ("sent_back", "Trả lại để sửa", "Sent back for correction")
    REJECTED = ("rejected", "Không đạt", "Rejected")


class DigitizationState(Vocab):
    """Where an approved file stands in digitization (the archive centre's, never the tablet's)."""

    PLANNED = ("planned", "Đã đưa vào kế hoạch", "Planned")
    OUT = ("out", "Đã giao đi số hóa", "Out for scanning")
    SCANNED = ("scanned", "Đã số hóa, chờ kiểm tra", "Scanned, awaiting check")
    ACCEPTED = ("accepted", "Đã nghiệm thu", "Accepted")
    RESCAN = ("rescan", "Phải số hóa lại", "To be rescanned")


class IngestOutcome(Vocab):
    """What an ingest run did with one delivered PDF."""

    STORED = ("stored", "Đã nhận", "Stored")
    HELD = ("held", "Đã có, bỏ qua", "Already held, skipped")
    REFUSED = ("refused", "Từ chối", "Refused")


class CopyMedium(Vocab):
    """What an insurance copy set is written on."""

    HDD = ("hdd", "Ổ cứng", "Hard disk")
    LTO = ("lto", "Băng từ LTO", "LTO tape")
    OPTICAL = ("optical", "Đĩa quang lưu trữ (M-DISC, Blu-ray)", "Archival optical disc (M-DISC, Blu-ray)")
    NAS = ("nas", "Thiết bị lưu trữ mạng (NAS)", "Network storage (NAS)")
    CLOUD = ("cloud", "Lưu trữ đám mây", "Cloud storage")
    OTHER = ("other", "Khác", "Other")


class CopyState(Vocab):
    """Where the writing of a copy stands (a copy still "being written" long after was interrupted)."""

    RUNNING = ("running", "Đang ghi", "Being written")
    WRITTEN = ("written", "Đã ghi xong", "Written")
    FAILED = ("failed", "Ghi không thành công", "Failed")


class CheckResult(Vocab):
    """What re-hashing a copy or a stored master found."""

    OK = ("ok", "Nguyên vẹn", "Intact")
    MISMATCH = ("mismatch", "Sai lệch (mã băm khác)", "Mismatch (hash differs)")
    MISSING = ("missing", "Bị mất", "Missing")
    INCOMPLETE = ("incomplete", "Bản sao chưa hoàn chỉnh", "Incomplete copy")
    UNREADABLE = ("unreadable", "Không đọc được", "Unreadable")


class Role(Vocab):
    ADMIN = ("admin", "Quản trị hệ thống", "Administrator")
    REVIEWER = ("reviewer", "Cán bộ Trung tâm Lưu trữ", "Archive centre reviewer")
    AGENCY_HEAD = ("agency_head", "Thủ trưởng cơ quan", "Agency head")
    SURVEYOR = ("surveyor", "Cán bộ khảo sát", "Field surveyor")
    DIGITIZATION_OPERATOR = (
        "digitizer",
        "Cán bộ số hóa (đơn vị thực hiện)",
        "Digitization operator (contractor)",
    )
    """Contractor staff of the scanning room: the scan station (boxes out and in) and the ingest of
    masters; never the survey, the approved lists, the plan or the quality check. (The code is short:
    ``app_user.role`` holds 20 characters.)"""


class BoxPlace(Vocab):
    """Where a box of originals is (the scan station moves it)."""

    REPOSITORY = ("repository", "Trong kho lưu trữ", "In the repository")
    OUT = ("out", "Đã giao đi số hóa", "Out for scanning")


STAFF: frozenset[Role] = frozenset({Role.ADMIN, Role.REVIEWER})
"""The archive centre's staff: they see every agency, review records and take in scanned masters."""


Vocabulary = type[Vocab] | type[IntVocab]
"""One of the vocabularies below (the class, whose members are its terms)."""

VOCABULARIES: dict[str, Vocabulary] = {
    "criterion": Criterion,
    "damage_type": DamageType,
    "severity": Severity,
    "readability": Readability,
    "carrier": Carrier,
    "retention": Retention,
    "access_regime": AccessRegime,
    "language": Language,
    "agency_kind": AgencyKind,
    "agency_status": AgencyStatus,
    "fonds_kind": FondsKind,
    "review_state": ReviewState,
    "role": Role,
    "digitization_state": DigitizationState,
    "ingest_outcome": IngestOutcome,
    "box_place": BoxPlace,
    "condition": Condition,
    "copy_medium": CopyMedium,
    "copy_state": CopyState,
    "check_result": CheckResult,
}


def vocabulary_payload() -> dict[str, list[dict[str, Any]]]:
    """All vocabularies as plain data: ``{name: [{code, vi, en}, ...]}``."""
    return {
        name: [{"code": term.value, "vi": term.vi, "en": term.en} for term in enum]
        for name, enum in VOCABULARIES.items()
    }
