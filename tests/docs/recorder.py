"""HTTP exchanges with the real server, written down as the protocol document shows them.

:class:`Recorder` sends each request through a ``TestClient`` and renders request and answer as an
``http`` block. :class:`Normaliser` replaces what changes from run to run (ids the server chose,
times, tokens, enrollment codes, hashes, the vocabulary version) by stand-ins that depend only on the
order in which the values first appear, so the same exchange always renders the same text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http
import json
import random
import re
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import httpx
from fastapi.testclient import TestClient

from common.enroll import ALPHABET

View = Callable[[Any], Any]
"""What an example shows of a JSON answer (the whole of it unless said otherwise)."""

TIME_BASE = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)
HIDDEN = "…"
"""What a token is shown as."""
VOCAB_VERSION = hashlib.sha256(b"vocabularies").hexdigest()[:16]
"""What ``vocab_version`` is shown as (it changes with every word of the vocabularies)."""
_TOKEN_FIELDS = ("access_token", "token")
_REASONS = {413: "Content Too Large", 422: "Unprocessable Content"}
"""RFC 9110's reason phrases where Python's are the older ones."""
_HEADER_NAMES = {"www-authenticate": "WWW-Authenticate"}
_SHA = re.compile(r"\b[0-9a-f]{64}\b")
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
_TIME = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
_CODE = re.compile(rf"\b[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}\b")


class Normaliser:
    """Stand-ins for volatile values, the same stand-in for the same value in every block.

    ``kept`` are UUIDs the exchange chose itself (record ids): they are shown as they are. Other
    UUIDs, hashes and enrollment codes are numbered in the order they first appear. Times are
    replaced once every block is known: those within an hour of ``start`` by :data:`TIME_BASE` plus
    their rank in seconds (so they keep their order), a later one (a token's expiry) by
    :data:`TIME_BASE` plus the whole hours it lies ahead.
    """

    def __init__(self, start: dt.datetime, kept: Iterable[str] = ()) -> None:
        self.start = start
        self.kept = set(kept)
        self._seen: dict[str, dict[str, str]] = {"sha": {}, "uuid": {}, "code": {}}

    def blocks(self, raw: dict[str, str]) -> dict[str, str]:
        """The blocks ``raw`` (in the order they were recorded) with every volatile value replaced."""
        moments = sorted({_moment(m.group()) for text in raw.values() for m in _TIME.finditer(text)})
        near = [m for m in moments if abs(m - self.start) < dt.timedelta(hours=1)]
        rank = {m: i for i, m in enumerate(near)}

        def time(match: re.Match[str]) -> str:
            moment = _moment(match.group())
            if moment in rank:
                return _format(TIME_BASE + dt.timedelta(seconds=rank[moment]), match.group())
            hours = round((moment - self.start) / dt.timedelta(hours=1))
            return _format(TIME_BASE + dt.timedelta(hours=hours), match.group())

        return {name: _TIME.sub(time, self._ids(text)) for name, text in raw.items()}

    def _ids(self, text: str) -> str:
        text = _SHA.sub(lambda m: self._stand_in("sha", m.group(), _fake_sha), text)
        text = _UUID.sub(lambda m: m.group() if m.group() in self.kept else self._uuid(m.group()), text)
        return _CODE.sub(lambda m: self._stand_in("code", m.group(), _fake_code), text)

    def _uuid(self, value: str) -> str:
        return self._stand_in("uuid", value, _fake_uuid)

    def _stand_in(self, kind: str, value: str, make: Callable[[int], str]) -> str:
        seen = self._seen[kind]
        if value not in seen:
            seen[value] = make(len(seen))
        return seen[value]


def _moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _format(moment: dt.datetime, like: str) -> str:
    """``moment`` written as ``like`` is (with or without microseconds, ``Z`` or an offset)."""
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if "." in like:
        text += moment.strftime(".%f")
    return text + ("Z" if like.endswith("Z") else "+00:00")


def _fake_sha(n: int) -> str:
    return hashlib.sha256(f"photo {n + 1}".encode()).hexdigest()


def _fake_uuid(n: int) -> str:
    return str(uuid.UUID(int=random.Random(f"uuid {n + 1}").getrandbits(128), version=4))


def _fake_code(n: int) -> str:
    rng = random.Random(f"code {n + 1}")
    return "-".join("".join(rng.choice(ALPHABET) for _ in range(4)) for _ in range(3))


def record_fields(*keys: str) -> View:
    """Show of every record in the answer (a ``data`` or ``current`` object) only ``keys``."""

    def view(value: Any) -> Any:
        if isinstance(value, list):
            return [view(v) for v in value]
        if not isinstance(value, dict):
            return value
        return {
            k: {f: v[f] for f in keys if f in v}
            if k in ("data", "current") and isinstance(v, dict)
            else view(v)
            for k, v in value.items()
        }

    return view


def change_fields(*keys: str) -> View:
    """Show of each pulled change only ``keys``."""

    def view(page: Any) -> Any:
        return {**page, "changes": [{k: c[k] for k in keys} for c in page["changes"]]}

    return view


class Recorder:
    """Sends requests to the app and keeps each named one as the text of its example block."""

    def __init__(self, client: TestClient, normaliser: Normaliser) -> None:
        self.client = client
        self.normaliser = normaliser
        self._raw: dict[str, str] = {}

    def blocks(self) -> dict[str, str]:
        """Every example recorded so far, by name, volatile values replaced."""
        return self.normaliser.blocks(self._raw)

    def send(
        self,
        name: str | None,
        method: str,
        url: str,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        json_body: Any = None,
        form: dict[str, str] | None = None,
        content: bytes | None = None,
        shown_body: str | None = None,
        view: View | None = None,
    ) -> httpx.Response:
        """One request; with a ``name``, its example block is kept. ``shown_body`` is what the block
        says of a request body that is not JSON (bytes, a password) or is not repeated."""
        sent = dict(headers or {})
        if token is not None:
            sent = {"Authorization": f"Bearer {token}", **sent}
        response = self.client.request(
            method,
            url,
            headers=sent,
            json=json_body,
            data=form,
            content=content,  # type: ignore[arg-type]
        )
        if name is not None:
            if name in self._raw:
                raise AssertionError(f"example {name!r} recorded twice")
            request = self._request_text(method, response.request, sent, json_body, form, shown_body)
            self._raw[name] = request + self._response_text(response, view)
        return response

    def _request_text(
        self,
        method: str,
        request: httpx.Request,
        sent: dict[str, str],
        json_body: Any,
        form: dict[str, str] | None,
        shown_body: str | None,
    ) -> str:
        lines = [f"{method} {request.url.raw_path.decode()}"]
        lines += [f"{k}: {'Bearer ' + HIDDEN if k == 'Authorization' else v}" for k, v in sent.items()]
        if json_body is not None and "Content-Type" not in sent:
            lines.append("Content-Type: application/json")
        if form is not None:
            lines.append("Content-Type: application/x-www-form-urlencoded")
        body = shown_body if shown_body is not None else _json(json_body) if json_body is not None else None
        if body is not None:
            lines += ["", body]
        return "\n".join(lines) + "\n\n"

    def _response_text(self, response: httpx.Response, view: View | None) -> str:
        status = response.status_code
        reason = _REASONS.get(status) or http.HTTPStatus(status).phrase
        lines = [f"HTTP/1.1 {status} {reason}"]
        lines += [
            f"{_HEADER_NAMES.get(k, '-'.join(p.capitalize() for p in k.split('-')))}: {v}"
            for k, v in response.headers.items()
            if k != "content-length"
        ]
        body = self._body(response, view)
        if body:
            lines += ["", body]
        return "\n".join(lines) + "\n"

    def _body(self, response: httpx.Response, view: View | None) -> str:
        if not response.content:
            return ""
        if response.headers.get("content-type", "").startswith("application/json"):
            value = _stable_fields(response.json())
            return _json(view(value) if view is not None else value)
        return f"<{len(response.content)} bytes of the photo>"


def _stable_fields(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: HIDDEN if k in _TOKEN_FIELDS else VOCAB_VERSION if k == "vocab_version" else _stable_fields(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_stable_fields(v) for v in value]
    return value


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
