"""tools.params: the one reader of a program's customizer parameters (web form, session
knobs, scrape records all use it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.params import Slider, customizer_params, group_header, parse_literal

CANDLE_STAND = Path("/usr/share/openscad/examples/Parametric/candleStand.scad")


def names(program: str) -> list[str]:
    return [p.name for p in customizer_params(program)]


def test_parameters_end_at_the_first_brace_or_definition() -> None:
    # OpenSCAD's customizer stops at the first `{`: a block statement ends them too
    assert names("a = 1;\ndifference() {\n  inner = 2;\n}\nlate = 3;\n") == ["a"]
    assert names("a = 1;\nmodule m() cube(1);\nlate = 3;\n") == ["a"]
    assert names("a = 1;\nfunction f(x) = x;\nlate = 3;\n") == ["a"]
    assert names("a = 1; if (a) { }\nlate = 3;\n") == []  # the brace's line is past the end
    # a brace-less statement does not end them; braces in strings and comments are text
    assert names('a = 1;\ncube(a);\nb = "{";\n// {\n/* {\n*/ c = 2;\n') == ["a", "b", "c"]


def test_openscads_own_customizer_example() -> None:
    params = {p.name: p for p in customizer_params(CANDLE_STAND.read_text())}
    assert "radius" in params  # after `cylinder(length,width-2);`, still a knob
    assert params["length"].options == (("large", 70), ("medium", 50), ("small", 30))
    assert params["count"].slider == Slider(3, 1, 14)
    assert params["centerCandle"].value is True
    assert "make" not in params


def test_only_literal_top_level_assignments_are_parameters() -> None:
    program = ('$fn = 32;\nw = 60;\nhalf = w / 2;\nf = font();\na = 1; b = 2;\n'
               'v = [1, [2.5, -3]];\nempty = [];\ns = "x\\"y; // not a comment";\n'
               'odd = "\\q";\nhuge = 1e999;\nlong = [1,\n  2];\n')
    params = {p.name: p.value for p in customizer_params(program)}
    assert params == {"w": 60, "v": [1, [2.5, -3]], "s": 'x"y; // not a comment'}


@pytest.mark.parametrize(("text", "value"), [
    ("5", 5), ("-5", -5), ("+.5", 0.5), ("1e3", 1000.0), ("5.0", 5.0), ("true", True),
    ('"a\\\\b\\n"', "a\\b\n"),
    ('"\\x41\\u263A\\U01F600"', "A\u263a\U0001f600"), ('["a, [b]", false]', ["a, [b]", False]),
    ("[1, 2", None), ("[1 2]", None), ("[1,]", None), ("5 5", None), ("w", None),
    ("[0:10]", None), ("truex", None),
])
def test_parse_literal(text: str, value: object) -> None:
    assert parse_literal(text) == value


def test_annotations_descriptions_groups() -> None:
    program = ("// Title of the file\n"
               "w = 60; // [20:120]\n"
               "// ------\n"
               "h = 5; // [2:0.5:8]\n"
               "\n"
               "/* [Shape] */\n"
               "// how many\n"
               "n = 4; // [2, 4, 6]\n"
               "// a note\n"
               "\n"
               'style = "round"; // [round:Round corners, square]\n'
               "bad = 5; // [9:1:2]\n"
               "word = 5; // [a, b]\n"
               "t = 3; // the thickness\n"
               "/* [Hidden] */\n"
               "secret = 1;\n")
    params = {p.name: p for p in customizer_params(program)}
    assert list(params) == ["w", "h", "n", "style", "bad", "word", "t"]
    assert params["w"].description == "Title of the file"  # as OpenSCAD reads it
    assert params["w"].slider == Slider(20, 1, 120) and params["w"].options == ()
    assert params["h"].description is None  # decoration describes nothing
    assert params["h"].slider == Slider(2, 0.5, 8)
    assert (params["n"].description, params["n"].group) == ("how many", "Shape")
    assert params["n"].options == (("2", 2), ("4", 4), ("6", 6))
    assert params["style"].description is None  # a blank line separates the note
    assert params["style"].options == (("Round corners", "round"), ("square", "square"))
    assert params["bad"].slider is None and params["bad"].options == ()  # an empty range
    assert params["word"].options == ()  # not numbers, for a number
    assert (params["t"].annotation, params["t"].comment) == (None, "the thickness")
    assert group_header(" [Size] ") == "Size" and group_header(" a [b] ") is None


def test_span_locates_the_literal_to_rewrite() -> None:
    line = 'label /* c */ = "a;b" /* d */;   // [a;b, c]'
    params = customizer_params(f"x = 1;\n{line}\nv = [1, /* two */ 2];\ncube(1);")
    start, end = params[1].span
    assert (params[1].line, line[start:end], params[1].value) == (1, '"a;b"', "a;b")
    assert (params[2].literal, params[2].value) == ("[1, /* two */ 2]", [1, 2])  # as written
