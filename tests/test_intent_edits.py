"""Follow-ups and maker prompts the reader used to get wrong: a size said of a named feature,
sizes named by axis, holes taken out, a change of outline, and grills and standoffs.
Sizes are tested by what they accept, as in test_intent.py."""

from __future__ import annotations

from dataclasses import replace

import pytest
from test_intent import PLATE, accepts, edit, part  # tests/ is on sys.path under pytest

from agent.intent import infer_spec, read_request
from tools.spec import check_spec

POST_PROGRAM = """// base plate with a post
length = 60;
width = 40;
thickness = 5;
post_d = 10;
post_h = 30;
cube([length, width, thickness]);
translate([30, 20, 0]) cylinder(d = post_d, h = thickness + post_h);
"""
POST_PART = part((60.0, 40.0, 35.0), volume=14340.0)


def test_a_feature_size_is_checked_on_its_parameter_not_on_the_part() -> None:
    spec = edit("make the post 50 mm tall", POST_PART, POST_PROGRAM)
    assert spec["param"]["names"] == ["post"] and spec["param"]["change"] == "set"
    assert spec["param"]["value"][0] <= 50 <= spec["param"]["value"][1]
    # the part is taller than the post by the plate; its footprint stays
    assert accepts(spec, (60.0, 40.0, 55.0), POST_PART)
    assert not accepts(spec, (90.0, 40.0, 55.0), POST_PART)
    moved = POST_PROGRAM.replace("post_h = 30", "post_h = 50")
    wrong = POST_PROGRAM.replace("post_d = 10", "post_d = 50")
    whole = part((60.0, 40.0, 55.0), volume=15900.0)
    assert check_spec(spec, whole, POST_PART, program=moved,
                      previous_program=POST_PROGRAM).passed
    assert not check_spec(spec, whole, POST_PART, program=wrong,
                          previous_program=POST_PROGRAM).passed


def test_a_feature_size_the_program_does_not_name_is_not_checked() -> None:
    wanted = read_request("make the lip 10 mm high", POST_PART, follow_up=True,
                          previous_program="// shelf\ncube([60, 40, 35]);\n")
    assert "param" not in wanted.spec
    assert wanted.spec["size_xyz"][2] == [0.0, 1e9]  # never the whole part's height
    assert any("lip" in note and "10 mm high" in note for note in wanted.unchecked)


def test_the_feature_that_is_the_whole_part_sizes_the_part() -> None:
    pillar = part((20.0, 20.0, 40.0), volume=12500.0)
    spec = edit("make the pillar 65 mm tall", pillar,
                "// round pillar\ndiameter = 20;\nheight = 40;\ncylinder(d = diameter, h = "
                "height);\n")
    assert accepts(spec, (20.0, 20.0, 65.0), pillar)
    assert not accepts(spec, (20.0, 20.0, 75.0), pillar)


def test_a_horizontal_feature_size_keeps_the_footprint() -> None:
    spec = edit("the tab should be 20 mm wide", PLATE, "// plate\ntab_w = 12;\ncube(1);\n")
    assert accepts(spec, (60.0, 40.0, 5.0), PLATE)
    assert not accepts(spec, (60.0, 20.0, 5.0), PLATE)


@pytest.mark.parametrize(("text", "extents", "wrong"), [
    ("set the Y size to 45 mm", (60, 45, 5), [(45, 40, 5), (60, 40, 45)]),
    ("X dimension should be 100 mm, leave the rest", (100, 40, 5), [(60, 100, 5)]),
    ("Z height 12", (60, 40, 12), [(60, 12, 5)]),
    ("bring it down to 3 mm in Z", (60, 40, 3), [(60, 3, 5), (60, 40, 5)]),
    ("make it 45 mm in Y", (60, 45, 5), [(45, 40, 5)]),
    ("change Y to 45 mm", (60, 45, 5), [(45, 40, 5)]),
    ("X 70, Y 45", (70, 45, 5), [(60, 45, 5), (70, 40, 5)]),
])
def test_sizes_named_by_axis(text: str, extents: tuple, wrong: list[tuple]) -> None:
    spec = edit(text)
    assert accepts(spec, tuple(float(e) for e in extents), PLATE), spec
    for other in wrong:
        assert not accepts(spec, tuple(float(e) for e in other), PLATE), (other, spec)
    assert "holes" not in spec  # "down to 3 mm" is not a hole size


def test_holes_taken_out() -> None:
    assert edit("take out the two holes")["genus"] == 2  # of four
    assert edit("take away one of the corner holes")["genus"] == 3
    assert edit("no holes any more")["genus"] == 0
    two = replace(PLATE, genus=2, openings=PLATE.openings[:2])
    assert edit("take out both holes, I'll glue it", two)["genus"] == 0
    assert edit("lose the holes", two)["genus"] == 0
    assert edit("drop the left hole")["genus"] == 3  # one hole, said in the singular
    gone = edit("get rid of the two end holes", two)
    assert gone["genus"] == 0 and "keep_holes" not in gone  # none left to keep


def test_a_new_outline_drops_the_old_one() -> None:
    disc = part((90.0, 90.0, 5.0), volume=31800.0)
    square = edit("actually, a square one instead", disc)
    assert square["shape"] == "square"
    assert check_spec(square, part((90.0, 90.0, 5.0)), disc).passed
    assert not check_spec(square, disc, disc).passed  # still round
    assert not check_spec(square, part((45.0, 45.0, 5.0)), disc).passed
    tile = part((60.0, 60.0, 4.0))
    hexagon = edit("hexagonal instead, please", tile)
    assert hexagon["shape"] == "hexagon"
    assert check_spec(hexagon, part((69.28, 60.0, 4.0), volume=12470.0), tile).passed
    assert not check_spec(hexagon, part((69.28, 60.0, 20.0), volume=62350.0), tile).passed
    assert "shape" not in edit("square holes instead", PLATE)
    assert edit("turn it into a hexagon", disc)["shape"] == "hexagon"
    assert edit("square please, not round", disc)["shape"] == "square"
    for other in ("round the edges", "make the corners round", "put a square hole in it"):
        assert "shape" not in edit(other, disc), other


def test_a_grill_counts_its_screw_holes_not_its_openings() -> None:
    spec = infer_spec("50mm fan guard, concentric rings, 4 screw holes in the corners")
    assert "genus" not in spec
    assert [h["count"] for h in spec["holes"]] == [4]
    assert accepts(spec, (50.0, 50.0, 2.0)) and not accepts(spec, (70.0, 70.0, 2.0))


def test_standoffs_on_a_plate_are_features() -> None:
    spec = infer_spec("a 60 x 40 x 3 plate with four 6 mm tall standoffs on top")
    assert "genus" not in spec  # their holes may or may not go through the plate
    assert accepts(spec, (60.0, 40.0, 9.0))
    assert not accepts(spec, (60.0, 40.0, 6.0)) and not accepts(spec, (80.0, 40.0, 9.0))
    loose = infer_spec("four 6 mm tall standoffs on a plate")
    assert loose.get("kind", {}).get("kind") != "spacer" and "shape" not in loose
    assert accepts(loose, (60.0, 40.0, 9.0)) and not accepts(loose, (60.0, 40.0, 3.0))
    stacked = infer_spec("base plate 70x50x3 with 4 standoffs, each 8mm tall")
    assert accepts(stacked, (70.0, 50.0, 11.0)) and not accepts(stacked, (70.0, 50.0, 7.0))
    assert not accepts(stacked, (90.0, 50.0, 11.0))


def test_a_standoff_hole_may_be_tapped_a_spacer_hole_is_clearance() -> None:
    standoff = infer_spec("M3 standoff 10 mm tall")["holes"][0]["d"]
    assert standoff[0] <= 2.5 and 4.0 <= standoff[1] < 5.0
    tapped = infer_spec("M3 standoff 12mm tall, 6mm round, I'll tap the hole")["holes"][0]["d"]
    assert tapped[0] <= 2.5 <= tapped[1] < 3.4
    spacer = infer_spec("spacer for an M4 bolt, 8mm OD, 15 long")["holes"][0]["d"]
    assert 3.3 < spacer[0] <= 4.0 and spacer[1] >= 4.5


@pytest.mark.parametrize(("text", "extents", "wrong"), [
    ("could you lengthen it to 150 mm", (150, 40, 5), [(60, 40, 5), (60, 150, 5)]),
    ("widen the plate to 52 mm", (60, 52, 5), [(60, 40, 5), (52, 40, 5)]),
    ("thicken it to 8 mm", (60, 40, 8), [(60, 40, 5), (60, 8, 5)]),
    ("I want the length to be 75 mm", (75, 40, 5), [(60, 40, 5), (60, 75, 5)]),
    ("could the thickness be 6 mm?", (60, 40, 6), [(60, 40, 5)]),
    ("make every side 25 mm", (25, 25, 25), [(60, 40, 5), (25, 25, 5)]),
    ("scale it so each edge measures 30 mm", (30, 30, 30), [(30, 30, 5)]),
])
def test_sizes_said_with_a_verb_or_to_be_are_read(text: str, extents: tuple,
                                                   wrong: list[tuple]) -> None:
    spec = edit(text)
    assert accepts(spec, extents, PLATE), spec
    for bad in wrong:
        assert not accepts(spec, bad, PLATE), (bad, spec)
