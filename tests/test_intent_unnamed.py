"""Requests the reader used to leave unchecked: a main body no kind names ("rectangular
footing 90 by 50"), a shell's thickness said of its walls and floor, a hole size followed by
what the holes hold, a pronoun after a size, and follow-ups that halve an axis or add a row
of holes. Sizes are tested by what they accept, as in test_intent.py."""

from __future__ import annotations

import pytest
from test_intent import PLATE, accepts, edit, part  # tests/ is on sys.path under pytest

from agent.intent import infer_spec, read_request
from tools.spec import check_spec


@pytest.mark.parametrize(("text", "right", "wrong"), [
    ("rectangular footing 90 (X) by 50 (Y), 6 mm thick", (90, 50, 6),
     [(120, 50, 6), (50, 90, 6), (90, 50, 9)]),
    ("bit caddy 90 x 25 x 15", (90, 25, 15), [(90, 25, 25), (70, 25, 15)]),
    ("door wedge 120 long, 30 wide, 25 mm high at the thick end", (120, 30, 25),
     [(150, 30, 25), (120, 30, 15)]),
    ("tray divider slat, 180 long, 45 tall, 3 thick", (180, 3, 45), [(180, 6, 45)]),
])
def test_a_body_named_by_any_noun_is_sized(text: str, right: tuple, wrong: list) -> None:
    spec = infer_spec(text)
    assert accepts(spec, right)
    for extents in wrong:
        assert not accepts(spec, extents), extents


def test_an_unnamed_body_is_not_guessed_a_kind_and_follow_ups_name_none() -> None:
    assert "kind" not in infer_spec("rectangular footing 90 (X) by 50 (Y), 6 mm thick")
    # a follow-up's opening words are not a part: "hmm" is not a body 40 mm tall
    assert "hmm" not in " ".join(read_request("hmm, back to 40 mm tall", PLATE,
                                              follow_up=True).unchecked)


def test_a_thing_the_person_owns_is_not_the_part() -> None:
    expectations = read_request("my shelf sags. need a round spacer, 12 mm OD, 8 mm tall")
    assert accepts(expectations.spec, (12, 12, 8))
    assert not accepts(expectations.spec, (12, 12, 16))
    assert not any("shelf" in note for note in expectations.unchecked)


@pytest.mark.parametrize("text", ["storage bin 90 x 60 x 40, walls and floor 2.5 mm",
                                  "storage bin 90 x 60 x 40, floor and walls 2.5 mm"])
def test_walls_and_floor_give_the_wall_thickness(text: str) -> None:
    spec = infer_spec(text)
    assert spec["wall"][0] <= 2.5 <= spec["wall"][1]
    assert spec["wall"][1] < 4


@pytest.mark.parametrize("text", [
    "bit holder block 80 x 30 x 20 with 7 holes 6.5 mm dia for hex bits",
    "brush rack 200 x 40 x 8, 7 holes 6.5 mm dia through it for the handles"])
def test_a_hole_size_before_what_the_holes_hold_is_the_holes(text: str) -> None:
    # and a holder's holes for pens or bits are not taken for through-holes unless said
    expectations = read_request(text)
    assert any(h["d"][0] <= 6.5 <= h["d"][1] for h in expectations.spec["holes"])
    assert not any("6.5" in note for note in expectations.unchecked)
    if "through" in text:
        assert expectations.spec["genus"] == 7
    else:  # holes for bits may be blind: their count is not guessed as through-holes
        assert "genus" not in expectations.spec
        assert "whether 'holes' goes through" in expectations.unchecked


RISER = part((80.0, 50.0, 40.0), volume=160000.0)


@pytest.mark.parametrize("text", ["cut the height in half", "reduce the height by half",
                                  "height in half please"])
def test_cutting_an_axis_in_half(text: str) -> None:
    spec = edit(text, RISER)
    assert accepts(spec, (80, 50, 20), RISER)
    for wrong in [(80, 50, 40), (80, 50, 30), (40, 50, 40)]:
        assert not accepts(spec, wrong, RISER), wrong


def test_a_second_row_adds_as_many_holes_as_a_row() -> None:
    assert edit("add a second row of holes under the first")["genus"] == 8  # PLATE has 4
    three = edit("add a third row of holes")
    assert three["genus"] == 6
    unknown = read_request("add another row of holes", PLATE, follow_up=True)
    assert "genus" not in unknown.spec
    assert any("new row" in note for note in unknown.unchecked)
    assert check_spec({"genus": edit("add a second row of holes")["genus"]},
                      part((60.0, 40.0, 5.0), genus=8)).passed


def test_across_corners_sizes_the_hexagon_not_its_corners() -> None:
    spec = infer_spec("hex bar 30mm across corners 50 long, standing upright")
    assert accepts(spec, (30.0, 26.0, 50.0))
    assert not accepts(spec, (34.6, 30.0, 50.0))  # 30 across flats


def test_how_far_a_knob_sticks_out_is_its_height() -> None:
    expectations = read_request("replacement knob for a dresser drawer. round, 32mm dia, "
                                "sticks out 24mm, with a blind hole in the back, 12mm deep")
    assert accepts(expectations.spec, (32.0, 32.0, 24.0))
    assert not accepts(expectations.spec, (32.0, 32.0, 36.0))
    assert not any("24 mm" in note for note in expectations.unchecked)


def test_sections_told_apart_by_order_are_each_checked() -> None:
    spec = infer_spec("Stepped pin standing upright on Z. The bottom section is 12 mm diameter "
                      "and 20 mm long, the middle section 8 mm diameter and 15 mm long, and the "
                      "top section 5 mm diameter and 10 mm long, so the pin is 45 mm overall.")
    assert sorted(round(sum(p["d"]) / 2) for p in spec["profiles"]) == [5, 8, 12]
    assert accepts(spec, (12.0, 12.0, 45.0))
    assert not accepts(spec, (45.0, 12.0, 12.0))  # lying along X


def test_a_size_change_and_a_new_hole_in_one_follow_up() -> None:
    spec = edit("double the thickness and add a 10mm hole in the center")
    assert spec["genus"] == 5
    assert accepts(spec, (60, 40, 10), PLATE)
    assert not accepts(spec, (60, 40, 5), PLATE)
    # the hole clause alone changes no size of the part
    assert accepts(edit("make the holes bigger"), (60, 40, 5), PLATE)


def test_holes_made_a_few_mm_larger_grow_from_the_size_they_had() -> None:
    holes = edit("make the holes 2 mm larger")["holes"]  # PLATE's holes are 3.4 mm
    assert holes[0]["d"][0] <= 5.4 <= holes[0]["d"][1]
    assert not holes[0]["d"][0] <= 2.0 <= holes[0]["d"][1]


@pytest.mark.parametrize(("text", "right", "wrong"), [
    ("widen it by 10", (60, 50, 5), [(60, 40, 5), (70, 40, 5)]),
    ("increase the height by 5mm", (60, 40, 10), [(60, 40, 5), (65, 40, 5)]),
    ("reduce the length by 20", (40, 40, 5), [(60, 40, 5), (60, 20, 5)]),
    ("make it an inch longer", (85.4, 40, 5), [(61.5, 40, 5), (60, 65.4, 5)]),
])
def test_a_change_said_with_a_verb_and_by(text: str, right: tuple, wrong: list) -> None:
    assert read_request(text, PLATE, follow_up=True).unchecked == []  # "by 10" is checked
    spec = edit(text)
    assert accepts(spec, right, PLATE)
    for extents in wrong:
        assert not accepts(spec, extents, PLATE), extents


def test_a_pen_cup_given_three_extents_is_sized_and_a_box_is_not_taken_for_solid() -> None:
    spec = infer_spec("pen holder 80 x 80 x 60 with 9 holes 12 mm dia for pens")
    assert accepts(spec, (80, 80, 60)) and not accepts(spec, (80, 80, 90))
    assert "volume" not in infer_spec("storage box 120 x 80 x 50")


def test_inches_glued_to_a_fraction() -> None:
    spec = infer_spec("little box to keep SD cards in, 3 x 2 x 1 inches outside, 1/16in walls, "
                      "open top")
    assert spec["wall"][0] <= 1.5875 <= spec["wall"][1]


HOOK = """// coat hook
plate_w = 30;
plate_h = 70;
plate_t = 5;
arm_len = 60;
cube([plate_w, plate_h, plate_t]);
translate([8, 8, plate_t]) cube([14, 8, arm_len]);
"""


def test_shortening_a_named_feature_checks_its_parameter_not_the_part() -> None:
    hook = part((30.0, 70.0, 65.0), volume=12000.0)
    spec = edit("shorten the arm to 40", hook, HOOK)
    assert spec["param"]["names"] == ["arm"] and spec["param"]["value"][0] <= 40
    assert accepts({**spec, "size_xyz": spec.get("size_xyz", [[0, 1e9]] * 3)}, (30, 70, 45),
                   hook)  # the part is 45 tall now: not held to 40 or to 65
    # the part itself, named or not, is resized
    assert accepts(edit("cut the length to 40"), (40, 40, 5), PLATE)
    assert not accepts(edit("cut the length to 40"), (60, 40, 5), PLATE)


def test_a_follow_up_that_fits_a_new_size_frees_the_extents() -> None:
    clip = part((28.0, 25.5, 10.0), volume=2000.0)
    expectations = read_request("now make it fit a 25mm bar, keep everything else", clip,
                                follow_up=True)
    assert "size_xyz" not in expectations.spec
    assert any("fit a 25 mm bar" in note for note in expectations.unchecked)


def test_tabs_on_either_side_carry_one_hole_each() -> None:
    spec = infer_spec("cable guide, U channel 30mm long, 2 screw tabs either side with 4mm holes")
    assert spec["genus"] == 2


def test_a_count_written_3x_before_a_hole_size() -> None:
    spec = infer_spec("90x40x4 plate, 3x 5mm holes down the middle")
    assert spec["genus"] == 3 and accepts(spec, (90, 40, 4))


def test_swapping_to_another_screw_size_keeps_no_old_hole() -> None:
    spec = edit("swap to M4 screws")
    assert spec["holes"][0]["d"][0] <= 4.3 <= spec["holes"][0]["d"][1]
    assert "keep_holes" not in spec  # the M3 holes are the ones that change


def test_a_clip_for_a_handlebar_holds_a_round_of_its_size() -> None:
    spec = infer_spec("snap-on clip for my 22mm handlebar, 10mm wide, 3mm thick")
    assert any(p["d"][0] <= 22 <= p["d"][1] for p in spec["profiles"])


# --- defects found by reading test-final-4's false alarms after its one blind measurement


def test_a_cavity_size_gives_the_outside_as_that_plus_the_walls() -> None:
    spec = infer_spec("project box for an arduino uno. inside has to be 70x55 and 25 deep, "
                      "2mm walls + floor, open top")
    assert accepts(spec, (74, 59, 27))
    assert not accepts(spec, (70, 55, 25))  # the inside size as the outside: the board won't fit
    channel = infer_spec("Cable raceway, an open U channel. 1. 100 mm long along X. 2. Channel "
                         "inside 20 mm wide (Y) by 15 mm deep (Z); side walls and floor 2 mm "
                         "thick, so 24 x 17 mm outside.")
    assert check_spec(channel, part((100.0, 24.0, 17.0))).passed  # inside sizes not extents


def test_a_caps_depth_is_its_skirts() -> None:
    assert accepts(infer_spec("end cap that slides over a 22mm pipe, 15mm deep, 2mm wall"),
                   (26.0, 26.0, 17.0))


def test_a_diameter_mark_names_the_number_after_it() -> None:
    spec = infer_spec("Motor plate. 1. Plate 60 x 60 mm in XY, 5 mm thick (Z). 2. Centre bore "
                      "Ø22.5 mm for the motor's pilot boss. 3. Four M3 clearance holes (Ø3.4 "
                      "mm) on a 31 mm square pattern.")
    assert spec["genus"] == 5
    assert any(h["d"][0] <= 22.5 <= h["d"][1] for h in spec["holes"])


def test_a_clip_around_a_cable_is_not_held_to_a_hole_count() -> None:
    expectations = read_request("screw-down clip for a 7mm cable with a 3.5mm screw hole")
    assert expectations.kind == "clip"
    assert "genus" not in expectations.spec


def test_a_tapped_set_screw_hole_sized_before_its_screw() -> None:
    spec = infer_spec("Shaft collar for an 8 mm shaft. - Ring Ø22 mm OD x 10 mm long along Z; "
                      "bore Ø8.1 mm through. - One radial set-screw hole, Ø2.5 mm (M3 tap drill)")
    assert any(h["d"][0] <= 2.5 <= h["d"][1] for h in spec["holes"])


def test_bigger_across_is_the_diameter() -> None:
    coaster = part((90.0, 90.0, 6.0), volume=38000.0)
    for text in ("make it 10mm bigger across", "make the diameter 10mm bigger"):
        spec = edit(text, coaster)
        assert accepts(spec, (100, 100, 6), coaster) and not accepts(spec, (100, 100, 16),
                                                                     coaster)


def test_holes_on_a_pitch_circle_are_sized_by_their_own_mark() -> None:
    spec = infer_spec("Spur gear, module 1.5, 24 teeth. - Face width 8 mm along Z. - Bore Ø8 mm "
                      "through. - Four Ø5 mm lightening holes, equally spaced on a Ø19 mm pitch "
                      "circle.")
    assert spec["genus"] == 5
    assert not any(h["d"][0] <= 19 <= h["d"][1] for h in spec["holes"])


def test_screw_holes_with_their_clearance_and_a_bore_named_again_by_its_centre() -> None:
    spec = infer_spec("Pillow block for a 608 bearing (Ø22 x 7 mm). 1. Block 60 mm long (X) x 28 "
                      "mm deep (Y) x 32 mm tall (Z). 2. Bearing bore Ø22 mm straight through "
                      "along Y. 3. Two M5 mounting holes, Ø5.5 mm, vertical (Z) through the "
                      "block, 22 mm either side of the bore centre in X.")
    assert spec["genus"] == 3
    assert any(h["d"][0] <= 5.5 <= h["d"][1] and h.get("count") == 2 for h in spec["holes"])


def test_a_lid_for_a_box_with_walls_and_a_lip_down_into_it() -> None:
    expectations = read_request("press-fit lid for a box that's 100x70 outside with 2mm walls. "
                                "lid 2mm thick with a lip that sits 5mm down inside the box")
    assert "wall" not in expectations.spec  # the box's walls, not the lid's
    assert check_spec(expectations.spec, part((100.0, 70.0, 7.0))).passed
