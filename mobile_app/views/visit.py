"""Visiting an agency: the visit, fonds and boxes (with labels), finding a box, files and drafts."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from common.dates import show_date
from common.vocab import FondsKind
from mobile_app.models.qrscan import decoder_available
from mobile_app.models.visit import VisitModel
from mobile_app.views.common import (
    TOUCH,
    Cols,
    Ui,
    app_bar,
    big_button,
    dropdown,
    error_text,
    go,
    icon_button,
    in_background,
    marker,
    screen,
    section,
    text_field,
    use_observable,
    use_ui,
)

HALF: Cols = {"xs": 12, "md": 6}
LEFT: Cols = {"xs": 12, "lg": 5}
RIGHT: Cols = {"xs": 12, "lg": 7}


def _visit_card(ui: Ui, m: VisitModel) -> ft.Control:
    """The agency's state (its nil report, else the visit) and what can be done next."""
    buttons: list[ft.Control] = []
    if m.visit_open:
        buttons.append(big_button(ui.t("end_visit"), lambda _e: m.end_visit(), ft.Icons.STOP, primary=False))
    elif m.can_start_visit:
        buttons.append(
            big_button(
                ui.t("start_visit"),
                lambda _e: m.start_visit(),
                ft.Icons.PLAY_ARROW,
                primary=m.visit is None,
            )
        )
    nil = m.nil_report is not None
    buttons.append(
        big_button(
            ui.t("open_nil") if nil else ui.t("nil_title"),
            lambda _e: go(f"/agency/{m.agency_code}/nil"),
            ft.Icons.TASK_ALT if nil else ft.Icons.DESCRIPTION,
            primary=nil,
        )
    )
    return section(
        m.agency_name,
        marker("visit-status", m.status_text(), size=17),
        ft.Row(buttons, wrap=True),
    )


def _find_box(ui: Ui, m: VisitModel, code: str, set_code: Callable[[str], None]) -> ft.Control:
    async def from_image(_e: ft.Event) -> None:
        picked = await ui.picker.pick_images(multiple=False)
        if picked:
            in_background(m.find_box_by_image, picked[0][1])

    buttons = [big_button(ui.t("find_box"), lambda _e: m.find_box(code), ft.Icons.SEARCH, primary=False)]
    if decoder_available():
        buttons.append(
            big_button(ui.t("find_box_image"), from_image, ft.Icons.QR_CODE_SCANNER, primary=False)
        )
    return section(
        ui.t("find_box"),
        text_field(
            ui.t("box_code"),
            code,
            set_code,
            hint="000.00.01.H47-P12-M3-H0045",
            col=None,
            on_submit=m.find_box,
        ),
        ft.Row(buttons, wrap=True),
        error_text(m.message),
    )


def _fonds_section(ui: Ui, m: VisitModel, adding: bool, set_adding: Callable[[bool], None]) -> ft.Control:
    lang = ui.lang
    f = m.fonds_form
    controls: list[ft.Control] = []
    if m.fonds:
        controls.append(
            dropdown(
                ui.t("field.fonds"),
                m.selected_fonds_id,
                [(x["id"], f"{x['number']} – {x['name']}") for x in m.fonds],
                m.select_fonds,
                col=None,
            )
        )
    else:
        controls.append(ft.Text(ui.t("no_fonds"), size=16))

    def save(_e: ft.Event) -> None:
        if m.add_fonds() is not None:
            set_adding(False)

    def setter(name: str) -> Callable[[str | None], None]:
        def set_value(v: str | None) -> None:
            f.values[name] = v

        return set_value

    if adding:
        controls.append(
            ft.ResponsiveRow(
                [
                    text_field(
                        ui.t("fonds_number"),
                        f.values["number"],
                        setter("number"),
                        error=f.error("number", lang),
                        col=HALF,
                    ),
                    dropdown(
                        ui.t("fonds_kind"),
                        f.values["kind"],
                        [(k.value, k.label(lang)) for k in FondsKind],
                        setter("kind"),
                        col=HALF,
                    ),
                    text_field(
                        ui.t("fonds_name"),
                        f.values["name"],
                        setter("name"),
                        error=f.error("name", lang),
                        col={"xs": 12},
                    ),
                    text_field(
                        ui.t("start_year"),
                        f.values["start_year"],
                        setter("start_year"),
                        number=True,
                        error=f.error("start_year", lang),
                        col=HALF,
                    ),
                    text_field(
                        ui.t("end_year"),
                        f.values["end_year"],
                        setter("end_year"),
                        number=True,
                        error=f.error("end_year", lang),
                        col=HALF,
                    ),
                    text_field(
                        ui.t("shelf_metres"),
                        f.values["shelf_metres"],
                        setter("shelf_metres"),
                        error=f.error("shelf_metres", lang),
                        col=HALF,
                    ),
                    text_field(ui.t("field.notes"), f.values["notes"], setter("notes"), col=HALF),
                ],
                run_spacing=12,
            )
        )
        controls.append(
            ft.Row(
                [
                    big_button(ui.t("save"), save, ft.Icons.SAVE),
                    big_button(ui.t("cancel"), lambda _e: set_adding(False), primary=False),
                ]
            )
        )
    else:
        controls.append(
            big_button(ui.t("add_fonds"), lambda _e: set_adding(True), ft.Icons.ADD, primary=False)
        )
    return section(ui.t("fonds_section"), *controls)


def _boxes_section(ui: Ui, m: VisitModel) -> ft.Control:
    if m.selected_fonds_id is None:
        return ft.Container(visible=False)
    lang = ui.lang
    b = m.box_form

    def set_value(name: str) -> Callable[[str], None]:
        def setter(v: str) -> None:
            b.values[name] = v

        return setter

    chips: list[ft.Control] = [
        ft.Chip(
            key="all",
            label=ft.Text(ui.t("all_boxes"), size=16),
            selected=m.selected_box_id is None,
            on_select=lambda _e: m.select_box(None),
        )
    ]
    for box in m.boxes:
        chips.append(
            ft.Chip(
                key=box["id"],
                label=ft.Text(
                    f"H{box['box_no']}" + (f" · M{box['inventory_no']}" if box.get("inventory_no") else ""),
                    size=16,
                ),
                selected=m.selected_box_id == box["id"],
                on_select=lambda _e, bid=box["id"]: m.select_box(bid),
            )
        )
    controls: list[ft.Control] = (
        [ft.Row(chips, wrap=True)] if m.boxes else [ft.Text(ui.t("no_boxes"), size=16)]
    )
    if m.selected_box_id:
        chosen = m.box(m.selected_box_id)
        controls.append(
            ft.Row(
                [
                    marker(
                        "selected-box", chosen["code"] if chosen else "", size=17, weight=ft.FontWeight.BOLD
                    ),
                    big_button(
                        ui.t("label_title"),
                        lambda _e: go(f"/agency/{m.agency_code}/box/{m.selected_box_id}"),
                        ft.Icons.QR_CODE_2,
                        primary=False,
                    ),
                ],
                wrap=True,
            )
        )

    def add(_e: ft.Event) -> None:
        box = m.add_box()
        if box is not None:
            go(f"/agency/{m.agency_code}/box/{box['id']}")

    async def sheet(_e: ft.Event) -> None:
        path, pdf = m.save_label_sheet()
        await ui.picker.save(path.name, pdf)

    controls += [
        ft.ResponsiveRow(
            [
                text_field(
                    ui.t("field.inventory_no"),
                    b.values["inventory_no"],
                    set_value("inventory_no"),
                    error=b.error("inventory_no", lang),
                    col=HALF,
                ),
                text_field(
                    ui.t("field.box_no"),
                    b.values["box_no"],
                    set_value("box_no"),
                    number=True,
                    hint=m.suggest_box_no(),
                    error=b.error("box_no", lang),
                    col=HALF,
                ),
            ]
        ),
        ft.Row(
            [
                big_button(ui.t("add_box"), add, ft.Icons.ADD_BOX),
                big_button(
                    ui.t("save_sheet_pdf"), sheet, ft.Icons.PRINT, primary=False, disabled=not m.boxes
                ),
            ],
            wrap=True,
        ),
    ]
    return section(ui.t("boxes_section"), *controls)


def _files_section(ui: Ui, m: VisitModel) -> ft.Control:
    code = m.agency_code

    def new_file(_e: ft.Event) -> None:
        go(f"/agency/{code}/record/{m.new_file()}")

    controls: list[ft.Control] = [
        big_button(ui.t("add_file"), new_file, ft.Icons.NOTE_ADD, disabled=not m.fonds),
    ]
    if m.drafts:
        controls.append(ft.Text(ui.t("drafts_section"), size=17, weight=ft.FontWeight.W_500))
        for d in m.drafts:
            rid = d.key.split(":", 1)[1]
            controls.append(
                ft.ListTile(
                    key=d.key,
                    leading=ft.Icon(ft.Icons.EDIT_NOTE),
                    title=ft.Text(m.draft_label(d), size=17),
                    subtitle=ft.Text(show_date(d.updated_at, tz=None), size=14),
                    trailing=icon_button(
                        ft.Icons.DELETE_OUTLINE,
                        f"{ui.t('discard_draft')}: {m.draft_label(d)}",
                        lambda _e, k=d.key: m.discard_draft(k),
                    ),
                    on_click=lambda _e, r=rid: go(f"/agency/{code}/record/{r}"),
                    min_height=TOUCH,
                )
            )
    controls.append(
        ft.TextField(
            label=ui.t("search_files"),
            value=m.files_query,
            prefix_icon=ft.Icons.SEARCH,
            on_change=lambda e: m.set_files_query(e.control.value or ""),
            text_size=18,
        )
    )
    for rec in m.files:
        data = rec.data
        flagged = rec.review_state == "sent_back" or rec.conflicted or bool(rec.errors)
        controls.append(
            ft.ListTile(
                key=rec.id,
                leading=ft.Icon(ft.Icons.WARNING_AMBER, color=ft.Colors.RED)
                if flagged
                else ft.Icon(ft.Icons.FOLDER),
                title=ft.Text(f"{data.get('file_no')} – {data.get('title')}", size=17, max_lines=2),
                subtitle=ft.Text(
                    ui.t(
                        "file_subtitle",
                        inv=data.get("inventory_no") or "–",
                        box=data.get("box_no") or "–",
                        damages=len(data.get("damages") or []),
                        photos=len(data.get("photos") or []),
                    ),
                    size=14,
                ),
                on_click=lambda _e, r=rec.id: go(f"/agency/{code}/record/{r}"),
                min_height=TOUCH,
            )
        )
    if m.files_total > len(m.files):
        controls.append(ft.Text(ui.t("more_results", n=m.files_total - len(m.files)), size=15))
    return section(ui.t("files_section"), *controls)


@ft.component
def VisitScreen() -> ft.View:
    ui = use_ui()
    code = ft.use_route_params()["code"]
    model = ft.use_memo(lambda: ui.container.visit(code), [code])
    use_observable(model)
    ft.use_effect(lambda: ui.container.changes.subscribe(model.refresh), [code])
    ft.use_effect(model.refresh, [ft.use_route_location()])
    box_code, set_box_code = ft.use_state("")
    adding_fonds, set_adding_fonds = ft.use_state(False)
    return screen(
        f"/agency/{code}",
        app_bar(ui, model.agency_name),
        ft.ResponsiveRow(
            [
                ft.Column(
                    [
                        _visit_card(ui, model),
                        _fonds_section(ui, model, adding_fonds, set_adding_fonds),
                        _boxes_section(ui, model),
                        _find_box(ui, model, box_code, set_box_code),
                    ],
                    col=LEFT,
                    spacing=16,
                    horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                ),
                ft.Column(
                    [_files_section(ui, model)],
                    col=RIGHT,
                    spacing=16,
                    horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                ),
            ],
            spacing=16,
            vertical_alignment=ft.CrossAxisAlignment.START,
        ),
    )
