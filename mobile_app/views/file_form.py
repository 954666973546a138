"""The file record form: every field of the shared schema, damages with severity, photos."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import flet as ft

from common.dates import show_date
from common.vocab import (
    AccessRegime,
    Carrier,
    Criterion,
    DamageType,
    Language,
    Readability,
    Retention,
    Severity,
)
from mobile_app.models.draft_form import DraftForm
from mobile_app.models.file_form import FileRecordForm
from mobile_app.views.camera import CameraPanel
from mobile_app.views.common import (
    FORM_COLS,
    Cols,
    Ui,
    app_bar,
    big_button,
    checkbox,
    dropdown,
    error_text,
    form_text,
    go,
    in_background,
    marker,
    radios,
    screen,
    section,
    segmented,
    text_field,
    toast,
    use_observable,
    use_ui,
)
from mobile_app.views.photos import photo_keeper, thumbnails

WIDE: Cols = {"xs": 12}
DAMAGE_TICKS: Cols = {"xs": 6, "md": 4, "xl": 3}  # 3 columns held upright (800 px), 4 held sideways (1280 px)
DAMAGE_DETAILS: Cols = {"xs": 12, "lg": 6}  # one ticked damage per row upright, two sideways
LANGUAGE_TICKS: Cols = {"xs": 6, "sm": 4}


def form_status(ui: Ui, form: DraftForm) -> str:
    draft_at = form.draft_saved_at
    if form.saved:
        return ui.t("record_saved", file_no=form.values.get("file_no", ""))
    if draft_at is not None:
        return ui.t("draft_saved", when=show_date(draft_at, tz=None, time_only=True))
    return ""


def review_banner(ui: Ui, form: DraftForm) -> list[ft.Control]:
    """Reviewers' comments, server refusals and conflicts, above the form."""
    out: list[ft.Control] = []
    comments = [c for c in form.comments() if c.get("text")]
    lines = [
        ui.t(
            "review_comment",
            state=_state_label(ui, c.get("state")),
            author=c.get("author") or "",
            text=c["text"],
        )
        for c in comments
    ]
    if lines:
        out.append(_banner("review-comments", lines, ft.Colors.RED_50))
    errors = form.server_errors
    if errors:
        out.append(_banner("server-errors", [ui.t("server_rejected"), *errors], ft.Colors.ORANGE_50))
    if form.conflicted:
        out.append(_banner("conflict", [ui.t("conflict_note")], ft.Colors.AMBER_50))
    return out


def _state_label(ui: Ui, state: str | None) -> str:
    from common.vocab import ReviewState

    if state is None:
        return ""
    try:
        return ReviewState(state).label(ui.lang)
    except ValueError:
        return state or ""


def _banner(identifier: str, lines: list[str], color: str) -> ft.Control:
    return ft.Container(
        bgcolor=color,
        padding=16,
        border_radius=12,
        content=ft.Semantics(identifier=identifier, content=ft.Column([ft.Text(x, size=17) for x in lines])),
    )


def _where(ui: Ui, f: FileRecordForm) -> ft.Control:
    e = f.error
    boxes = [("", ui.t("no_box")), *f.box_options()]
    return section(
        ui.t("field.fonds"),
        ft.ResponsiveRow(
            [
                dropdown(
                    ui.t("field.fonds"),
                    f.values["fonds_id"],
                    f.fonds_options(),
                    lambda v: f.set("fonds_id", v),
                    error=e("fonds_id"),
                    col={"xs": 12, "md": 6},
                ),
                dropdown(
                    ui.t("box"),
                    f.values["box_id"] or "",
                    boxes,
                    lambda v: f.set("box_id", v or None),
                    col={"xs": 12, "md": 6},
                ),
                form_text(ui, f, "inventory_no", "field.inventory_no"),
                form_text(ui, f, "box_no", "field.box_no"),
                form_text(ui, f, "file_no", "file_no"),
            ],
            run_spacing=12,
        ),
    )


def _content(ui: Ui, f: FileRecordForm) -> ft.Control:
    return section(
        ui.t("title"),
        ft.ResponsiveRow(
            [
                form_text(ui, f, "title", "title", multiline=True, col=WIDE),
                form_text(ui, f, "start_date", "field.start_date", hint=ui.t("date_hint")),
                form_text(ui, f, "end_date", "field.end_date", hint=ui.t("date_hint")),
                form_text(ui, f, "leaves", "field.leaves", number=True),
                form_text(ui, f, "pages", "field.pages", number=True),
                dropdown(
                    ui.t("field.carrier"),
                    f.values["carrier"],
                    [(c.value, c.label(ui.lang)) for c in Carrier],
                    lambda v: f.set("carrier", v),
                ),
            ],
            run_spacing=12,
        ),
    )


def _rules(ui: Ui, f: FileRecordForm) -> ft.Control:
    lang = ui.lang
    e = f.error
    controls: list[ft.Control] = [
        ft.Text(ui.t("criteria"), size=17, weight=ft.FontWeight.W_500),
        ft.Column(
            [
                checkbox(
                    c.label(lang),
                    c.value in f.values["criteria"],
                    partial(f.toggle, "criteria", c.value),
                    wrap=True,
                )
                for c in Criterion
            ]
        ),
        error_text(e("criteria")),
        ft.Text(ui.t("field.retention"), size=17, weight=ft.FontWeight.W_500),
        radios(
            f.values["retention"],
            [(r.value, r.label(lang)) for r in Retention],
            lambda v: f.set("retention", v),
        ),
    ]
    if f.values["retention"] == Retention.YEARS.value:
        controls.append(form_text(ui, f, "retention_years", "retention_years", number=True, col=None))
    else:
        controls.append(error_text(e("retention_years")))
    controls += [
        ft.Text(ui.t("field.access"), size=17, weight=ft.FontWeight.W_500),
        radios(
            f.values["access"], [(a.value, a.label(lang)) for a in AccessRegime], lambda v: f.set("access", v)
        ),
        ft.Text(ui.t("field.languages"), size=17, weight=ft.FontWeight.W_500),
        ft.ResponsiveRow(
            [
                checkbox(
                    x.label(lang),
                    x.value in f.values["languages"],
                    partial(f.toggle, "languages", x.value),
                    col=LANGUAGE_TICKS,
                )
                for x in Language
            ],
            run_spacing=0,
        ),
        error_text(e("languages")),
        form_text(ui, f, "notes", "field.notes", multiline=True, col=None),
    ]
    return section(ui.t("rules_section"), *controls)


def _damage_tick(ui: Ui, f: FileRecordForm, d: DamageType) -> ft.Control:
    return ft.Container(
        key=d.value,
        content=checkbox(
            d.label(ui.lang), d.value in f.damages, lambda v: f.set_damage(d.value, v), wrap=True
        ),
        col=DAMAGE_TICKS,
    )


def _damage_details(ui: Ui, f: FileRecordForm, d: DamageType) -> ft.Control:
    """Severity and readability of a ticked damage, as segmented choices, and its note."""
    lang = ui.lang
    state = f.damages[d.value]

    def caption(key: str) -> ft.Control:
        return ft.Text(ui.t(key), size=15, color=ft.Colors.ON_SURFACE_VARIANT)

    return ft.Container(
        key=f"{d.value}-details",
        col=DAMAGE_DETAILS,
        padding=ft.Padding.only(left=12, right=4, bottom=8),
        border=ft.Border.only(left=ft.BorderSide(4, ft.Colors.PRIMARY)),
        content=ft.Column(
            [
                ft.Text(d.label(lang), size=17, weight=ft.FontWeight.W_500),
                caption("field.severity"),
                segmented(
                    str(state.severity) if state.severity else None,
                    [(str(int(s)), f"{int(s)} {s.label(lang)}") for s in Severity],
                    lambda v: f.update_damage(d.value, severity=v),
                    allow_empty=True,
                ),
                error_text(f.damage_error(d.value, "severity")),
                caption("field.readability"),
                segmented(
                    state.readability,
                    [(r.value, r.label(lang)) for r in Readability],
                    lambda v: f.update_damage(d.value, readability=v or Readability.FULL.value),
                ),
                text_field(
                    ui.t("damage_note"),
                    state.note,
                    lambda v: f.update_damage(d.value, note=v),
                    col=None,
                    error=f.damage_error(d.value, "note"),
                    key=f"damage-note-{d.value}",
                ),
            ],
            spacing=6,
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        ),
    )


def _damages(ui: Ui, f: FileRecordForm) -> ft.Control:
    """Every damage type as a tick box across the whole width; below, the details of the ticked ones."""
    controls: list[ft.Control] = [
        ft.ResponsiveRow([_damage_tick(ui, f, d) for d in DamageType], spacing=8, run_spacing=0)
    ]
    ticked = [d for d in DamageType if d.value in f.damages]
    if ticked:
        controls.append(
            ft.ResponsiveRow([_damage_details(ui, f, d) for d in ticked], spacing=16, run_spacing=16)
        )
    if f.flagged_for_conservation:
        controls.append(ft.Text(ui.t("conservation_flag"), size=16, color=ft.Colors.ORANGE_900))
    return section(ui.t("field.damages"), *controls)


def _photos(ui: Ui, f: FileRecordForm, camera: bool, set_camera: Callable[[bool], None]) -> ft.Control:
    """Photos of the file: taken with the camera inside the app, or picked from the gallery."""

    keep = photo_keeper(ui.lang, f.add_photo)

    async def pick(_e: ft.Event) -> None:
        picked = await ui.picker.pick_images(multiple=True)
        if picked:
            in_background(lambda: [keep(name, content) for name, content in picked])

    controls: list[ft.Control] = []
    if camera:  # the preview first, what it took right under it
        shot = ui.t("take_photos")
        controls.append(CameraPanel(lambda content: keep(shot, content), lambda: set_camera(False)))
    controls += [
        thumbnails(ui.container.photos, f.photos, f.remove_photo, ui.t("remove_photo")),
        error_text(f.error("photos")),
    ]
    buttons = [big_button(ui.t("add_photos"), pick, ft.Icons.PHOTO_LIBRARY, primary=False)]
    if not camera:
        buttons.insert(0, big_button(ui.t("take_photos"), lambda _e: set_camera(True), ft.Icons.PHOTO_CAMERA))
    controls.append(ft.Row(buttons, wrap=True))
    return section(ui.t("field.photos"), *controls)


@ft.component
def FileFormScreen() -> ft.View:
    ui = use_ui()
    params = ft.use_route_params()
    code, rid = params["code"], params["rid"]
    form = ft.use_memo(lambda: ui.container.file_form(code, rid), [code, rid])
    use_observable(form)
    camera, set_camera = ft.use_state(False)

    def leave() -> None:  # leaving the screen writes the draft now; the agency's screen lists it
        form.flush()
        ui.container.changes.notify()

    ft.use_effect(lambda: None, [rid], cleanup=leave)

    def save(_e: ft.Event) -> None:
        if form.save():
            toast(ui.t("record_saved", file_no=form.values["file_no"]))
            go(f"/agency/{code}")

    def save_next(_e: ft.Event) -> None:
        next_id = form.save_and_next()
        if next_id:
            toast(ui.t("record_saved", file_no=form.values["file_no"]))
            go(f"/agency/{code}/record/{next_id}")

    problems = form.errors.count if form.errors.submitted else 0
    title = ui.t("file_title", file_no=form.values["file_no"]) if not form.is_new else ui.t("new_file_title")
    return screen(
        f"/agency/{code}/record/{rid}",
        app_bar(ui, title, home_actions=False),
        *review_banner(ui, form),
        ft.ResponsiveRow(
            [
                ft.Column(
                    [_where(ui, form), _content(ui, form)],
                    col={"xs": 12, "lg": 7},
                    spacing=16,
                    horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                ),
                ft.Column(
                    [_rules(ui, form)],
                    col={"xs": 12, "lg": 5},
                    spacing=16,
                    horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                ),
            ],
            spacing=16,
            vertical_alignment=ft.CrossAxisAlignment.START,
        ),
        _damages(ui, form),
        _photos(ui, form, camera, set_camera),
        marker("form-status", form_status(ui, form), size=16),
        error_text(ui.t("has_errors", n=problems) if problems else None),
        ft.Row(
            [
                big_button(ui.t("save"), save, ft.Icons.SAVE),
                big_button(
                    ui.t("save_next"),
                    save_next,
                    ft.Icons.SKIP_NEXT,
                    primary=False,
                    disabled=not form.values["box_id"],
                ),
            ],
            wrap=True,
        ),
    )


__all__ = ["FORM_COLS", "FileFormScreen", "form_status", "review_banner"]
