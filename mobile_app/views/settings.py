"""Settings: language, server address, photo quality, account, and a guarded sign-out."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from mobile_app.models.prefs import PHOTO_QUALITIES
from mobile_app.views.common import (
    Ui,
    app_bar,
    big_button,
    error_text,
    radios,
    screen,
    section,
    text_field,
    toast,
    use_observable,
    use_ui,
)


@ft.component
def SettingsScreen() -> ft.View:
    ui = use_ui()
    model = ft.use_memo(ui.container.settings, [])
    use_observable(model)
    server, set_server = ft.use_state(model.server_url)
    prefs = ui.container.prefs

    def sign_out(_e: ft.Event) -> None:
        if model.request_sign_out():
            toast(ui.t("signed_out"))

    def confirm(_e: ft.Event) -> None:
        ft.context.page.pop_dialog()
        if model.confirm_sign_out():
            toast(ui.t("signed_out"))

    def cancel(_e: ft.Event) -> None:
        ft.context.page.pop_dialog()
        model.cancel_sign_out()

    def save_server(_e: ft.Event) -> None:
        if model.save_server_url(server):
            toast(ui.t("server_saved"))

    ft.use_effect(
        lambda: _ask(ui, model.sign_out_step, model.unsynced(), confirm, cancel), [model.sign_out_step]
    )
    return screen(
        "/settings",
        app_bar(ui, ui.t("settings_title"), home_actions=False),
        section(
            ui.t("language"),
            radios(ui.lang, [("vi", ui.t("lang_vi")), ("en", ui.t("lang_en"))], model.set_lang),
        ),
        section(
            ui.t("photo_quality"),
            radios(
                prefs.photo_quality.code,
                [(q, ui.t(f"quality_{q}")) for q in PHOTO_QUALITIES],
                model.set_photo_quality,
            ),
        ),
        section(
            ui.t("server_url"),
            text_field(ui.t("server_url"), server, set_server, error=model.server_error, col=None),
            big_button(ui.t("save_server"), save_server, ft.Icons.SAVE, primary=False),
        ),
        section(
            ui.t("account", user=prefs.username),
            ft.Text(ui.t("device", id=prefs.device_id or "–"), size=16, selectable=True),
            big_button(ui.t("sign_out"), sign_out, ft.Icons.LOGOUT, primary=False),
            error_text(None),
        ),
    )


def _ask(
    ui: Ui,
    step: int,
    unsynced: int,
    confirm: Callable[[ft.Event], object],
    cancel: Callable[[ft.Event], object],
) -> None:
    """Show the first or the last sign-out warning."""
    if step == 0:
        return
    text = ui.t("sign_out_confirm1" if step == 1 else "sign_out_confirm2", n=unsynced)
    ft.context.page.show_dialog(
        ft.AlertDialog(
            modal=True,
            title=ft.Text(ui.t("sign_out"), size=20),
            content=ft.Text(text, size=17),
            actions=[
                ft.TextButton(content=ui.t("cancel"), on_click=cancel, height=56),
                ft.FilledButton(
                    content=ui.t("sign_out_yes"), on_click=confirm, height=56, bgcolor=ft.Colors.ERROR
                ),
            ],
        )
    )
