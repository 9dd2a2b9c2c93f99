"""Live progress of the repair loop: attempt n of N and what the loop is doing."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

from agent.present import ProgressLine
from tui.widgets.conversation import TONE_STYLES


class TurnProgress(Horizontal):
    """A bar that fills per attempt and a one-line status beside it."""

    def compose(self) -> ComposeResult:
        yield ProgressBar(total=1, show_eta=False, show_percentage=False, id="attempt-bar")
        yield Label(Text("ready"), id="attempt-status")

    def start(self, attempts: int) -> None:
        bar = self.query_one(ProgressBar)
        bar.update(total=attempts, progress=0)
        self.add_class("running")
        self.status(ProgressLine("info", "starting the turn"))

    def loading(self, text: str) -> None:
        """The model is starting: the bar runs without an end (Textual's indeterminate
        bar) until ready() or finish()."""
        self.query_one(ProgressBar).update(total=None)
        self.add_class("running")
        self.status(ProgressLine("info", text))

    def ready(self, text: str) -> None:
        self.query_one(ProgressBar).update(total=1, progress=0)
        self.remove_class("running")
        self.status(ProgressLine("ok", text))

    def attempt(self, number: int, attempts: int) -> None:
        self.query_one(ProgressBar).update(total=attempts, progress=number - 1)
        self.status(ProgressLine("info", f"attempt {number} of {attempts}"))

    status_text = "ready"  # what the status line says, as plain text

    def status(self, line: ProgressLine) -> None:
        self.status_text = line.text
        self.query_one("#attempt-status", Label).update(
            Text(line.text, style=TONE_STYLES[line.tone], no_wrap=True, overflow="ellipsis"))

    def finish(self, line: ProgressLine) -> None:
        bar = self.query_one(ProgressBar)
        done = bar.total or 1  # a model that failed to load leaves no total
        bar.update(total=done, progress=done)
        self.remove_class("running")
        self.status(line)
