"""Every example program of Debian's `openscad` package, compiled through compile_scad.

None may hang, each gets a status, and the status agrees with OpenSCAD's own exit code and
stderr. The four examples that need 40+ s of CGAL are run under a short limit and must be
classified as timeouts (that is the cheap, reliable way to cover them); the rest took 140 s
of CPU in all on a loaded machine, so this module is marked slow and split by `pytest -n 2`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.openscad import Limits, compile_scad

pytestmark = pytest.mark.slow

EXAMPLES_DIR = Path("/usr/share/openscad/examples")
EXAMPLES = sorted(EXAMPLES_DIR.rglob("*.scad"))
# Measured here: 41-55 s each on a loaded 2-core machine; far past any interactive limit.
TOO_SLOW = {
    "Basics/logo_and_text.scad",
    "Old/example006.scad",
    "Old/example024.scad",
    "Parametric/candleStand.scad",
}
# Examples that only echo or only draw 2D: nothing to export as STL.
EMPTY = {
    "Advanced/module_recursion.scad",
    "Functions/echo.scad",
    "Functions/list_comprehensions.scad",
    "Functions/polygon_areas.scad",
    "Functions/recursion.scad",
    "Old/example015.scad",
}


def test_examples_are_installed() -> None:
    assert len(EXAMPLES) >= 40, "install Debian's openscad package (make test does)"


@pytest.mark.parametrize("path", EXAMPLES, ids=[str(p.relative_to(EXAMPLES_DIR)) for p in EXAMPLES])
def test_example(path: Path, tmp_path: Path) -> None:
    name = str(path.relative_to(EXAMPLES_DIR))
    slow = name in TOO_SLOW
    limits = Limits(timeout_s=8 if slow else 240, cpu_s=300)
    result = compile_scad(path, out_dir=tmp_path, limits=limits)
    stderr_errors = [ln for ln in result.stderr.splitlines() if ln.startswith("ERROR:")]

    if slow:
        assert result.status == "timeout", result.summary()
        assert result.outputs == {} and result.returncode is None
        return
    expected = "empty" if name in EMPTY else "ok"
    assert result.status == expected, result.summary()
    # The status agrees with what OpenSCAD itself said.
    if result.status == "ok":
        assert result.returncode == 0 and stderr_errors == []
        assert result.stl is not None and result.stl.stat().st_size > 84
    else:
        assert result.returncode == 1
        assert "Current top level object is" in result.stderr
        assert result.outputs == {}
