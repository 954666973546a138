"""Sync: what waits to be sent, progress, what happened, and records sent back or in conflict."""

from __future__ import annotations

import flet as ft

from mobile_app.models.syncing import RecordItem, human_bytes
from mobile_app.views.common import (
    TOUCH,
    Ui,
    app_bar,
    big_button,
    go,
    in_background,
    marker,
    screen,
    section,
    use_observable,
    use_ui,
)


def _item(ui: Ui, item: RecordItem) -> ft.Control:
    lines = [*item.comments, *item.errors]
    route = None
    if item.type == "file_record":
        route = f"/agency/{item.agency_code}/record/{item.id}"
    elif item.type == "nil_report":
        route = f"/agency/{item.agency_code}/nil"
    return ft.ListTile(
        key=f"{item.type}:{item.id}",
        leading=ft.Icon(ft.Icons.ASSIGNMENT_RETURN if item.comments else ft.Icons.WARNING_AMBER),
        title=ft.Text(f"{ui.t('type_' + item.type)}: {item.label}", size=17),
        subtitle=ft.Text("\n".join(lines), size=15) if lines else None,
        is_three_line=len(lines) > 1,
        on_click=(lambda _e, r=route: go(r)) if route else None,
        min_height=TOUCH,
    )


@ft.component
def SyncScreen() -> ft.View:
    ui = use_ui()
    model = ui.container.sync
    use_observable(model)
    lang = ui.lang
    pending = model.pending_records(50)
    photos, photo_bytes = model.pending_photos()
    summary = model.summary(lang)
    sections: list[ft.Control] = []
    for title, items in (
        (ui.t("sent_back_section"), model.sent_back(lang)),
        (ui.t("conflicts_section"), model.conflicts(lang)),
        (ui.t("rejected_section"), model.rejected(lang)),
    ):
        if items:
            sections.append(section(title, *[_item(ui, i) for i in items]))
    waiting: list[ft.Control] = [
        ft.Text(ui.t("pending_photos", n=photos, size=human_bytes(photo_bytes)), size=16),
    ]
    if pending:
        waiting += [
            ft.Text(f"{ui.t('type_' + p.type)}: {p.label}", size=15, key=f"{p.type}:{p.id}", max_lines=1)
            for p in pending
        ]
    elif not photos:
        waiting = [ft.Text(ui.t("nothing_pending"), size=16)]
    return screen(
        "/sync",
        app_bar(ui, ui.t("sync_title"), home_actions=False),
        section(
            ui.t("sync_title"),
            big_button(
                ui.t("sync_now"), lambda _e: in_background(model.run), ft.Icons.SYNC, disabled=model.running
            ),
            ft.ProgressBar(value=model.progress(), bar_height=14, border_radius=7),
            marker("sync-phase", model.phase_text(lang), size=17),
            marker("sync-eta", model.remaining_text(lang), size=17),
            marker("sync-summary", summary or "", size=16),
        ),
        *sections,
        section(ui.t("pending_records", n=len(pending)), *waiting),
    )
