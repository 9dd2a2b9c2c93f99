"""agent.cli_flags: the agent's options, declared once, reach a command as one AgentFlags."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from typer.testing import CliRunner

from agent.cli_flags import ALL_FLAGS, FACE_FLAGS, AgentFlags, agent_flags


def app_with(*names: str) -> tuple[typer.Typer, list[tuple[str, AgentFlags, int]]]:
    """A one-command app that records what its command was called with."""
    calls: list[tuple[str, AgentFlags, int]] = []
    app = typer.Typer()

    @app.command()
    @agent_flags(*names)
    def make(prompt: str, flags: AgentFlags = AgentFlags(),
             count: Annotated[int, typer.Option(help="After the flags.")] = 1) -> None:
        calls.append((prompt, flags, count))

    return app, calls


def test_the_command_gets_its_flags_packed_and_its_own_options_as_before(
        tmp_path: Path) -> None:
    app, calls = app_with()
    result = CliRunner().invoke(app, ["a cube", "--backend", "scripted", "--model", "r.jsonl",
                                      "--max-repairs", "2", "--no-grammar", "--config",
                                      str(tmp_path / "c.toml"), "--count", "3"])
    assert result.exit_code == 0, result.output
    assert calls == [("a cube", AgentFlags(backend="scripted", model="r.jsonl", max_repairs=2,
                                           no_grammar=True, config_file=tmp_path / "c.toml"),
                      3)]


def test_left_out_flags_keep_their_defaults() -> None:
    app, calls = app_with()
    assert CliRunner().invoke(app, ["a cube"]).exit_code == 0
    assert calls == [("a cube", AgentFlags(), 1)]


def test_a_face_offers_only_its_flags() -> None:
    app, calls = app_with(*FACE_FLAGS)
    runner = CliRunner()
    assert runner.invoke(app, ["x", "--endpoint", "http://127.0.0.1:1/v1"]).exit_code == 0
    assert calls[0][1] == AgentFlags(endpoint="http://127.0.0.1:1/v1")
    refused = runner.invoke(app, ["x", "--quantize", "4bit"])
    assert refused.exit_code == 2 and "--quantize" in refused.output
    assert len(calls) == 1
    help_text = runner.invoke(app, ["--help"]).output
    assert "--api-key-env" in help_text and "--strategy" not in help_text


def test_every_flag_is_a_field_of_agent_flags() -> None:
    assert set(FACE_FLAGS) <= set(ALL_FLAGS)
    assert "grammar_mode" in ALL_FLAGS and "config_file" in ALL_FLAGS
