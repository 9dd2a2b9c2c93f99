"""MeshReport on real OpenSCAD output and on bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from scad_parts import part_stl

from tools.mesh import MeshReport, analyze_mesh


def test_cube_is_one_closed_body_without_holes() -> None:
    r = analyze_mesh(part_stl("cube"))
    assert not r.empty and r.watertight and r.winding_consistent
    assert (r.bodies, r.genus, r.euler_number) == (1, 0, 2)
    assert r.volume == pytest.approx(8000, rel=1e-6)
    assert r.extents == pytest.approx((20, 20, 20))
    assert r.bounds[0] == pytest.approx((0, 0, 0)) and r.bounds[1] == pytest.approx((20, 20, 20))
    assert r.faces == 12 and r.vertices == 8 and r.degenerate_faces == 0
    assert r.problems() == []


def test_plate_with_four_holes_has_genus_four() -> None:
    r = analyze_mesh(part_stl("plate4"))
    assert r.watertight and r.bodies == 1
    assert r.euler_number == -6 and r.genus == 4
    assert r.extents == pytest.approx((60, 40, 5))
    # 24-sided holes of radius 1.6: area 12 * 1.6^2 * sin(15 deg) each
    hole = 12 * 1.6**2 * 0.258819
    assert r.volume == pytest.approx(60 * 40 * 5 - 4 * hole * 5, rel=1e-4)


def test_two_separate_cubes_are_two_bodies() -> None:
    r = analyze_mesh(part_stl("two_cubes"))
    assert r.bodies == 2 and r.genus == 0 and r.watertight
    assert r.volume == pytest.approx(2000)
    assert r.extents == pytest.approx((30, 10, 10))


def test_open_polyhedron_is_not_watertight() -> None:
    r = analyze_mesh(part_stl("open"))
    assert not r.empty and not r.watertight
    assert r.genus is None  # no closed body to count holes on
    assert any("not watertight" in p for p in r.problems())


def test_binary_stl_gives_the_same_report(tmp_path: Path) -> None:
    import trimesh

    ascii_stl = part_stl("plate4")
    binary = tmp_path / "plate.stl"
    # an OpenSCAD-style binary header that does not start with "solid"
    trimesh.load(ascii_stl).export(binary, file_type="stl")
    assert binary.read_bytes()[:5] != b"solid"
    a, b = analyze_mesh(binary).to_dict(), analyze_mesh(ascii_stl).to_dict()
    assert a.pop("volume") == pytest.approx(b.pop("volume"))  # float32 in binary STL
    assert a == b


@pytest.mark.parametrize(
    "content",
    [b"", b"solid x\nendsolid x\n", b"not a mesh at all\n", bytes(range(256)) * 3,
     b"\x00" * 80 + b"\xff\xff\xff\x00"],
    ids=["empty", "ascii-no-facets", "text", "garbage", "truncated-binary"],
)
def test_bad_files_give_an_empty_report(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.stl"
    path.write_bytes(content)
    r = analyze_mesh(path)
    assert r.empty and r.bodies == 0 and r.genus is None and not r.watertight
    assert r.problems() == ["the part is empty: the program produced no 3D geometry"]


def test_missing_file_gives_an_empty_report(tmp_path: Path) -> None:
    assert analyze_mesh(tmp_path / "nope.stl").empty


def test_inside_out_mesh_is_a_problem(tmp_path: Path) -> None:
    import trimesh

    mesh = trimesh.load(part_stl("cube"))
    mesh.invert()
    path = tmp_path / "inverted.stl"
    mesh.export(path)
    r = analyze_mesh(path)
    assert r.watertight and r.volume < 0
    assert any("inside out" in p for p in r.problems())


def test_report_round_trips_through_dict() -> None:
    r = analyze_mesh(part_stl("plate4"))
    d = r.to_dict()
    assert d["genus"] == 4 and d["extents"] == pytest.approx([60, 40, 5])
    assert MeshReport.from_dict(d) == r


def test_a_closed_inner_void_is_not_a_body() -> None:
    """A hollow part has two shells; the inner one faces inward and is a void."""
    ball = analyze_mesh(part_stl("hollow_sphere"))
    assert (ball.bodies, ball.voids, ball.genus) == (1, 1, 0)
    assert ball.volume == pytest.approx(3.1416 / 6 * (30**3 - 20**3), rel=0.08)
    torus = analyze_mesh(part_stl("hollow_torus"))
    assert (torus.bodies, torus.voids, torus.genus) == (1, 1, 1)
    # two separate solids are still two bodies
    assert analyze_mesh(part_stl("two_cubes")).bodies == 2


def test_openings_give_hole_diameters_on_every_axis() -> None:
    plate = analyze_mesh(part_stl("plate4"))
    holes = [o for o in plate.openings if o["round"]]
    assert len(holes) == 4 and {o["axis"] for o in holes} == {"z"}
    assert all(o["d"] == pytest.approx(3.2, abs=0.01) for o in holes)
    assert sorted(tuple(o["at"]) for o in holes) == [(6, 6), (6, 34), (54, 6), (54, 34)]
    bracket = analyze_mesh(part_stl("l_bracket"))
    axes = sorted(o["axis"] for o in bracket.openings if o["round"])
    assert axes == ["y", "z"]  # the upright's hole is found although the upright is 4 mm thin
    assert analyze_mesh(part_stl("cube")).openings == []


def test_wall_thickness_of_an_open_box() -> None:
    from tools.spec import wall_thickness

    box = analyze_mesh(part_stl("open_box"))
    assert wall_thickness(box) == pytest.approx(2.0, abs=0.01)
    assert wall_thickness(analyze_mesh(part_stl("cube"))) is None


def test_reports_from_older_sessions_still_load() -> None:
    data = analyze_mesh(part_stl("cube")).to_dict()
    del data["openings"], data["voids"]
    assert MeshReport.from_dict(data).openings == []


def _stl(program: str, where: Path) -> Path:
    from tools.openscad import compile_scad

    result = compile_scad(program, out_dir=where, formats=("stl",))
    assert result.stl is not None, result.summary()
    return result.stl


def test_round_outlines_whole_and_merged(tmp_path: Path) -> None:
    # a flanged bushing: the flange and the body are round outlines across Z, the bore is
    # an opening, not an outline
    bush = analyze_mesh(_stl("$fn = 64; difference() { union() { cylinder(d = 24, h = 3);"
                             " cylinder(d = 16, h = 20); }"
                             " translate([0, 0, -1]) cylinder(d = 10, h = 22); }",
                             tmp_path / "bush"))
    assert sorted((p["axis"], p["d"]) for p in bush.profiles) == [("z", 16.0), ("z", 24.0)]
    # a boss lying on a block, merged into it: its free half still shows as an arc
    block = analyze_mesh(_stl("cube([80, 22, 25]); translate([40, 0, 25]) rotate([-90, 0, 0])"
                              " cylinder(d = 40, h = 22, $fn = 48);", tmp_path / "block"))
    assert [(p["axis"], round(p["d"], 2)) for p in block.profiles] == [("y", 40.0)]
    assert analyze_mesh(part_stl("cube")).profiles == []
