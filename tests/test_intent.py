"""What a request asks for, read as checks: counts, sizes, kinds, edits, and what is left
unchecked. Sizes are tested by what they accept: a box of the stated size passes, one a
quarter bigger or smaller fails."""

from __future__ import annotations

import itertools
from dataclasses import replace
from random import Random

import pytest

from agent.intent import infer_spec, language_of, merge_specs, read_request
from agent.intent.words import sentences
from tools.mesh import MeshReport
from tools.spec import check_spec

SIZE_KEYS = ("size", "size_xyz", "dims")


def part(extents: tuple[float, float, float], **fields: object) -> MeshReport:
    """A mesh report with these extents (and other fields), as the checks see a part."""
    x, y, z = extents
    report = MeshReport(empty=False, watertight=True, winding_consistent=True, bodies=1,
                        genus=0, euler_number=2, volume=x * y * z, extents=extents,
                        bounds=((0.0, 0.0, 0.0), extents), faces=12, vertices=8,
                        degenerate_faces=0)
    return replace(report, **fields)


def accepts(spec: dict, extents: tuple[float, float, float],
            first: MeshReport | None = None) -> bool:
    """Do the size checks (and, for an edit, the relative ones) pass a box this size?"""
    sizes = {k: v for k, v in spec.items() if k in SIZE_KEYS}
    grow = [g for g in spec.get("grow", []) if "axis" in g]
    assert sizes or grow, f"no size was read: {spec}"
    if grow:
        sizes["grow"] = grow
    return check_spec(sizes, part(extents), first=first).passed


# ------------------------------------------------------------------ numbers and units
@pytest.mark.parametrize(("text", "values"), [
    ('a 2-1/2" plate', [63.5]),
    ("washer 3/8 inch hole", [9.525]),
    ("a 1.5 in radius ball", [38.1]),
    ("15 x 15 x 15 in OpenSCAD", [15.0, 15.0, 15.0]),
    ("3 in x 4 in", [76.2, 101.6]),
    ("a block 8 cm long", [80.0]),
    ("half a mm thick", [0.5]),
    ("1\u00bd inch wide", [38.1]),
])
def test_numbers_and_units(text: str, values: list[float]) -> None:
    got = [t.value for s in sentences(text) for t in s.tokens if t.kind == "len" or (
        t.kind == "num" and len(values) == 3)]
    assert got == pytest.approx(values)


def test_numbered_steps_are_sentences_not_numbers() -> None:
    sents = sentences("This is a plate. 1. The plate is 72 mm long. 2) Two holes.")
    assert [s.text for s in sents] == ["this is a plate", "the plate is 72 mm long",
                                       "two holes"]


# ------------------------------------------------------------------ holes
@pytest.mark.parametrize(("prompt", "genus"), [
    ("a 60 x 40 x 5 mm plate with four M3 holes near the corners", 4),
    ("two M3 holes in a small bracket", 2),
    ("4x M3 mounting holes in a 50x50x3mm plate", 4),
    ("a plate with a hole in each corner", 4),
    ("a plate with 4 holes, one in each corner", 4),
    ("a plate without any holes", 0),
    ("a block with a blind hole", 0),  # a blind hole is not a way through
    ("a washer", 1),
    ("a flat washer, 20 mm outer diameter, 8.4 mm hole, 2 mm thick", 1),
    ("a plate with 4 holes, hole diameter 3 mm", 4),
    ("a pulley wheel, 15 mm wide, with a 10 mm bore hole", 1),
    ("120x80x6 plate, two rows of three 8 mm holes", 6),
    ("a panel perforated by a grid of 8 mm holes, 5 columns by 3 rows", 15),
    ("a flat L plate with 2 through-holes (2.5 mm) in each arm plus one in the corner", 5),
    ("Each leg of the bracket carries two 5.5 mm through holes.", 4),
    ("a plate with a counterbored hole: a 6.5 mm through hole with an 11 mm counterbore", 1),
    ("a hex prism with a hole. With 31 mm across the flats and an M2.5 hole through it.", 1),
    ("a set-screw collar: a ring 30 mm OD, 15 mm ID, with a radial hole drilled through to "
     "the bore", 2),
])
def test_hole_counts(prompt: str, genus: int) -> None:
    assert infer_spec(prompt)["genus"] == genus


@pytest.mark.parametrize("prompt", [
    "a plate with holes",
    "a plate with some holes",
    "a plate with two holes on each side",
    "a box with holes for M3 screws",
    "a mug",
    "a tube with a hole in its side",
    "a fan grill with a bunch of round vent holes",
])
def test_unclear_hole_counts_leave_genus_out_and_say_so(prompt: str) -> None:
    wanted = read_request(prompt)
    assert "genus" not in wanted.spec


def test_hole_sizes_and_counts() -> None:
    spec = infer_spec("a 70 x 50 x 4 mm plate with four M3 holes in the corners")
    [holes] = spec["holes"]
    assert holes["count"] == 4 and holes["d"][0] <= 3.0 and holes["d"][1] >= 3.6
    assert infer_spec("a 40 mm cube with a 10 mm hole through the middle")["holes"][0]["d"] == \
        pytest.approx([9.8, 10.6])
    # a screw into a blind hole threads into the plastic: no clearance size is expected
    assert "holes" not in infer_spec("a knob, 32 mm across, with a blind hole in the back "
                                     "for an M4 screw")


# ------------------------------------------------------------------ sizes
@pytest.mark.parametrize(("prompt", "extents"), [
    ("a 60 x 40 x 5 mm plate", (60, 40, 5)),
    ("a 6 x 4 x 0.5 cm tile", (60, 40, 5)),
    ("a 60 x 40 mm plate, 5 mm thick", (60, 40, 5)),
    ("a 2 inch cube", (50.8, 50.8, 50.8)),
    ("a cylinder 30 mm in diameter and 10 mm tall", (30, 30, 10)),
    ("a rod diameter 8 mm, 100 mm long", (100, 8, 8)),
    ("a disc of radius 15 mm, 3 mm thick", (30, 30, 3)),
    ("a sphere of diameter 30", (30, 30, 30)),
    ("a 40 mm OD pipe section, 9 mm wall, a length of 125 mm", (125, 40, 40)),
    ("a ring, 22 mm inside diameter, 3 mm thick band, 4 mm wide", (28, 28, 4)),
    ("hexagonal prism 24 mm across flats, 10 mm thick", (27.7, 24, 10)),
    ("Fixture block. The block is 50 mm in X, 80 mm in Y and 25 mm tall.", (50, 80, 25)),
    ("a box 90 mm (X) by 60 mm (Y) by 30 mm (Z)", (90, 60, 30)),
    ("Top cover. Outer size is 120 mm in X by 80 mm in Y; the top plate is 3 mm thick.",
     (120, 80, 3)),
    ("alu angle 30x30x3, 100mm long", (100, 30, 30)),
    ("a 4 mm thick flat angle plate with 110 mm long arms 23 mm wide", (110, 110, 4)),
    ("A stepped shaft lying along X: a 20 mm diameter journal 30 mm long, then a 14 mm "
     "diameter section 40 mm long, then a 10 mm diameter spigot 15 mm long.", (85, 20, 20)),
])
def test_stated_sizes_accept_the_part_and_reject_a_quarter_off(
        prompt: str, extents: tuple[float, float, float]) -> None:
    spec = infer_spec(prompt)
    assert accepts(spec, tuple(float(e) for e in extents)), spec
    for factor in (0.75, 1.25):
        assert not accepts(spec, tuple(e * factor for e in extents)), (factor, spec)


def test_axis_hints_pin_the_axes() -> None:
    spec = infer_spec("The plate is 72 mm long (X), 40 mm wide (Y) and 6 mm thick.")
    assert accepts(spec, (72, 40, 6)) and not accepts(spec, (40, 72, 6))
    standing = infer_spec("a cylinder 30 mm across and 45 tall")
    assert accepts(standing, (30, 30, 45)) and not accepts(standing, (45, 30, 30))


def test_added_features_stack_on_top() -> None:
    # a 14 mm thick cam: 8 mm disc plus a 6 mm hub on top; its footprint is the disc's
    spec = infer_spec("The cam is a disc 40 mm in diameter and 8 mm thick, lying flat. A hub "
                      "18 mm in diameter and 6 mm tall stands on top of the disc.")
    assert accepts(spec, (40, 40, 14))
    assert not accepts(spec, (50, 50, 14)) and not accepts(spec, (40, 40, 8))


def test_an_overall_size_wins_over_the_pieces() -> None:
    spec = infer_spec("A flanged bushing standing along Z. The body is a cylinder of 18 mm "
                      "outside diameter. At the bottom end there is a flange 30 mm in diameter "
                      "and 3 mm thick. The overall length, flange included, is 20 mm.")
    assert accepts(spec, (30, 30, 20))
    assert not accepts(spec, (22, 22, 20)) and not accepts(spec, (30, 30, 28))


@pytest.mark.parametrize("prompt", [
    "a 60 x 40 x 20 box with a separate lid",  # two bodies: layout unknown
    "a cylinder with diameter 30 and diameter 20, 10 tall",  # two diameters
])
def test_unclear_sizes_are_not_checked(prompt: str) -> None:
    wanted = read_request(prompt)
    assert not set(SIZE_KEYS) & set(wanted.spec)


# ------------------------------------------------------------------ what is not checked
def test_every_stated_quantity_is_checked_or_named() -> None:
    wanted = read_request("This is a base plate. 1. The plate is 72 mm long (X), 40 mm wide (Y) "
                          "and 6 mm thick. 2. Two through holes of 5 mm diameter lie on the "
                          "long centre line, each 9 mm in from a short edge. 3. The edges have "
                          "a 1 mm chamfer.")
    assert {"size_xyz", "holes", "genus"} <= set(wanted.spec)
    assert any("9 mm in from" in item and "position" in item for item in wanted.unchecked)
    assert any("1 mm" in item and "chamfer" in item for item in wanted.unchecked)


def test_hexagon_across_is_ambiguous() -> None:
    wanted = read_request("a hex prism 60 mm across, 10 mm thick")
    assert any("60 mm across" in item and "flats" in item for item in wanted.unchecked)


# ------------------------------------------------------------------ bodies, kinds, language
@pytest.mark.parametrize(("prompt", "bodies"), [
    ("a box with a separate lid", 2),
    # "printed separately" may mean in this part as a second body, or another print: a
    # blind case ("open top (printing the lid separately)") was one body
    ("a box with a lid printed separately", None),
    ("two separate parts: a peg and a socket", 2),
    ("simple 2 piece hinge, leaves print separately", 2),
    ("push-on lid for a round storage jar, 80 mm across", 1),
    ("a 20 mm cube", 1),
])
def test_bodies(prompt: str, bodies: int | None) -> None:
    assert infer_spec(prompt).get("bodies") == bodies


def test_the_kind_asked_for_is_checked_against_the_program() -> None:
    spec = infer_spec("a 40 mm fan grill, 2 mm thick")
    assert spec["kind"]["kind"] == "grill"
    gear = "// spur gear, 20 teeth\nlinear_extrude(2) circle(20);"
    grill = "// fan grill 40 mm\ncube([40, 40, 2]);"
    report = part((40, 40, 2))
    assert not check_spec({"kind": spec["kind"]}, report, program=gear).passed
    assert check_spec({"kind": spec["kind"]}, report, program=grill).passed
    # a program that names nothing is not judged, and says so
    result = check_spec({"kind": spec["kind"]}, report, program="cube(1);")
    assert result.passed and result.skipped


def test_a_kind_named_later_is_not_what_is_asked() -> None:
    spec = infer_spec("Base for a 12 mm vertical post. The part consists of a square foot "
                      "plate 70 x 70 x 6 mm and a central boss 24 mm in diameter.")
    assert "kind" not in spec


@pytest.mark.parametrize(("text", "language"), [
    ("ein Würfel mit 20 mm Kantenlänge", "German"),
    ("une plaque avec quatre trous de 3 mm", "French"),
    ("a 20 mm cube", "English"),
    ("plate 60x40x5", "English"),
])
def test_language(text: str, language: str) -> None:
    assert language_of(text) == language


# ------------------------------------------------------------------ follow-ups
PLATE = part((60.0, 40.0, 5.0), genus=4, volume=11800.0, openings=[
    {"axis": "z", "d": 3.4, "size": [3.4, 3.0], "at": [x, y], "round": True,
     "seen": [0.06, 0.94], "slices": 7, "outer": [60.0, 40.0]}
    for x in (6, 54) for y in (6, 34)])


def edit(text: str, previous: MeshReport = PLATE, program: str | None = None) -> dict:
    return infer_spec(text, previous, follow_up=True, previous_program=program)


@pytest.mark.parametrize(("text", "extents", "wrong"), [
    ("make it taller", (60, 40, 6), [(60, 40, 5), (70, 40, 6)]),
    ("twice as tall", (60, 40, 10), [(60, 40, 6), (60, 80, 10)]),
    ("make it 8 mm thick", (60, 40, 8), [(60, 40, 5), (60, 8, 5)]),
    ("twice as wide", (60, 80, 5), [(120, 40, 5), (60, 40, 5)]),
    ("10 mm longer please", (70, 40, 5), [(60, 50, 5), (60, 40, 15)]),
    ("halve the height", (60, 40, 2.5), [(30, 40, 5)]),
    ("make it shorter", (50, 40, 5), [(60, 40, 4), (60, 40, 5)]),  # lying flat: its length
    ("2 cm wider", (60, 60, 5), [(80, 40, 5)]),
    ("scale it up 1.5x", (90, 60, 7.5), [(90, 40, 5)]),
])
def test_resizes_change_the_named_side_and_keep_the_rest(text, extents, wrong) -> None:
    spec = edit(text)
    assert accepts(spec, tuple(float(e) for e in extents), PLATE), spec
    for other in wrong:
        assert not accepts(spec, tuple(float(e) for e in other), PLATE), (other, spec)


def test_hole_edits() -> None:
    assert edit("add two more holes")["genus"] == 6
    assert edit("add a hole in the middle")["genus"] == 5
    assert edit("add a fifth hole")["genus"] == 5
    assert edit("remove all the holes")["genus"] == 0
    assert edit("use six holes instead")["genus"] == 6
    assert edit("drop one of the holes, 3 is enough")["genus"] == 3
    assert edit("remove two of those holes, keep just the two on one diagonal")["genus"] == 2
    assert edit("give it two 4 mm screw holes above the slot")["genus"] == 6
    assert edit("put a 5 mm hanging hole near each end")["genus"] == 6   # one per end
    assert edit("put a 5 mm hole in it")["genus"] == 5
    assert "genus" not in edit("put holes in it") or edit("put holes in it")["genus"] != 5
    spec = edit("make the holes bigger")
    assert spec["genus"] == 4 and {"measure": "hole", "min_ratio": 1.03} in spec["grow"]
    swap = edit("use M4 holes instead of M3")
    assert swap["holes"][0]["d"][0] >= 3.8 and swap["keep_holes"] == {"except": [
        pytest.approx([2.85, 3.85])]}


def test_a_resize_keeps_the_holes_it_does_not_name() -> None:
    spec = edit("make it 8 mm thick")
    assert spec["keep_holes"] == {"except": []} and spec["genus"] == 4
    bigger_holes = replace(PLATE, extents=(60.0, 40.0, 8.0), openings=[
        dict(o, d=6.0) for o in PLATE.openings])
    assert not check_spec(spec, bigger_holes, first=PLATE).passed


def test_walls_thicker_is_read_from_the_walls() -> None:
    box = part((80.0, 60.0, 40.0), volume=20000.0, openings=[
        {"axis": "z", "d": 90.0, "size": [76.0, 56.0], "at": [40.0, 30.0], "round": False,
         "seen": [0.3, 0.9], "slices": 5, "outer": [80.0, 60.0]}])
    spec = edit("make the walls thicker", box)
    assert spec["grow"] == [{"measure": "wall", "min_ratio": 1.05}]
    assert spec["size_xyz"][0][0] <= 80 <= spec["size_xyz"][0][1]  # the outside stays
    set_wall = edit("bump the wall thickness up to 4mm", box)
    assert set_wall["wall"][0] <= 4 <= set_wall["wall"][1]
    # the sentence's only length, said apart from the word "walls", is the wall's
    loose = edit("the walls feel flimsy, go to 3 mm", box)
    assert loose["wall"][0] <= 3 <= loose["wall"][1] and not loose["wall"][0] <= 2
    # with a second length in the sentence, which one is the wall's is not guessed
    assert "wall" not in edit("walls thicker and the box 80 mm tall, lid 3 mm", box)


def test_make_it_a_sphere_instead() -> None:
    cube = part((40.0, 40.0, 40.0), volume=64000.0)
    spec = edit("make it a sphere instead, same width", cube)
    assert spec["shape"] == "sphere" and spec["kind"]["kind"] == "sphere"
    assert accepts(spec, (40.0, 40.0, 40.0), cube)
    assert not accepts(spec, (60.0, 60.0, 60.0), cube)


def test_edit_without_a_previous_part_says_so() -> None:
    wanted = read_request("make it taller", None, follow_up=True)
    assert wanted.spec == {"watertight": True} and wanted.unchecked


def test_merge_specs_explicit_wins() -> None:
    merged = merge_specs({"watertight": True, "genus": 2}, {"genus": 4, "bodies": 1})
    assert merged == {"watertight": True, "genus": 4, "bodies": 1}
    assert merge_specs({"genus": 1}, None) == {"genus": 1}


# ------------------------------------------------------------------ the generator's prompts
def test_agrees_with_the_synthetic_generator() -> None:
    """Over a few thousand generated prompts, what the checks read accepts the part the
    generator's own spec describes: sizes (checked on boxes the generator's ranges allow),
    hole counts and body counts. A disagreement here is a correct part "repaired"."""
    from finetune.synth.families import FAMILIES

    checked = {"size": 0, "genus": 0, "bodies": 0}
    wrong: dict[str, list[str]] = {"size": [], "genus": [], "bodies": []}
    for name, family in FAMILIES.items():
        for k in range(25):
            made = family.part(Random(f"intent-{name}-{k}"))
            inferred = infer_spec(made.prompt)
            want = made.spec.get("size_xyz") or made.spec.get("size")
            sizes = {key: v for key, v in inferred.items() if key in SIZE_KEYS}
            if want and sizes:
                checked["size"] += 1
                mids = [(lo + hi) / 2 for lo, hi in want]
                orders = [mids] if "size_xyz" in made.spec else itertools.permutations(mids)
                if not any(check_spec(sizes, part(tuple(o))).passed for o in orders):
                    wrong["size"].append(made.prompt)
            for key in ("genus", "bodies"):
                if key in inferred and key in made.spec:
                    checked[key] += 1
                    if inferred[key] != made.spec[key]:
                        wrong[key].append(made.prompt)
    assert checked["size"] > 600 and checked["genus"] > 600 and checked["bodies"] > 800
    # a few generated prompts are loose themselves (a clip's width range, a typo)
    assert len(wrong["size"]) <= checked["size"] // 150, wrong["size"]
    assert len(wrong["genus"]) <= checked["genus"] // 300, wrong["genus"]
    assert wrong["bodies"] == [], wrong["bodies"]


def test_the_legs_of_an_l_bracket_said_of_the_bracket_are_its_extents() -> None:
    from agent.intent import read_request

    spec = read_request("a bracket with a 50 mm tall upright and a 15 mm long base, "
                        "2.5 mm thick, 32 mm wide").spec
    low, high = zip(*spec["size"], strict=True)
    assert all(lo <= v <= hi for v, lo, hi in zip((50, 32, 15), low, high, strict=True))
    # one size and no legs: the bracket's length may be its extrusion, not a leg
    assert "size" not in read_request("a 120 mm long L bracket, 3 mm thick").spec
    assert read_request("corner bracket with a couple of M3 holes").spec["genus"] == 2


# ------------------------------------------------------------------ round features
def profile_diameters(text: str) -> list[list[float]]:
    return [p["d"] for p in read_request(text).spec.get("profiles", [])]


def test_diameters_of_round_pieces_are_checked_as_outlines() -> None:
    assert profile_diameters("a disc 80 mm diameter 10 thick with a 40 mm diameter hub 15 mm "
                             "tall on top") == [[39.0, 41.0], [78.0, 82.0]]
    assert [39.0, 41.0] in profile_diameters(
        "Flanged bushing. 1. Body 20 mm long overall. 2. Flange Ø40 x 3 mm at one end. "
        "3. Bore Ø10 through.")


@pytest.mark.parametrize("text", [
    "a block 60 x 40 x 20 with four Ø8 bosses in the inside corners",   # merged into walls
    "a plate 60 x 40 x 5 with a knurled 20 mm diameter knob on top",    # not a plain circle
    "a 30 mm hex nut 10 mm thick",                                       # not round at all
    "a plate 60 x 40 x 5 with a boss tapering from Ø20 to Ø12",          # a taper
])
def test_outlines_that_may_not_be_round_are_not_checked(text: str) -> None:
    assert profile_diameters(text) == []
