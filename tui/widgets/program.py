"""The current program, highlighted with Pygments' OpenSCAD lexer through rich's Syntax.

Why Syntax and not TextArea: TextArea highlights only through tree-sitter, which has no
OpenSCAD grammar bundled (and is an extra native dependency); Pygments ships `openscad`."""

from __future__ import annotations

from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

LEXER = "openscad"
THEME = "monokai"


class ProgramView(VerticalScroll):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.program: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("no program yet: describe a part below", style="dim"), id="code")

    def show(self, program: str | None) -> None:
        self.program = program
        code = self.query_one("#code", Static)
        if program is None:
            code.update(Text("no program yet: describe a part below", style="dim"))
            return
        code.update(Syntax(program, LEXER, theme=THEME, line_numbers=True, word_wrap=False,
                           background_color="default"))
        self.scroll_home(animate=False)
