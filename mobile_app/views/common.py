"""What every screen shares: the UI context, an observer hook, file picking, large touch widgets."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import flet as ft
from flet.components.utils import current_component

from common.words import text as t
from mobile_app.container import Container
from mobile_app.models.base import Observable
from mobile_app.models.draft_form import DraftForm

TOUCH = 56  # minimum height of anything a gloved finger presses
FIELD_TEXT = 18
Cols = dict[str | ft.ResponsiveRowBreakpoint, int | float]
"""How many of a ResponsiveRow's 12 columns a control takes, per breakpoint."""
FORM_COLS: Cols = {"xs": 12, "md": 6, "xl": 4}


class Picker:
    """The device's file chooser (gallery on Android): picks images, saves files."""

    def __init__(self, picker: ft.FilePicker) -> None:
        self.picker = picker

    async def pick_images(self, multiple: bool = True) -> list[tuple[str, bytes]]:
        files = await self.picker.pick_files(
            file_type=ft.FilePickerFileType.IMAGE, allow_multiple=multiple, with_data=True
        )
        out = []
        for f in files or []:
            content = f.bytes if f.bytes else (Path(f.path).read_bytes() if f.path else b"")
            out.append((f.name, bytes(content)))
        return out

    async def save(self, name: str, content: bytes) -> None:
        """Offer the file to the user (a download in web mode, the save dialog on a device)."""
        await self.picker.save_file(file_name=name, src_bytes=content)


@dataclass(frozen=True)
class Ui:
    container: Container
    picker: Picker
    lang: str

    def t(self, key: str, **kw: object) -> str:
        return t(key, self.lang, **kw)


UiContext: ft.ContextProvider[Ui | None] = ft.create_context(None)


def use_ui() -> Ui:
    ui = ft.use_context(UiContext)
    assert ui is not None, "screens are rendered inside UiContext"
    return ui


def use_observable(*models: Observable | None) -> None:
    """Re-render when any of ``models`` notifies, from whatever thread it notifies."""
    _, set_tick = ft.use_state(0)

    def setup() -> Callable[[], None]:
        loop = asyncio.get_running_loop()
        ctx = contextvars.copy_context()

        def bump() -> None:
            set_tick(lambda n: n + 1)

        def on_change() -> None:
            try:
                same_loop = asyncio.get_running_loop() is loop
            except RuntimeError:
                same_loop = False
            if same_loop:
                bump()
            elif not loop.is_closed():
                loop.call_soon_threadsafe(bump, context=ctx.copy())

        stops = [m.subscribe(on_change) for m in models if m is not None]

        def stop_all() -> None:
            for stop in stops:
                stop()

        return stop_all

    ft.use_effect(setup, [id(m) for m in models])


def in_background(fn: Callable[..., Any], *args: Any) -> None:
    """Run blocking work (network, image processing) off the UI loop."""
    ft.context.page.run_thread(fn, *args)


def go(route: str) -> None:
    ft.context.page.navigate(route)


def toast(text: str) -> None:
    ft.context.page.show_dialog(ft.SnackBar(content=ft.Text(text, size=16), duration=4000))


def marker(identifier: str, text: str, **kw: Any) -> ft.Control:
    """A text tests and screen readers can find by ``identifier`` (its label is the text itself)."""
    return ft.Semantics(
        key=f"{identifier}:{text}",  # a new node when the text changes: Flutter web kept stale labels
        identifier=identifier,
        label=text,
        exclude_semantics=True,
        content=ft.Text(text, **kw),
    )


def whole_row(col: Cols | None) -> ft.ResponsiveNumber:
    """``col``, or Flet's own default when it is not given: all 12 columns of a ResponsiveRow."""
    return 12 if col is None else col


def heading(text: str) -> ft.Control:
    return ft.Text(text, size=20, weight=ft.FontWeight.BOLD)


def section(title: str, *controls: ft.Control, col: Cols | None = None) -> ft.Control:
    return ft.Container(
        col=whole_row(col),
        padding=16,
        border_radius=12,
        bgcolor=ft.Colors.SURFACE_CONTAINER_LOW,
        content=ft.Column(
            [heading(title), *controls], spacing=12, horizontal_alignment=ft.CrossAxisAlignment.STRETCH
        ),
    )


def big_button(
    text: str,
    on_click: Callable[..., Any] | None,
    icon: ft.IconData | None = None,
    *,
    primary: bool = True,
    disabled: bool = False,
    expand: bool = False,
) -> ft.Control:
    cls = ft.FilledButton if primary else ft.OutlinedButton
    return cls(
        content=ft.Text(text, size=17),
        icon=icon,
        on_click=on_click,
        disabled=disabled,
        height=TOUCH,
        expand=expand or None,
        style=ft.ButtonStyle(padding=ft.Padding.symmetric(horizontal=20)),
    )


@dataclass
class _TypedText:
    """What one text field of a screen has shown and reported (see :func:`text_field`)."""

    control: ft.TextField | None = None  # the last one rendered: the one the client's edits reach
    reported: set[str] = field(default_factory=set)  # texts it reported since the model last set it


def _client_side_text(key: str, value: str) -> tuple[str, _TypedText]:
    """The text to render in a field whose model value is ``value``, without erasing typing.

    Flet applies each edit from the browser or tablet to the control at once, but runs its
    ``on_change`` handler later; a render in between (an autosave's "draft saved", a photo added)
    would send the model's older text back and erase what was typed meanwhile. So a model value
    the field itself reported keeps the field's own, newer text; any other value (a box chosen,
    a draft discarded) is sent to it.
    """
    # Kept with the rendering component's state: it outlives the component wrapper of one render
    # (Flet 1.0.5 moves ``_state`` from wrapper to wrapper); a screen reused for another record
    # (another route) starts afresh.
    fields: dict[str, _TypedText] = current_component()._state.__dict__.setdefault("saoluu_typed", {})
    memory = fields.setdefault(f"{ft.context.page.route}\n{key}", _TypedText())
    if memory.control is not None and value in memory.reported:
        return memory.control.value or "", memory
    memory.reported = {value}
    return value, memory


def text_field(
    label: str,
    value: str,
    on_change: Callable[[str], None],
    *,
    error: str | None = None,
    hint: str | None = None,
    multiline: bool = False,
    number: bool = False,
    col: Cols | None = FORM_COLS,
    on_submit: Callable[[str], object] | None = None,
    password: bool = False,
    key: str | None = None,
) -> ft.TextField:
    """A text field of a screen (``key``, default the label, tells it from the screen's others)."""
    shown, memory = _client_side_text(key or label, value)

    def changed(e: ft.Event) -> None:
        text = e.control.value or ""
        memory.reported.add(text)
        on_change(text)

    control = ft.TextField(
        label=label,
        value=shown,
        error=error,
        error_max_lines=3,
        hint_text=hint,
        multiline=multiline,
        min_lines=2 if multiline else None,
        max_lines=6 if multiline else 1,
        keyboard_type=ft.KeyboardType.NUMBER if number else ft.KeyboardType.TEXT,  # TEXT: Flet's default
        text_size=FIELD_TEXT,
        col=whole_row(col),
        password=password,
        on_change=changed,
        on_submit=(lambda e: on_submit(e.control.value or "")) if on_submit else None,
    )
    memory.control = control
    return control


def form_text(ui: Ui, form: DraftForm, name: str, label_key: str, **options: Any) -> ft.TextField:
    """The text field of a record form's value ``name``, labelled with the words of ``label_key``:
    it shows the value and its error and sets the value as it is typed (``options``: see
    :func:`text_field`)."""
    return text_field(
        ui.t(label_key), form.values[name], lambda v: form.set(name, v), error=form.error(name), **options
    )


def dropdown(
    label: str,
    value: str | None,
    options: Sequence[tuple[str, str]],
    on_select: Callable[[str | None], None],
    *,
    error: str | None = None,
    col: Cols | None = FORM_COLS,
) -> ft.Control:
    """A choice with its label as accessible name; a long choice ends in an ellipsis, never cut.

    (Flet's M3 ``Dropdown`` shows the choice in a text field, which cannot ellipsise, and exposes
    no name to screen readers; the M2 one with text options does both.)
    """

    def option(key: str, text: str) -> ft.dropdownm2.Option:
        return ft.dropdownm2.Option(
            key=key,
            content=ft.Text(
                text, size=FIELD_TEXT, max_lines=1, no_wrap=True, overflow=ft.TextOverflow.ELLIPSIS
            ),
        )

    return ft.DropdownM2(
        label=label,
        value=value,
        options=[option(k, text) for k, text in options],
        on_change=lambda e: on_select(e.control.value or None),
        error=error,
        text_size=FIELD_TEXT,
        col=whole_row(col),
        expand=True,
    )


def icon_button(icon: ft.IconData, name: str, on_click: Callable[..., Any], **kw: Any) -> ft.Control:
    """An icon button named ``name`` for screen readers (a tooltip alone gives it no name, and a
    tooltip beside the label would be read twice)."""
    return ft.Semantics(
        label=name, button=True, container=True, content=ft.IconButton(icon, on_click=on_click, **kw)
    )


def radios(
    value: str | None, options: Sequence[tuple[str, str]], on_change: Callable[[str], None]
) -> ft.RadioGroup:
    col: Cols = {"xs": 12, "sm": 6} if len(options) <= 2 else {"xs": 12, "sm": 6, "lg": 4}
    return ft.RadioGroup(
        value=value,
        on_change=lambda e: on_change(e.control.value),
        content=ft.ResponsiveRow(  # a wrapping Row would put each choice on its own line
            [
                ft.Radio(value=k, label=text, label_style=ft.TextStyle(size=16), col=col)
                for k, text in options
            ],
            spacing=4,
            run_spacing=0,
        ),
    )


def segmented(
    value: str | None,
    options: Sequence[tuple[str, str]],
    on_change: Callable[[str | None], None],
    *,
    allow_empty: bool = False,
) -> ft.SegmentedButton:
    """A compact single choice filling its width; long labels wrap inside their segment."""

    def changed(e: ft.Event) -> None:
        chosen = e.control.selected
        on_change(chosen[0] if chosen else None)

    return ft.SegmentedButton(
        selected=[value] if value else [],
        allow_empty_selection=allow_empty or not value,
        show_selected_icon=False,
        padding=ft.Padding.all(0),
        segments=[
            ft.Segment(value=k, label=ft.Text(text, size=15, text_align=ft.TextAlign.CENTER, max_lines=3))
            for k, text in options
        ],
        on_change=changed,
    )


def checkbox(
    label: str,
    value: bool,
    on_change: Callable[[bool], None],
    *,
    wrap: bool = False,
    col: Cols | None = None,
) -> ft.Control:
    """A tick box; with ``wrap`` its (long) label wraps and tapping the label ticks it too."""
    if not wrap:
        return ft.Checkbox(
            label=label,
            value=value,
            on_change=lambda e: on_change(bool(e.control.value)),
            label_style=ft.TextStyle(size=16),
            col=whole_row(col),
        )
    return ft.Container(
        content=ft.Row(
            [
                ft.Checkbox(
                    value=value, semantics_label=label, on_change=lambda e: on_change(bool(e.control.value))
                ),
                ft.Text(label, size=16, expand=True),
            ],
            spacing=4,
        ),
        on_click=lambda _e: on_change(not value),
        padding=ft.Padding.symmetric(vertical=4),
    )


def error_text(text: str | None) -> ft.Control:
    return ft.Text(text or "", color=ft.Colors.ERROR, size=15, visible=bool(text))


def app_bar(ui: Ui, title: str, *, home_actions: bool = True) -> ft.AppBar:
    """Title plus, on the main screens, the sync button (with the pending count) and settings."""
    actions: list[ft.Control] = []
    if home_actions:
        pending = ui.container.store.pending_count()
        actions = [
            ft.TextButton(
                content=ui.t("nav_sync") + (f" ({pending})" if pending else ""),
                icon=ft.Icons.SYNC,
                on_click=lambda _e: go("/sync"),
                height=TOUCH,
            ),
            ft.TextButton(
                content=ui.t("nav_settings"),
                icon=ft.Icons.SETTINGS,
                on_click=lambda _e: go("/settings"),
                height=TOUCH,
            ),
        ]
    return ft.AppBar(title=ft.Text(title, size=22), actions=actions, toolbar_height=64)


def screen(route: str, appbar: ft.AppBar, *controls: ft.Control) -> ft.View:
    return ft.View(
        key=route,  # another record is another view: it opens at the top, not where the last one was
        route=route,
        appbar=appbar,
        controls=list(controls),
        scroll=ft.ScrollMode.AUTO,
        padding=16,
        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
    )
