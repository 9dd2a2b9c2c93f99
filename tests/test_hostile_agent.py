"""A hostile or broken model: the agent must stay up, stay inside its box, and keep a
valid session on disk whatever the replies contain."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from agent.backends.scripted import ScriptedBackend
from agent.config import AgentConfig
from agent.loop import Step
from agent.run_cli import run_cmd
from agent.session import Session


def run(tmp_path: Path, replies: list[str], **config: object) -> tuple[Session, list[Step]]:
    cfg = AgentConfig(backend="scripted", render=False, **config)
    session = Session(tmp_path / "s", ScriptedBackend(replies), cfg)
    return session, list(session.send("a 20 mm cube"))


def test_reading_files_outside_the_session_is_refused(tmp_path: Path) -> None:
    attacks = [
        "include </etc/passwd>\ncube(10);",
        'surface(file = "/etc/passwd");',
        'import("../../../../etc/hostname");',
    ]
    session, steps = run(tmp_path, attacks, max_repairs=2)
    compiled = [s for s in steps if s.kind == "compile"]
    assert len(compiled) == 3 and not any(s.data["ok"] for s in compiled)
    assert steps[-1].data["status"] == "no_part"
    passwd_line = Path("/etc/passwd").read_text().splitlines()[0]
    for message in session.backend.calls[1:]:
        assert passwd_line not in message["messages"][-1]["content"]
    assert passwd_line not in session.trajectory_path.read_text()


def test_runaway_program_is_stopped_by_the_limits(tmp_path: Path) -> None:
    forever = "function f(n) = n == 0 ? 1 : f(n - 1) + f(n - 1);\ncube(f(60));"
    session, steps = run(tmp_path, [forever], max_repairs=0, limits={"timeout_s": 2})
    compiled = next(s for s in steps if s.kind == "compile")
    assert compiled.data["status"] in ("timeout", "resource_limit")
    assert steps[-1].data["status"] == "no_part"
    assert json.loads(session.path.read_text())["turns"][0]["status"] == "no_part"


def test_oversized_reply_is_refused_not_compiled_forever(tmp_path: Path) -> None:
    huge = "cube(1);\n" + "// padding\n" * 200_000  # about 2 MB
    session, steps = run(tmp_path, [huge, huge], max_repairs=1)
    from agent.loop import MAX_REPLY_CHARS

    # refused before OpenSCAD, and capped before it is stored or sent back
    assert not any(s.kind == "compile" for s in steps)
    reply = next(s for s in steps if s.kind == "reply")
    assert reply.data["program"] is None and "over" in reply.data["extraction"]
    assert len(reply.data["reply"]) <= MAX_REPLY_CHARS
    assert all(len(m["content"]) <= MAX_REPLY_CHARS
               for call in session.backend.calls for m in call["messages"])
    assert session.trajectory_path.stat().st_size < 4 * MAX_REPLY_CHARS
    assert steps[-1].data["status"] == "no_part"


def test_binary_junk_and_broken_unicode_keep_the_session_writable(tmp_path: Path) -> None:
    junk = ["\x00\x01\x02 \ud800\udfff garbage \x1b[31m", "```openscad\ncube(20);\x00\n```"]
    session, steps = run(tmp_path, junk, max_repairs=1)
    assert steps[-1].kind == "done"
    saved = json.loads(session.path.read_text(encoding="utf-8"))
    assert len(saved["turns"]) == 1
    for line in session.trajectory_path.read_text(encoding="utf-8").splitlines():
        json.loads(line)
    loaded = Session.load(session.path)
    assert loaded.turns[0].text == "a 20 mm cube"


def test_broken_unicode_in_the_prompt_is_stored_safely(tmp_path: Path) -> None:
    session = Session(tmp_path / "s", ScriptedBackend(["cube(20);"]),
                      AgentConfig(backend="scripted", render=False))
    steps = list(session.send("a cube \udcff please"))
    assert steps[-1].kind == "done"
    assert "\ufffd" in Session.load(session.path).turns[0].text


def test_markup_in_model_output_does_not_break_the_console(tmp_path: Path) -> None:
    script = tmp_path / "r.jsonl"
    evil = 'assert(false, "[/bold] [red]boom[/nope]");\ncube(20);'
    script.write_text(json.dumps(evil) + "\n" + json.dumps("[/bold] no program [x]") + "\n")
    app = typer.Typer()
    app.command()(run_cmd)
    result = CliRunner().invoke(app, ["a 20 mm cube", "--backend", "scripted", "--model",
                                      str(script), "--out", str(tmp_path / "out"),
                                      "--max-repairs", "1"])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "[/bold]" in result.output  # shown literally, not parsed as markup


def test_endless_identical_prose_is_bounded(tmp_path: Path) -> None:
    session, steps = run(tmp_path, ["I refuse."] * 10, max_repairs=3)
    assert len(session.backend.calls) == 4
    assert steps[-1].data["status"] == "no_part"
    assert not any(s.kind == "compile" for s in steps)
