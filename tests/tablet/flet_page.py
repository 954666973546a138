"""Driving the Flet web app in Chromium through Flutter's semantics tree (see FLET-NOTES.md)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SETTLE = 1.5  # the accessibility tree updates before the canvas repaints


class FletPage:
    def __init__(self, page: Any, shots: Path) -> None:
        self.page = page
        self.shots = shots

    def open(self, url: str) -> FletPage:
        self.page.goto(url)
        self.ready()
        return self

    def ready(self) -> None:
        self.page.wait_for_selector("#loading", state="detached", timeout=60_000)
        self.page.locator("flt-semantics-placeholder").evaluate("e => e.click()")
        self.page.wait_for_selector("flt-semantics", timeout=30_000)
        time.sleep(0.5)

    def reload(self) -> None:
        self.page.reload()
        self.ready()

    # --- finding -------------------------------------------------------------------------------

    def marker(self, identifier: str) -> Any:
        return self.page.locator(f'[flt-semantics-identifier="{identifier}"]').last

    def text_of(self, identifier: str) -> str:
        return str(self.marker(identifier).inner_text()).strip()

    def label_of(self, identifier: str) -> str | None:
        """The accessible label of a ``Semantics(identifier=..., label=...)`` (on it or its child)."""
        loc = self.page.locator(f'[flt-semantics-identifier="{identifier}"] [aria-label]')
        if loc.count() == 0:
            return None
        return loc.last.get_attribute("aria-label")

    def wait_text(self, identifier: str, pattern: str, timeout: float = 30) -> str:
        """Wait until the marker's text matches ``pattern`` (a regular expression)."""
        deadline = time.time() + timeout
        last = ""
        while time.time() < deadline:
            try:
                last = self.text_of(identifier)
            except Exception:  # not on screen yet
                last = ""
            if re.search(pattern, last):
                return last
            time.sleep(0.2)
        self.page.screenshot(path=str(self.shots / f"failed-{identifier}.png"))
        nodes = self.page.locator("[flt-semantics-identifier]").evaluate_all(
            "els => els.map(e => e.getAttribute('flt-semantics-identifier') + '=' + e.innerText)"
        )
        raise AssertionError(f"{identifier!r}: {last!r} never matched {pattern!r}; markers: {nodes}")

    def wait_for(self, check: Callable[[], bool], timeout: float = 30, what: str = "") -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if check():
                return
            time.sleep(0.2)
        self.page.screenshot(path=str(self.shots / "failed-wait.png"))
        raise AssertionError(f"timed out waiting for {what}")

    def button(self, name: str, nth: int | None = None) -> Any:
        loc = self.page.get_by_role("button", name=name, exact=True)
        return loc.nth(nth) if nth is not None else loc.last

    def textbox(self, name: str) -> Any:
        return self.page.get_by_role("textbox", name=name, exact=True).last

    def has_text(self, text: str) -> bool:
        return self.page.get_by_text(text, exact=False).count() > 0

    # --- acting --------------------------------------------------------------------------------

    def click(self, name: str, nth: int | None = None, role: str = "button") -> None:
        loc = self.page.get_by_role(role, name=name, exact=True).filter(visible=True)
        try:
            (loc.nth(nth) if nth is not None else loc.last).click(timeout=15_000)
        except Exception as exc:
            self.page.screenshot(path=str(self.shots / "failed-click.png"))
            names = self.page.get_by_role(role).evaluate_all(
                "els => els.map(e => (e.getAttribute('aria-label') || e.innerText).slice(0, 50))"
            )
            raise AssertionError(f"no {role} {name!r} to click; there are: {names}") from exc
        self.page.mouse.move(2, 400)  # a hovering pointer leaves tooltips that rename the buttons
        time.sleep(0.4)

    def click_containing(self, part: str, role: str = "button") -> None:
        """Click the element whose accessible name contains ``part`` (list tiles merge their lines)."""
        self.page.get_by_role(role, name=re.compile(re.escape(part))).first.click()
        self.page.mouse.move(2, 400)
        time.sleep(0.4)

    def click_text(self, text: str) -> None:
        self.page.get_by_text(text).first.click()
        time.sleep(0.4)

    def type(self, label: str, text: str, clear: bool = False) -> None:
        self.textbox(label).click()  # once focused, its accessible name may change (hint shown)
        time.sleep(0.2)
        keyboard = self.page.keyboard
        if clear:
            keyboard.press("Control+a")
            keyboard.press("Backspace")
        if text:
            keyboard.type(text, delay=15)
        time.sleep(0.3)

    def back_to(self, identifier: str, tries: int = 5) -> None:
        """Press the app bar's back arrow until the marker ``identifier`` is on screen."""
        for _ in range(tries):
            if self.page.locator(f'[flt-semantics-identifier="{identifier}"]').count():
                return
            self.click("Back")
            time.sleep(0.8)
        raise AssertionError(f"never got back to {identifier}")

    def tick(self, label: str, nth: int | None = None) -> None:
        self.click(label, nth, role="checkbox")

    def choose(self, label: str, nth: int | None = None) -> None:
        self.click(label, nth, role="radio")

    def pick_files(self, button: str, files: list[Path]) -> None:
        with self.page.expect_file_chooser() as chooser:
            self.button(button).click()
        chooser.value.set_files([str(f) for f in files])
        time.sleep(0.5)

    def download(self, button: str, dest: Path) -> Path:
        with self.page.expect_download() as dl:
            self.button(button).click()
        dl.value.save_as(dest)
        return dest

    def shot(self, name: str) -> Path:
        time.sleep(SETTLE)
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path
