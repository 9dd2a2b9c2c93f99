"""Which file the interface draws on.

Textual's Linux driver writes the screen to stderr. Run as `scad-agent tui 2>log` that puts
the whole interface into the log and leaves the terminal blank while the keyboard is in raw
mode; so the screen goes to whichever of stderr and stdout is a terminal, and the size is
read from that same terminal (Textual asks stdout, which may be a file)."""

from __future__ import annotations

import os
import sys
from typing import IO, TYPE_CHECKING

from tools.errors import ScadAgentError

if TYPE_CHECKING:
    from textual.driver import Driver


def _is_terminal(stream: IO[str] | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (ValueError, OSError):  # closed
        return False


def screen_stream() -> IO[str]:
    """stderr if it is a terminal (as Textual does), else stdout; ScadAgentError if
    neither is, because then nobody could see the interface."""
    for stream in (sys.__stderr__, sys.__stdout__):
        if _is_terminal(stream):
            return stream  # type: ignore[return-value]
    raise ScadAgentError("scad-agent tui needs a terminal, but stdout and stderr are both "
                         "redirected; use `scad-agent run` in scripts")


def terminal_driver() -> type[Driver] | None:
    """A driver drawing on screen_stream(), or None (Textual's own) where it is not the
    Linux driver."""
    if sys.platform == "win32":
        return None
    from textual.drivers.linux_driver import LinuxDriver

    stream = screen_stream()

    class TerminalDriver(LinuxDriver):
        def __init__(self, app, **kwargs) -> None:  # type: ignore[no-untyped-def]
            super().__init__(app, **kwargs)
            self._file = stream

        def _get_terminal_size(self) -> tuple[int, int]:
            try:
                columns, lines = os.get_terminal_size(stream.fileno())
            except (OSError, ValueError):
                return super()._get_terminal_size()
            return columns or 80, lines or 25

    return TerminalDriver
