"""First run: server address and one-time code, typed or read from the enrollment QR."""

from __future__ import annotations

import flet as ft

from mobile_app.models.qrscan import decoder_available
from mobile_app.views.common import (
    Cols,
    big_button,
    error_text,
    in_background,
    marker,
    text_field,
    use_observable,
    use_ui,
)


@ft.component
def EnrollScreen() -> ft.View:
    ui = use_ui()
    model = ft.use_memo(ui.container.enrollment, [])
    use_observable(model)
    lang = ui.lang

    def err(field: str) -> str | None:
        return model.error.get(lang) if model.error and model.error_field == field else None

    async def read_qr(_e: ft.Event) -> None:
        picked = await ui.picker.pick_images(multiple=False)
        if picked:
            in_background(model.read_qr, picked[0][1])

    full: Cols = {"xs": 12}
    form = ft.ResponsiveRow(
        [
            text_field(
                ui.t("server_url"),
                model.server_url,
                lambda v: model.set("server_url", v),
                error=err("server_url"),
                hint="https://luutru.example.gov.vn",
                col=full,
            ),
            text_field(
                ui.t("enroll_code"),
                model.code,
                lambda v: model.set("code", v),
                error=err("code"),
                hint="K7QM-3XRT-9PLA",
                col=full,
            ),
            text_field(
                ui.t("device_name"), model.device_name, lambda v: model.set("device_name", v), col=full
            ),
        ],
        run_spacing=16,
    )
    general = model.error.get(lang) if model.error and model.error_field is None else None
    buttons: list[ft.Control] = [
        big_button(
            ui.t("enroll_button"), lambda _e: in_background(model.submit), ft.Icons.LOGIN, disabled=model.busy
        ),
    ]
    if decoder_available():
        buttons.append(
            big_button(ui.t("enroll_from_image"), read_qr, ft.Icons.QR_CODE_SCANNER, primary=False)
        )
    card = ft.Container(
        width=720,
        padding=32,
        border_radius=16,
        bgcolor=ft.Colors.SURFACE_CONTAINER_LOW,
        content=ft.Column(
            [
                ft.Text(ui.t("app_title"), size=26, weight=ft.FontWeight.BOLD),
                ft.Text(ui.t("enroll_intro"), size=17),
                form,
                ft.Row(buttons, wrap=True, spacing=16),
                ft.ProgressBar(visible=model.busy),
                marker(
                    "enroll-status",
                    model.info.get(lang) if model.info else (ui.t("enrolling") if model.busy else ""),
                ),
                error_text(general),
            ],
            spacing=20,
        ),
    )
    return ft.View(
        route="/",
        controls=[ft.Row([card], alignment=ft.MainAxisAlignment.CENTER)],
        scroll=ft.ScrollMode.AUTO,
        padding=24,
        vertical_alignment=ft.MainAxisAlignment.CENTER,
    )
