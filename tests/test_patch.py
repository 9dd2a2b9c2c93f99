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
    ("make it wider and add a hole", None, None), ("a bit wider", None, None),
    ("make it taller", None, None),  # no value: the model decides how much
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
