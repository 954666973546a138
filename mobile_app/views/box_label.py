"""A box's label: shown as it prints (QR, agency, fonds, box, code), saved as PDF; the box's files."""

from __future__ import annotations

import flet as ft

from common.boxcode import label_png
from mobile_app.views.common import (
    app_bar,
    big_button,
    go,
    marker,
    screen,
    section,
    toast,
    use_observable,
    use_ui,
)


@ft.component
def BoxLabelScreen() -> ft.View:
    ui = use_ui()
    params = ft.use_route_params()
    code, box_id = params["code"], params["bid"]
    model = ft.use_memo(lambda: ui.container.visit(code), [code])
    use_observable(model)
    box = model.box(box_id)
    if box is None:
        return screen(f"/agency/{code}/box/{box_id}", app_bar(ui, ui.t("label_title")), ft.Text("?"))
    label = model.box_label(box)
    qr = ft.use_memo(lambda: label_png(label.code), [label.code])
    path, pdf = ft.use_memo(lambda: model.save_label(box_id), [box_id, label])
    files = len(model.store.search_records("file_record", code, where={"box_id": box_id}))

    async def save_pdf(_e: ft.Event) -> None:
        await ui.picker.save(path.name, pdf)
        toast(ui.t("saved_to", path=str(path)))

    def add_file(_e: ft.Event) -> None:
        model.select_box(box_id)
        go(f"/agency/{code}/record/{model.new_file()}")

    text = ft.Column(
        [
            ft.Text(label.agency_name, size=20, weight=ft.FontWeight.BOLD),
            ft.Text(label.fonds_line, size=17),
            ft.Text(label.box_line, size=26, weight=ft.FontWeight.BOLD),
            marker("box-code", label.code, size=20, weight=ft.FontWeight.BOLD),
        ],
        spacing=8,
        expand=True,
    )
    return screen(
        f"/agency/{code}/box/{box_id}",
        app_bar(ui, f"{ui.t('label_title')} {label.code}"),
        section(
            ui.t("label_title"),
            ft.Container(  # the label as it prints: QR on the left, names and numbers on the right
                border=ft.Border.all(1, ft.Colors.OUTLINE),
                border_radius=8,
                bgcolor=ft.Colors.WHITE,
                padding=16,
                content=ft.Row(
                    [
                        ft.Image(
                            src=qr, width=260, height=260, fit=ft.BoxFit.CONTAIN, semantics_label=label.code
                        ),
                        text,
                    ],
                    spacing=24,
                    vertical_alignment=ft.CrossAxisAlignment.CENTER,
                ),
            ),
            ft.Text(ui.t("files_in_box", n=files), size=16),
            ft.Text(ui.t("saved_to", path=str(path)), size=14),
            ft.Row(
                [
                    big_button(ui.t("save_label"), save_pdf, ft.Icons.DOWNLOAD),
                    big_button(ui.t("add_file"), add_file, ft.Icons.NOTE_ADD, primary=False),
                ],
                wrap=True,
            ),
        ),
    )
