"""Photo thumbnails with a remove button, shared by the file form and the nil report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from common.words import text as t
from mobile_app.models.photos import PhotoError, PhotoService
from mobile_app.views.common import icon_button, toast


def photo_keeper(lang: str, stage: Callable[[bytes], object]) -> Callable[[str, bytes], None]:
    """``keep(name, content)``: ``stage`` a picked or taken photo (downscaled by the form), or tell
    the surveyor it is not an image."""

    def keep(name: str, content: bytes) -> None:
        try:
            stage(content)
        except PhotoError:
            toast(t("photo_unreadable", lang, name=name))

    return keep


def thumbnails(
    photos: PhotoService, refs: list[dict[str, Any]], on_remove: Callable[[str], None], remove_label: str
) -> ft.Control:
    tiles: list[ft.Control] = []
    for ref in refs:
        thumb = photos.thumbnail(ref["sha256"])
        image: ft.Control = (
            ft.Image(src=thumb, width=160, height=160, fit=ft.BoxFit.COVER, border_radius=8)
            if thumb
            else ft.Container(
                width=160, height=160, bgcolor=ft.Colors.GREY_300, content=ft.Icon(ft.Icons.IMAGE)
            )
        )
        tiles.append(
            ft.Stack(
                key=ref["sha256"],
                controls=[
                    image,
                    ft.Container(
                        right=0,
                        top=0,
                        content=icon_button(
                            ft.Icons.CLOSE,
                            remove_label,
                            lambda _e, sha=ref["sha256"]: on_remove(sha),
                            bgcolor=ft.Colors.with_opacity(0.7, ft.Colors.WHITE),
                        ),
                    ),
                ],
            )
        )
    return ft.Semantics(
        identifier="photos", label=str(len(refs)), content=ft.Row(tiles, wrap=True, spacing=8)
    )
