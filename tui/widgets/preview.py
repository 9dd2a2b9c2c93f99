"""The part in the terminal: the PNG from tools.render through textual-image.

textual-image draws with Sixel or the Kitty graphics protocol when the terminal supports it
and falls back to coloured half-block cells; `mode="text"` forces the half blocks (tests,
terminals that lie about graphics). textual_image.widget must be imported before the app
starts, because it asks the terminal for its cell size on import (see tui.cli)."""

from __future__ import annotations

from typing import Literal

from PIL import Image as PILImage
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Center, Container
from textual.widgets import Static

PreviewMode = Literal["auto", "image", "text"]


def image_widget_class(mode: PreviewMode):  # -> type[textual_image.widget.Image]
    from textual_image import widget

    return widget.HalfcellImage if mode == "text" else widget.Image


class PartPreview(Container):
    def __init__(self, mode: PreviewMode = "auto", **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.mode = mode
        self.has_image = False
        self.caption: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("no part yet", style="dim"), id="preview-empty")
        with Center(id="preview-box"):
            yield image_widget_class(self.mode)(id="preview-image")
        yield Static("", id="preview-caption")

    def on_mount(self) -> None:
        self.query_one("#preview-box").display = False
        self.query_one("#preview-caption").display = False

    def show(self, image: PILImage.Image | None, note: str = "no part yet",
             caption: str | None = None) -> None:
        """The image, with `caption` (the part's size) on a line under it."""
        self.has_image = image is not None
        self.query_one("#preview-image").image = image  # type: ignore[attr-defined]
        self.query_one("#preview-box").display = self.has_image
        empty = self.query_one("#preview-empty", Static)
        empty.display = not self.has_image
        empty.update(Text(note, style="dim"))
        self.caption = caption if self.has_image else None
        line = self.query_one("#preview-caption", Static)
        line.display = self.caption is not None
        line.update(Text(self.caption or ""))
