"""`scad-agent compile` / `check` / `tools render` (the typer app agent/cli.py mounts)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scad_parts import PROGRAMS, part_stl
from typer.testing import CliRunner

from tools.cli import app

runner = CliRunner()


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_compile_writes_the_formats_where_o_says(tmp_path: Path) -> None:
    src = tmp_path / "plate.scad"
    src.write_text(PROGRAMS["plate4"])
    code, out = cli("compile", str(src), "-o", str(tmp_path / "out" / "part.stl"),
                    "--format", "stl,png,glb", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["ok"] and data["status"] == "ok"
    assert data["mesh"]["genus"] == 4 and data["problems"] == []
    expected = {f: str(tmp_path / "out" / f"part.{f}") for f in ("stl", "png", "glb")}
    assert data["outputs"] == expected
    assert all(Path(p).stat().st_size > 0 for p in expected.values())
    assert Path(expected["png"]).read_bytes()[:4] == b"\x89PNG"


def test_compile_defines_and_default_output_beside_the_source(tmp_path: Path) -> None:
    src = tmp_path / "box.scad"
    src.write_text("w = 10; cube([w, 5, 5]);")
    code, out = cli("compile", str(src), "-D", "w=33", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["outputs"] == {"stl": str(tmp_path / "box.stl")}
    assert data["mesh"]["extents"][0] == pytest.approx(33)


def test_compile_failure_exits_non_zero_with_the_error_line(tmp_path: Path) -> None:
    src = tmp_path / "bad.scad"
    src.write_text("cube(10);\ncube([1,2,3)\n")
    code, out = cli("compile", str(src), "--json")
    assert code == 1
    data = json.loads(out)
    assert not data["ok"] and data["status"] == "syntax_error" and data["outputs"] == {}
    assert any(d["line"] == 2 for d in data["diagnostics"])
    assert not (tmp_path / "bad.stl").exists()
    code, human = cli("compile", str(src))
    assert code == 1 and "syntax_error" in human and "line 2" in human


def test_compile_refuses_bad_arguments(tmp_path: Path) -> None:
    src = tmp_path / "c.scad"
    src.write_text("cube(1);")
    assert cli("compile", str(src), "--format", "step")[0] == 2
    assert cli("compile", str(src), "-D", "novalue")[0] == 2
    assert cli("compile", str(tmp_path / "missing.scad"))[0] == 2


ENDLESS = "x = [for (i = [0:1e5], j = [0:1e5]) if (i < 0) 1];\necho(len(x));\ncube(1);\n"


def test_compile_timeout_stops_a_program_that_loops(tmp_path: Path) -> None:
    src = tmp_path / "loop.scad"
    src.write_text(ENDLESS)
    code, out = cli("compile", str(src), "--timeout", "1.5")
    assert code == 1
    status, *rest = out.splitlines()
    assert status.startswith(f"timeout {src} (")
    assert len(rest) == 1  # one line, however long and however narrow the terminal
    assert rest[0].startswith("  error: stopped after 1.5 s of wall time")
    assert not (tmp_path / "loop.stl").exists()
    code, out = cli("compile", str(src), "--timeout", "1", "--json")
    assert code == 1 and json.loads(out)["status"] == "timeout"


@pytest.mark.parametrize("value", ["0", "-3", "nan", "inf"])
def test_compile_refuses_a_timeout_that_is_no_duration(tmp_path: Path, value: str) -> None:
    src = tmp_path / "c.scad"
    src.write_text("cube(1);")
    code, out = cli("compile", str(src), f"--timeout={value}")
    assert code == 2
    assert out.splitlines() == [f"error: --timeout must be a positive number of seconds, "
                                f"not {float(value)}"]


def test_check_passes_and_fails_a_spec(tmp_path: Path) -> None:
    stl = str(part_stl("plate4"))
    code, out = cli("check", stl, "--spec", '{"genus": 4, "bodies": 1}', "--json")
    assert code == 0 and json.loads(out)["passed"]
    spec_file = tmp_path / "case.json"
    spec_file.write_text(json.dumps({"id": "x", "prompt": "p", "spec": {"genus": 2}}))
    code, out = cli("check", stl, "--spec", str(spec_file))
    assert code == 1 and "expected 2 through-holes, found 4" in out


def test_check_without_spec_reports_printability(tmp_path: Path) -> None:
    code, out = cli("check", str(part_stl("open")), "--json")
    assert code == 1
    data = json.loads(out)
    assert not data["passed"] and data["spec"] is None
    assert any("not watertight" in p for p in data["problems"])
    assert cli("check", str(part_stl("cube")))[0] == 0


def test_check_grow_uses_first(tmp_path: Path) -> None:
    spec = '{"grow": {"axis": "z", "min_ratio": 1.5}}'
    code, _ = cli("check", str(part_stl("tall_cube")), "--spec", spec,
                  "--first", str(part_stl("cube")))
    assert code == 0


def test_check_rejects_a_bad_spec_argument() -> None:
    code, out = cli("check", str(part_stl("cube")), "--spec", "{not json")
    assert code == 2 and "neither a JSON file nor JSON text" in out


def test_render_command(tmp_path: Path) -> None:
    code, out = cli("render", str(part_stl("cube")), "-o", str(tmp_path / "c.png"),
                    "--views", "iso,top")
    assert code == 0 and (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"
    assert cli("render", str(part_stl("cube")), "-o", str(tmp_path / "d.png"),
               "--views", "sideways")[0] == 1


def test_top_level_commands_through_the_real_entry_point(tmp_path: Path) -> None:
    import subprocess
    import sys

    src = tmp_path / "c.scad"
    src.write_text("cube(7);")
    run = subprocess.run(
        [sys.executable, "-m", "agent.cli", "compile", str(src), "--format", "stl,png"],
        capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "c.stl").is_file() and (tmp_path / "c.png").is_file()
    check = subprocess.run(
        [sys.executable, "-m", "agent.cli", "check", str(tmp_path / "c.stl"),
         "--spec", '{"size": [[6.9, 7.1], [6.9, 7.1], [6.9, 7.1]]}', "--json"],
        capture_output=True, text=True, timeout=120)
    assert check.returncode == 0 and json.loads(check.stdout)["passed"]
