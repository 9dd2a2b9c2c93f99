"""The conversation pane: the user's prompts and the agent's progress, as plain Text.

Everything written here is a rich Text object, never a markup string: model replies and
OpenSCAD diagnostics can contain `[/bold]` and must show as typed."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import RichLog

from agent.present import ProgressLine

TONE_STYLES = {"info": "", "ok": "bold green", "warning": "yellow", "error": "bold red"}


class Conversation(RichLog):
    """A scrolling log; `lines_text()` gives what is shown, for tests and copy-out."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(markup=False, highlight=False, wrap=True, min_width=20, **kwargs)  # type: ignore[arg-type]
        self._plain: list[str] = []

    def add_user(self, text: str) -> None:
        line = Text.assemble(("you ", "bold cyan"), Text(text))
        self._add(line)

    def add_progress(self, line: ProgressLine) -> None:
        marker = {"ok": "+ ", "warning": "! ", "error": "x ", "info": "- "}[line.tone]
        self._add(Text.assemble(("  " + marker, TONE_STYLES[line.tone] or "dim"),
                                Text(line.text, style=TONE_STYLES[line.tone])))

    def add_note(self, text: str) -> None:
        self._add(Text(text, style="italic dim"))

    def _add(self, text: Text) -> None:
        self._plain.append(text.plain)
        self.write(text)

    def lines_text(self) -> str:
        return "\n".join(self._plain)

    def clear_all(self) -> None:
        self._plain.clear()
        self.clear()
