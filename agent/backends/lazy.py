"""A backend built on first use.

A follow-up the agent answers without the model ("make it taller" as a direct edit of
`height`, or a request the part already meets) should not wait for a model to load: on two
CPU cores loading the bundled model takes longer than the whole edit. The CLI hands the
session a LazyBackend for such turns; the first time the loop needs the model, it is built.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent.backends.base import Backend


class LazyBackend:
    """Stands in for the backend `build()` returns, building it at the first attribute read
    (`generate`, `constrains`, `languages`...). `on_load` runs just before, e.g. to say
    "loading model...". A failed build raises its error at that read and again at the next."""

    def __init__(self, build: Callable[[], Backend],
                 on_load: Callable[[], None] | None = None) -> None:
        self._build = build
        self._on_load = on_load
        self._backend: Backend | None = None

    @property
    def is_loaded(self) -> bool:
        return self._backend is not None

    def loaded(self) -> Backend:
        if self._backend is None:
            if self._on_load is not None:
                self._on_load()
                self._on_load = None  # said once, even when the build fails
            self._backend = self._build()
        return self._backend

    def __getattr__(self, name: str) -> Any:
        # only names this object lacks arrive here: everything a backend has
        return getattr(self.loaded(), name)
