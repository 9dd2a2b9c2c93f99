"""A backend built on first use (agent/backends/lazy.py)."""

from __future__ import annotations

import pytest

from agent.backends import BackendError, get_backend
from agent.backends.lazy import LazyBackend


def test_built_once_at_the_first_read_and_said_once() -> None:
    built: list[str] = []
    said: list[str] = []

    def build() -> object:
        built.append("built")
        return get_backend("scripted", replies=["cube(1);"])

    lazy = LazyBackend(build, lambda: said.append("loading"))
    assert not lazy.is_loaded and built == [] and said == []
    assert lazy.name == "scripted"
    assert [r.text for r in lazy.generate([{"role": "user", "content": "x"}], n=1)] == [
        "cube(1);"]
    assert lazy.is_loaded and built == ["built"] and said == ["loading"]


def test_a_failed_build_raises_at_every_read() -> None:
    said: list[str] = []
    lazy = LazyBackend(lambda: get_backend("no-such-backend"), lambda: said.append("x"))
    for _ in range(2):
        with pytest.raises(BackendError, match="unknown backend 'no-such-backend'"):
            _ = lazy.constrains
    assert said == ["x"] and not lazy.is_loaded
