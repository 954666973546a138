"""Shared vocabularies, schemas, box codes and text folding (no server)."""

from __future__ import annotations

import io
import uuid

import pytest
import zxingcpp
from PIL import Image
from pydantic import ValidationError

from common.boxcode import label_png, make_box_code, parse_box_code, qr_payload
from common.enroll import enroll_uri, normalise_code, parse_enroll_uri
from common.errors import field_errors
from common.protocol import legacy_file_record
from common.schemas import Box, FileRecord, NilReport, partial_date_bounds
from common.text import fold
from common.vocab import VOCABULARIES, Criterion, DamageType, Severity, vocabulary_payload


def test_every_term_has_distinct_vietnamese_and_english_labels() -> None:
    for name, vocab in VOCABULARIES.items():
        codes = [t.value for t in vocab]
        assert len(codes) == len(set(codes)), name
        for term in vocab:
            assert term.vi and term.en, (name, term)  # type: ignore[attr-defined]
    assert DamageType.CRUMBLING.label() == "Mủn"
    assert Severity(4).label("en").startswith("Critical")
    payload = vocabulary_payload()
    assert {"code": "crumbling", "vi": "Mủn", "en": "Crumbling, disintegrating paper"} in payload[
        "damage_type"
    ]


def test_fold_strips_vietnamese_diacritics() -> None:
    assert fold("Giấy MỦN, ố vàng — Đà Nẵng") == "giay mun, o vang — da nang"
    assert fold("mủn") == fold("MUN") == "mun"


@pytest.mark.parametrize(
    ("value", "lo", "hi"),
    [
        ("1975", "1975-01-01", "1975-12-31"),
        ("1976-02", "1976-02-01", "1976-02-29"),
        ("1975-04-30", "1975-04-30", "1975-04-30"),
    ],
)
def test_partial_dates_cover_their_range(value: str, lo: str, hi: str) -> None:
    a, b = partial_date_bounds(value)
    assert (a.isoformat(), b.isoformat()) == (lo, hi)


def _record(**kw: object) -> FileRecord:
    base: dict[str, object] = {
        "id": uuid.uuid4(),
        "agency_code": "000.00.01.H47",
        "fonds_id": uuid.uuid4(),
        "file_no": "1",
        "title": "Hồ sơ",
        "criteria": ["permanent"],
    }
    return FileRecord.model_validate({**base, **kw})


def test_partial_dates_compare_by_range() -> None:
    assert _record(start_date="1975-04", end_date="1975").end_date == "1975"
    with pytest.raises(ValidationError) as exc:
        _record(start_date="1975-04", end_date="1975-03")
    assert [(e.field, e.reason) for e in field_errors(exc.value)] == [("end_date", "end_before_start")]


def test_field_errors_are_explained_in_vietnamese() -> None:
    with pytest.raises(ValidationError) as exc:
        _record(title="", leaves=-1, damages=[{"type": "other", "severity": 2}])
    errors = {e.field: e.message.vi for e in field_errors(exc.value)}
    assert errors["title"] == "Cần ít nhất 1 ký tự"
    assert errors["leaves"] == "Phải lớn hơn hoặc bằng 0"
    with pytest.raises(ValidationError) as exc:
        _record(damages=[{"type": "other", "severity": 2}])
    assert [(e.field, e.reason) for e in field_errors(exc.value)] == [("damages[0].note", "describe_other")]


def test_record_defaults_and_max_severity() -> None:
    rec = _record(damages=[{"type": "torn", "severity": 2}, {"type": "mould", "severity": 4}])
    assert rec.max_severity == 4
    assert [lang.value for lang in rec.languages] == ["vi"]
    nil = NilReport(
        id=uuid.uuid4(),
        agency_code="000.00.01.H47",
        signer_name="Trần Văn Hùng",
        signer_position="Giám đốc",
        doc_number="125/BC-SNV",
        doc_date="2026-11-20",
    )
    assert "Quyết định số 71/QĐ-TTg" in nil.statement


def test_a_rare_file_qualifies_on_its_own() -> None:
    rec = _record(criteria=["rare"])
    assert rec.criteria == [Criterion.RARE]
    assert Criterion.RARE.label() == "Tài liệu quý, hiếm"
    assert "rare" not in rec.model_dump()


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        ({"criteria": ["permanent"], "rare": True}, ["permanent", "rare"]),
        ({"criteria": [], "rare": True}, ["rare"]),  # a rare-only file from a tablet of protocol 1
        ({"criteria": ["collected"], "rare": False}, ["collected"]),
    ],
)
def test_the_rare_flag_of_protocol_1_is_read_as_the_criterion(
    sent: dict[str, object], read: list[str]
) -> None:
    rec = _record(**sent)
    assert [c.value for c in rec.criteria] == read
    assert "rare" not in rec.model_dump(mode="json")
    back = legacy_file_record(rec.model_dump(mode="json"))  # what a pull gives such a tablet
    assert back.get("rare") is (True if "rare" in read else None)
    assert back["criteria"] == [c for c in read if c != "rare"]
    with pytest.raises(ValidationError):
        _record(criteria=["permanent"], rare="maybe")


def test_hard_to_read_files_are_for_conservation_first() -> None:
    assert not _record(damages=[{"type": "torn", "severity": 4, "readability": "partial"}]).conservation_first
    assert _record(damages=[{"type": "mould", "severity": 2, "readability": "difficult"}]).conservation_first


def test_box_code_round_trips_through_text_and_qr() -> None:
    code = make_box_code("000.00.01.h47", "12", "3", "45")
    assert code == "000.00.01.H47-P12-M3-H0045"
    assert make_box_code("000.00.01.H47", "12", None, "7") == "000.00.01.H47-P12-H0007"
    parsed = parse_box_code(" 000.00.01.h47-p12-m3-h45 ")
    assert (parsed.agency, parsed.fonds, parsed.inventory, parsed.box) == ("000.00.01.H47", "12", "3", "0045")
    assert str(parse_box_code(qr_payload(code))) == code
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(label_png(code))))
    assert [b.text for b in decoded] == [qr_payload(code)]
    with pytest.raises(ValueError):
        parse_box_code("HOP-45")
    box = Box(
        id=uuid.uuid4(), agency_code="000.00.01.H47", fonds_id=uuid.uuid4(), fonds_number="12", box_no="45"
    )
    assert box.code == "000.00.01.H47-P12-H0045"


def test_enroll_codes_are_typeable_and_scannable() -> None:
    assert normalise_code("k7qm 3xrt9pla") == "K7QM-3XRT-9PLA"
    uri = enroll_uri("http://10.0.0.5:8000", "K7QM-3XRT-9PLA")
    assert parse_enroll_uri(uri) == ("http://10.0.0.5:8000", "K7QM-3XRT-9PLA")
    with pytest.raises(ValueError):
        parse_enroll_uri("https://example.org/?code=1")
