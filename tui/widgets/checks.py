"""The checks of the current part (from tools.spec via the loop's done step)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable

COLUMNS = ("check", "result", "actual", "expected")


def _value(value: Any, *, ranges: bool = False) -> str:
    """Compact text: `60 x 40 x 5` for a vector; with `ranges` (expected values, where the
    spec writes [low, high] pairs), `58.8..61.2` for a pair of numbers."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list | tuple):
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        if ranges and numbers and len(value) == 2:
            return f"{_value(value[0])}..{_value(value[1])}"
        return " x ".join(_value(v, ranges=ranges) for v in value)
    return str(value)


class ChecksTable(DataTable):
    """Cells are Text: DataTable parses plain strings as markup."""

    def on_mount(self) -> None:
        self.show_cursor = False
        self.zebra_stripes = True
        self.add_columns(*COLUMNS)

    def show(self, checks: list[dict[str, Any]]) -> None:
        self.clear()
        for check in checks:
            passed = bool(check.get("passed"))
            self.add_row(
                Text(str(check.get("key"))),
                Text("pass", style="bold green") if passed else Text("FAIL", style="bold red"),
                Text(_value(check.get("actual"))),
                Text(_value(check.get("expected"), ranges=True)),
            )

    def rows_text(self) -> list[list[str]]:
        return [[cell.plain if isinstance(cell, Text) else str(cell)
                 for cell in self.get_row_at(i)] for i in range(self.row_count)]
