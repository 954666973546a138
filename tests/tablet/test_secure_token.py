"""The device token in the platform's secure storage: moved there from the database (existing
installs, command-line enrollments), kept there after enrolling, forgotten at sign-out; the
database as before when there is no vault or it fails."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

import pytest

from mobile_app.models.secrets import TOKEN_KEY
from tests.waiting import poll


class MemoryVault:
    """Secure storage as the app sees it; ``fail`` makes it behave like a platform without one."""

    def __init__(self, fail: bool = False) -> None:
        self.data: dict[str, str] = {}
        self.fail = fail

    async def read(self, key: str) -> str | None:
        self._check()
        return self.data.get(key)

    async def write(self, key: str, value: str) -> None:
        self._check()
        self.data[key] = value

    async def erase(self, key: str) -> None:
        self._check()
        self.data.pop(key, None)

    def _check(self) -> None:
        if self.fail:
            raise RuntimeError("no secure storage on this platform")


@pytest.fixture
def on_app_loop() -> Iterator[Callable[[Coroutine[Any, Any, Any]], Any]]:
    """Run coroutines on a loop of their own thread, as the app's event loop is."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield lambda coro: asyncio.run_coroutine_threadsafe(coro, loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.close()


def _plain(c) -> str | None:  # type: ignore[no-untyped-def]
    return c.store.get_pref("token")


def test_an_existing_install_moves_its_token_into_secure_storage(make_container, on_app_loop) -> None:  # type: ignore[no-untyped-def]
    c = make_container()
    c.prefs.save_enrollment("https://luutru.example.vn", "dev-1", "tok-123", "khaosat1")  # as before
    assert _plain(c) == "tok-123"
    vault = MemoryVault()
    assert on_app_loop(c.prefs.use_vault(vault))
    assert vault.data == {TOKEN_KEY: "tok-123"} and _plain(c) is None  # no longer in a plain file
    assert c.prefs.enrolled and c.prefs.token == "tok-123"
    assert c.http().headers["Authorization"] == "Bearer tok-123"

    again = make_container()  # the app restarted
    assert not again.prefs.enrolled  # until the vault is opened
    assert on_app_loop(again.prefs.use_vault(vault)) and again.prefs.token == "tok-123"


def test_enrolling_with_a_vault_keeps_the_token_only_there(make_container, on_app_loop) -> None:  # type: ignore[no-untyped-def]
    c = make_container()
    vault = MemoryVault()
    assert on_app_loop(c.prefs.use_vault(vault))
    c.prefs.save_enrollment("https://luutru.example.vn", "dev-2", "tok-456", "khaosat2")  # off the UI loop
    assert c.prefs.token == "tok-456"  # usable at once
    assert poll(lambda: _plain(c) is None, 10) and vault.data[TOKEN_KEY] == "tok-456"
    assert c.prefs.token == "tok-456"


def test_sign_out_forgets_the_token_even_if_the_vault_kept_it(make_container, on_app_loop) -> None:  # type: ignore[no-untyped-def]
    c = make_container()
    c.prefs.save_enrollment("https://luutru.example.vn", "dev-3", "tok-789", "khaosat1")
    vault = MemoryVault()
    on_app_loop(c.prefs.use_vault(vault))
    c.prefs.clear_enrollment()
    assert not c.prefs.enrolled and c.prefs.token is None
    assert poll(lambda: TOKEN_KEY not in vault.data, 10)
    vault.data[TOKEN_KEY] = "tok-789"  # as if the app died before erasing it
    again = make_container()
    assert on_app_loop(again.prefs.use_vault(vault))
    assert not again.prefs.enrolled and TOKEN_KEY not in vault.data
    assert again.prefs.server_url == "https://luutru.example.vn"  # the next enrollment needs only a code


def test_without_working_secure_storage_the_token_stays_in_the_database(make_container, on_app_loop) -> None:  # type: ignore[no-untyped-def]
    c = make_container()
    c.prefs.save_enrollment("https://luutru.example.vn", "dev-4", "tok-000", "khaosat1")
    assert not on_app_loop(c.prefs.use_vault(MemoryVault(fail=True)))
    assert _plain(c) == "tok-000" and c.prefs.enrolled and c.prefs.vault is None
    c.prefs.save_enrollment("https://luutru.example.vn", "dev-4", "tok-001", "khaosat1")
    assert _plain(c) == "tok-001" and c.prefs.token == "tok-001"


def test_a_token_the_platform_lost_means_enrolling_again(make_container, on_app_loop) -> None:  # type: ignore[no-untyped-def]
    c = make_container()
    c.prefs.save_enrollment("https://luutru.example.vn", "dev-5", "tok-555", "khaosat1")
    on_app_loop(c.prefs.use_vault(MemoryVault()))
    again = make_container()  # e.g. restored from a backup onto another tablet: the keystore is new
    assert on_app_loop(again.prefs.use_vault(MemoryVault()))
    assert not again.prefs.enrolled and again.prefs.server_url == "https://luutru.example.vn"
