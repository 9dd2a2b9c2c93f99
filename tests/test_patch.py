"""Parameter patches and direct edits: follow-ups that change numbers, not programs."""

from __future__ import annotations

import pytest
from scad_parts import CUSTOMIZER_PLATE, part_stl

from agent.direct_edit import already_met, already_there, plan_direct_edit
from agent.intent import read_request
from agent.patch import PatchError, apply_patch, program_of_reply, read_patch
from tools.mesh import analyze_mesh
from tools.params import customizer_params, top_level_assignments, top_level_values

PROGRAM = """// spacer
od = 20; // [10:1:40]
id = 8;  /* bore */
height = 15;
label = "a = b;";
module body() { inner = 3; cylinder(d = od, h = height); }
difference() { body(); cylinder(d = id, h = 40, center = true); }
"""


def test_a_patch_rewrites_only_its_assignments_and_keeps_their_comments() -> None:
    patched = apply_patch(PROGRAM, read_patch("height = 15 * 2;\nid = 6;"))
    lines = patched.splitlines()
    assert lines[1] == "od = 20; // [10:1:40]"
    assert lines[2] == "id = 6;  /* bore */"
    assert lines[3] == "height = 15 * 2;"
    assert lines[4:] == PROGRAM.splitlines()[4:]
    assert top_level_values(patched)["height"] == 30
    # the customizer still sees the range of the untouched parameter
    assert customizer_params(patched)[0].slider is not None


def test_assignments_inside_modules_strings_and_two_per_line_are_not_patch_targets() -> None:
    names = [a.name for a in top_level_assignments(PROGRAM + "a = 1; b = 2;\n")]
    assert names == ["od", "id", "height", "label"]
    with pytest.raises(PatchError, match="inner.*assigns: od, id, height, label"):
        apply_patch(PROGRAM, read_patch("inner = 4;"))


@pytest.mark.parametrize("reply", [
    "cube(10);", "height = 30;\ncube(height);", 'label = "x";', "", "// only a comment",
    "module m() { h = 3; }",
])
def test_whole_programs_and_odd_replies_are_not_patches(reply: str) -> None:
    assert read_patch(reply) is None


def test_a_reply_is_a_patch_only_for_a_follow_up() -> None:
    assert program_of_reply(None, "height = 30;") == ("height = 30;", None)
    program, patch = program_of_reply(PROGRAM, "// taller\nheight = 30; // was 15\n")
    assert patch is not None and patch.expressions == {"height": "30"}
    assert "height = 30;" in program and "od = 20; // [10:1:40]" in program


@pytest.mark.parametrize(("request_", "name", "new"), [
    ("width 80", "width", 80), ("set hole_d to 6", "hole_d", 6), ("hole d = 6.5", "hole_d", 6.5),
    ("Set the width to 75mm.", "width", 75), ("please make it 8 mm thick", "thickness", 8),
    ("make it 2 mm thicker", "thickness", 7), ("thicker by 0.5 cm", "thickness", 10),
    ("twice as wide", "width", 120), ("half as wide", "width", 30),
    ("50% wider", "width", 90), ("double the depth", "depth", 80),
    ("make the thickness 1/4 inch", None, None),  # fractions go to the model
    ("make it wider and add a hole", None, None),
    # no value: the step the training data teaches for a vague request
    ("make it thicker", "thickness", 7.5), ("thinner please", "thickness", 3.3),
    ("a bit wider", "width", 72), ("can you make it slightly narrower?", "width", 50),
    ("make the plate thicker", None, None),  # names a feature: the model decides
    ("make it taller", None, None),  # no height parameter
    ("make it 60 mm wide", None, None),  # already 60: nothing to do directly
    ("make it 30 mm tall", None, None),  # no height parameter
])
def test_one_named_value_is_applied_directly(request_: str, name: str | None,
                                             new: float | None) -> None:
    edit = plan_direct_edit(request_, CUSTOMIZER_PLATE)
    if name is None:
        assert edit is None
        return
    assert edit is not None and (edit.name, edit.new) == (name, new)
    patched = apply_patch(CUSTOMIZER_PLATE, edit.patch)
    assert top_level_values(patched)[name] == new
    assert f"edited {name} directly" in edit.note()
    # a size the person did not give is said, with the way to give one
    assert ("give a size for an exact one" in edit.note()) == (
        not any(c.isdigit() for c in request_) and "twice" not in request_
        and "half" not in request_ and "double" not in request_)


def test_an_ambiguous_axis_goes_to_the_model() -> None:
    program = "height = 10; // [1:50]\nh = 4; // [1:9]\ncube([10, 10, height + h]);"
    assert plan_direct_edit("twice as tall", program) is None
    assert plan_direct_edit("h = 5", program).name == "h"


def test_a_hole_already_in_the_middle_is_reported() -> None:
    washer = analyze_mesh(part_stl("washer"))
    assert "already has a hole through the middle (8.4 mm across, along Z)" in already_there(
        "add a hole in the middle please", washer)
    assert already_there("add a hole in the middle", analyze_mesh(part_stl("cube"))) is None
    assert already_there("add a slot", washer) is None


def test_a_size_already_met_is_reported_and_a_new_one_is_not() -> None:
    program = "cube([20, 20, 40]);"
    tall = analyze_mesh(part_stl("tall_cube"))
    met = read_request("make it 40 mm tall", tall, follow_up=True, previous_program=program)
    assert "already meets this" in already_met(met.spec, tall, program)
    new = read_request("make it 50 mm tall", tall, follow_up=True, previous_program=program)
    assert already_met(new.spec, tall, program) is None
    vague = read_request("make it taller", tall, follow_up=True, previous_program=program)
    assert already_met(vague.spec, tall, program) is None


@pytest.mark.parametrize("request_text", [
    "give it two 4 mm holes",                      # something added
    "remove two of those holes",                   # something taken away
    "make it a 20 mm cube instead",                # something replaced
    "move the 20 mm face to the back",             # something moved
])
def test_a_request_for_a_change_is_never_already_met(request_text: str) -> None:
    program = "cube([20, 20, 40]);"
    tall = analyze_mesh(part_stl("tall_cube"))
    e = read_request(request_text, tall, follow_up=True, previous_program=program)
    assert already_met(e.spec, tall, program, request_text, e.unchecked) is None


def test_an_unchecked_part_of_a_request_is_never_already_met() -> None:
    program = "cube([20, 20, 40]);"
    tall = analyze_mesh(part_stl("tall_cube"))
    e = read_request("make it 40 mm tall", tall, follow_up=True, previous_program=program)
    assert already_met(e.spec, tall, program, "make it 40 mm tall", ["'a lip' (size)"]) is None
    assert already_met(e.spec, tall, program, "make it 40 mm tall", []) is not None


# ----------------------------------------------------------------- through the real loop


def _session(tmp_path, replies: list[str], **config):
    from agent.backends.scripted import ScriptedBackend
    from agent.config import AgentConfig
    from agent.session import Session

    backend = ScriptedBackend(replies)
    cfg = AgentConfig(backend="scripted", render=False, max_repairs=1, samples=1, **config)
    return Session(tmp_path / "s", backend, cfg), backend


def _turn(session, text: str) -> dict:
    steps = list(session.send(text))
    assert steps[-1].kind == "done", steps[-1]
    return steps[-1].data


def test_follow_ups_take_the_shortest_road(tmp_path) -> None:
    session, backend = _session(tmp_path, [CUSTOMIZER_PLATE, "thickness = 5 * 2;",
                                           "depth = 50;\ncolour = 3;", "depth = 50;"])
    assert _turn(session, "a 60 x 40 mounting plate, 5 mm thick, four 5 mm holes")[
        "status"] == "ok"
    assert len(backend.calls) == 1

    # one named value: applied and checked without the model
    done = _turn(session, "width 80")
    assert (done["status"], done["stop"]) == ("ok", "direct") and len(backend.calls) == 1
    assert done["note"] == "edited width directly: 60 -> 80, recompiled without the model"
    assert "width = 80; // [20:1:120]" in session.program
    assert done["report"]["extents"][0] == pytest.approx(80)

    # nothing to change: said, not searched for
    done = _turn(session, "make it 80 mm wide")
    assert (done["status"], done["stop"]) == ("ok", "already") and len(backend.calls) == 1
    assert done["note"].startswith("the part already meets this")

    # a patch from the model is applied in place
    done = _turn(session, "make the plate thicker")
    assert done["status"] == "ok" and len(backend.calls) == 2
    assert done["best"]["extraction"] == "patch: thickness = 5 * 2"
    assert "thickness = 5 * 2; // [2:0.5:10]" in session.program
    assert "width = 80; // [20:1:120]" in session.program  # the direct edit is kept

    # a patch naming a variable the program lacks goes back to the model as a repair
    steps = list(session.send("make the plate deeper"))
    repair = next(s for s in steps if s.kind == "repair")
    assert "colour, which the previous program does not assign" in repair.data["message"]
    assert "width, depth, thickness, hole_d" in repair.data["message"]
    assert steps[-1].data["status"] == "ok" and "depth = 50;" in session.program


def test_a_direct_edit_that_fails_its_checks_goes_to_the_model(tmp_path) -> None:
    # `thickness` here is not the part's Z size: doubling it cannot make the part twice as
    # thick, so the direct edit fails "grow" and the model is asked
    program = ("thickness = 2; // [1:10]\nheight = 10;\n"
               "cube([20, 20, height]);\ntranslate([0, 0, -thickness]) cube([20, 20, thickness]);")
    session, backend = _session(tmp_path, [program, program.replace("height = 10", "height = 22")])
    assert _turn(session, "a 20 x 20 block, 12 mm tall")["status"] == "ok"
    done = _turn(session, "twice as thick")
    assert len(backend.calls) == 2 and done["stop"] != "direct"


def test_direct_edits_can_be_turned_off(tmp_path) -> None:
    session, backend = _session(tmp_path, [CUSTOMIZER_PLATE, CUSTOMIZER_PLATE.replace(
        "width = 60", "width = 80")], direct_edits=False)
    _turn(session, "a 60 x 40 mounting plate, 5 mm thick, four 5 mm holes")
    done = _turn(session, "width 80")
    assert len(backend.calls) == 2 and done["stop"] == "passed"


def test_the_model_sees_its_patches_as_it_wrote_them(tmp_path) -> None:
    session, backend = _session(tmp_path, [CUSTOMIZER_PLATE, "thickness = 5 * 2;", "depth = 45;"])
    _turn(session, "a 60 x 40 mounting plate, 5 mm thick, four 5 mm holes")
    _turn(session, "make the plate thicker")
    _turn(session, "width 70")  # direct: the history shows it as the patch it is
    _turn(session, "make the plate deeper")
    history = [m["content"] for m in backend.calls[-1]["messages"] if m["role"] == "assistant"]
    assert history == [CUSTOMIZER_PLATE, "thickness = 5 * 2;", "width = 70;"]
    reloaded = type(session).load(session.path, backend)
    assert [t.patch for t in reloaded.turns] == [None, "thickness = 5 * 2;", "width = 70;",
                                                 "depth = 45;"]
