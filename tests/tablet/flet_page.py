"""Driving the Flet web app in Chromium through Flutter's semantics tree (see FLET-NOTES.md).

No fixed pauses: every step waits for something it can see. Playwright's locators wait for their
element; :meth:`FletPage.wait_text` and :meth:`FletPage.wait_for` poll a condition; a screenshot
waits until the canvas has stopped changing (the accessibility tree updates before it repaints).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError

from tests.waiting import poll

BACK_NAMES = ("Quay lại", "Back")  # Flutter's back button, in the app's language
LANDSCAPE_MIDDLE = (400, 400)  # a point inside the screen, upright or sideways
NEXT_FRAME = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"


class FletPage:
    def __init__(self, page: Any, shots: Path) -> None:
        self.page = page
        self.shots = shots

    def open(self, url: str) -> FletPage:
        self.page.goto(url)
        self.ready()
        return self

    def ready(self) -> None:
        """The first frame is drawn and the semantics tree, turned on, holds the screen's controls."""
        self.page.wait_for_selector("#loading", state="detached", timeout=60_000)
        self.page.locator("flt-semantics-placeholder").evaluate("e => e.click()")
        self.page.wait_for_selector("flt-semantics[role]", timeout=30_000)

    def reload(self) -> None:
        self.page.reload()
        self.ready()

    # --- finding -------------------------------------------------------------------------------

    def marker(self, identifier: str) -> Any:
        return self.page.locator(f'[flt-semantics-identifier="{identifier}"]').last

    def text_of(self, identifier: str) -> str:
        return str(self.marker(identifier).inner_text()).strip()

    def label_of(self, identifier: str) -> str | None:
        """The accessible label of a ``Semantics(identifier=..., label=...)`` (on it, else on its first
        labelled descendant: controls inside it, like the photos' remove buttons, have their own)."""
        node = self.page.locator(f'[flt-semantics-identifier="{identifier}"]')
        if node.count() == 0:
            return None
        own = node.last.get_attribute("aria-label")
        if own is not None:
            return own
        inner = node.last.locator("[aria-label]")
        return inner.first.get_attribute("aria-label") if inner.count() else None

    def wait_text(self, identifier: str, pattern: str, timeout: float = 30) -> str:
        """Wait until the marker's text matches ``pattern`` (a regular expression)."""
        seen = [""]

        def matches() -> bool:
            try:
                seen[0] = self.text_of(identifier) if self.has_marker(identifier) else ""
            except Exception:  # re-rendered while being read
                seen[0] = ""
            return re.search(pattern, seen[0]) is not None

        if poll(matches, timeout):
            return seen[0]
        self.page.screenshot(path=str(self.shots / f"failed-{identifier}.png"))
        nodes = self.page.locator("[flt-semantics-identifier]").evaluate_all(
            "els => els.map(e => e.getAttribute('flt-semantics-identifier') + '=' + e.innerText)"
        )
        raise AssertionError(f"{identifier!r}: {seen[0]!r} never matched {pattern!r}; markers: {nodes}")

    def wait_for(self, check: Callable[[], bool], timeout: float = 30, what: str = "") -> None:
        if not poll(check, timeout):
            self.page.screenshot(path=str(self.shots / "failed-wait.png"))
            raise AssertionError(f"timed out waiting for {what}")

    def turn(self, size: dict[str, int]) -> None:
        """Hold the tablet at ``size`` and wait until the app is laid out for it: the accessibility
        tree (what every lookup reads) spans the new width and nothing in it lies beyond it."""
        self.page.set_viewport_size(size)
        width = size["width"]
        script = """w => {
            const edges = [...document.querySelectorAll('flt-semantics')]
                .map(e => e.getBoundingClientRect()).filter(r => r.width > 0).map(r => r.right);
            return edges.length > 0 && Math.max(...edges) <= w + 1 && Math.max(...edges) > w * 0.75;
        }"""
        self.wait_for(lambda: bool(self.page.evaluate(script, width)), 15, f"a layout {width} wide")

    def reveal(self, check: Callable[[], bool], what: str, steps: int = 12) -> None:
        """Scroll the screen down until ``check`` holds (Flutter leaves what is off screen out of the
        accessibility tree); from the top again if the bottom came first."""
        self.page.mouse.move(LANDSCAPE_MIDDLE[0], LANDSCAPE_MIDDLE[1])
        for step in range(steps):
            if poll(check, 1):
                return
            self.page.mouse.wheel(0, -10_000 if step == steps // 2 else 300)
        self.wait_for(check, 1, what)

    def has_marker(self, identifier: str) -> bool:
        return self.page.locator(f'[flt-semantics-identifier="{identifier}"]').count() > 0

    def button(self, name: str, nth: int | None = None) -> Any:
        loc = self.page.get_by_role("button", name=name, exact=True)
        return loc.nth(nth) if nth is not None else loc.last

    def textbox(self, name: str) -> Any:
        return self.page.get_by_role("textbox", name=name, exact=True).last

    def has_text(self, text: str) -> bool:
        return self.page.get_by_text(text, exact=False).count() > 0

    def box(self, name: str, role: str = "button", nth: int = 0) -> dict[str, float]:
        """The on-screen rectangle (x, y, width, height) of the ``nth`` element named ``name``."""
        loc = self.page.get_by_role(role, name=name, exact=True).nth(nth)
        loc.wait_for(state="visible")
        rect = loc.bounding_box()
        assert rect is not None, name
        return rect  # type: ignore[no-any-return]

    # --- acting --------------------------------------------------------------------------------

    def _visible(self, role: str, name: str) -> Any:
        return self.page.get_by_role(role, name=name, exact=True).filter(visible=True)

    def click(self, name: str, nth: int | None = None, role: str = "button") -> None:
        loc = self._visible(role, name)
        try:
            (loc.nth(nth) if nth is not None else loc.last).click(timeout=15_000)
        except Exception as exc:
            self.page.screenshot(path=str(self.shots / "failed-click.png"))
            names = self.page.get_by_role(role).evaluate_all(
                "els => els.map(e => (e.getAttribute('aria-label') || e.innerText).slice(0, 50))"
            )
            raise AssertionError(f"no {role} {name!r} to click; there are: {names}") from exc
        self.page.mouse.move(2, 400)  # a hovering pointer leaves tooltips that rename the buttons

    def click_any(self, names: Sequence[str], role: str = "button") -> None:
        """Click the first of ``names`` that is on screen (waiting for one to appear)."""
        found: list[str] = []

        def present() -> bool:
            found[:] = [n for n in names if self._visible(role, n).count()]
            return bool(found)

        if not poll(present, 15):
            raise AssertionError(f"none of {names} on screen")
        self.click(found[0], role=role)

    def click_containing(self, part: str, role: str = "button") -> None:
        """Click the element whose accessible name contains ``part`` (list tiles merge their lines)."""
        self.page.get_by_role(role, name=re.compile(re.escape(part))).first.click()
        self.page.mouse.move(2, 400)

    def click_text(self, text: str) -> None:
        self.page.get_by_text(text).first.click()

    def type(self, label: str, text: str, clear: bool = False) -> None:
        """Type into the text field named ``label``: once it has the keyboard focus, and until it holds
        the text (a click that lands while the screen moves would otherwise type into another field)."""
        field: Any = None

        def focused() -> bool:
            return bool(field.evaluate("e => e === document.activeElement"))

        for _ in range(3):
            try:  # a handle: its name may change once focused (hint shown)
                field = self.textbox(label).element_handle(timeout=15_000)
                field.click(timeout=15_000)
            except PlaywrightError:  # re-rendered between finding and clicking it: find it again
                continue
            if poll(focused, 5):
                break
        else:
            self.page.screenshot(path=str(self.shots / "failed-focus.png"))
            raise AssertionError(f"the text field {label!r} never took the focus")
        keyboard = self.page.keyboard
        if clear:
            keyboard.press("Control+a")
            keyboard.press("Backspace")
            self.wait_for(lambda: field.input_value() == "", 10, f"{label!r} cleared")
        if not text:
            return
        # The first key only once Flutter listens: focus comes a moment before its text input does.
        before = field.input_value()
        for _ in range(10):
            keyboard.type(text[0])
            if poll(lambda: field.input_value() != before, 1):
                break
        keyboard.type(text[1:], delay=15)
        self.wait_for(lambda: text in field.input_value(), 10, f"{label!r} holding {text!r}")

    def location(self) -> str:
        """The address the app shows (its route; read from the page: Playwright's ``url`` can lag)."""
        return str(self.page.evaluate("location.href"))

    def back(self) -> None:
        """Press the app bar's back arrow (named in the app's language); wait for the route to change."""
        before = self.location()
        self.click_any(BACK_NAMES)
        self.wait_for(lambda: self.location() != before, 15, "the previous screen")

    def back_to(self, identifier: str, tries: int = 5) -> None:
        """Press the app bar's back arrow until the marker ``identifier`` is on screen."""
        for _ in range(tries):
            if self.has_marker(identifier) or poll(lambda: self.has_marker(identifier), 2):
                return
            self.back()
        raise AssertionError(f"never got back to {identifier}")

    def tick(self, label: str, nth: int | None = None) -> None:
        self.click(label, nth, role="checkbox")

    def choose(self, label: str, nth: int | None = None) -> None:
        self.click(label, nth, role="radio")

    def pick_files(self, button: str, files: list[Path]) -> None:
        with self.page.expect_file_chooser() as chooser:
            self.button(button).click()
        chooser.value.set_files([str(f) for f in files])

    def download(self, button: str, dest: Path) -> Path:
        with self.page.expect_download() as dl:
            self.button(button).click()
        dl.value.save_as(dest)
        return dest

    def shot(self, name: str, timeout: float = 10) -> Path:
        """A screenshot once the canvas has settled: three captures in a row, each after the next
        frames were drawn, came out the same (or ``timeout`` passed, e.g. a blinking cursor)."""
        path = self.shots / f"{name}.png"
        captures: list[bytes] = []

        def settled() -> bool:
            self.page.evaluate(NEXT_FRAME)
            captures.append(self.page.screenshot())
            return len(captures) >= 3 and captures[-1] == captures[-2] == captures[-3]

        poll(settled, timeout, interval=0.05)
        path.write_bytes(captures[-1])
        return path
