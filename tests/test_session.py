"""Multi-turn sessions end to end: create, edit, undo, save, resume (real OpenSCAD)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.backends.scripted import ScriptedBackend
from agent.config import AgentConfig
from agent.session import Session, program_params
from tools.errors import ScadAgentError

CUBE = "size = 20;\nheight = 20;\ncube([size, size, height]);"
TALL = "size = 20;\nheight = 40;\ncube([size, size, height]);"
TALLER = "size = 20;\nheight = 40;\ncube([size, size, height + 0.001]);"


def fenced(program: str) -> str:
    return f"```openscad\n{program}\n```"


def new_session(tmp_path: Path, replies: list, **config: object) -> Session:
    cfg = AgentConfig(backend="scripted", **({"render": False} | config))
    # the layout `scad-agent run` makes: the session folder inside the output directory
    return Session(tmp_path / "out" / "session", ScriptedBackend(replies), cfg,
                   out_dir=tmp_path / "out")


def last(session: Session, text: str) -> dict:
    steps = list(session.send(text))
    assert steps[-1].kind == "done", steps[-1]
    return steps[-1].data


def test_create_edit_undo_resume(tmp_path: Path) -> None:
    session = new_session(tmp_path, [fenced(CUBE), fenced(TALL)], render=True)
    first = last(session, "a 20 mm cube")
    assert first["status"] == "ok"
    assert session.params == {"size": 20, "height": 20}
    for kind in ("scad", "stl", "png"):
        assert (tmp_path / "out" / "session" / "turn-1" / f"part.{kind}").is_file()
        assert (tmp_path / "out" / f"part.{kind}").is_file()
    assert (tmp_path / "out" / "part.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # (a bare "make it taller" would be applied to `height` without the model)
    second = last(session, "make the cube taller")
    assert second["status"] == "ok"
    assert second["spec"]["grow"] == [{"axis": "z", "min_ratio": 1.02}]
    grow = next(c for c in second["checks"] if c["key"] == "grow")
    assert grow["passed"] and grow["actual"] == pytest.approx(2.0)
    # the follow-up saw the current program as the last assistant message
    sent = session.backend.calls[1]["messages"]
    assert sent[-2:] == [{"role": "assistant", "content": CUBE},
                         {"role": "user", "content": "make the cube taller"}]
    assert (tmp_path / "out" / "part.scad").read_text() == TALL
    assert session.program == TALL and len(session.history()) == 2

    back = session.undo()
    assert back is not None and back.index == 1
    assert session.program == CUBE
    assert (tmp_path / "out" / "part.scad").read_text() == CUBE
    assert (tmp_path / "out" / "session" / "turn-2" / "part.scad").is_file()  # kept on disk

    # resume from the saved file with a fresh backend and continue from the cube
    resumed = Session.load(tmp_path / "out" / "session" / "session.json",
                           ScriptedBackend([fenced(TALLER)]))
    assert resumed.program == CUBE and resumed.out_dir == tmp_path / "out"
    assert [t.undone for t in resumed.turns] == [False, True]
    # (a bare "twice as tall" would be applied to `height` without the model)
    third = last(resumed, "twice as tall, keep the footprint")
    assert third["status"] == "ok"
    assert resumed.turns[-1].index == 3
    sent = resumed.backend.calls[0]["messages"]
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "user"]
    assert sent[2]["content"] == CUBE  # the undone turn is not part of the conversation
    assert (tmp_path / "out" / "part.scad").read_text() == TALLER


def test_failed_follow_up_keeps_the_current_part(tmp_path: Path) -> None:
    session = new_session(tmp_path, [fenced(CUBE), "no idea", "still no idea"], max_repairs=1)
    last(session, "a 20 mm cube")
    second = last(session, "make the cube taller")
    assert second["status"] == "no_part"
    assert session.program == CUBE
    assert (tmp_path / "out" / "part.scad").read_text() == CUBE
    assert session.turns[-1].status == "no_part"


def test_grow_check_fails_when_the_edit_did_not_grow(tmp_path: Path) -> None:
    session = new_session(tmp_path, [fenced(CUBE), fenced(CUBE), fenced(CUBE)])
    last(session, "a 20 mm cube")
    second = last(session, "make the cube taller")
    assert second["status"] == "failed_checks" and second["stop"] == "stuck"
    failed = [c["key"] for c in second["checks"] if not c["passed"]]
    assert failed == ["grow", "changed"]


def test_saved_after_every_step_and_trajectory_has_every_step(tmp_path: Path) -> None:
    session = new_session(tmp_path, [fenced("cube(20"), fenced(CUBE)])
    states = []
    for step in session.send("a 20 mm cube"):
        saved = json.loads(session.path.read_text())
        states.append((step.kind, saved["turns"][0]["status"]))
    assert states[0] == ("attempt", "running")
    assert states[-1] == ("done", "ok")
    records = [json.loads(line) for line in session.trajectory_path.read_text().splitlines()]
    assert [r["kind"] for r in records] == [s for s, _ in states]
    reply = next(r for r in records if r["kind"] == "reply")
    assert reply["data"]["program"] == "cube(20" and "usage" in reply["data"]
    compiled = next(r for r in records if r["kind"] == "compile")
    assert compiled["data"]["result"]["status"] == "syntax_error"
    attempt = next(r for r in records if r["kind"] == "attempt")
    assert attempt["data"]["messages"][-1]["content"] == "a 20 mm cube"
    assert not list(session.directory.glob(".*.tmp"))  # no temp files left behind


def test_undo_with_nothing_to_undo(tmp_path: Path) -> None:
    session = new_session(tmp_path, [fenced(CUBE)])
    with pytest.raises(ScadAgentError):
        session.undo()
    last(session, "a 20 mm cube")
    assert session.undo() is None
    assert not (tmp_path / "out" / "part.scad").exists()


def test_load_rejects_garbage(tmp_path: Path) -> None:
    bad = tmp_path / "session.json"
    bad.write_text("{not json")
    with pytest.raises(ScadAgentError):
        Session.load(bad)
    bad.write_text(json.dumps({"version": 99}))
    with pytest.raises(ScadAgentError):
        Session.load(bad)


def test_program_params() -> None:
    program = ('w = 60; // width\nd = 4.5;\nname = "tag";\nsolid = true;\n'
               "expr = w * 2;\nmodule m() { inner = 3; cube(inner); }\nm();")
    assert program_params(program) == {"w": 60, "d": 4.5, "name": "tag", "solid": True}
    assert program_params(None) == {}


def test_program_params_end_where_the_customizer_stops() -> None:
    # OpenSCAD's customizer reads only what comes before the first `{`; vectors and the
    # Hidden group are no knobs either
    program = ("w = 60;\nsize = [1, 2];\n/* [Hidden] */\neps = 0.01;\n"
               "difference() {\n  cube(w);\n}\nlate = 3;\n")
    assert program_params(program) == {"w": 60}


def test_explicit_grow_is_measured_from_the_first_part(tmp_path: Path) -> None:
    wider = "cube([30, 20, 40]);"
    session = new_session(tmp_path, [fenced(CUBE), fenced(TALL), fenced(wider)],
                          max_repairs=0)
    last(session, "a 20 mm cube")
    last(session, "make it taller")
    # an eval's spec: grow counts from the first prompt's part (20 -> 40), while this
    # turn leaves the height as it was
    session.spec = {"grow": {"axis": "z", "min_ratio": 1.9}}
    third = last(session, "make it wider")
    grow = next(c for c in third["checks"] if c["key"] == "grow")
    assert grow["passed"] and grow["actual"] == pytest.approx(2.0)
