"""The checks of the current part (from tools.spec via the loop's done step)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from agent.present import CHECK_COLUMNS, check_rows


class ChecksTable(DataTable):
    """Cells are Text: DataTable parses plain strings as markup."""

    def on_mount(self) -> None:
        self.show_cursor = False
        self.zebra_stripes = True
        self.add_columns(*CHECK_COLUMNS)

    def show(self, checks: list[dict[str, Any]], unchecked: list[str] | None = None) -> None:
        self.clear()
        styles = {"pass": "bold green", "FAIL": "bold red", "not checked": "yellow"}
        for key, result, actual, expected in check_rows(checks, unchecked):
            self.add_row(Text(key), Text(result, style=styles.get(result, "")), Text(actual),
                         Text(expected))

    def rows_text(self) -> list[list[str]]:
        return [[cell.plain if isinstance(cell, Text) else str(cell)
                 for cell in self.get_row_at(i)] for i in range(self.row_count)]
