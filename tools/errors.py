"""Errors raised on purpose, and the lazy importer for heavy optional dependencies."""

from __future__ import annotations

import importlib
from types import ModuleType


class ScadAgentError(Exception):
    """Base of every error scad-agent raises on purpose (shown to users without a traceback)."""


class MissingDependency(ScadAgentError):
    """An optional dependency is not installed; the message says which extra brings it."""


def require(module: str, extra: str) -> ModuleType:
    """Import `module` or raise MissingDependency naming the pip extra that provides it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependency(
            f"'{module}' is not installed; install it with: pip install 'scad-agent[{extra}]'"
        ) from exc
