"""Every spec key of ../shared/evals/README.md, passing and failing, on real parts."""

from __future__ import annotations

import dataclasses

import pytest
from scad_parts import part_stl

from tools.mesh import MeshReport, analyze_mesh
from tools.spec import CHECKERS, check_spec


def report(name: str) -> MeshReport:
    return analyze_mesh(part_stl(name))


PLATE_PASS = {
    "watertight": True,
    "bodies": 1,
    "genus": 4,
    "size": [[59, 61], [39, 41], [4.5, 5.5]],
    "size_xyz": [[59, 61], [39, 41], [4.5, 5.5]],
    "volume": [11700, 11900],
}


def test_every_key_passes_on_a_matching_part() -> None:
    result = check_spec(PLATE_PASS, report("plate4"))
    assert result.passed, result.summary()
    assert [c.key for c in result.checks] == list(PLATE_PASS)
    assert result.summary() == "all spec checks passed"


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("watertight", False, "open"),
        ("bodies", 2, "expected 2 separate bodies, found 1 body"),
        ("genus", 2, "expected 2 through-holes, found 4"),
        ("size", [[59, 61], [39, 41], [9, 11]], "smallest 5 not in [9, 11]"),
        ("size_xyz", [[39, 41], [59, 61], [4.5, 5.5]], "X 60 not in [39, 41]"),
        ("volume", [100, 200], "expected a volume of 100-200 mm^3"),
    ],
)
def test_each_key_fails_with_a_message(key: str, value: object, words: str) -> None:
    result = check_spec({key: value}, report("plate4"))
    assert not result.passed
    [check] = result.failures()
    assert check.key == key and words in check.message
    assert result.summary().startswith(f"- {key}: ")


def test_size_is_orientation_free_but_size_xyz_is_not() -> None:
    standing = dataclasses.replace(report("plate4"), extents=(5.0, 60.0, 40.0))
    assert check_spec({"size": PLATE_PASS["size"]}, standing).passed
    assert not check_spec({"size_xyz": PLATE_PASS["size_xyz"]}, standing).passed
    # ranges written in another order than largest-first still mean the same box
    assert check_spec({"size": [[4.5, 5.5], [59, 61], [39, 41]]}, standing).passed


def test_watertight_fails_on_an_open_mesh_and_genus_cannot_be_counted() -> None:
    result = check_spec({"watertight": True, "genus": 0}, report("open"))
    assert result.failed_keys() == ["watertight", "genus"]
    assert "cannot be computed" in result.failures()[1].message


def test_bodies_counts_separate_parts() -> None:
    assert check_spec({"bodies": 2}, report("two_cubes")).passed
    msg = check_spec({"bodies": 1}, report("two_cubes")).summary()
    assert "found 2 bodies" in msg and "do not overlap" in msg


def test_grow_compares_with_the_first_part() -> None:
    cube, tall = report("cube"), report("tall_cube")
    assert check_spec({"grow": {"axis": "z", "min_ratio": 1.5}}, tall, first=cube).passed
    failed = check_spec({"grow": {"axis": "x", "min_ratio": 1.5}}, tall, first=cube)
    assert not failed.passed and "found 20 mm (1x)" in failed.summary()
    # max_ratio: "make it shorter" read the other way
    assert check_spec({"grow": {"axis": "z", "max_ratio": 0.6}}, cube, first=tall).passed
    assert not check_spec({"grow": {"axis": "z", "max_ratio": 0.6}}, tall, first=cube).passed
    assert check_spec({"grow": {"axis": "z", "min_ratio": 1.9, "max_ratio": 2.1}}, tall,
                      first=cube).passed


def test_grow_without_a_first_part_fails() -> None:
    result = check_spec({"grow": {"axis": "z", "min_ratio": 1.5}}, report("tall_cube"))
    assert not result.passed and "first prompt" in result.summary()


def test_no_part_fails_every_key_and_even_an_empty_spec() -> None:
    result = check_spec(PLATE_PASS, None)
    assert not result.passed and result.failed_keys() == list(PLATE_PASS)
    empty_spec = check_spec({}, None)
    assert not empty_spec.passed and empty_spec.failed_keys() == ["part"]
    from tools.mesh import empty_report

    assert not check_spec({"genus": 0}, empty_report()).passed
    assert check_spec({}, report("cube")).passed


def test_unknown_key_fails_loudly() -> None:
    result = check_spec({"genus": 4, "colour": "red"}, report("plate4"))
    assert result.failed_keys() == ["colour"]
    assert "unknown spec key 'colour'" in result.summary()


@pytest.mark.parametrize(
    "spec",
    [{"genus": "4"}, {"genus": True}, {"watertight": 1}, {"size": [1, 2]},
     {"size_xyz": [[1, 2], [1, 2]]}, {"volume": [5, 1]}, {"volume": 3},
     {"grow": {"axis": "w", "min_ratio": 2}}, {"grow": {"axis": "z"}},
     {"grow": {"axis": "z", "min_ratio": 2, "ratio": 1}}, {"grow": "taller"},
     {"dims": [[1, 2]] * 4}, {"holes": [{"d": 3}]}, {"shape": "blob"}, {"kind": "gear"},
     {"wall": 2}, {"param": {"names": "wall"}}, {"openings": [{"min": 2}]},
     {"profiles": [{"d": 3}]}, {"profiles": []}, {"changed": False}, {"changed": "yes"}],
)
def test_malformed_values_fail_instead_of_raising(spec: dict) -> None:
    result = check_spec(spec, report("cube"), first=report("cube"))
    assert not result.passed and "malformed spec" in result.summary()


def test_every_documented_key_has_a_checker() -> None:
    shared = {"watertight", "bodies", "genus", "size", "size_xyz", "volume", "grow"}
    own = {"dims", "holes", "wall", "shape", "kind", "param", "keep_holes", "openings",
           "profiles", "changed"}
    assert set(CHECKERS) == shared | own


def test_dims_match_stated_sizes_on_any_axes() -> None:
    plate = report("plate4")
    assert check_spec({"dims": [[4.5, 5.5], [59, 61]]}, plate).passed
    assert not check_spec({"dims": [[4.5, 5.5], [69, 71]]}, plate).passed
    # two stated sizes need two different extents
    assert not check_spec({"dims": [[59, 61], [59, 61]]}, plate).passed


def test_holes_by_diameter_count_and_axis() -> None:
    plate = report("plate4")
    assert check_spec({"holes": [{"d": [3.0, 3.6], "count": 4}]}, plate).passed
    three = check_spec({"holes": [{"d": [3.0, 3.6], "count": 3}]}, plate)
    assert not three.passed and "expected 3" in three.summary()
    assert not check_spec({"holes": [{"d": [5.0, 5.6]}]}, plate).passed
    assert not check_spec({"holes": [{"d": [3.0, 3.6], "axis": "x"}]}, plate).passed
    bracket = report("l_bracket")
    assert check_spec({"holes": [{"d": [4.8, 5.2], "count": 2}]}, bracket).passed


def test_wall_shape_and_volume_change() -> None:
    box = report("open_box")
    assert check_spec({"wall": [1.8, 2.5]}, box).passed
    assert not check_spec({"wall": [3.5, 4.5]}, box).passed
    assert check_spec({"shape": "cube"}, report("cube")).passed
    sphere = check_spec({"shape": "sphere"}, report("cube"))
    assert not sphere.passed and "fills 100%" in sphere.summary()
    grow = {"grow": [{"measure": "volume", "max_ratio": 0.999}]}
    assert check_spec(grow, report("plate4"), first=report("cube")).passed is False


def test_kind_reads_the_program_and_skips_without_one() -> None:
    want = {"kind": {"asked": "fan grill", "kind": "grill"}}
    cube = report("cube")
    gear = check_spec(want, cube, program="// spur gear\ncube(20);")
    assert not gear.passed and "makes a gear" in gear.summary()
    assert check_spec(want, cube, program="// 40 mm fan grill\ncube(20);").passed
    unnamed = check_spec(want, cube)
    assert unnamed.passed and unnamed.skipped == ["kind: no program to read what the part is"]


def test_param_compares_the_programs() -> None:
    want = {"param": {"names": ["wall"], "change": "grow"}}
    before, after = "wall = 2;\ncube(1);", "wall = 2 * 1.5;\ncube(1);"
    cube = report("cube")
    assert check_spec(want, cube, program=after, previous_program=before).passed
    assert not check_spec(want, cube, program=before, previous_program=before).passed


def test_changed_tells_the_same_part_from_another() -> None:
    plate, cube = report("plate4"), report("cube")
    assert not check_spec({"changed": True}, plate, first=plate).passed
    assert check_spec({"changed": True}, cube, first=plate).passed
    assert not check_spec({"changed": True}, plate).passed  # nothing to compare with


def test_keep_holes_and_openings() -> None:
    plate, bracket = report("plate4"), report("l_bracket")
    assert check_spec({"keep_holes": {"except": []}}, plate, first=plate).passed
    lost = check_spec({"keep_holes": {"except": []}}, bracket, first=plate)
    assert not lost.passed and "3.2 mm along Z" in lost.summary()
    assert check_spec({"keep_holes": {"except": [[3, 3.5]]}}, bracket, first=plate).passed
    # counted openings are windows and slots: a container's own cavity is not one of them
    assert check_spec({"openings": [{"count": 0, "min": 10}]}, report("open_box")).passed
    assert not check_spec({"openings": [{"count": 1, "min": 10}]}, report("open_box")).passed
    # the 3.2 mm holes of the plate are openings of at least 3 mm, four of them
    assert check_spec({"openings": [{"count": 4, "min": 3}]}, plate).passed
    assert not check_spec({"openings": [{"count": 4, "min": 10}]}, plate).passed


def test_profiles_need_a_round_outline_of_the_stated_diameter(tmp_path) -> None:
    from tools.openscad import compile_scad

    program = "$fn = 48; cylinder(d = 30, h = 10); cylinder(d = 12, h = 25);"
    result = compile_scad(program, out_dir=tmp_path, formats=("stl",))
    assert result.stl is not None, result.summary()
    knob = analyze_mesh(result.stl)
    assert check_spec({"profiles": [{"d": [29, 31]}, {"d": [11.7, 12.3]}]}, knob).passed
    wrong = check_spec({"profiles": [{"d": [19, 21], "what": "the hub"}]}, knob)
    assert not wrong.passed
    assert "no round outline of 19-21 mm (the hub)" in wrong.summary()
    assert "round outlines seen: 30, 12 mm" in wrong.summary()
    # a box has no round outline at all
    assert not check_spec({"profiles": [{"d": [19, 21]}]}, report("cube")).passed


def test_square_is_fuller_than_a_round_or_hexagonal_outline(tmp_path) -> None:
    from tools.openscad import compile_scad

    def mesh(name: str, program: str) -> MeshReport:
        result = compile_scad(program, out_dir=tmp_path / name, hardwarnings=False)
        assert result.stl is not None, result.summary()
        return analyze_mesh(result.stl)

    square = mesh("square", "difference() { cube([50, 50, 4]);\n"
                            "  translate([25, 25, -1]) cylinder(d=8, h=6, $fn=24); }")
    disc = mesh("disc", "cylinder(d=50, h=4, $fn=64);")
    hexagon = mesh("hexagon", "cylinder(d=50 / cos(30), h=4, $fn=6);")
    assert check_spec({"shape": "square"}, square).passed
    for other in (disc, hexagon, report("plate4")):
        result = check_spec({"shape": "square"}, other)
        assert not result.passed and "expected a square" in result.summary()


def test_param_named_by_a_feature_and_a_size_word() -> None:
    want = {"param": {"names": ["post"], "also": ["h", "height"], "change": "set",
                      "value": [49, 51]}}
    before = "post_d = 10;\npost_h = 30;\ncube(1);"
    cube = report("cube")
    taller = before.replace("post_h = 30", "post_h = 50")
    wider = before.replace("post_d = 10", "post_d = 50")
    assert check_spec(want, cube, program=taller, previous_program=before).passed
    wrong = check_spec(want, cube, program=wider, previous_program=before)
    assert not wrong.passed and "post_h" in wrong.summary()
    bad = dict(want, param=dict(want["param"], also="h"))
    assert "malformed spec" in check_spec(bad, cube, program=taller,
                                          previous_program=before).summary()
