"""Program extraction from model replies: fences, chatter, several blocks, truncation."""

from __future__ import annotations

import pytest

from agent.extract import extract_program, looks_like_openscad

CUBE = "cube([10, 20, 5]);"
PLATE = "difference() {\n  cube([60, 40, 5]);\n  translate([5, 5, -1]) cylinder(d=3, h=7);\n}"


@pytest.mark.parametrize("tag", ["openscad", "scad", "OpenSCAD", ""])
def test_fenced_block_with_chatter(tag: str) -> None:
    reply = f"Sure! Here is your part:\n\n```{tag}\n{PLATE}\n```\n\nThe holes are M3."
    got = extract_program(reply)
    assert got.program == PLATE
    assert not got.truncated
    assert got.reason.startswith("fenced")


def test_prefers_openscad_block_over_python_and_untagged() -> None:
    reply = (
        "First compute the size:\n```python\nprint(60 * 2)\n```\n"
        f"A sketch:\n```\n{CUBE}\n```\nThe part:\n```openscad\n{PLATE}\n```\n"
    )
    assert extract_program(reply).program == PLATE


def test_last_of_equal_blocks_wins() -> None:
    reply = f"Before:\n```scad\n{CUBE}\n```\nAfter the fix:\n```scad\n{PLATE}\n```"
    assert extract_program(reply).program == PLATE


def test_python_block_alone_is_never_taken() -> None:
    got = extract_program("```python\nimport solid\ncube = solid.cube(10)\n```")
    assert got.program is None
    assert "python" in got.reason


def test_untagged_block_that_is_not_openscad_is_rejected() -> None:
    got = extract_program("Run this:\n```\npip install openscad\n```")
    assert got.program is None


def test_unclosed_fence_is_truncated() -> None:
    reply = "```openscad\ndifference() {\n  cube([60, 40, 5]);\n  translate([5, 5, -1])"
    got = extract_program(reply)
    assert got.program is not None and got.program.startswith("difference()")
    assert got.truncated
    assert "unclosed" in got.reason


def test_complete_block_beats_truncated_one() -> None:
    reply = f"```openscad\n{CUBE}\n```\nand a longer version:\n```openscad\ndifference() {{"
    got = extract_program(reply)
    assert got.program == CUBE and not got.truncated


def test_fence_inside_string_literal_does_not_close_block() -> None:
    program = 'echo("```");\ns = "a\n```\nb";\ncube(10);'
    got = extract_program(f"```openscad\n{program}\n```\nDone.")
    assert got.program == program


def test_fence_inside_block_comment_does_not_close_block() -> None:
    program = "/* example:\n```\n*/\ncube(10);"
    assert extract_program(f"```scad\n{program}\n```").program == program


def test_bare_program_without_fences() -> None:
    assert extract_program(PLATE).program == PLATE
    assert extract_program(PLATE).reason == "bare"


def test_bare_program_with_prose_around() -> None:
    reply = f"Here is the program:\n{PLATE}\nThis makes a plate with one hole."
    assert extract_program(reply).program == PLATE


def test_bare_program_cut_off_is_flagged() -> None:
    got = extract_program("difference() {\n  cube([60, 40, 5]);\n  cylinder(d=3,")
    assert got.program is not None and got.truncated


def test_prose_only_gives_no_program_with_reason() -> None:
    got = extract_program("I'm sorry, I can only describe the part: a plate with holes.")
    assert got.program is None
    assert got.reason == "no program: prose only"
    assert not got.ok


@pytest.mark.parametrize("reply", ["", "   \n  ", "<think>a cube is easy</think>"])
def test_empty_replies(reply: str) -> None:
    assert extract_program(reply).program is None


def test_thinking_is_removed_before_extraction() -> None:
    reply = f"<think>maybe ```python\nx=1\n``` no</think>\n```openscad\n{CUBE}\n```"
    assert extract_program(reply).program == CUBE


def test_longer_fences_and_indented_fences() -> None:
    assert extract_program(f"````openscad\n{CUBE}\n````").program == CUBE
    assert extract_program(f"  ```openscad\n{CUBE}\n  ```").program == CUBE


def test_balanced_complete_program_is_not_truncated() -> None:
    assert not extract_program(f"```openscad\n{PLATE}\n```").truncated


def test_looks_like_openscad() -> None:
    assert looks_like_openscad("module m() { sphere(5); }\nm();")
    assert looks_like_openscad("$fn = 64;\nlinear_extrude(height=3) circle(10);")
    assert not looks_like_openscad("def cube(x):\n    return x")
    assert not looks_like_openscad("A cube is a solid with six faces.")
