"""A real server on a loopback socket (uvicorn in a thread), tablets with their own local stores."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from mobile_app.store import LocalStore
from mobile_app.sync import RetryPolicy, SyncEngine


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """``app`` served over HTTP on a free port by uvicorn in a thread (its own event loop, so its
    own database session slots, as another server process has); yields the base URL."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    assert server.started, "server did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def live_server(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with serving(app) as url:
        yield url


Plan = Callable[[httpx.Request], str | None]


class FaultyTransport(httpx.BaseTransport):
    """Passes requests to the real transport, but on the plan's word loses them or their answers.

    ``"drop_before"``: the request never reaches the server; ``"drop_after"``: the server handles
    it, the answer is lost; ``"cut:N"``: only the first N bytes of the body arrive (as a shorter
    request), then the connection dies.
    """

    def __init__(self, plan: Plan) -> None:
        self.inner = httpx.HTTPTransport()
        self.plan = plan
        self.injected: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        action = self.plan(request)
        if action is None:
            return self.inner.handle_request(request)
        self.injected.append(f"{action} {request.method} {request.url.path}")
        if action == "drop_before":
            raise httpx.ConnectError("injected: connection refused", request=request)
        if action.startswith("cut:"):
            keep = int(action[4:])
            body = request.read()[:keep]
            headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
            request = httpx.Request(request.method, request.url, headers=headers, content=body)
        response = self.inner.handle_request(request)
        response.read()
        response.close()
        raise httpx.ReadError("injected: connection reset", request=request)


@pytest.fixture
def tablet(live_server: str, client: TestClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    """``tablet(username, plan=None)`` -> a sync engine on a freshly enrolled device."""
    made: list[httpx.Client] = []

    def make(username: str, plan: Plan | None = None, name: str = "tab") -> SyncEngine:
        from tests.conftest import login

        admin = login(client, "admin")
        code = client.post(f"/api/v1/admin/users/{username}/enroll-codes", headers=admin).json()["code"]
        token = client.post("/api/v1/devices/enroll", json={"code": code, "device_name": name}).json()[
            "token"
        ]
        transport = FaultyTransport(plan or (lambda _r: None))
        http = httpx.Client(
            base_url=live_server,
            transport=transport,
            timeout=30,
            headers={"Authorization": f"Bearer {token}"},
        )
        made.append(http)
        store = LocalStore(tmp_path / f"{username}-{name}")
        return SyncEngine(
            store,
            http,
            batch_size=50,
            chunk_size=64 * 1024,
            retry=RetryPolicy(attempts=8, base=0.01, cap=0.05),
        )

    yield make
    for http in made:
        http.close()
