"""The repair loop on recorded replies (scripted backend) with the real OpenSCAD."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.backends.scripted import ScriptedBackend
from agent.config import AgentConfig
from agent.loop import Step
from agent.session import Session

PROMPT = "a 60 x 40 x 5 mm plate with four M3 holes"
GOOD = (
    "difference() {\n  cube([60, 40, 5]);\n"
    "  for (x = [5, 55], y = [5, 35]) translate([x, y, -1]) cylinder(d = 3.2, h = 7, $fn = 16);"
    "\n}"
)
TWO_HOLES = GOOD.replace("[5, 55]", "[5]")  # compiles, but genus 2, not 4
SYNTAX = "difference() {\n  cube([60, 40, 5]);\n  translate([5, 5, -1] cylinder(d=3, h=7);\n}"
PROSE = "I would make a rectangular plate and drill four holes into it."


def fenced(program: str) -> str:
    return f"Here you go:\n```openscad\n{program}\n```\n"


def run(tmp_path: Path, replies: list, *, prompt: str = PROMPT,
        **config: object) -> tuple[Session, ScriptedBackend, list[Step]]:
    backend = ScriptedBackend(replies)
    cfg = AgentConfig(backend="scripted", render=False, **config)
    session = Session(tmp_path / "s", backend, cfg)
    steps = list(session.send(prompt))
    return session, backend, steps


def kinds(steps: list[Step]) -> list[str]:
    return [s.kind for s in steps]


def test_bad_program_then_its_repair(tmp_path: Path) -> None:
    session, backend, steps = run(tmp_path, [fenced(SYNTAX), fenced(GOOD)])
    done = steps[-1]
    assert done.kind == "done" and done.data["status"] == "ok"
    assert done.data["repairs_used"] == 1 and done.data["stop"] == "passed"
    assert session.turns[0].program == GOOD
    # the repair conversation: the bad program as the assistant, diagnostics as the user
    sent = backend.calls[1]["messages"]
    assert sent[-2] == {"role": "assistant", "content": SYNTAX}
    repair = sent[-1]["content"]
    assert "syntax_error" in repair and "line 3" in repair
    assert "3 | translate([5, 5, -1] cylinder(d=3, h=7);" in repair
    assert repair.endswith("Reply with the corrected complete OpenSCAD program only.")
    assert sent[0]["role"] == "system" and sent[1] == {"role": "user", "content": PROMPT}
    checks = {c["key"]: c["passed"] for c in done.data["checks"]}
    assert checks == {"watertight": True, "genus": True, "bodies": True, "size": True,
                      "holes": True}


def test_prose_only_reply_costs_one_attempt_and_is_never_compiled(tmp_path: Path) -> None:
    session, backend, steps = run(tmp_path, [PROSE, fenced(GOOD)])
    first = [s for s in steps if s.attempt == 1]
    assert "compile" not in kinds(first)
    assert first[1].kind == "reply" and first[1].data["program"] is None
    assert not (tmp_path / "s" / "turn-1" / "attempt-1-0").exists()
    assert steps[-1].data["status"] == "ok" and steps[-1].data["repairs_used"] == 1
    nudge = backend.calls[1]["messages"][-1]["content"]
    assert "no program: prose only" in nudge and "no prose" in nudge


def test_two_blocks_takes_the_openscad_one(tmp_path: Path) -> None:
    reply = f"```python\nprint('hi')\n```\nand\n```scad\n{GOOD}\n```"
    _, backend, steps = run(tmp_path, [reply])
    assert steps[-1].data["status"] == "ok" and len(backend.calls) == 1


def test_stuck_on_the_same_failing_program_stops_early(tmp_path: Path) -> None:
    _, backend, steps = run(tmp_path, [fenced(TWO_HOLES)] * 4, max_repairs=3)
    done = steps[-1]
    assert done.data["stop"] == "stuck"
    assert len(backend.calls) == 2 and backend.remaining == 2
    assert done.data["status"] == "failed_checks"
    assert any("genus" in f for f in done.data["best"]["failures"])


def test_max_repairs_bounds_the_attempts(tmp_path: Path) -> None:
    # distinct failing programs, so stuck detection does not end it first
    replies = [fenced(SYNTAX.replace("5, 5", f"{k}, 5")) for k in range(1, 6)]
    _, backend, steps = run(tmp_path, replies, max_repairs=2)
    assert len(backend.calls) == 3
    assert steps[-1].data["stop"] == "max_repairs"
    assert steps[-1].data["status"] == "no_part"
    assert kinds(steps).count("repair") == 2


def test_best_attempt_is_kept_not_the_last(tmp_path: Path) -> None:
    replies = [fenced(TWO_HOLES), fenced(SYNTAX), PROSE]
    session, _, steps = run(tmp_path, replies, max_repairs=2)
    assert steps[-1].data["status"] == "failed_checks"
    assert steps[-1].data["program"] == TWO_HOLES
    assert session.turns[0].program == TWO_HOLES
    assert Path(session.turns[0].files["stl"]).is_file()


def test_repair_starts_from_the_best_program(tmp_path: Path) -> None:
    replies = [fenced(TWO_HOLES), fenced(SYNTAX), fenced(GOOD)]
    _, backend, steps = run(tmp_path, replies, max_repairs=2)
    assert steps[-1].data["status"] == "ok"
    # the third attempt repairs the compiling two-hole plate, not the syntax error
    assert backend.calls[2]["messages"][-2]["content"] == TWO_HOLES


def test_resample_draws_n_in_one_call_and_keeps_the_best(tmp_path: Path) -> None:
    replies = [fenced(SYNTAX), PROSE, fenced(TWO_HOLES), fenced(TWO_HOLES)]
    _, backend, steps = run(tmp_path, replies + [fenced(GOOD)], strategy="resample",
                            samples=4, max_repairs=1, greedy_first=False)
    assert backend.calls[0]["n"] == 4 and backend.calls[0]["temperature"] > 0
    # identical candidates are compiled once
    compiles = [s for s in steps if s.kind == "compile" and s.attempt == 1]
    assert len(compiles) == 3
    assert len(list((tmp_path / "s" / "turn-1").glob("attempt-1-*"))) == 2
    # the repair starts from the best candidate (compiles, wrong genus)
    assert backend.calls[1]["messages"][-2]["content"] == TWO_HOLES
    assert steps[-1].data["status"] == "ok" and steps[-1].data["program"] == GOOD


def test_resample_stops_judging_after_a_verified_pass(tmp_path: Path) -> None:
    replies = [fenced(SYNTAX), fenced(GOOD), fenced(TWO_HOLES)]
    _, backend, steps = run(tmp_path, replies, strategy="resample", samples=3,
                            greedy_first=False)
    assert len(backend.calls) == 1
    assert steps[-1].data["status"] == "ok" and steps[-1].data["best"]["candidate"] == 1
    assert [s.data["candidate"] for s in steps if s.kind == "checks"] == [0, 1]


def test_resample_first_candidate_is_greedy(tmp_path: Path) -> None:
    replies = [fenced(TWO_HOLES), fenced(SYNTAX), fenced(GOOD), fenced(TWO_HOLES)]
    _, backend, steps = run(tmp_path, replies, strategy="resample", samples=4)
    assert [(c["n"], c["temperature"] > 0) for c in backend.calls] == [(1, False), (3, True)]
    assert steps[-1].data["status"] == "ok" and steps[-1].data["best"]["candidate"] == 2


def test_backend_error_yields_error_and_keeps_the_session(tmp_path: Path) -> None:
    session, _, steps = run(tmp_path, [fenced(SYNTAX), {"error": "server down"}])
    assert steps[-1].kind == "error" and "server down" in steps[-1].data["message"]
    saved = json.loads(session.path.read_text())
    assert saved["turns"][0]["status"] == "error"
    assert "server down" in saved["turns"][0]["error"]
    again = Session.load(session.path)
    assert again.turns[0].status == "error" and again.current is None


def test_keyboard_interrupt_mid_repair_leaves_a_loadable_session(tmp_path: Path) -> None:
    calls = []

    def reply(messages: list[dict], n: int) -> list[str]:
        calls.append(messages)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return [fenced(SYNTAX)]

    backend = ScriptedBackend(reply)
    session = Session(tmp_path / "s", backend, AgentConfig(backend="scripted", render=False))
    seen: list[str] = []
    with pytest.raises(KeyboardInterrupt):
        for step in session.send(PROMPT):
            seen.append(step.kind)
    assert "repair" in seen
    loaded = Session.load(tmp_path / "s" / "session.json")
    assert loaded.turns[0].status == "interrupted"
    assert loaded.current is None
    lines = (tmp_path / "s" / "trajectory.jsonl").read_text().splitlines()
    assert json.loads(lines[-1])["kind"] == "interrupted"


def test_token_budget_stops_the_turn(tmp_path: Path) -> None:
    replies = [fenced(SYNTAX.replace("5, 5", f"{k}, 5")) for k in range(1, 5)]
    _, backend, steps = run(tmp_path, replies, max_repairs=3, max_tokens=10)
    assert len(backend.calls) == 1 and steps[-1].data["stop"] == "tokens"
    assert backend.calls[0]["max_tokens"] <= 10


def test_wall_time_budget_stops_the_turn(tmp_path: Path) -> None:
    replies = [fenced(SYNTAX.replace("5, 5", f"{k}, 5")) for k in range(1, 5)]
    _, backend, steps = run(tmp_path, replies, max_repairs=3, max_wall_s=1e-6)
    assert len(backend.calls) == 1 and steps[-1].data["stop"] == "wall_time"


def test_steps_carry_timings_and_usage(tmp_path: Path) -> None:
    _, _, steps = run(tmp_path, [fenced(GOOD)])
    done = steps[-1].data
    assert set(done["timings"]) == {"model_s", "compile_s", "check_s", "other_s", "total_s"}
    assert done["timings"]["compile_s"] > 0
    assert done["tokens"]["completion_tokens"] > 0
    assert kinds(steps) == ["attempt", "reply", "compile", "checks", "done"]


def test_explicit_spec_wins_over_inferred(tmp_path: Path) -> None:
    backend = ScriptedBackend([fenced(TWO_HOLES)])
    session = Session(tmp_path / "s", backend, AgentConfig(backend="scripted", render=False,
                                                            max_repairs=0),
                      spec={"genus": 2})
    steps = list(session.send(PROMPT))
    assert steps[-1].data["spec"]["genus"] == 2
    assert steps[-1].data["status"] == "ok"


def test_constraining_backend_gets_the_grammar_and_bare_replies(tmp_path: Path) -> None:
    backend = ScriptedBackend([GOOD], constrains=True)
    session = Session(tmp_path / "s", backend, AgentConfig(backend="scripted", render=False))
    steps = list(session.send(PROMPT))
    assert backend.calls[0]["grammar"] is True
    reply = next(s for s in steps if s.kind == "reply")
    assert reply.data["extraction"] == "constrained"
    assert steps[-1].data["status"] == "ok"
    # --no-grammar: no grammar sent, the reply goes through normal extraction
    plain = ScriptedBackend([fenced(GOOD)], constrains=True)
    session = Session(tmp_path / "t", plain,
                      AgentConfig(backend="scripted", render=False, grammar=False))
    assert list(session.send(PROMPT))[-1].data["status"] == "ok"
    assert plain.calls[0]["grammar"] is False


def test_constrained_fenced_reply_is_unwrapped(tmp_path: Path) -> None:
    backend = ScriptedBackend([fenced(GOOD)], constrains=True)
    session = Session(tmp_path / "s", backend, AgentConfig(backend="scripted", render=False))
    assert list(session.send(PROMPT))[-1].data["program"] == GOOD


def test_grammar_dropped_during_the_call_means_ordinary_extraction(tmp_path: Path) -> None:
    # A server that rejected the grammar answers with free text, and its Reply says it was
    # not constrained: taking it whole as the program would fail to compile.
    from agent.backends.base import Reply

    def rejects_the_grammar(messages: list, n: int) -> list[Reply]:
        return [Reply(f"Here is the plate:\n\n{GOOD}\n\nIt has four holes.")] * n

    backend = ScriptedBackend(rejects_the_grammar, constrains=True)
    session = Session(tmp_path / "s", backend, AgentConfig(backend="scripted", render=False))
    steps = list(session.send(PROMPT))
    assert backend.calls[0]["grammar"] is True
    reply = next(s for s in steps if s.kind == "reply")
    assert reply.data["extraction"] == "bare" and reply.data["constrained"] is False
    assert reply.data["program"] == GOOD
    assert steps[-1].data["status"] == "ok" and steps[-1].data["repairs_used"] == 0
    assert steps[-1].data["grammar"] == "not_applied"


def test_check_failures_name_an_empty_part_first(tmp_path: Path) -> None:
    from agent.prompts import EMPTY_PART, check_failures
    from tools.mesh import analyze_mesh
    from tools.spec import check_spec

    empty = analyze_mesh(tmp_path / "missing.stl")
    failures = check_failures(check_spec({"genus": 4}, empty), empty)
    assert failures[0] == EMPTY_PART
    assert failures[1].startswith("genus: ") and len(failures) >= 2


def test_truncated_reply_is_named_before_the_failed_checks(tmp_path: Path) -> None:
    from agent.loop import TRUNCATED

    cut_off = f"```openscad\n{TWO_HOLES}\n"  # the fence never closes: the reply ran out
    _, backend, steps = run(tmp_path, [cut_off, fenced(GOOD)])
    reply = next(s for s in steps if s.kind == "reply")
    assert reply.data["truncated"] is True
    repair = next(s for s in steps if s.kind == "repair")
    assert repair.data["failures"][0] == TRUNCATED
    assert any(f.startswith("genus: ") for f in repair.data["failures"][1:])
    assert steps[-1].data["status"] == "ok"


def test_repair_message_format_is_stable(tmp_path: Path) -> None:
    """The synth helper trains on this exact layout: diagnostics with the quoted line,
    failed checks, one instruction line."""
    from agent.prompts import repair_message
    from tools.openscad import compile_scad

    result = compile_scad(SYNTAX, out_dir=tmp_path)
    message = repair_message(SYNTAX, result, ["genus: expected 4 through-holes, found 2"])
    lines = message.splitlines()
    assert lines[0] == "OpenSCAD: syntax_error"
    assert lines[1].startswith("  ERROR line 3: ")
    assert lines[2] == "    3 | translate([5, 5, -1] cylinder(d=3, h=7);"
    assert lines[-3:] == ["Failed checks:", "  - genus: expected 4 through-holes, found 2",
                          "Reply with the corrected complete OpenSCAD program only."]
    assert message == repair_message(SYNTAX, result, ["genus: expected 4 through-holes, "
                                                      "found 2"])
    assert repair_message("", None, ["no program: prose only"]) == (
        "Failed checks:\n  - no program: prose only\n"
        "Reply with one complete OpenSCAD program only, no prose.")


def test_what_the_prompt_states_but_is_not_checked_is_reported(tmp_path: Path) -> None:
    prompt = "a 60 x 40 x 5 mm plate with four M3 holes 5 mm from the edges"
    session, _, steps = run(tmp_path, [fenced(GOOD)], prompt=prompt)
    done = steps[-1].data
    assert done["status"] == "ok"
    assert any("5 mm from" in item for item in done["unchecked"])
    assert session.turns[0].unchecked == done["unchecked"]
    assert {c["key"] for c in done["checks"]} >= {"size", "genus", "holes"}
    # the program does not say what it is: the kind is named as not checked
    assert any(item.startswith("kind:") for item in done["unchecked"])


def test_a_part_of_another_kind_fails_and_the_model_is_said_not_to_know(tmp_path: Path) -> None:
    gear = "// spur gear, 20 teeth\n$fn = 40;\ncylinder(d = 40, h = 2);"
    session, backend, steps = run(tmp_path, [fenced(gear)] * 2, prompt="a 40 mm fan grill",
                                  max_repairs=1)
    done = steps[-1].data
    assert done["status"] == "failed_checks"
    assert "kind" in [c["key"] for c in done["checks"] if not c["passed"]]
    assert "does not seem to know how to make a fan grill" in done["note"]
    assert "--backend openai" in done["note"]
    # the repair message tells the model what it made instead
    assert "makes a gear" in backend.calls[1]["messages"][-1]["content"]


def test_a_language_the_model_does_not_know_gets_an_honest_answer(tmp_path: Path) -> None:
    backend = ScriptedBackend([fenced(GOOD)])
    backend.languages = ("English",)
    session = Session(tmp_path / "s", backend, AgentConfig(backend="scripted", render=False))
    steps = list(session.send("ein Würfel mit 20 mm Kantenlänge und vier Löchern"))
    done = steps[-1]
    assert done.kind == "done" and done.data["stop"] == "language"
    assert done.data["status"] == "no_part" and "German" in done.data["note"]
    assert backend.calls == []  # no random part was asked for
    assert session.turns[0].status == "no_part"


def test_a_follow_up_edit_keeps_what_it_does_not_name(tmp_path: Path) -> None:
    taller = GOOD.replace("5]);", "8]);").replace("h = 7", "h = 10")
    wider = GOOD.replace("[60, 40, 5]", "[60, 60, 8]")
    backend = ScriptedBackend([fenced(GOOD), fenced(wider), fenced(taller)])
    session = Session(tmp_path / "s", backend, AgentConfig(backend="scripted", render=False,
                                                           max_repairs=1))
    list(session.send(PROMPT))
    steps = list(session.send("make it taller"))
    done = steps[-1].data
    assert done["status"] == "ok" and done["repairs_used"] == 1
    first = [s for s in steps if s.kind == "checks"][0]
    assert not first.data["passed"]
    assert any(f.startswith("size_xyz") for f in first.data["failures"])


def test_a_follow_up_answered_with_the_same_part_is_not_ok(tmp_path: Path) -> None:
    # "make it look nicer" gives the checks nothing to read: the one thing they can still
    # hold the model to is that the part changed
    moved = GOOD.replace("[5, 55]", "[8, 52]")  # the same size, volume and genus: holes moved
    session, backend, _ = run(tmp_path, [fenced(GOOD), fenced(GOOD), fenced(moved)])
    steps = list(session.send("make it look nicer"))
    checks = [s.data for s in steps if s.kind == "checks"]
    assert [c["passed"] for c in checks] == [False, True]
    first = {c["key"]: c for c in checks[0]["checks"]}
    assert not first["changed"]["passed"]
    assert "the part from before, unchanged" in first["changed"]["message"]
    repair = next(s for s in steps if s.kind == "repair")
    assert "the part from before, unchanged" in repair.data["message"]
    done = steps[-1].data
    assert done["status"] == "ok" and session.program == moved


def test_a_follow_up_that_only_rewords_the_program_is_unchanged(tmp_path: Path) -> None:
    reworded = "// the same plate\n" + GOOD.replace("$fn = 16", "$fn = 16 ")
    session, _, _ = run(tmp_path, [fenced(GOOD), fenced(reworded), fenced(reworded)],
                        max_repairs=1)
    done = list(session.send("make it look nicer"))[-1].data
    assert done["status"] == "failed_checks"
    assert [c["key"] for c in done["checks"] if not c["passed"]] == ["changed"]
