"""What the mesh checks cost on top of reading the STL.

For typical parts (compiled once by the real openscad, binary STL as the agent writes it,
plus one ASCII copy), times in the same run:
    load      trimesh.load(process=True): the baseline, the least any check must pay
    checks    tools.mesh.analyze_mesh + tools.spec.check_spec (includes its own load)
    render    tools.render.render_png, 3 views at 640 x 480 (includes its own load)
and prints checks/load and render/load. Each figure is the fastest of --repeat runs: on a
shared machine the minimum is the figure least disturbed by other processes.

    python benchmarks/checks.py [--repeat 15] [--markdown]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trimesh  # noqa: E402

from benchmarks.timing import best_of  # noqa: E402
from tools.mesh import analyze_mesh  # noqa: E402
from tools.openscad import compile_scad  # noqa: E402
from tools.render import render_png  # noqa: E402
from tools.spec import check_spec  # noqa: E402

SPEC = {"watertight": True, "bodies": 1, "genus": 4, "size": [[59, 61], [39, 41], [4, 6]],
        "volume": [1, 1e9]}
PARTS = {
    "plate, 4 holes": (
        "difference() { cube([60, 40, 5]);\n"
        "  for (x = [6, 54], y = [6, 34]) translate([x, y, -1]) cylinder(d=3.2, h=7, $fn=24);}"
    ),
    "bracket, 3 holes": (
        "difference() { union() { cube([40, 20, 4]); cube([4, 20, 30]); }\n"
        "  for (y = [6, 14]) translate([20, y, -1]) cylinder(d=3.4, h=10, $fn=32);\n"
        "  translate([-1, 10, 20]) rotate([0, 90, 0]) cylinder(d=6, h=10, $fn=32); }"
    ),
    "gear, 24 teeth": (
        "$fn=64; difference() { union() { cylinder(r=20, h=6);\n"
        "  for (i = [0:23]) rotate(i * 15) translate([20, 0, 0]) cylinder(r=1.6, h=6, $fn=12);}\n"
        "  translate([0, 0, -1]) cylinder(r=4, h=8); }"
    ),
    "sphere, $fn=160": "sphere(r=30, $fn=160);",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        files: list[tuple[str, Path]] = []
        for name, program in PARTS.items():
            result = compile_scad(program, out_dir=Path(tmp) / str(len(files)))
            if result.stl is None:
                sys.exit(f"{name}: {result.summary()}")
            files.append((f"{name} (binary)", result.stl))
        ascii_copy = Path(tmp) / "plate-ascii.stl"
        trimesh.load(files[0][1]).export(ascii_copy, file_type="stl_ascii")
        files.append(("plate, 4 holes (ASCII)", ascii_copy))
        png = Path(tmp) / "preview.png"
        for name, path in files:
            load = best_of(
                lambda p=path: trimesh.load(p, file_type="stl", force="mesh", process=True),
                args.repeat)
            checks = best_of(
                lambda p=path: check_spec(SPEC, analyze_mesh(p)), args.repeat)
            render = best_of(lambda p=path: render_png(p, png), max(3, args.repeat // 2))
            faces = analyze_mesh(path).faces
            rows.append((name, faces, load, checks, render))
    if args.markdown:
        print("| part | faces | load ms | checks ms | checks/load | render ms | render/load |")
        print("|---|---|---|---|---|---|---|")
        for name, faces, load, checks, render in rows:
            print(f"| {name} | {faces} | {load * 1e3:.1f} | {checks * 1e3:.1f} | "
                  f"{checks / load:.2f} | {render * 1e3:.0f} | {render / load:.1f} |")
    else:
        for name, faces, load, checks, render in rows:
            print(f"{name:28} {faces:7d} faces  load {load * 1e3:7.1f} ms  checks "
                  f"{checks * 1e3:7.1f} ms ({checks / load:.2f}x)  render {render * 1e3:6.0f} ms "
                  f"({render / load:.1f}x)")


if __name__ == "__main__":
    main()
