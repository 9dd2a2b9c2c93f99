"""Reading rules for maker and engineering wording (issue 14), each tested on real parts:
the right one, compiled by OpenSCAD, passes the checks read from the prompt; the wrong one
(a size, count or feature the prompt states plainly) fails them."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.intent import read_request
from tools.mesh import analyze_mesh
from tools.openscad import compile_scad
from tools.spec import check_spec


@pytest.fixture
def passes(tmp_path: Path):
    """passes(prompt, program): does the compiled program pass what the prompt asks?"""
    made = iter(range(1000))

    def check(prompt: str, program: str) -> bool:
        result = compile_scad(program, out_dir=tmp_path / str(next(made)), formats=("stl",))
        assert result.ok, result.summary()
        spec = read_request(prompt).spec
        return check_spec(spec, analyze_mesh(result.stl), program=program).passed

    return check


def plate_with_holes(holes: int) -> str:
    corners = "[[0, 0], [58, 0], [0, 49], [58, 49]]"
    return (f"difference() {{ cube([85, 56, 3]);\n"
            f"  for (p = [for (k = [0 : {holes - 1}]) {corners}[k]])\n"
            f"    translate([p[0] + 3.5, p[1] + 3.5, -1]) cylinder(d = 3.2, h = 5, $fn = 24); }}")


PI_PLATE = ("4x M3 mounting plate for a raspberry pi sized board 85x56, 3mm thick, holes on "
            "the usual 58x49 pattern")


def test_a_count_written_before_a_screw_size_counts_the_holes() -> None:
    assert read_request(PI_PLATE).spec["holes"][0]["count"] == 4


def spacer(thick: float) -> str:
    return (f"difference() {{ cylinder(d = 25.4, h = {thick}, $fn = 64);\n"
            f"  translate([0, 0, -1]) cylinder(d = 10.4, h = {thick} + 2, $fn = 32); }}")


INCH_SPACER = ("Spacer washer for a lawnmower wheel. The outside diameter is 1 inch and the "
               "bore is 0.41 in. Thickness is 3/16 in. Edges are left square.")


def test_an_inch_abbreviation_ends_its_sentence() -> None:
    assert read_request(INCH_SPACER).unchecked == []


def channel(lying: bool) -> str:
    body = ("difference() { cube([120, 30, 20]); translate([-1, 3, 3]) cube([122, 24, 20]); }")
    return f"rotate([90, 0, 0]) {body}" if lying else body


def l_bracket(thick: float, gusset: bool = False) -> str:
    extra = ("translate([0, 11, 0]) rotate([90, 0, 0]) linear_extrude(2) "
             "polygon([[0, 0], [25, 0], [0, 25]]);") if gusset else ""
    return (f"difference() {{ union() {{ cube([40, 20, {thick}]); cube([{thick}, 20, 40]); "
            f"{extra} }}\n"
            f"  for (x = [15, 32]) translate([x, 10, -1]) cylinder(d = 4.5, h = 50, $fn = 20);\n"
            f"  for (z = [15, 32]) translate([-1, 10, z]) rotate([0, 90, 0]) "
            f"cylinder(d = 4.5, h = {thick} + 2, $fn = 20); }}")


L_BRACKET = "L bracket 3mm thick with 2 holes each leg (M4), legs 40mm, 20mm wide"
L_BRACKET_GUSSET = "L bracket 3mm thick with a gusset, legs 40mm, 20mm wide"


def test_the_thickness_of_a_plain_l_bracket_shows_in_its_volume() -> None:
    assert "volume" in read_request(L_BRACKET).spec
    # a gusset adds an amount not stated: the thickness is left unchecked, and named
    assert "'3 mm thick' (material thickness)" in read_request(L_BRACKET_GUSSET).unchecked


def test_legs_given_along_axes_pin_the_extents() -> None:
    spec = read_request(
        "This L-bracket fastens a shelf to a wall. The part consists of two legs cut from 5 mm "
        "plate, both 40 mm wide in Y. The horizontal leg runs 60 mm along X and the vertical "
        "leg rises 50 mm in Z. A triangular gusset, 5 mm thick and 25 mm along each leg, sits "
        "in the inside corner.").spec
    (xlo, xhi), _, (zlo, zhi) = spec["size_xyz"]
    assert xlo <= 60 <= xhi and zlo <= 50 <= zhi and not zlo <= 70 <= zhi


def test_round_profiles_are_read_only_from_a_plain_outside_size() -> None:
    # a nominal pipe size and no OD: which size the clip wraps is not guessed
    assert "profiles" not in read_request("saddle clamp for 3/4 inch pipe, 20mm wide").spec
    # a barbed end is no plain round section
    assert "profiles" not in read_request("barbed hose adapter 20 to 15mm").spec


def clip(channel: float, screw_hole: bool = False) -> str:
    r = channel / 2 + 2
    screw = f"translate([{r} + 7, 5, -1]) cylinder(d = 3.3, h = 5, $fn = 20);" \
        if screw_hole else ""
    return (f"difference() {{ union() {{ translate([0, 0, {r}]) rotate([-90, 0, 0]) "
            f"cylinder(r = {r}, h = 10, $fn = 64); cube([{r} + 14, 10, 3]); }}\n"
            f"  translate([0, -1, {r}]) rotate([-90, 0, 0]) cylinder(d = {channel}, h = 12, "
            f"$fn = 64);\n  translate([-3, -1, {r}]) cube([6, 12, {r} + 1]); {screw} }}")


def reducer(big: float, small: float) -> str:
    return (f"difference() {{ union() {{ cylinder(d = {big}, h = 25, $fn = 64); "
            f"translate([0, 0, 25]) cylinder(d1 = {big}, d2 = {small}, h = 8, $fn = 64); "
            f"translate([0, 0, 33]) cylinder(d = {small}, h = 25, $fn = 64); }}\n"
            f"  translate([0, 0, -1]) cylinder(d = 8, h = 60, $fn = 32); }}")


def hook(reach: float) -> str:
    return (f"difference() {{ union() {{ cube([30, 4, 70]); translate([10, 0, 5]) "
            f"cube([10, {reach}, 6]); translate([10, {reach} - 6, 5]) cube([10, 6, 20]); }}\n"
            f"  for (z = [20, 55]) translate([15, -1, z]) rotate([-90, 0, 0]) "
            f"cylinder(d = 4.4, h = 10, $fn = 20); }}")


TORUS = "rotate_extrude($fn = 64) translate([20, 0]) circle(d = 5, $fn = 24);"
WASHER = ("difference() { cylinder(d = 45, h = 5, $fn = 64); "
          "translate([0, 0, -1]) cylinder(d = 35, h = 7, $fn = 64); }")


def lid(lip: float) -> str:
    return (f"union() {{ translate([0, 0, 8]) cylinder(d = 80, h = 3, $fn = 64);\n"
            f"  difference() {{ cylinder(d = {lip}, h = 8.01, $fn = 64); "
            f"translate([0, 0, -1]) cylinder(d = {lip} - 4, h = 9, $fn = 64); }} }}")


# (prompt, the right part, wrong parts): each case is named for the reading rule it tests
TOLD_APART = [
    pytest.param(PI_PLATE, plate_with_holes(4), [plate_with_holes(3)],
                 id="a-count-written-before-a-screw-size-counts-the-holes"),
    pytest.param(INCH_SPACER, spacer(4.76), [spacer(9.5)],
                 id="an-inch-abbreviation-ends-its-sentence"),
    pytest.param("A U-channel that guides a rail. Overall it measures 12 cm long (X), 3 cm wide "
                 "(Y) and 2 cm tall (Z), with the open side facing up. The base and both side "
                 "walls are 3 mm thick.", channel(lying=False), [channel(lying=True)],
                 id="every-size-of-an-overall-list-is-overall"),
    pytest.param(L_BRACKET, l_bracket(3), [l_bracket(6), l_bracket(1.5)],
                 id="the-thickness-of-a-plain-l-bracket-shows-in-its-volume"),
    pytest.param(L_BRACKET_GUSSET, l_bracket(3, gusset=True), [],
                 id="a-gusset-leaves-the-thickness-unchecked"),
    pytest.param("snap in cable clip for an 8mm cable with a screw tab (M3), about 10mm wide",
                 clip(8.4, screw_hole=True), [clip(8.4)],
                 id="a-screw-tab-has-a-hole-for-its-screw"),
    pytest.param("snap in cable clip for an 8mm cable with a screw tab, about 10mm wide",
                 clip(8.4), [clip(16)], id="a-clip-wraps-the-size-it-holds"),
    pytest.param("hose adapter 20 to 15mm - the two ends go inside the hoses, ~25mm long each, "
                 "hole all the way through", reducer(20, 15), [reducer(20, 10), reducer(26, 15)],
                 id="an-adapter-from-one-size-to-another-has-both-ends"),
    pytest.param("wall hook with two screw holes for 4mm screws. back plate 30 wide x 70 tall, "
                 "hook sticks out 40mm from the wall", hook(40), [hook(25)],
                 id="how-far-a-part-reaches-from-the-wall-is-an-extent"),
    pytest.param("This is an O-ring. It is a torus: the cord is 5 mm in diameter. The ring lies "
                 "flat. Its outside diameter comes to 45 mm and its inside diameter to 35 mm.",
                 TORUS, [WASHER], id="a-torus-shows-its-round-cord"),
    pytest.param("Push-on lid for a jar. The lid top is a disc 80 mm in diameter and 3 mm thick. "
                 "Under it, a locating lip ring 74 mm outside diameter with a 2 mm wall hangs 8 "
                 "mm below the disc.", lid(74), [lid(60)], id="the-wall-of-a-ring-is-its-own"),
]


@pytest.mark.parametrize(("prompt", "right", "wrong"), TOLD_APART)
def test_the_right_part_passes_and_each_wrong_one_fails(
        passes, prompt: str, right: str, wrong: list[str]) -> None:
    assert passes(prompt, right)
    for program in wrong:
        assert not passes(prompt, program), program
