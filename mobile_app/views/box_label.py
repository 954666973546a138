"""A box's QR label: shown large, saved as PNG, and the box's files."""

from __future__ import annotations

import flet as ft

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
    path, png = ft.use_memo(lambda: model.save_label(box_id), [box_id])
    files = len(model.store.search_records("file_record", code, where={"box_id": box_id}))

    async def save_png(_e: ft.Event) -> None:
        await ui.picker.save(path.name, png)
        toast(ui.t("saved_to", path=str(path)))

    def add_file(_e: ft.Event) -> None:
        model.select_box(box_id)
        go(f"/agency/{code}/record/{model.new_file()}")

    return screen(
        f"/agency/{code}/box/{box_id}",
        app_bar(ui, f"{ui.t('label_title')} {box['code']}"),
        section(
            ui.t("label_title"),
            ft.Row(
                [
                    ft.Image(
                        src=png,
                        width=380,
                        height=380 * 1.05,
                        fit=ft.BoxFit.CONTAIN,
                        semantics_label=box["code"],
                    )
                ],
                alignment=ft.MainAxisAlignment.CENTER,
            ),
            marker("box-code", box["code"], size=22, weight=ft.FontWeight.BOLD),
            ft.Text(ui.t("files_in_box", n=files), size=16),
            ft.Text(ui.t("saved_to", path=str(path)), size=14),
            ft.Row(
                [
                    big_button(ui.t("save_png"), save_png, ft.Icons.DOWNLOAD),
                    big_button(ui.t("add_file"), add_file, ft.Icons.NOTE_ADD, primary=False),
                ],
                wrap=True,
            ),
        ),
    )
