"""The loop's limits and what it reports: cut-off replies, re-asks, the grammar hand-off,
the context, the turn's time against a real misbehaving HTTP server, exit codes by cause."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from test_backend_openai import ChatServer
from typer.testing import CliRunner

from agent.backends.base import Reply
from agent.backends.openai import OpenAIBackend
from agent.backends.scripted import ScriptedBackend
from agent.config import AgentConfig
from agent.loop import TRUNCATED, Step
from agent.present import GRAMMAR_NOT_APPLIED, describe_step, done_line
from agent.run_cli import run_cmd
from agent.session import Session

PROMPT = "a 20 mm cube"
GOOD = "cube([20, 20, 20]);"
CUT = "difference() {\n  cube([20, 20, 20]);\n  translate([5, 5"


def run(tmp_path: Path, backend: object, **config: object) -> tuple[Session, list[Step]]:
    cfg = AgentConfig(backend="scripted", render=False, **config)
    session = Session(tmp_path / "s", backend, cfg)  # type: ignore[arg-type]
    return session, list(session.send(PROMPT))


def test_a_reply_cut_at_max_tokens_asks_for_a_shorter_program(tmp_path: Path) -> None:
    backend = ScriptedBackend([{"content": CUT, "finish_reason": "length"}, GOOD])
    _, steps = run(tmp_path, backend)
    reply = next(s for s in steps if s.kind == "reply")
    assert reply.data["truncated"] is True and reply.data["finish_reason"] == "length"
    repair = next(s for s in steps if s.kind == "repair")
    assert repair.data["failures"] == [TRUNCATED]
    # the cut point's syntax error is not what the model is told about
    assert "syntax" not in repair.data["message"] and "OpenSCAD:" not in repair.data["message"]
    assert "cut off" in backend.calls[1]["messages"][-1]["content"]
    assert steps[-1].data["status"] == "ok"


def test_a_repeated_conversation_is_re_asked_hotter_then_given_up(tmp_path: Path) -> None:
    backend = ScriptedBackend(["I refuse."] * 10)
    _, steps = run(tmp_path, backend, max_repairs=8)
    sent = [(json.dumps(c["messages"]), c["temperature"]) for c in backend.calls]
    assert len(set(sent)) == len(sent)  # never the same request twice
    assert [c["temperature"] for c in backend.calls] == [0.0, 0.0, 0.5, 0.8, 1.0]
    assert steps[-1].data["stop"] == "stuck" and steps[-1].kind == "done"
    temperatures = [s.data["temperature"] for s in steps if s.kind == "attempt"]
    assert temperatures == [0.0, 0.0, 0.5, 0.8, 1.0]


def test_a_grammar_that_was_not_applied_is_reported(tmp_path: Path) -> None:
    # the backend cannot take a grammar at all (an OpenAI server in grammar_mode none)
    _, steps = run(tmp_path, ScriptedBackend([GOOD], constrains=False))
    done = steps[-1].data
    assert done["grammar"] == "not_applied"
    assert GRAMMAR_NOT_APPLIED in done_line(done).text
    # the backend said yes, but the reply came back unconstrained (a server that dropped it)
    dropped = ScriptedBackend(lambda messages, n: [Reply(f"```openscad\n{GOOD}\n```")] * n,
                              constrains=True)
    _, steps = run(tmp_path / "b", dropped)
    assert dropped.calls[0]["grammar"] is True
    assert steps[-1].data["grammar"] == "not_applied" and steps[-1].data["status"] == "ok"
    # applied, and no grammar asked for
    _, steps = run(tmp_path / "c", ScriptedBackend([GOOD], constrains=True))
    assert steps[-1].data["grammar"] == "applied"
    assert GRAMMAR_NOT_APPLIED not in done_line(steps[-1].data).text
    _, steps = run(tmp_path / "d", ScriptedBackend([GOOD]), grammar=False)
    assert steps[-1].data["grammar"] == "off"


def test_a_prompt_over_the_context_is_an_error_before_any_reply(tmp_path: Path) -> None:
    backend = ScriptedBackend([GOOD], context_tokens=3)
    session, steps = run(tmp_path, backend)
    assert steps[-1].kind == "error" and steps[-1].data["cause"] == "prompt"
    assert "context" in steps[-1].data["message"]
    assert session.turns[0].status == "error"


def test_a_repair_that_outgrows_the_context_keeps_the_best_part(tmp_path: Path) -> None:
    too_big = "cube([20, 20, 30]);\n" + "// a long comment line\n" * 40
    backend = ScriptedBackend([too_big, GOOD], context_tokens=120)
    session, steps = run(tmp_path, backend)
    done = steps[-1]
    assert done.kind == "done" and done.data["stop"] == "context"
    assert done.data["status"] == "failed_checks" and session.turns[0].has_part
    assert "context" in done_line(done.data).text


def test_every_call_gets_the_turns_remaining_time(tmp_path: Path) -> None:
    backend = ScriptedBackend([CUT, GOOD])
    run(tmp_path, backend, max_wall_s=50)
    limits = [c["timeout_s"] for c in backend.calls]
    assert len(limits) == 2 and all(0 < t <= 50 for t in limits)
    assert limits[1] < limits[0]


def test_a_hung_server_ends_the_turn_within_its_budget(tmp_path: Path) -> None:
    server = ChatServer()
    server.faults = [("hang",)] * 10
    try:
        backend = OpenAIBackend(endpoint=server.endpoint, model="scad-tiny",
                                grammar_mode="none", timeout_s=600.0)
        session, steps = run(tmp_path, backend, max_wall_s=1.0)
    finally:
        server.close()
    error = steps[-1]
    assert error.kind == "error" and error.data["cause"] == "backend"
    assert error.data["type"] == "OutOfTime" and "time ran out" in error.data["message"]
    assert backend.requests == 1 and len(server.requests) == 1
    assert session.turns[0].status == "error"


def test_candidates_are_numbered_in_progress_lines() -> None:
    data = {"candidate": 1, "candidates": 3, "ok": False, "status": "syntax_error",
            "summary": "x", "result": {"diagnostics": [{"severity": "error",
                                                        "message": "bad"}]}}
    line = describe_step(Step("compile", 1, data), 3)
    assert line is not None and line.text == "candidate 2/3: compile failed (syntax_error): bad"
    one = describe_step(Step("compile", 1, {**data, "candidates": 1}), 3)
    assert one is not None and one.text.startswith("compile failed")


def invoke(*args: str) -> tuple[int, str]:
    app = typer.Typer()
    app.command()(run_cmd)
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_exit_codes_follow_the_cause(tmp_path: Path) -> None:
    server = ChatServer()
    server.faults = [("hang",)] * 3
    config = tmp_path / "agent.toml"
    config.write_text("max_wall_s = 1.0\n")
    try:
        code, output = invoke(PROMPT, "--backend", "openai", "--endpoint", server.endpoint,
                              "--model", "scad-tiny", "--grammar-mode", "none", "--config",
                              str(config), "--out", str(tmp_path / "a"), "--json")
    finally:
        server.close()
    assert code == 3 and json.loads(output.splitlines()[-1])["exit_code"] == 3
    # a --grammar-mode for a backend that does not take one is a usage error
    replies = tmp_path / "r.jsonl"
    replies.write_text(json.dumps(GOOD) + "\n")
    code, output = invoke(PROMPT, "--backend", "scripted", "--model", str(replies),
                          "--grammar-mode", "gbnf", "--out", str(tmp_path / "b"))
    assert code == 2 and "--grammar-mode is for --backend openai" in output
    code, _ = invoke(PROMPT, "--backend", "openai", "--grammar-mode", "outlines")
    assert code == 2


def test_grammar_mode_is_documented_in_the_help() -> None:
    code, output = invoke("--help")
    assert code == 0
    assert "--grammar-mode" in output and "llama-cpp-python" in output
