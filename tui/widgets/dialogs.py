"""Small modal dialogs: a path (export, open a session) and the backend/model switch."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select


class PathDialog(ModalScreen[Path | None]):
    """Ask for one path; Enter or OK returns it, Escape or Cancel returns None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, default: str, hint: str, *, ok: str = "OK",
                 dialog_id: str = "path-dialog") -> None:
        super().__init__(id=dialog_id)
        self.title_text = title
        self.default = default
        self.hint = hint
        self.ok_label = ok

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text, style="bold"))
            yield Label(Text(self.hint, style="dim"))
            yield Input(self.default, id="path-input")
            with Horizontal(classes="buttons"):
                yield Button(self.ok_label, variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def submit(self) -> None:
        value = self.query_one(Input).value.strip()
        self.dismiss(Path(value).expanduser() if value else None)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class BackendChoice:
    backend: str
    model: str | None
    endpoint: str | None


class BackendDialog(ModalScreen[BackendChoice | None]):
    """Pick a backend and a model (path, id, or replies file for `scripted`)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, backends: list[str], current: str, model: str | None,
                 endpoint: str | None) -> None:
        super().__init__(id="backend-dialog")
        self.backends = backends
        self.current = current
        self.model = model or ""
        self.endpoint = endpoint or ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text("Backend and model", style="bold"))
            yield Select([(name, name) for name in self.backends], value=self.current,
                         allow_blank=False, id="backend-select")
            yield Input(self.model, placeholder="model: path, id, or replies.jsonl",
                        id="model-input")
            yield Input(self.endpoint, placeholder="endpoint (openai), e.g. "
                        "http://127.0.0.1:8000/v1", id="endpoint-input")
            with Horizontal(classes="buttons"):
                yield Button("Switch", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def submit(self) -> None:
        backend = self.query_one("#backend-select", Select).value
        model = self.query_one("#model-input", Input).value.strip() or None
        endpoint = self.query_one("#endpoint-input", Input).value.strip() or None
        self.dismiss(BackendChoice(str(backend), model, endpoint))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
