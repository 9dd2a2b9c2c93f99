"""The top-level command: the shorthand forms map onto the right verbs."""

from __future__ import annotations

import pytest

import agent.cli as cli


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    seen: list[list[str]] = []
    class Recorder:
        def __call__(self, args: list[str], prog_name: str) -> None:
            seen.append(list(args))

    monkeypatch.setattr(cli, "app", _Proxy(cli.app, Recorder()))
    return seen


class _Proxy:
    """The real typer app for registration, a recorder for the final call."""

    def __init__(self, app: object, recorder: object) -> None:
        self._app, self._recorder = app, recorder

    def __getattr__(self, name: str) -> object:
        return getattr(self._app, name)

    def __call__(self, *args: object, **kwargs: object) -> None:
        self._recorder(*args, **kwargs)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["bracket with two M3 holes", "--max-repairs", "3"],
         ["run", "bracket with two M3 holes", "--max-repairs", "3"]),
        (["run", "a cube"], ["run", "a cube"]),
        (["compile", "x.scad"], ["compile", "x.scad"]),
        (["scrape", "examples", "--out", "d"], ["scrape", "run", "examples", "--out", "d"]),
        (["scrape", "stats", "d"], ["scrape", "stats", "d"]),
        (["eval", "suite.jsonl"], ["eval", "run", "suite.jsonl"]),
        (["eval", "compare", "a", "b"], ["eval", "compare", "a", "b"]),
        (["eval", "--help"], ["eval", "--help"]),
    ],
)
def test_shorthands(calls: list[list[str]], argv: list[str], expected: list[str]) -> None:
    cli.main(argv)
    assert calls[-1] == expected
