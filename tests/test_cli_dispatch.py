"""The top-level command: the shorthand forms map onto the right verbs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


def test_only_the_verb_in_use_is_wired(calls: list[list[str]]) -> None:
    """Other verbs' modules are not even imported for a part (the first line comes sooner);
    the top-level --help wires every verb again, in its usual order."""
    cli.main(["a cube"])
    assert [c.name for c in cli.app.registered_commands] == ["run"]
    assert cli.app.registered_groups == []
    cli.main(["compile", "x.scad"])
    assert [c.name for c in cli.app.registered_commands] == ["compile"]
    cli.main(["--help"])
    assert [c.name for c in cli.app.registered_commands] == ["compile", "check", "run"]
    assert [g.name for g in cli.app.registered_groups] == list(cli.SUBCOMMANDS)


@pytest.mark.parametrize("argv", [["run", "  "], ["  "]])
def test_run_wired_alone_is_still_a_verb(argv: list[str]) -> None:
    """typer runs a lone command as the whole app; `run` must stay a verb, not the prompt."""
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-m", "agent.cli", *argv], cwd=root,
                          env={**os.environ, "PYTHONPATH": str(root)}, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "empty" in done.stderr and "unexpected extra argument" not in done.stderr
