"""`scad-agent check FILE --prompt TEXT`: checked and not-checked items, exit 0/1/2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from scad_parts import part_stl

PLATE = """// mounting plate
length = 70; width = 50; thickness = 4; hole_d = 3.4; $fn = 32;
difference() {
    cube([length, width, thickness]);
    for (x = [6, length - 6], y = [6, width - 6])
        translate([x, y, -1]) cylinder(d = hole_d, h = thickness + 2);
}
"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agent.cli", "check", *args],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture()
def plate(tmp_path: Path) -> Path:
    path = tmp_path / "plate.scad"
    path.write_text(PLATE)
    return path


def test_a_matching_part_passes_and_lists_what_was_not_checked(plate: Path) -> None:
    done = run(str(plate), "--prompt", "a 70 x 50 x 4 mm mounting plate with four M3 holes "
                                       "6 mm from the edges", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout)
    assert result["passed"] and {c["key"] for c in result["checks"]} >= {
        "size", "genus", "holes", "kind"}
    assert any("6 mm from" in item for item in result["unchecked"])


def test_a_wrong_part_fails_with_exit_1(plate: Path) -> None:
    done = run(str(plate), "--prompt", "a 60 x 50 x 4 mm plate with four M3 holes")
    assert done.returncode == 1
    assert "FAIL" in done.stdout and "size" in done.stdout and "failed" in done.stdout
    kind = run(str(plate), "--prompt", "a 70 mm spur gear")
    assert kind.returncode == 1 and "kind" in kind.stdout


def test_a_mesh_checks_what_a_mesh_shows_and_names_the_rest() -> None:
    done = run(str(part_stl("plate4")), "--prompt", "a 60 x 40 x 5 plate with 4 M3 holes",
               "--json")
    result = json.loads(done.stdout)
    assert done.returncode == 0, result
    assert any(item.startswith("kind:") for item in result["unchecked"])


def test_a_follow_up_compares_with_the_previous_part(tmp_path: Path) -> None:
    short = tmp_path / "short.scad"
    short.write_text("cube([40, 20, 10]);")
    tall = tmp_path / "tall.scad"
    tall.write_text("cube([40, 20, 25]);")
    wide = tmp_path / "wide.scad"
    wide.write_text("cube([60, 20, 10]);")
    assert run(str(tall), "--prompt", "make it taller", "--previous", str(short)).returncode == 0
    assert run(str(wide), "--prompt", "make it taller", "--previous", str(short)).returncode == 1


@pytest.mark.parametrize("args", [
    ["--prompt", "  "],
    ["--previous", "x.stl"],
    ["--prompt", "a cube", "--spec", "{not json"],
])
def test_usage_errors_exit_2(plate: Path, args: list[str]) -> None:
    done = run(str(plate), *args)
    assert done.returncode == 2 and "error" in done.stderr
    missing = run("no-such-file.stl", "--prompt", "a cube", "--json")
    assert missing.returncode == 2 and json.loads(missing.stdout)["exit_code"] == 2
