"""``create_app(settings)`` sets how many requests may hold a database session at once
(``settings.db_sessions``): each app its own count, even two apps in one process and one event loop."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import anyio
import httpx
from fastapi import FastAPI

from sync_server.api.deps import SessionDep
from sync_server.app import create_app
from sync_server.config import Settings
from sync_server.session_slots import SessionSlots

REQUESTS = 5


def _holding_route(app: FastAPI, release: anyio.Event, most: list[int]) -> None:
    """``GET /probe`` holds its session until ``release``; ``most`` keeps how many held one at once."""
    inside = 0

    async def probe(session: SessionDep) -> None:
        nonlocal inside
        inside += 1
        most[0] = max(most[0], inside)
        await release.wait()
        inside -= 1

    app.add_api_route("/probe", probe)


async def _until(check: Callable[[], bool]) -> None:
    while not check():
        await anyio.sleep(0.005)  # polling the condition, not waiting a fixed time


async def _burst(apps: dict[int, FastAPI]) -> tuple[dict[int, int], list[int]]:
    """Send :data:`REQUESTS` requests to each app at once; once each app's slots are all taken and
    the other requests wait for one, let them go. Returns the most sessions held at once per app
    and every answer's status."""
    release = anyio.Event()
    most = {count: [0] for count in apps}
    statuses: list[int] = []
    for count, app in apps.items():
        _holding_route(app, release, most[count])

    def get(client: httpx.AsyncClient) -> Callable[[], Awaitable[None]]:
        async def send() -> None:
            statuses.append((await client.get("/probe")).status_code)

        return send

    clients = [
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
        for app in apps.values()
    ]
    slots: dict[int, SessionSlots] = {count: app.state.session_slots for count, app in apps.items()}
    with anyio.fail_after(30):
        async with anyio.create_task_group() as tasks:
            for client in clients:
                for _ in range(REQUESTS):
                    tasks.start_soon(get(client))
            await _until(
                lambda: all(s.in_use == count and s.waiting == REQUESTS - count for count, s in slots.items())
            )
            release.set()
    for client in clients:
        await client.aclose()
    return {count: held[0] for count, held in most.items()}, statuses


def test_two_apps_in_one_process_each_have_the_session_count_of_their_settings(tmp_path: Path) -> None:
    apps = {
        count: create_app(Settings(data_dir=tmp_path / str(count), db_sessions=count)) for count in (1, 3)
    }
    try:
        most, statuses = anyio.run(_burst, apps)
    finally:
        for app in apps.values():
            app.state.engine.dispose()
    assert most == {1: 1, 3: 3}
    assert statuses == [200] * REQUESTS * len(apps)
