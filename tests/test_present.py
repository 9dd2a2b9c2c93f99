"""agent.present (step and check text both faces show), agent.export, agent.run_cli.load_agent."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.backends.scripted import ScriptedBackend
from agent.export import export_part
from agent.loop import Step
from agent.present import ProgressLine, check_rows, describe_step, format_value
from agent.run_cli import UsageProblem, load_agent, load_agent_or_exit
from tools.errors import ScadAgentError


def test_describe_step_words_what_needs_reading() -> None:
    assert describe_step(Step("attempt", 2, {"n": 4}), 3) == ProgressLine(
        "info", "attempt 2 of 3: asking the model (4 samples)")
    failed = Step("compile", 1, {"ok": False, "status": "syntax_error", "summary": "status: x",
                                 "result": {"diagnostics": [
                                     {"severity": "warning", "message": "unused"},
                                     {"severity": "error", "message": " syntax error "}]}})
    assert describe_step(failed, 3) == ProgressLine(
        "error", "compile failed (syntax_error): syntax error")
    long_reply = Step("reply", 1, {"program": None, "candidate": 0, "extraction": "no code",
                                   "reply": "word " * 100})
    line = describe_step(long_reply, 3)
    assert line is not None and line.tone == "warning" and line.text.endswith('..."')
    # steps nobody needs to read
    assert describe_step(Step("compile", 1, {"ok": True}), 3) is None
    assert describe_step(Step("reply", 1, {"program": "cube(1);"}), 3) is None
    done = Step("done", 1, {"status": "failed_checks", "repairs_used": 1,
                            "checks": [{"passed": False}, {"passed": True}]})
    assert describe_step(done, 3) == ProgressLine(
        "warning", "part made, but 1 check(s) fail (after 1 repair)")


def test_check_rows_and_values() -> None:
    rows = check_rows([{"key": "bbox", "passed": False, "actual": [60.0, 40.5, 5],
                        "expected": [[58.8, 61.2], [39, 41], [4, 6]]},
                       {"key": "watertight", "passed": True, "actual": True,
                        "expected": True}])
    assert rows == [("bbox", "FAIL", "60 x 40.5 x 5", "58.8..61.2 x 39..41 x 4..6"),
                    ("watertight", "pass", "yes", "yes")]
    assert format_value([1, 2]) == "1 x 2"  # a pair is a range only for expected values
    assert format_value(1 / 3) == "0.3333"


def test_export_refuses_what_it_cannot_write(tmp_path: Path) -> None:
    with pytest.raises(ScadAgentError, match="must end in"):
        export_part("cube(1);", None, tmp_path / "part.xyz")
    with pytest.raises(ScadAgentError, match="nothing to export"):
        export_part(None, None, tmp_path / "part.stl")
    with pytest.raises(ScadAgentError, match="no mesh"):
        export_part("cube(1);", tmp_path / "missing.stl", tmp_path / "part.3mf")
    written = export_part("cube(1);", None, tmp_path / "sub" / "part.scad")
    assert written.read_text() == "cube(1);"


def test_load_agent_shares_the_run_flags(tmp_path: Path) -> None:
    replies = tmp_path / "replies.jsonl"
    replies.write_text('"cube(1);"\n')
    config_file = tmp_path / "agent.toml"
    config_file.write_text('backend = "scripted"\nmax_repairs = 1\n')
    config, backend = load_agent(None, str(replies), config_file=config_file)
    assert isinstance(backend, ScriptedBackend)
    assert (config.backend, config.max_repairs) == ("scripted", 1)
    with pytest.raises(UsageProblem, match="--backend must be one of"):
        load_agent("nonsense")
    with pytest.raises(UsageProblem, match="needs --model"):
        load_agent("scripted")


@pytest.mark.parametrize(("backend", "model", "code", "said"), [
    ("nonsense", None, 2, "error: --backend must be one of"),
    ("scripted", "/nonexistent/replies.jsonl", 3, "backend: cannot read scripted replies"),
])
def test_load_agent_or_exit_says_why_and_exits_like_run(backend: str, model: str | None,
                                                        code: int, said: str) -> None:
    import io

    import typer
    from rich.console import Console

    err = io.StringIO()
    with pytest.raises(typer.Exit) as exited:
        load_agent_or_exit(Console(file=err, width=200), backend, model, endpoint=None,
                           api_key_env=None, config_file=None)
    assert exited.value.exit_code == code
    assert said in err.getvalue()
