"""Real parts for mesh/spec/render/eval tests, compiled once per test process by the real
openscad through tools.openscad (the one place that runs it)."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

PROGRAMS: dict[str, str] = {
    "cube": "cube(20);",
    # 60 x 40 x 5 plate, four M3 clearance holes: genus 4 (Euler -6)
    "plate4": (
        "difference() { cube([60, 40, 5]);\n"
        "  for (x = [6, 54], y = [6, 34]) translate([x, y, -1]) cylinder(d=3.2, h=7, $fn=24);\n"
        "}\n"
    ),
    "two_cubes": "cube(10);\ntranslate([20, 0, 0]) cube(10);\n",
    "tall_cube": "cube([20, 20, 40]);",
    "washer": (
        "$fn=48; difference() { cylinder(d=20, h=2); translate([0,0,-1]) cylinder(d=8.4, h=4); }"
    ),
    # two triangles sharing an edge: an open surface, not a solid
    "open": "polyhedron(points=[[0,0,0],[10,0,0],[0,10,0],[0,0,10]], faces=[[0,1,2],[0,3,1]]);",
    # a hollow ball: one body with a closed inner void (two shells)
    "hollow_sphere": "$fn=24; difference() { sphere(d=30); sphere(d=20); }",
    # a hollow torus: one through-hole, one inner void
    "hollow_torus": ("$fn=24; difference() { rotate_extrude() translate([20, 0]) circle(r=6);\n"
                     "  rotate_extrude() translate([20, 0]) circle(r=4); }"),
    # an open box 80 x 60 x 40 with 2 mm walls and floor
    "open_box": "difference() { cube([80, 60, 40]); translate([2, 2, 2]) cube([76, 56, 40]); }",
    # a bracket with a 5 mm hole through its upright (along Y) and one in its base (along Z)
    "l_bracket": (
        "$fn=24; difference() { union() { cube([40, 50, 4]); cube([40, 4, 30]); }\n"
        "  translate([20, 30, -1]) cylinder(d=5, h=6);\n"
        "  translate([20, -1, 17]) rotate([-90, 0, 0]) cylinder(d=5, h=6); }"
    ),
}

# The faces' demo part: customizer-annotated parameters at the top (sliders in the web demo).
CUSTOMIZER_PLATE = """// Mounting plate
width = 60; // [20:1:120]
depth = 40; // [20:1:120]
thickness = 5; // [2:0.5:10]
hole_d = 5; // [2:0.5:8]
$fn = 32;
difference() {
    cube([width, depth, thickness]);
    for (x = [8, width - 8], y = [8, depth - 8])
        translate([x, y, -1]) cylinder(d = hole_d, h = thickness + 2);
}"""

_DIR = Path(tempfile.mkdtemp(prefix="scad-parts-"))
atexit.register(shutil.rmtree, _DIR, ignore_errors=True)


@functools.cache
def part_stl(name: str) -> Path:
    """The STL of PROGRAMS[name], compiled by the real openscad (cached per process)."""
    from tools.openscad import compile_scad

    result = compile_scad(
        PROGRAMS[name], out_dir=_DIR / name, formats=("stl",), hardwarnings=False
    )
    assert result.stl is not None and result.stl.is_file(), result.summary()
    return result.stl
