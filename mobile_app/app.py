"""The Flet app: theme, routes, language, the UI context; everything else comes from the container."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable

import flet as ft

from mobile_app.container import Container
from mobile_app.views.box_label import BoxLabelScreen
from mobile_app.views.common import Picker, Ui, UiContext, use_observable
from mobile_app.views.enroll import EnrollScreen
from mobile_app.views.file_form import FileFormScreen
from mobile_app.views.home import HomeScreen
from mobile_app.views.nil_report import NilReportScreen
from mobile_app.views.settings import SettingsScreen
from mobile_app.views.sync import SyncScreen
from mobile_app.views.vault import FletSecureStorage
from mobile_app.views.visit import VisitScreen

ROUTES = [
    ft.Route(
        path="/",
        component=HomeScreen,
        children=[
            ft.Route(
                path="agency/:code",
                component=VisitScreen,
                children=[
                    ft.Route(path="record/:rid", component=FileFormScreen),
                    ft.Route(path="nil", component=NilReportScreen),
                    ft.Route(path="box/:bid", component=BoxLabelScreen),
                ],
            ),
            ft.Route(path="sync", component=SyncScreen),
            ft.Route(path="settings", component=SettingsScreen),
        ],
    )
]


LOCALES = {"vi": ft.Locale("vi", "VN"), "en": ft.Locale("en", "US")}


def use_locale(lang: str) -> None:
    """Flutter's own words (the back button's name, menus) in the app's language."""

    def apply() -> None:
        page = ft.context.page
        page.locale_configuration = ft.LocaleConfiguration(
            supported_locales=list(LOCALES.values()), current_locale=LOCALES.get(lang, LOCALES["vi"])
        )
        page.update()

    ft.use_effect(apply, [lang])


@ft.component
def App(container: Container, picker: Picker) -> list[ft.View] | ft.Control:
    """Enrollment until the device has a token; then the routed screens."""
    use_observable(container.prefs)
    ui = Ui(container, picker, container.prefs.lang)
    use_locale(ui.lang)
    if not container.prefs.enrolled:
        return UiContext(ui, lambda: [EnrollScreen()])
    return UiContext(ui, lambda: ft.Router(ROUTES, manage_views=True))


def make_main(container: Container, *, secure_storage: bool) -> Callable[[ft.Page], Awaitable[None]]:
    async def main(page: ft.Page) -> None:
        page.title = "SaoLuu"
        page.theme_mode = ft.ThemeMode.LIGHT
        page.theme = ft.Theme(color_scheme_seed=ft.Colors.TEAL, visual_density=ft.VisualDensity.COMFORTABLE)
        picker = ft.FilePicker()
        page.services.append(picker)
        if secure_storage:
            await container.prefs.use_vault(FletSecureStorage(page))
        page.render_views(App, container, Picker(picker))

    return main


def run(
    container: Container,
    *,
    web: bool,
    host: str = "127.0.0.1",
    port: int = 8550,
    secure_storage: bool | None = None,
) -> None:
    """Start the app: in a browser (web mode, fully offline: no CDN) or as the native app.

    The device token goes to the platform's secure storage in the native app (``secure_storage``
    None); web mode keeps it in the local database unless asked (the browser's, for tests).
    """
    main = make_main(container, secure_storage=not web if secure_storage is None else secure_storage)
    if web:
        os.environ.setdefault("FLET_FORCE_WEB_SERVER", "1")  # serve only; never try to open a browser
        ft.run(main, view=ft.AppView.WEB_BROWSER, host=host, port=port, no_cdn=True)
    else:
        ft.run(main)
