"""compile_scad with the real openscad binary: outputs, statuses, diagnostics, parameters."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from tools import sandbox
from tools.diagnostics import Diagnostic, clamp_lines, classify, parse_stderr
from tools.errors import ScadAgentError
from tools.openscad import (
    DEFAULT_LIBRARY_DIRS,
    CompileResult,
    compile_scad,
    openscad_version,
    validate_param,
)

PLATE = (
    "// 60 x 40 x 5 plate with four M3 holes\n"
    "difference() {\n"
    "  cube([60, 40, 5]);\n"
    "  for (x = [6, 54], y = [6, 34]) translate([x, y, -1]) cylinder(d=3.2, h=7, $fn=24);\n"
    "}\n"
)
L_BRACKET = "t = 4;\nunion() {\n  cube([50, 30, t]);\n  cube([t, 30, 40]);\n}\n"


def read_stl(path: Path) -> np.ndarray:
    """Triangles (n, 3, 3) of a BINARY STL; fails on ASCII (what binstl must avoid)."""
    data = path.read_bytes()
    assert not data.startswith(b"solid "), "expected a binary STL"
    (count,) = struct.unpack_from("<I", data, 80)
    assert len(data) == 84 + 50 * count
    rows = np.frombuffer(
        data, dtype=np.dtype([("n", "<3f4"), ("v", "<9f4"), ("a", "<u2")]), count=count, offset=84
    )
    return rows["v"].reshape(-1, 3, 3)


def extents(path: Path) -> tuple[float, ...]:
    tris = read_stl(path).reshape(-1, 3)
    return tuple(np.round(tris.max(axis=0) - tris.min(axis=0), 3).tolist())


@pytest.mark.parametrize(
    ("program", "size"), [(PLATE, (60.0, 40.0, 5.0)), (L_BRACKET, (50.0, 30.0, 40.0))]
)
def test_typical_parts_compile_to_binary_stl(tmp_path: Path, program: str, size: tuple) -> None:
    result = compile_scad(program, out_dir=tmp_path)
    assert result.status == "ok", result.summary()
    assert result.ok and result.errors == [] and result.returncode == 0
    assert result.stl == tmp_path / "model.stl"
    assert extents(result.stl) == size
    assert result.sandbox in ("bwrap", "path-check")
    assert result.openscad_version == openscad_version() == "2021.01"


def test_every_format(tmp_path: Path) -> None:
    result = compile_scad(
        "cube([10, 20, 30]);",
        out_dir=tmp_path,
        formats=("stl", "off", "3mf", "amf", "obj", "csg", "ast", "png"),
    )
    assert result.status == "ok", result.summary()
    out = result.outputs
    assert sorted(out) == ["3mf", "amf", "ast", "csg", "obj", "off", "png", "stl"]
    assert extents(out["stl"]) == (10.0, 20.0, 30.0)  # binary, although OpenSCAD wrote ASCII
    assert out["off"].read_text().startswith("OFF")
    assert zipfile.is_zipfile(out["3mf"])
    assert "<amf" in out["amf"].read_text()
    assert sum(line.startswith("v ") for line in out["obj"].read_text().splitlines()) == 8
    assert "cube(size = [10, 20, 30]" in out["csg"].read_text()
    assert "cube([10, 20, 30]);" in out["ast"].read_text()
    assert out["png"].read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert all(p.parent == tmp_path for p in out.values())


def test_png_failure_leaves_an_ok_part_ok(tmp_path: Path, monkeypatch) -> None:
    """A wrapper around the real binary that crashes only for PNG export."""
    wrapper = tmp_path / "bin" / "openscad"
    wrapper.parent.mkdir()
    wrapper.write_text(
        '#!/bin/sh\nfor a in "$@"; do case "$a" in *.png) kill -SEGV $$;; esac; done\n'
        'exec /usr/bin/openscad "$@"\n'
    )
    wrapper.chmod(0o755)
    monkeypatch.setenv("SCAD_AGENT_OPENSCAD", str(wrapper))
    result = compile_scad("cube(5);", out_dir=tmp_path / "out", formats=("stl", "png"))
    assert result.status == "ok", result.summary()
    assert sorted(result.outputs) == ["stl"]
    assert any("png preview failed" in w.message for w in result.warnings)


def test_syntax_error_reports_the_users_line() -> None:
    program = "a = 1;\nb = 2;\n\n// comment\nc = 3;\n\ncube([1, 2, 3]]);\ncube(1);\n"
    result = compile_scad(program)
    assert result.status == "syntax_error"
    assert [(e.line, "syntax error" in e.message) for e in result.errors] == [(7, True)]
    assert result.outputs == {} and result.returncode == 1
    assert result.summary().splitlines()[:2] == [
        "status: syntax_error",
        "line 7: error: Parser error: syntax error",
    ]


@pytest.mark.parametrize("newline", ["", "\n", "\n\n\n"])
def test_error_at_end_of_input_points_at_the_last_line(newline: str) -> None:
    # OpenSCAD reports these past the end (it appends "\n\x03\n" to the program).
    result = compile_scad("cube(1);\n\ncube(2)" + newline)
    assert result.status == "syntax_error"
    assert [e.line for e in result.errors] == [3]
    unterminated = compile_scad('cube(1);\necho("abc);\n')
    assert {e.line for e in unterminated.errors} == {2}


def test_no_trailing_newline_compiles() -> None:
    assert compile_scad("cube(1);").status == "ok"


def test_unknown_variable_is_a_failure_with_hardwarnings(tmp_path: Path) -> None:
    program = "w = 10;\ncube(w);\ntranslate([0, 0, hieght]) cube(2);\n"
    strict = compile_scad(program, out_dir=tmp_path / "strict")
    assert strict.status == "runtime_error"
    assert any(w.line == 3 and "unknown variable 'hieght'" in w.message for w in strict.warnings)
    assert strict.stl is not None and strict.stl.exists()  # kept for inspection
    lenient = compile_scad(program, out_dir=tmp_path / "lenient", hardwarnings=False)
    assert lenient.status == "ok"
    assert lenient.warnings == strict.warnings


@pytest.mark.parametrize(
    ("program", "needle", "line"),
    [
        ("cube(1);\nfoo(2);\n", "unknown module 'foo'", 2),
        ("cube(f(1));\n", "unknown function 'f'", 1),
        ('cube(1);\ncube([1, 1, 1] + "a");\n', "undefined operation", 2),
        ("cylinder(h=2, diameter=3);\n", "diameter not specified as parameter", 1),
        ("include <not_there.scad>\ncube(1);\n", "Can't open include file", None),
    ],
)
def test_failure_warnings(program: str, needle: str, line: int | None) -> None:
    result = compile_scad(program)
    assert result.status == "runtime_error", result.summary()
    assert any(needle in w.message and w.line == line for w in result.warnings), result.summary()


def test_non_closed_mesh_in_a_union_is_a_runtime_error() -> None:
    program = "cube(1);\npolyhedron([[0,0,0],[1,0,0],[0,1,0],[0,0,1]], [[0,1,2],[0,1,3]]);\n"
    result = compile_scad(program)
    assert result.returncode == 0  # OpenSCAD itself calls this a success
    assert result.status == "runtime_error"
    assert any("not closed" in e.message for e in result.errors)


def test_failed_assert_and_trace() -> None:
    program = 'module part(w) {\n  assert(w > 0, "w must be positive");\n  cube(w);\n}\npart(-1);\n'
    result = compile_scad(program)
    assert result.status == "runtime_error"
    assert any("w must be positive" in e.message and e.line == 2 for e in result.errors)
    assert any(d.severity == "trace" and d.line == 5 for d in result.diagnostics)


@pytest.mark.parametrize(
    "program", ["function f(n) = f(n + 1);\necho(f(0));\n", "module m() m();\nm();\n"]
)
def test_infinite_recursion(program: str) -> None:
    result = compile_scad(program)
    assert result.status == "runtime_error"
    assert any("Recursion detected" in e.message and e.line == 1 for e in result.errors)


def test_empty_and_2d_only() -> None:
    assert compile_scad('echo("nothing");\n').status == "empty"
    flat = compile_scad("square(10);\n")
    assert flat.status == "empty"
    assert any("2D" in e.message for e in flat.errors)
    assert compile_scad("square(10);\n", formats=("csg",)).status == "ok"


def test_session_files_include_use_and_import(tmp_path: Path) -> None:
    session = tmp_path / "session"
    (session / "lib").mkdir(parents=True)
    (session / "lib" / "parts.scad").write_text("module peg(h) cylinder(d=4, h=h, $fn=16);\n")
    (session / "dims.scad").write_text("W = 30;\n")
    first = compile_scad("cube([5, 6, 7]);", out_dir=session, formats=("stl",))
    assert first.ok
    program = (
        "include <dims.scad>\n"
        "use <lib/parts.scad>\n"
        "cube([W, 10, 2]);\n"
        "peg(12);\n"
        'translate([40, 0, 0]) import("model.stl");\n'
    )
    result = compile_scad(program, out_dir=tmp_path / "out", session_dir=session)
    assert result.status == "ok", result.summary()
    assert extents(result.stl) == (47.0, 12.0, 12.0)  # the peg is centred on the origin


def test_source_path_uses_its_directory(tmp_path: Path) -> None:
    (tmp_path / "dims.scad").write_text("H = 9;\n")
    part = tmp_path / "bracket.scad"
    part.write_text("include <dims.scad>\ncube([1, 2, H]);\n")
    result = compile_scad(part, out_dir=tmp_path / "out")
    assert result.status == "ok", result.summary()
    assert result.stl == tmp_path / "out" / "bracket.stl"
    assert extents(result.stl) == (1.0, 2.0, 9.0)


def test_error_inside_an_included_file_keeps_its_location(tmp_path: Path) -> None:
    (tmp_path / "broken.scad").write_text("module m() {\n  cube(1)\n}\n")
    result = compile_scad("include <broken.scad>\nm();\n", session_dir=tmp_path)
    assert result.status == "syntax_error"
    (error,) = result.errors
    assert error.line is None and "broken.scad" in error.message


def test_mcad_library() -> None:
    program = "use <MCAD/regular_shapes.scad>\nhexagon_prism(5, 10);\n"
    assert DEFAULT_LIBRARY_DIRS, "Debian's openscad-mcad is expected here"
    assert compile_scad(program).status == "ok"
    # Without library dirs the built-in library path is off limits too.
    assert compile_scad(program, library_dirs=()).status == "forbidden"


def test_params(tmp_path: Path) -> None:
    program = 'w = 1;\nlabel = "x";\nflags = [false];\necho(label, flags);\ncube([w, 2, 3]);\n'
    result = compile_scad(
        program,
        out_dir=tmp_path,
        params={"w": 25.5, "label": 'a "q" \\ b\nc', "flags": [True, [1, 2.5]]},
    )
    assert result.status == "ok", result.summary()
    assert extents(result.stl) == (25.5, 2.0, 3.0)
    # OpenSCAD echoes strings unescaped: the value arrived exactly.
    assert 'ECHO: "a "q" \\ b\nc", [true, [1, 2.5]]' in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "literal"),
    [
        ("w", 3, "3"),
        ("$fn", 48, "48"),
        ("w", -0.5, "-0.5"),
        ("w", 1e-7, "1e-07"),
        ("w", 2**60, "1.152921504606847e+18"),
        ("on", True, "true"),
        ("s", 'a"b\\c\td', '"a\\"b\\\\c\\td"'),
        ("s", "\x01", '"\\u0001"'),
        ("v", [1, [2, "x"], ()], '[1, [2, "x"], []]'),
    ],
)
def test_validate_param_accepts_data(name: str, value: object, literal: str) -> None:
    assert validate_param(name, value) == literal


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("w", float("nan")),
        ("w", float("inf")),
        ("w", 10**400),
        ("w", None),
        ("w", {"a": 1}),
        ("w", b"bytes"),
        ("w", "nul\x00"),
        ("w", [1, [float("-inf")]]),
        ("1w", 1),
        ("w=1; include </etc/passwd>", 1),
        ("w w", 1),
        ("module", 1),
        ("", 1),
    ],
)
def test_validate_param_rejects(name: str, value: object) -> None:
    with pytest.raises(ValueError):
        validate_param(name, value)


def test_invalid_params_status() -> None:
    bad = compile_scad("cube(w);", params={"w=1; include </etc/passwd>": 1})
    assert bad.status == "invalid_params" and bad.returncode is None
    deep: list = []
    for _ in range(40):
        deep = [deep]
    assert compile_scad("cube(1);", params={"v": deep}).status == "invalid_params"


def test_string_param_cannot_inject_code() -> None:
    result = compile_scad("w = 1;\necho(w);\ncube(1);\n", params={"w": "1; include </etc/passwd>"})
    assert result.status == "ok"
    assert 'ECHO: "1; include </etc/passwd>"' in result.stderr
    assert "root:" not in result.stderr


def test_not_installed(monkeypatch) -> None:
    monkeypatch.setenv("SCAD_AGENT_OPENSCAD", "/nonexistent/openscad")
    result = compile_scad("cube(1);")
    assert result.status == "not_installed"
    assert "apt-get install openscad" in result.summary()


def test_unknown_format_is_a_caller_bug() -> None:
    with pytest.raises(ScadAgentError):
        compile_scad("cube(1);", formats=("step",))
    with pytest.raises(ScadAgentError):
        compile_scad(b"cube(1);")  # type: ignore[arg-type]


def test_result_serialises_and_summary_is_capped() -> None:
    program = "".join(f"x{i} = y{i};\n" for i in range(40)) + "cube(1);\n"
    result = compile_scad(program)
    assert result.status == "runtime_error"
    data = json.loads(json.dumps(result.to_dict()))
    assert data["status"] == "runtime_error" and data["ok"] is False
    assert data["diagnostics"][0] == {
        "severity": "warning",
        "message": "Ignoring unknown variable 'y0'",
        "line": 1,
    }
    summary = result.summary().splitlines()
    assert summary[0] == "status: runtime_error"
    assert len(summary) <= 14 and summary[-1].startswith("... and ")
    assert isinstance(result, CompileResult)


def test_bwrap_is_used_when_it_works() -> None:
    assert compile_scad("cube(1);").sandbox == ("bwrap" if sandbox.bwrap_works() else "path-check")


def test_path_check_mode(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SCAD_AGENT_NO_BWRAP", "1")
    sandbox.bwrap_works.cache_clear()
    try:
        result = compile_scad(PLATE, out_dir=tmp_path, formats=("stl", "png"))
        assert result.sandbox == "path-check"
        assert result.status == "ok", result.summary()
        assert sorted(result.outputs) == ["png", "stl"]
    finally:
        monkeypatch.delenv("SCAD_AGENT_NO_BWRAP")
        sandbox.bwrap_works.cache_clear()


# ------------------------------------------------------------------ diagnostics, no OpenSCAD


def test_parse_stderr_forms() -> None:
    stderr = (
        "WARNING: Ignoring unknown variable 'y' in file main.scad, line 2\n"
        "ERROR: Assertion 'false' failed in file lib.scad, line 9\n"
        "TRACE: called by 'assert' in file main.scad, line 4\n"
        "WARNING: Can't open import file '/s/x.stl', import() at line 5\n"
        "DEPRECATED: The dxf_linear_extrude() module will be removed. in file main.scad, line 6\n"
        'ECHO: "WARNING: not a diagnostic"\n'
        "Current top level object is empty.\n"
    )
    assert parse_stderr(stderr, "main.scad") == [
        Diagnostic("warning", "Ignoring unknown variable 'y'", 2),
        Diagnostic("error", "Assertion 'false' failed in file lib.scad, line 9", None),
        Diagnostic("trace", "called by 'assert'", 4),
        Diagnostic("warning", "Can't open import file '/s/x.stl' (import())", 5),
        Diagnostic("warning", "deprecated: The dxf_linear_extrude() module will be removed.", 6),
        Diagnostic("error", "Current top level object is empty.", None),
    ]


def test_classify_order() -> None:
    syntax = Diagnostic("error", "Parser error: syntax error", 3)
    unknown = Diagnostic("warning", "Ignoring unknown module 'x'", 1)
    empty = Diagnostic("error", "Current top level object is empty.")
    assert classify([unknown, syntax], hardwarnings=True) == "syntax_error"
    assert classify([unknown, empty], hardwarnings=True) == "runtime_error"
    assert classify([unknown, empty], hardwarnings=False) == "empty"
    assert classify([unknown], hardwarnings=False) is None
    assert classify([Diagnostic("warning", "x was assigned on line 2")], hardwarnings=True) is None


def test_clamp_lines_counts_newlines_only() -> None:
    text = "a;\rb;\n\n"  # a lone CR is no line break for OpenSCAD
    assert clamp_lines([Diagnostic("error", "e", 4)], text) == [Diagnostic("error", "e", 1)]


def test_temp_dirs_are_removed(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SCAD_AGENT_TMPDIR", str(tmp_path / "t"))
    compile_scad("cube(1);", out_dir=tmp_path / "o")
    compile_scad("cube(1)", out_dir=tmp_path / "o")
    assert os.listdir(tmp_path / "t") == []


def test_default_out_dir_lives_until_the_process_exits() -> None:
    code = (
        "from tools.openscad import compile_scad\n"
        "r = compile_scad('cube(1);')\n"
        "assert r.stl.is_file()\n"
        "print(r.stl)\n"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True
    )
    stl = Path(done.stdout.strip())
    assert stl.name == "model.stl"
    assert not stl.exists() and not stl.parent.parent.exists()


# ------------------------------------------------------------------ source bytes


def echoes(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("ECHO:")]


def test_latin1_source_compiles_as_openscad_compiles_it(tmp_path: Path) -> None:
    """Not UTF-8: a Latin-1 no-break space, a comment and a string. OpenSCAD reads the raw
    bytes (its len() of "caf\\xe9" is 3; the UTF-8 "café" would give 4); so must we."""
    source = tmp_path / "latin1.scad"
    source.write_bytes(b'a\xa0= 2;\n// caf\xe9\ns = "caf\xe9";\necho(len(s));\ncube(a);\n')
    result = compile_scad(source, out_dir=tmp_path / "out")
    assert result.status == "ok", result.summary()
    assert result.diagnostics == []
    assert extents(result.outputs["stl"]) == (2.0, 2.0, 2.0)
    direct = subprocess.run(
        ["openscad", "-o", str(tmp_path / "direct.stl"), source.name],
        cwd=tmp_path, capture_output=True, text=True, errors="replace", check=True,
    )
    assert echoes(result.stderr) == echoes(direct.stderr) == ["ECHO: 3"]


def test_openscads_own_latin1_test_file() -> None:
    path = Path("/usr/share/openscad/testdata/scad/misc/nbsp-latin1-test.scad")
    if not path.is_file():
        pytest.skip("openscad-testing-data is not installed")
    result = compile_scad(path)
    assert result.status == "empty", result.summary()  # an echo and no geometry
    assert echoes(result.stderr) == ["ECHO: 1"]


def test_latin1_file_names_in_a_latin1_source(tmp_path: Path) -> None:
    """A path written in Latin-1 names the file whose name is those bytes, in the check and
    in OpenSCAD alike (the relative import is rewritten to an absolute one, byte-exact)."""
    session = tmp_path / "session"
    session.mkdir()
    part = compile_scad("cube([3, 4, 5]);", out_dir=tmp_path / "part").outputs["stl"]
    (session / os.fsdecode(b"caf\xe9.stl")).write_bytes(part.read_bytes())
    source = session / "main.scad"
    source.write_bytes(b'// d\xe9j\xe0 vu\nimport("caf\xe9.stl");\n')
    result = compile_scad(source, out_dir=tmp_path / "out")
    assert result.status == "ok", result.summary()
    assert extents(result.outputs["stl"]) == (3.0, 4.0, 5.0)


def test_nul_in_a_latin1_source_is_reported_on_its_line(tmp_path: Path) -> None:
    source = tmp_path / "nul.scad"
    source.write_bytes(b"cube(1); // \xe9\n\x00\nsphere(2);\n")
    result = compile_scad(source)
    assert result.status == "syntax_error", result.summary()
    assert [e.line for e in result.errors] == [2]


def test_stray_latin1_byte_in_code_is_reported_not_the_end_of_the_program(
    tmp_path: Path,
) -> None:
    """OpenSCAD 2021.01 takes a byte like E9 outside strings and comments for the end of
    the file: the sphere would vanish without a word. It is a syntax error on its line."""
    source = tmp_path / "stray.scad"
    source.write_bytes(b"cube(1);\n\xe9\nsphere(20);\n")
    direct = subprocess.run(
        ["openscad", "-o", str(tmp_path / "direct.stl"), source.name],
        cwd=tmp_path, capture_output=True, text=True, errors="replace",
    )
    assert direct.returncode == 0 and "ERROR" not in direct.stderr  # the silent truncation
    result = compile_scad(source)
    assert result.status == "syntax_error", result.summary()
    assert [e.line for e in result.errors] == [2]
    inside = tmp_path / "inside.scad"
    inside.write_bytes(b'cube(1); /* \xe9 */ s = "\xe9";\nx\xc2= 1;\n')  # C2: a space to it
    assert compile_scad(inside).status == "ok"
