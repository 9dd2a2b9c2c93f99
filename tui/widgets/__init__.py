"""The TUI's widgets; each owns its state and is styled from ../app.tcss."""

from tui.widgets.checks import ChecksTable
from tui.widgets.conversation import Conversation
from tui.widgets.dialogs import BackendChoice, BackendDialog, PathDialog
from tui.widgets.preview import PartPreview
from tui.widgets.program import ProgramView
from tui.widgets.progress import TurnProgress

__all__ = ["BackendChoice", "BackendDialog", "ChecksTable", "Conversation", "PartPreview",
           "PathDialog", "ProgramView", "TurnProgress"]
