"""The static path check on its own (no OpenSCAD): what it refuses, allows and rewrites."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.sandbox_paths import PathChecker


@pytest.fixture
def roots(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(session dir, library dir, the dir the program is written to)."""
    session, library, program_dir = tmp_path / "s", tmp_path / "lib", tmp_path / "src"
    for d in (session / "sub", library / "L", program_dir):
        d.mkdir(parents=True)
    (session / "a.scad").write_text("module a() cube(1);\n")
    (session / "part.stl").write_text("solid x\nendsolid x\n")
    (library / "L" / "l.scad").write_text("module l() cube(1);\n")
    (tmp_path / "outside.scad").write_text("cube(9);\n")
    return session, library, program_dir


def check(roots, text: str):
    session, library, program_dir = roots
    checker = PathChecker(session, [library], search_dirs=[session, library])
    return checker.check_program(text, program_dir)


@pytest.mark.parametrize(
    "text",
    [
        "include <a.scad>\n",
        "use <L/l.scad>\n",
        "include <sub/../a.scad>\n",
        "include <nonexistent.scad>\n",  # a missing file is OpenSCAD's warning, not a leak
        'import("part.stl");\n',
        'import(file = "part.stl", convexity = 3);\n',
        'import("");\n',
        "import(file = undef);\n",
        "linear_extrude(height = 3) square(1);\n",
        "linear_extrude(3, center = true) square(1);\n",
        "rotate_extrude(convexity = 4) square(1);\n",
        "rotate_extrude(360) square(1);\n",
        'echo("import(\\"/etc/passwd\\")");\n',
        "// use </etc/passwd>\n",
        "/* include </etc/passwd>\n */ cube(1);\n",
        '$include = 1; myimport("/etc/passwd");\n',
        "2include = 1;\n",
        "x = a == b;\n",
    ],
)
def test_allowed(roots, text: str) -> None:
    result = check(roots, text)
    assert result.ok, result.violations


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("cube(1);\n\ninclude </etc/passwd>\n", 3),
        ("\n\nuse <../outside.scad>\n", 3),
        ('x = 1;\nimport(convexity = 2, "/etc/hosts");\n', 2),
        ("import(\n  file =\n  f);\n", 1),  # the line of the call
        ('surface("/dev/zero");\n', 1),
        ('import("a\\\\b");\n', 1),
        ('import("\\u002fetc/passwd");\n', 1),
        ("h = 1;\nlinear_extrude(h, height = 2) square(1);\n", 2),
        ("rotate_extrude(a) square(1);\n", 1),
        ("include </etc\n/passwd>\n", 1),
        ("include <unterminated", 1),
        ("use <\t/etc/passwd>\n", 1),
    ],
)
def test_refused_with_line(roots, text: str, line: int) -> None:
    result = check(roots, text)
    assert not result.ok
    assert [v.line for v in result.violations] == [line]


def test_relative_import_becomes_an_absolute_session_path(roots) -> None:
    session = roots[0]
    text = 'x = 1;\ntranslate([1, 0, 0]) import("part.stl");  // comment\n'
    result = check(roots, text)
    assert result.ok
    expected = f'translate([1, 0, 0]) import("{session / "part.stl"}");  // comment'
    assert result.program.splitlines() == ["x = 1;", expected]


def test_computed_linear_extrude_argument_becomes_height(roots) -> None:
    result = check(roots, "h = 2;\nlinear_extrude(h * 2, center = true) square(1);\n")
    assert result.ok
    assert result.program.splitlines()[1] == (
        "linear_extrude(height=h * 2, center = true) square(1);"
    )


def test_session_files_are_checked_recursively(roots) -> None:
    session = roots[0]
    (session / "b.scad").write_text("include <sub/c.scad>\n")
    (session / "sub" / "c.scad").write_text("cube(1);\n\n// x\ninclude </etc/passwd>\n")
    result = check(roots, "use <b.scad>\n")
    assert not result.ok
    (violation,) = result.violations
    assert violation.line is None
    assert "in file sub/c.scad, line 4" in violation.message
    assert session / "b.scad" in result.files_read


def test_include_cycles_terminate(roots) -> None:
    session = roots[0]
    (session / "x.scad").write_text("include <y.scad>\n")
    (session / "y.scad").write_text('include <x.scad>\nimport("part.stl");\n')
    result = check(roots, "include <x.scad>\n")
    assert result.ok
    assert sorted(p.name for p in result.files_read) == ["x.scad", "y.scad"]


def test_symlinks_are_resolved(roots) -> None:
    session = roots[0]
    (session / "ok_link.scad").symlink_to(session / "a.scad")
    (session / "bad_link.scad").symlink_to(session.parent / "outside.scad")
    assert check(roots, "include <ok_link.scad>\n").ok
    assert not check(roots, "include <bad_link.scad>\n").ok
    assert not check(roots, 'import("bad_link.scad");\n').ok


def test_library_files_are_trusted_and_not_scanned(roots) -> None:
    library = roots[1]
    (library / "L" / "odd.scad").write_text("include </etc/passwd>\n")
    result = check(roots, "use <L/odd.scad>\n")
    assert result.ok and result.files_read == []


def test_relative_import_without_a_session_is_refused(tmp_path: Path) -> None:
    checker = PathChecker(None, [], search_dirs=[])
    assert not checker.check_program('import("x.stl");\n', tmp_path).ok
    assert checker.check_program("include <x.scad>\ncube(1);\n", tmp_path).ok
