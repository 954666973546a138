"""First run: enrollment by typed code or QR image, against the real server over HTTP."""

from __future__ import annotations

import socket

from common.enroll import enroll_uri
from common.qr import qr_png
from tests.conftest import AGENCY_A
from tests.images import photo_jpeg


def test_typed_code_enrolls_keeps_the_token_and_pulls_the_assigned_agencies(
    make_container, enroll_code, live_server
) -> None:  # type: ignore[no-untyped-def]
    c = make_container("tab")
    assert not c.prefs.enrolled
    model = c.enrollment()
    model.set("server_url", live_server + "/")
    model.set("code", enroll_code("surveyor_a").lower().replace("-", " "))  # as typed from paper
    assert model.submit()
    assert c.prefs.enrolled and c.prefs.username == "surveyor_a" and c.prefs.device_id
    assert [r.code for r in c.home().rows] == [AGENCY_A]  # the first sync brought the agencies

    reopened = make_container("tab")  # the app restarted, no network needed to open
    assert reopened.prefs.enrolled and reopened.prefs.server_url == live_server
    assert [r.name for r in reopened.home().rows] == ["Sở Nội vụ"]


def test_a_wrong_or_used_code_is_explained_in_vietnamese(make_container, enroll_code, live_server) -> None:  # type: ignore[no-untyped-def]
    code = enroll_code("surveyor_a")
    first = make_container("one").enrollment()
    first.set("server_url", live_server)
    first.set("code", code)
    assert first.submit()
    second = make_container("two").enrollment()
    second.set("server_url", live_server)
    second.set("code", code)
    assert not second.submit()
    assert second.error is not None and second.error.vi.startswith("Mã kích hoạt không đúng")
    assert second.error_field == "code"


def test_unreachable_server_and_bad_address_are_field_errors(make_container) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    model = make_container().enrollment()
    model.set("server_url", f"http://127.0.0.1:{port}")
    model.set("code", "ABCD-EFGH-JKLM")
    assert not model.submit()
    assert model.error_field == "server_url" and "Không kết nối được máy chủ" in model.error.vi  # type: ignore[union-attr]
    model.set("server_url", "saoluu.example")
    assert not model.submit()
    assert model.error.vi == "Địa chỉ máy chủ phải bắt đầu bằng http:// hoặc https://"  # type: ignore[union-attr]


def test_enrollment_qr_read_from_an_image(make_container, enroll_code, live_server) -> None:  # type: ignore[no-untyped-def]
    c = make_container()
    model = c.enrollment()
    assert not model.read_qr(photo_jpeg((400, 300)))
    assert model.error is not None and model.error.en == "No SaoLuu enrollment QR code in this image"
    assert not model.read_qr(b"not an image")
    code = enroll_code("surveyor_a")
    assert model.read_qr(qr_png(enroll_uri(live_server, code)))
    assert (model.server_url, model.code) == (live_server, code)
    assert model.submit() and c.prefs.username == "surveyor_a"
