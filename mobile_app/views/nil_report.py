"""The nil report: statement, signer and position, document number and date, the signed paper."""

from __future__ import annotations

import flet as ft

from mobile_app.views.camera import CameraPanel
from mobile_app.views.common import (
    Cols,
    app_bar,
    big_button,
    error_text,
    form_text,
    go,
    in_background,
    marker,
    screen,
    section,
    toast,
    use_observable,
    use_ui,
)
from mobile_app.views.file_form import form_status, review_banner
from mobile_app.views.photos import photo_keeper, thumbnails

HALF: Cols = {"xs": 12, "md": 6}


@ft.component
def NilReportScreen() -> ft.View:
    ui = use_ui()
    code = ft.use_route_params()["code"]
    visit = ft.use_memo(lambda: ui.container.visit(code), [code])
    rid = ft.use_memo(visit.nil_report_id, [code])
    form = ft.use_memo(lambda: ui.container.nil_form(code, rid), [code, rid])
    use_observable(form)
    ft.use_effect(lambda: None, [rid], cleanup=form.flush)

    camera, set_camera = ft.use_state(False)

    keep = photo_keeper(ui.lang, form.set_scan)

    async def pick_scan(_e: ft.Event) -> None:
        picked = await ui.picker.pick_images(multiple=False)
        if picked:
            in_background(keep, *picked[0])

    def save(_e: ft.Event) -> None:
        if form.save():
            toast(ui.t("nil_saved"))
            go(f"/agency/{code}")

    scan = [form.values["scan"]] if form.values["scan"] else []
    shot = ui.t("take_scan")
    problems = form.errors.count if form.errors.submitted else 0
    return screen(
        f"/agency/{code}/nil",
        app_bar(ui, f"{ui.t('nil_title')} – {visit.agency_name}", home_actions=False),
        *review_banner(ui, form),
        section(
            ui.t("nil_title"),
            ft.ResponsiveRow(
                [
                    form_text(ui, form, "statement", "field.statement", multiline=True, col={"xs": 12}),
                    form_text(ui, form, "signer_name", "field.signer_name", col=HALF),
                    form_text(ui, form, "signer_position", "field.signer_position", col=HALF),
                    form_text(ui, form, "doc_number", "doc_number", col=HALF, hint="125/BC-UBND"),
                    form_text(ui, form, "doc_date", "field.doc_date", col=HALF, hint=ui.t("doc_date_hint")),
                ],
                run_spacing=12,
            ),
        ),
        section(
            ui.t("scan"),
            thumbnails(ui.container.photos, scan, lambda _sha: form.remove_scan(), ui.t("remove_photo")),
            *([CameraPanel(lambda c: keep(shot, c), lambda: set_camera(False), True)] if camera else []),
            ft.Row(
                [
                    big_button(
                        ui.t("take_scan"),
                        lambda _e: set_camera(True),
                        ft.Icons.PHOTO_CAMERA,
                        primary=False,
                        disabled=camera,
                    ),
                    big_button(ui.t("add_scan"), pick_scan, ft.Icons.DOCUMENT_SCANNER, primary=False),
                ],
                wrap=True,
            ),
        ),
        marker("form-status", form_status(ui, form), size=16),
        error_text(ui.t("has_errors", n=problems) if problems else None),
        big_button(ui.t("save"), save, ft.Icons.SAVE),
    )
