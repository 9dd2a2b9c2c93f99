"""Words for a model that failed to load: the TUI shows them in one line when the backend
it started in a worker thread raises. (The words for one that is loading, shared with the
web page, are in agent.model_label.)"""

from __future__ import annotations

from tools.errors import ScadAgentError


def one_line(exc: BaseException) -> str:
    """An exception as one line: backend errors often list choices on several lines. Our
    own errors are worded for people; anything else (a library's crash) keeps its type."""
    text = " ".join(str(exc).split())
    if isinstance(exc, ScadAgentError):
        return text or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
