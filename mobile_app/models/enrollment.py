"""First run: turn a server address and a one-time code (typed or read from a QR) into a device token."""

from __future__ import annotations

import platform
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from common.enroll import normalise_code, parse_enroll_uri
from common.errors import Localized, localized
from mobile_app.models.base import Observable
from mobile_app.models.prefs import Preferences
from mobile_app.models.qrscan import DecoderUnavailable, UnreadableImage, decode_qr


class EnrollmentError(Exception):
    """Enrollment failed with a message for the surveyor (both languages)."""

    def __init__(self, message: Localized, field: str | None = None) -> None:
        super().__init__(message.en)
        self.message = message
        self.field = field


def normalise_server_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")) or len(url) < 10:
        raise EnrollmentError(localized("err_server_url"), "server_url")
    return url


def error_from_response(resp: httpx.Response) -> Localized:
    """The most specific localized message of a SaoLuu error body."""
    try:
        body = resp.json()["error"]
        detail = body.get("details") or []
        msg = detail[0]["message"] if detail else body["message"]
        return Localized(vi=msg["vi"], en=msg["en"])
    except (ValueError, KeyError, TypeError, IndexError):
        return localized("err_server", message=f"HTTP {resp.status_code}")


@dataclass(frozen=True)
class Enrolled:
    device_id: str
    username: str


class EnrollmentService:
    """Talks to ``POST /api/v1/devices/enroll`` and keeps the token in the device preferences."""

    def __init__(self, prefs: Preferences, transport: httpx.BaseTransport | None = None) -> None:
        self.prefs = prefs
        self.transport = transport

    def enroll(self, server_url: str, code: str, device_name: str) -> Enrolled:
        server = normalise_server_url(server_url)
        body = {"code": normalise_code(code), "device_name": device_name.strip() or default_device_name()}
        try:
            with httpx.Client(base_url=server, timeout=20, transport=self.transport) as http:
                resp = http.post("/api/v1/devices/enroll", json=body)
        except httpx.HTTPError as exc:
            raise EnrollmentError(localized("err_offline"), "server_url") from exc
        if resp.status_code != 200:
            raise EnrollmentError(error_from_response(resp), "code")
        out = resp.json()
        self.prefs.save_enrollment(server, out["device_id"], out["token"], out["username"])
        return Enrolled(out["device_id"], out["username"])

    @staticmethod
    def read_qr(image: bytes) -> tuple[str, str]:
        """``(server, code)`` from a photo of the enrollment QR."""
        try:
            payloads = decode_qr(image)
        except DecoderUnavailable as exc:
            raise EnrollmentError(localized("err_no_decoder")) from exc
        except UnreadableImage as exc:
            raise EnrollmentError(localized("err_not_enroll_qr")) from exc
        for payload in payloads:
            try:
                return parse_enroll_uri(payload)
            except ValueError:
                continue
        raise EnrollmentError(localized("err_not_enroll_qr"))


def default_device_name() -> str:
    return f"Máy tính bảng {platform.node() or 'SaoLuu'}"[:120]


class EnrollmentModel(Observable):
    """The enrollment screen's state."""

    def __init__(
        self, service: EnrollmentService, prefs: Preferences, after_enroll: Callable[[], object] | None = None
    ) -> None:
        super().__init__()
        self.service = service
        self.prefs = prefs
        self.after_enroll = after_enroll
        self.server_url = prefs.server_url
        self.code = ""
        self.device_name = default_device_name()
        self.busy = False
        self.error: Localized | None = None
        self.error_field: str | None = None
        self.info: Localized | None = None

    def set(self, field: str, value: str) -> None:
        setattr(self, field, value)
        if self.error_field == field:
            self.error, self.error_field = None, None
        self.notify()

    def read_qr(self, image: bytes) -> bool:
        try:
            self.server_url, self.code = self.service.read_qr(image)
        except EnrollmentError as exc:
            self.error, self.error_field, self.info = exc.message, exc.field, None
            self.notify()
            return False
        self.error, self.error_field = None, None
        self.info = localized("enroll_qr_read", server=self.server_url)
        self.notify()
        return True

    def submit(self) -> bool:
        """Enroll (blocking: run it off the UI thread); then the first sync brings the agencies."""
        self.busy, self.error, self.error_field = True, None, None
        self.notify()
        try:
            self.service.enroll(self.server_url, self.code, self.device_name)
        except EnrollmentError as exc:
            self.error, self.error_field = exc.message, exc.field
            return False
        finally:
            self.busy = False
            self.notify()
        if self.after_enroll is not None:
            self.after_enroll()
        return True
