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


def test_a_count_written_before_a_screw_size_counts_the_holes(passes) -> None:
    prompt = ("4x M3 mounting plate for a raspberry pi sized board 85x56, 3mm thick, holes on "
              "the usual 58x49 pattern")
    assert read_request(prompt).spec["holes"][0]["count"] == 4
    assert passes(prompt, plate_with_holes(4))
    assert not passes(prompt, plate_with_holes(3))


def spacer(thick: float) -> str:
    return (f"difference() {{ cylinder(d = 25.4, h = {thick}, $fn = 64);\n"
            f"  translate([0, 0, -1]) cylinder(d = 10.4, h = {thick} + 2, $fn = 32); }}")


def test_an_inch_abbreviation_ends_its_sentence(passes) -> None:
    prompt = ("Spacer washer for a lawnmower wheel. The outside diameter is 1 inch and the bore "
              "is 0.41 in. Thickness is 3/16 in. Edges are left square.")
    assert read_request(prompt).unchecked == []
    assert passes(prompt, spacer(4.76))
    assert not passes(prompt, spacer(9.5))


def channel(lying: bool) -> str:
    body = ("difference() { cube([120, 30, 20]); translate([-1, 3, 3]) cube([122, 24, 20]); }")
    return f"rotate([90, 0, 0]) {body}" if lying else body


def test_every_size_of_an_overall_list_is_overall(passes) -> None:
    prompt = ("A U-channel that guides a rail. Overall it measures 12 cm long (X), 3 cm wide "
              "(Y) and 2 cm tall (Z), with the open side facing up. The base and both side "
              "walls are 3 mm thick.")
    assert passes(prompt, channel(lying=False))
    assert not passes(prompt, channel(lying=True))


def l_bracket(thick: float, gusset: bool = False) -> str:
    extra = ("translate([0, 11, 0]) rotate([90, 0, 0]) linear_extrude(2) "
             "polygon([[0, 0], [25, 0], [0, 25]]);") if gusset else ""
    return (f"difference() {{ union() {{ cube([40, 20, {thick}]); cube([{thick}, 20, 40]); "
            f"{extra} }}\n"
            f"  for (x = [15, 32]) translate([x, 10, -1]) cylinder(d = 4.5, h = 50, $fn = 20);\n"
            f"  for (z = [15, 32]) translate([-1, 10, z]) rotate([0, 90, 0]) "
            f"cylinder(d = 4.5, h = {thick} + 2, $fn = 20); }}")


def test_the_thickness_of_a_plain_l_bracket_shows_in_its_volume(passes) -> None:
    prompt = "L bracket 3mm thick with 2 holes each leg (M4), legs 40mm, 20mm wide"
    assert "volume" in read_request(prompt).spec
    assert passes(prompt, l_bracket(3))
    assert not passes(prompt, l_bracket(6))
    assert not passes(prompt, l_bracket(1.5))
    # a gusset adds an amount not stated: the thickness is left unchecked, and named
    prompt = "L bracket 3mm thick with a gusset, legs 40mm, 20mm wide"
    assert "'3 mm thick' (material thickness)" in read_request(prompt).unchecked
    assert passes(prompt, l_bracket(3, gusset=True))


def test_legs_given_along_axes_pin_the_extents() -> None:
    spec = read_request(
        "This L-bracket fastens a shelf to a wall. The part consists of two legs cut from 5 mm "
        "plate, both 40 mm wide in Y. The horizontal leg runs 60 mm along X and the vertical "
        "leg rises 50 mm in Z. A triangular gusset, 5 mm thick and 25 mm along each leg, sits "
        "in the inside corner.").spec
    (xlo, xhi), _, (zlo, zhi) = spec["size_xyz"]
    assert xlo <= 60 <= xhi and zlo <= 50 <= zhi and not zlo <= 70 <= zhi


def clip(channel: float, screw_hole: bool = False) -> str:
    r = channel / 2 + 2
    screw = f"translate([{r} + 7, 5, -1]) cylinder(d = 3.3, h = 5, $fn = 20);" \
        if screw_hole else ""
    return (f"difference() {{ union() {{ translate([0, 0, {r}]) rotate([-90, 0, 0]) "
            f"cylinder(r = {r}, h = 10, $fn = 64); cube([{r} + 14, 10, 3]); }}\n"
            f"  translate([0, -1, {r}]) rotate([-90, 0, 0]) cylinder(d = {channel}, h = 12, "
            f"$fn = 64);\n  translate([-3, -1, {r}]) cube([6, 12, {r} + 1]); {screw} }}")


def test_a_screw_tab_has_a_hole_for_its_screw(passes) -> None:
    prompt = "snap in cable clip for an 8mm cable with a screw tab (M3), about 10mm wide"
    assert passes(prompt, clip(8.4, screw_hole=True))
    assert not passes(prompt, clip(8.4))


def test_a_clip_wraps_the_size_it_holds(passes) -> None:
    prompt = "snap in cable clip for an 8mm cable with a screw tab, about 10mm wide"
    assert passes(prompt, clip(8.4))
    assert not passes(prompt, clip(16))
    # a nominal pipe size and no OD: which size the clip wraps is not guessed
    assert "profiles" not in read_request("saddle clamp for 3/4 inch pipe, 20mm wide").spec


def reducer(big: float, small: float) -> str:
    return (f"difference() {{ union() {{ cylinder(d = {big}, h = 25, $fn = 64); "
            f"translate([0, 0, 25]) cylinder(d1 = {big}, d2 = {small}, h = 8, $fn = 64); "
            f"translate([0, 0, 33]) cylinder(d = {small}, h = 25, $fn = 64); }}\n"
            f"  translate([0, 0, -1]) cylinder(d = 8, h = 60, $fn = 32); }}")


def test_an_adapter_from_one_size_to_another_has_both_ends(passes) -> None:
    prompt = ("hose adapter 20 to 15mm - the two ends go inside the hoses, ~25mm long each, "
              "hole all the way through")
    assert passes(prompt, reducer(20, 15))
    assert not passes(prompt, reducer(20, 10))
    assert not passes(prompt, reducer(26, 15))
    assert "profiles" not in read_request("barbed hose adapter 20 to 15mm").spec


def hook(reach: float) -> str:
    return (f"difference() {{ union() {{ cube([30, 4, 70]); translate([10, 0, 5]) "
            f"cube([10, {reach}, 6]); translate([10, {reach} - 6, 5]) cube([10, 6, 20]); }}\n"
            f"  for (z = [20, 55]) translate([15, -1, z]) rotate([-90, 0, 0]) "
            f"cylinder(d = 4.4, h = 10, $fn = 20); }}")


def test_how_far_a_part_reaches_from_the_wall_is_an_extent(passes) -> None:
    prompt = ("wall hook with two screw holes for 4mm screws. back plate 30 wide x 70 tall, "
              "hook sticks out 40mm from the wall")
    assert passes(prompt, hook(40))
    assert not passes(prompt, hook(25))


def test_a_torus_shows_its_round_cord(passes) -> None:
    prompt = ("This is an O-ring. It is a torus: the cord is 5 mm in diameter. The ring lies "
              "flat. Its outside diameter comes to 45 mm and its inside diameter to 35 mm.")
    torus = "rotate_extrude($fn = 64) translate([20, 0]) circle(d = 5, $fn = 24);"
    washer = ("difference() { cylinder(d = 45, h = 5, $fn = 64); "
              "translate([0, 0, -1]) cylinder(d = 35, h = 7, $fn = 64); }")
    assert passes(prompt, torus)
    assert not passes(prompt, washer)


def lid(lip: float) -> str:
    return (f"union() {{ translate([0, 0, 8]) cylinder(d = 80, h = 3, $fn = 64);\n"
            f"  difference() {{ cylinder(d = {lip}, h = 8.01, $fn = 64); "
            f"translate([0, 0, -1]) cylinder(d = {lip} - 4, h = 9, $fn = 64); }} }}")


def test_the_wall_of_a_ring_is_its_own(passes) -> None:
    prompt = ("Push-on lid for a jar. The lid top is a disc 80 mm in diameter and 3 mm thick. "
              "Under it, a locating lip ring 74 mm outside diameter with a 2 mm wall hangs 8 mm "
              "below the disc.")
    assert passes(prompt, lid(74))
    assert not passes(prompt, lid(60))
