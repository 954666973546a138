"""Home: assigned agencies with their status this campaign, search, pending sync, last sync."""

from __future__ import annotations

import flet as ft

from common.dates import show_date
from mobile_app.models.home import AgencyProgress, AgencyRow
from mobile_app.views.common import TOUCH, Ui, app_bar, go, marker, screen, use_observable, use_ui

STATUS_COLORS = {
    AgencyProgress.NOT_VISITED: ft.Colors.GREY_300,
    AgencyProgress.IN_PROGRESS: ft.Colors.AMBER_200,
    AgencyProgress.LISTED: ft.Colors.GREEN_200,
    AgencyProgress.NIL_REPORT: ft.Colors.BLUE_100,
    AgencyProgress.SENT_BACK: ft.Colors.RED_200,
}


def _row(ui: Ui, row: AgencyRow) -> ft.Control:
    return ft.ListTile(
        key=row.code,
        title=ft.Text(row.name, size=19, weight=ft.FontWeight.W_500),
        subtitle=ft.Text(f"{row.code} · {ui.t('files_count', n=row.files)}", size=15),
        trailing=ft.Container(
            content=ft.Text(ui.t(row.status.text_key), size=15),
            bgcolor=STATUS_COLORS[row.status],
            padding=ft.Padding.symmetric(horizontal=12, vertical=6),
            border_radius=16,
        ),
        min_height=72,
        on_click=lambda _e: go(f"/agency/{row.code}"),
    )


@ft.component
def HomeScreen() -> ft.View:
    ui = use_ui()
    model = ft.use_memo(ui.container.home, [])
    use_observable(model)

    def on_data_changed() -> None:
        model.refresh()

    ft.use_effect(lambda: ui.container.changes.subscribe(on_data_changed), [])
    ft.use_effect(model.refresh, [ft.use_route_location()])  # back on this screen: re-read

    campaign = ui.t("campaign", name=model.campaign["name"]) if model.campaign else ui.t("no_campaign")
    when = (
        ui.t("last_sync", when=show_date(model.last_sync, tz=None))
        if model.last_sync
        else ui.t("never_synced")
    )
    status = f"{ui.t('pending_sync', records=model.pending_records, photos=model.pending_photos)} · {when}"
    rows = model.rows
    if not model.all_rows:
        body: list[ft.Control] = [ft.Text(ui.t("no_agencies"), size=18)]
    elif not rows:
        body = [ft.Text(ui.t("no_match"), size=18)]
    else:
        body = [_row(ui, r) for r in rows]
    return screen(
        "/",
        app_bar(ui, ui.t("home_title")),
        ft.Text(campaign, size=17),
        marker("home-status", status, size=16),
        ft.TextField(
            label=ui.t("search_agencies"),
            value=model.query,
            prefix_icon=ft.Icons.SEARCH,
            on_change=lambda e: model.set_query(e.control.value or ""),
            text_size=18,
            height=TOUCH + 8,
        ),
        ft.Column(body, spacing=4),
    )
