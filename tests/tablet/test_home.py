"""Home: agencies with their campaign status, accent-insensitive search, pending count, last sync."""

from __future__ import annotations

import datetime as dt

from common.protocol import PulledChange
from mobile_app.models.home import AgencyProgress
from tests.api.records_data import file_record, fonds
from tests.tablet.worlds import CAMPAIGN_ID, pull_world

A, B, C, D = "000.00.01.H47", "000.00.02.H47", "000.00.03.H47", "000.00.04.H47"


def test_each_status_is_derived_from_local_work(make_container) -> None:  # type: ignore[no-untyped-def]
    c = make_container()
    pull_world(c.store)
    # B: a visit and a fonds, no files yet -> in progress
    vb = c.visit(B)
    vb.start_visit()
    vb.fonds_form.values.update(number="1", name="Phông Sở Tài chính")
    assert vb.add_fonds()
    # C: files and a finished visit -> listed
    vc = c.visit(C)
    vc.start_visit()
    f = fonds(C)
    c.store.save("fonds", f)
    c.store.save("file_record", file_record(C, f["id"], campaign_id=CAMPAIGN_ID))
    vc.end_visit()
    # D: nil report
    c.store.save("nil_report", {"id": "n1", "agency_code": D, "campaign_id": CAMPAIGN_ID})
    # E: a record the reviewer sent back
    e = "000.00.05.H47"
    rec = file_record(e, "f")
    c.store.apply_pulled(
        [
            PulledChange(
                seq=50, type="file_record", id=rec["id"], agency_code=e, review_state="sent_back", data=rec
            )
        ],
        50,
    )
    home = c.home()
    status = {r.code: r.status for r in home.all_rows}
    assert status == {
        A: AgencyProgress.NOT_VISITED,
        B: AgencyProgress.IN_PROGRESS,
        C: AgencyProgress.LISTED,
        D: AgencyProgress.NIL_REPORT,
        e: AgencyProgress.SENT_BACK,
    }
    assert home.campaign is not None and home.campaign["year"] == 2026
    # visits (2 + end), fonds (2), file record, nil report: each record once in the outbox
    assert home.pending_records == 6


def test_search_ignores_accents_and_case(make_container) -> None:  # type: ignore[no-untyped-def]
    c = make_container()
    pull_world(c.store)
    home = c.home()
    assert len(home.rows) == 5
    home.set_query("so noi vu")
    assert [r.name for r in home.rows] == ["Sở Nội vụ"]
    home.set_query("ĐẠI LỘC")
    assert [r.name for r in home.rows] == ["UBND huyện Đại Lộc"]
    home.set_query("dai loc huyen")  # every word, any order
    assert [r.code for r in home.rows] == [D]
    home.set_query("000.00.02")
    assert [r.name for r in home.rows] == ["Sở Tài chính"]
    home.set_query("khong co")
    assert home.rows == []


def test_pending_photos_and_last_sync_are_shown(make_container) -> None:  # type: ignore[no-untyped-def]
    c = make_container()
    pull_world(c.store)
    home = c.home()
    assert (home.pending_records, home.pending_photos, home.last_sync) == (0, 0, None)
    when = dt.datetime(2026, 3, 5, 8, 30, tzinfo=dt.UTC)
    c.prefs.set_last_sync_at(when)
    c.store.add_photo(b"\xff\xd8\xff" + b"x" * 100, "image/jpeg")
    home.refresh()
    assert (home.pending_photos, home.last_sync) == (1, when)
