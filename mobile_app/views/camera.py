"""Taking photos with the tablet's camera inside the app (``flet-camera``): a live preview, a shutter
button; each picture goes through the same on-device downscaling as a picked one."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft
import flet_camera as fc

from mobile_app.views.common import big_button, in_background, marker, use_ui

PREVIEW_HEIGHT = 360


def _back_camera(cameras: list[fc.CameraDescription]) -> fc.CameraDescription:
    return next((c for c in cameras if c.lens_direction == fc.CameraLensDirection.BACK), cameras[0])


@ft.component
def CameraPanel(
    on_photo: Callable[[bytes], None], on_close: Callable[[], None], single: bool = False
) -> ft.Column:
    """The camera, opened when shown; ``on_photo(jpeg)`` runs off the UI loop for each picture taken;
    with ``single`` the panel closes after the first one."""
    ui = use_ui()
    # A new control each render takes over the mounted one (same id, same camera); methods are called
    # on the latest, the one in the page (an old instance has lost its place in the tree).
    camera = fc.Camera(height=PREVIEW_HEIGHT, preview_enabled=True)
    latest = ft.use_ref(camera)
    latest.current = camera
    state, set_state = ft.use_state("starting")  # starting, ready, busy, failed
    taken, set_taken = ft.use_state(0)
    reason, set_reason = ft.use_state("")

    async def start() -> None:
        try:
            current = latest.current
            assert current is not None  # set on every render, above
            cameras = await current.get_available_cameras()
            if not cameras:
                raise RuntimeError(ui.t("camera_none"))
            preset = fc.ResolutionPreset.MAX
            await current.initialize(_back_camera(cameras), preset, enable_audio=False)
        except Exception as exc:  # no camera, permission refused, platform without one
            set_reason(str(exc) or type(exc).__name__)
            set_state("failed")
            return
        set_state("ready")

    ft.use_effect(start, [])

    async def shoot(_e: ft.Event) -> None:
        set_state("busy")
        try:
            current = latest.current
            assert current is not None  # set on every render, above
            picture = bytes(await current.take_picture())
        except Exception as exc:
            set_reason(str(exc) or type(exc).__name__)
            set_state("failed")
            return
        in_background(on_photo, picture)
        set_taken(lambda n: n + 1)
        set_state("ready")
        if single:
            on_close()

    status = {
        "starting": ui.t("camera_starting"),
        "ready": ui.t("camera_taken", n=taken) if taken else ui.t("camera_ready"),
        "busy": ui.t("camera_busy"),
        "failed": ui.t("camera_failed", reason=reason),
    }[state]
    return ft.Column(
        [
            ft.Container(
                content=camera if state != "failed" else ft.Icon(ft.Icons.NO_PHOTOGRAPHY, size=64),
                height=PREVIEW_HEIGHT,
                bgcolor=ft.Colors.BLACK,
                border_radius=8,
                alignment=ft.Alignment.CENTER,
            ),
            marker("camera-status", status, size=16),
            ft.Row(
                [
                    big_button(ui.t("camera_shoot"), shoot, ft.Icons.CAMERA, disabled=state != "ready"),
                    big_button(ui.t("camera_close"), lambda _e: on_close(), ft.Icons.CLOSE, primary=False),
                ],
                wrap=True,
            ),
        ],
        spacing=8,
        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
    )
