"""What compile_scad costs on top of running OpenSCAD bare, and what the mesh check costs.

For a bare cube (the fixed cost of a run) and four typical parts, in the same run and
interleaved (so load on the machine hits every column alike):
    bare        `openscad -o x.stl --export-format binstl x.scad`, nothing else: the baseline
    wrapper     tools.openscad.compile_scad in the sandbox mode in force (bwrap here)
    path-check  compile_scad with bubblewrap switched off (limits + static check only)
    check       tools.mesh.analyze_mesh on the STL (skipped when tools.mesh is missing)
Prints p50/p95 per column, wrapper/bare (p50 ratio), the overhead in ms, and the share of
the wrapper's wall time spent outside OpenSCAD processes (Python: path check, temp dir,
reading stderr, moving files). Appends the table to benchmarks/RESULTS.md under "compile".

    python benchmarks/compile.py [--repeat 7] [--no-append]
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools import sandbox  # noqa: E402
from tools.openscad import compile_scad, openscad_binary, openscad_version  # noqa: E402

PARTS = {
    "cube (fixed cost)": "cube(10);\n",
    "plate, 4 holes": (
        "difference() {\n  cube([60, 40, 5]);\n"
        "  for (x = [6, 54], y = [6, 34]) translate([x, y, -1]) cylinder(d=3.2, h=7, $fn=24);\n"
        "}\n"
    ),
    "L-bracket": (
        "difference() {\n  union() { cube([50, 30, 4]); cube([4, 30, 40]); }\n"
        "  for (y = [8, 22]) translate([30, y, -1]) cylinder(d=4.4, h=10, $fn=32);\n"
        "  for (y = [8, 22])\n"
        "    translate([-1, y, 28]) rotate([0, 90, 0]) cylinder(d=4.4, h=10, $fn=32);\n"
        "}\n"
    ),
    "minkowski-rounded box": (
        "module rounded(size, r) minkowski() { cube(size - [2, 2, 2] * r, center=true);"
        " sphere(r, $fn=24); }\n"
        "difference() {\n  rounded([60, 40, 30], 3);\n"
        "  translate([0, 0, 3]) rounded([54, 34, 30], 2);\n}\n"
    ),
    "gear, 40 teeth": (
        "teeth = 40; m = 1.5; r = teeth * m / 2;\n"
        "difference() {\n  union() {\n    cylinder(r=r - m, h=8, $fn=120);\n"
        "    for (i = [0:teeth - 1]) rotate(i * 360 / teeth)\n"
        "      translate([r - 2 * m, 0, 0]) linear_extrude(8)\n"
        "        polygon([[0, -1.6], [3.5 * m, -0.7], [3.5 * m, 0.7], [0, 1.6]]);\n"
        "  }\n  translate([0, 0, -1]) cylinder(d=8, h=10, $fn=48);\n}\n"
    ),
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def timed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn(*args, **kwargs)
    return time.perf_counter() - started, value


def bare_openscad(binary: str, source: Path, out: Path) -> None:
    done = subprocess.run(
        [binary, "-o", str(out), "--export-format", "binstl", str(source)],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-500:]


def with_bwrap(enabled: bool) -> None:
    if enabled:
        os.environ.pop("SCAD_AGENT_NO_BWRAP", None)
    else:
        os.environ["SCAD_AGENT_NO_BWRAP"] = "1"
    sandbox.bwrap_works.cache_clear()


def measure(repeat: int) -> tuple[list[dict], str]:
    binary = openscad_binary()
    if binary is None:
        sys.exit("openscad is not installed: apt-get install openscad (or make demo)")
    try:
        from tools.mesh import analyze_mesh
    except ImportError:  # tools.mesh is another room's module; the column is optional
        analyze_mesh = None
    has_bwrap = sandbox.bwrap_works()
    mode = "bwrap" if has_bwrap else "path-check"
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-compile-") as tmp_name:
        tmp = Path(tmp_name)
        for name, program in PARTS.items():
            source = tmp / "part.scad"
            source.write_text(program)
            times: dict[str, list[float]] = {k: [] for k in ("bare", "wrap", "pc", "check")}
            outside: list[float] = []
            for i in range(repeat + 1):  # the first round warms caches and is dropped
                bare_t, _ = timed(bare_openscad, binary, source, tmp / "bare.stl")
                with_bwrap(True)
                wrap_t, result = timed(compile_scad, program, out_dir=tmp / "w")
                assert result.ok, result.summary()
                with_bwrap(False)
                pc_t, pc_result = timed(compile_scad, program, out_dir=tmp / "p")
                assert pc_result.ok, pc_result.summary()
                with_bwrap(True)
                check_t = math.nan
                if analyze_mesh is not None:
                    check_t, _ = timed(analyze_mesh, result.stl)
                if i == 0:
                    continue
                times["bare"].append(bare_t)
                times["wrap"].append(wrap_t)
                times["pc"].append(pc_t)
                times["check"].append(check_t)
                outside.append((result.wall_time_s - result.openscad_time_s) / result.wall_time_s)
            p50 = {k: percentile(v, 0.5) for k, v in times.items()}
            p95 = {k: percentile(v, 0.95) for k, v in times.items()}
            rows.append(
                {
                    "part": name,
                    "p50": p50,
                    "p95": p95,
                    "ratio": p50["wrap"] / p50["bare"],
                    "overhead_ms": (p50["wrap"] - p50["bare"]) * 1000,
                    "outside": percentile(outside, 0.5),
                    "has_bwrap": has_bwrap,
                }
            )
    return rows, mode


def table(rows: list[dict], mode: str) -> str:
    def s(x: float) -> str:
        return "n/a" if math.isnan(x) else f"{x:.3f}"

    lines = [
        f"| part | bare p50/p95 s | wrapper ({mode}) p50/p95 s | path-check p50/p95 s "
        "| check p50/p95 s | wrapper/bare | overhead ms | outside OpenSCAD |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        p50, p95 = r["p50"], r["p95"]
        lines.append(
            f"| {r['part']} | {s(p50['bare'])} / {s(p95['bare'])} "
            f"| {s(p50['wrap'])} / {s(p95['wrap'])} | {s(p50['pc'])} / {s(p95['pc'])} "
            f"| {s(p50['check'])} / {s(p95['check'])} | {r['ratio']:.2f}x "
            f"| {r['overhead_ms']:+.0f} | {r['outside'] * 100:.1f}% |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-append", action="store_true", help="do not touch RESULTS.md")
    args = parser.parse_args()
    rows, mode = measure(args.repeat)
    text = table(rows, mode)
    print(text)
    if args.no_append:
        return
    machine = (
        f"{os.cpu_count()}-core CPU ({platform.machine()}), no GPU, shared with other jobs; "
        f"load average {os.getloadavg()[0]:.1f} at the end; "
        f"OpenSCAD {openscad_version()}, sandbox {mode}, {args.repeat} rounds"
    )
    results = ROOT / "benchmarks" / "RESULTS.md"
    with results.open("a") as f:
        f.write(f"\n## compile\n\n{datetime.date.today().isoformat()}, {machine}.\n\n")
        f.write(text + "\n")
    print(f"appended to {results}")


if __name__ == "__main__":
    main()
