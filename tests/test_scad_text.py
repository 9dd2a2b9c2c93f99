"""tools.scad_text: the one OpenSCAD lexer (OpenSCAD 2021.01's rules), comments, normal
form, program lines, literals read and written -- checked against real OpenSCAD where it
decides, and against hostile input (unterminated strings and comments, NUL, huge text)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tools.openscad import compile_scad
from tools.scad_text import (
    MAX_LITERAL_DEPTH,
    bracket_depth,
    code_tokens,
    include_path,
    lines,
    normal_form,
    open_construct,
    parse_literal,
    scad_literal,
    split_comments,
    string_literal,
    tokenize,
    unterminated,
)

EXAMPLES = sorted(Path("/usr/share/openscad/examples").rglob("*.scad"))
SPACE = set(" \t\r\n\f\v")


def kinds(text: str) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in tokenize(text)]


def assert_tiles(text: str) -> None:
    """Tokens (comments included) cover the text in order; only white space between."""
    pos = 0
    for token in tokenize(text, comments=True):
        assert token.start >= pos
        assert set(text[pos:token.start]) <= SPACE, repr(text[pos:token.start])
        assert text[token.start:token.end] == token.text and token.text
        assert token.line == text.count("\n", 0, token.start) + 1
        pos = token.end
    assert set(text[pos:]) <= SPACE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.5", [("number", "1.5")]),
        ("1e5", [("number", "1e5")]),          # a tie between number and identifier
        ("1e+5x", [("number", "1e+5"), ("ident", "x")]),
        ("2import", [("ident", "2import")]),  # the identifier is longer
        ("1e5x", [("ident", "1e5x")]),
        (".5.5", [("number", ".5"), ("number", ".5")]),
        ("$fn=$", [("ident", "$fn"), ("punct", "="), ("punct", "$")]),
        ("a<=b&&!c", [("ident", "a"), ("punct", "<="), ("ident", "b"), ("punct", "&&"),
                      ("punct", "!"), ("ident", "c")]),
        ("use<a b.scad>x", [("use", "use<a b.scad>"), ("ident", "x")]),
        ("include\n <x>", [("include", "include\n <x>")]),
        ("included <x>", [("ident", "included"), ("punct", "<"), ("ident", "x"),
                          ("punct", ">")]),
        ("\xa0é", [("punct", "\xa0"), ("punct", "é")]),  # no white space, no identifier
        ("٣", [("punct", "٣")]),  # OpenSCAD's digits are ASCII
    ],
)
def test_tokens_follow_openscads_lexer(text: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(text) == expected


def test_strings_and_comments_hide_each_other() -> None:
    text = 'echo("http://x /* no */ \\" still");  /* a "b\n*/ // c "d\nx'
    toks = tokenize(text, comments=True)
    assert [t.kind for t in toks] == ["ident", "punct", "string", "punct", "punct",
                                      "block_comment", "line_comment", "ident"]
    assert toks[2].text == '"http://x /* no */ \\" still"'
    assert [t.line for t in toks][-3:] == [1, 2, 3]
    assert code_tokens(text) == ["echo", "(", toks[2].text, ")", ";", "x"]


@pytest.mark.parametrize(
    ("text", "open_at_end"),
    [
        ('x = "abc', "string"),
        ('x = "abc\\"', "string"),  # the last quote is escaped
        ('x = "abc\\', "string"),
        ('x = "abc\\\\"', None),
        ("x /* abc", "comment"),
        ("x /*/", "comment"),
        ("x /**/ // open? no", None),
        ('"a\nb" /* c\nd */ e', None),
    ],
)
def test_unterminated_strings_and_comments_run_to_the_end(text: str, open_at_end) -> None:
    assert_tiles(text)
    assert open_construct(text) == open_at_end
    last = tokenize(text, comments=True)[-1]
    assert unterminated(last) == (open_at_end is not None)


def test_open_construct_carries_state_across_lines() -> None:
    assert open_construct('b" ``` "', "string") == "string"
    assert open_construct("b */ x", "comment") is None
    assert open_construct("b */ /* x", "comment") == "comment"
    assert bracket_depth('cube([1, 2, "]]"]); module m() { // }') == 1


def test_malformed_include_paths() -> None:
    assert include_path("include <a/b.scad>") == "a/b.scad"
    assert include_path("include <a/b.scad") is None
    assert include_path("use <a\nb>") is None
    assert [t.kind for t in tokenize("include <never closed\ncube(1);")] == ["include"]


def test_nul_and_other_controls_are_tokens_not_errors() -> None:
    text = 'a\x00b = "x\x00y"; \x01 // \x00\n/* \x00 */'
    assert_tiles(text)
    assert ("punct", "\x00") in kinds(text)
    assert ("string", '"x\x00y"') in kinds(text)
    assert parse_literal('"x\\x00"') is None  # OpenSCAD refuses a NUL escape as well


def test_random_text_always_tiles() -> None:
    rng = random.Random(7)
    alphabet = list('ab1e.5+-"\\/*\n <>=!&|$_()[]{},;\t\xa0\x00é') + [
        "include", "use", "//", "/*", "*/", "2import"]
    for _ in range(3000):
        assert_tiles("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))))


def test_huge_input() -> None:
    body = "".join(f'p{i} = [{i}, {i}.5, "s{i}"]; // c\n' for i in range(20_000))
    text = body + "/* " + "x" * 1_000_000  # ~1.6 MB ending inside a comment
    toks = tokenize(text, comments=True)
    assert len(toks) == 20_000 * 11 + 1 and unterminated(toks[-1])
    assert toks[-2].line == 20_000
    assert len(list(lines(text))) == 20_001
    assert len(normal_form(text)) < len(text)
    blank = "x" + " \n\t" * 300_000  # white space is skipped in one step, not per blank
    assert code_tokens(blank) == ["x"] and split_comments(blank)[0] == blank
    heads = "include use " * 20_000  # no `<`: identifiers, not include tokens
    assert len(tokenize(heads)) == 40_000 and not split_comments(heads)[1]
    deep = "[" * 20_000 + "]" * 20_000
    assert parse_literal(deep) is None  # a depth limit, not a RecursionError
    assert bracket_depth(deep) == 0
    assert open_construct('"' + "\\\\" * 200_000) == "string"


@pytest.mark.parametrize("path", EXAMPLES[:40], ids=lambda p: p.name)
def test_real_examples_tile(path: Path) -> None:
    assert_tiles(path.read_text(encoding="utf-8", errors="replace"))


def test_split_comments_keeps_columns_and_lines() -> None:
    src = 'x = 1; /* a\nb */ y = "//"; // tail\n// own\n/* h */ z = 2;\n'
    code, comments = split_comments(src)
    assert len(code) == len(src) and code.count("\n") == src.count("\n")
    assert code.split("\n")[1] == '     y = "//";        '
    assert [(c.text, c.line, c.block, c.code_before) for c in comments] == [
        (" a\nb ", 1, True, True), (" tail", 2, False, True), (" own", 3, False, False),
        (" h ", 4, True, False)]


def test_normal_form_ignores_comments_and_layout_but_not_strings_or_case() -> None:
    a = "// v1\nmodule part() {\n  cube([1, 2, 3]); echo(\"A  B\");\n}\n"
    b = "module   part(){cube( [1,2,3] ) ;/* x */echo(\"A  B\");}"
    assert normal_form(a) == normal_form(b) == 'module part(){cube([1,2,3]);echo("A  B");}'
    assert normal_form(a) != normal_form(a.replace("A  B", "a b"))
    assert normal_form("Width = 1;") != normal_form("width = 1;")
    assert normal_form('s = "// not a comment";') == 's="// not a comment";'


def test_lines_as_the_lexer_sees_them() -> None:
    program = ('w = 60; // [20:120]\r\n/* [Size] */ /* open\nstill */ s = "{ // }";\n'
               "module m() {\n  x = 1;\n}\nend = 2;")
    got = list(lines(program))
    assert len(got) == len(program.splitlines())
    assert got[0].code == "w = 60;            " and got[0].comment == " [20:120]"
    assert got[1].blocks == (" [Size] ",) and not got[1].in_comment
    assert got[2].in_comment and got[2].code == '         s = "{ // }";'
    assert got[2].masked == "         s = ________;" and got[2].brace is None
    assert got[3].brace == 11 and got[3].depth == 0
    assert got[4].depth == 1 and got[6].depth == 0


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3", 3), ("-2.5e1", -25.0), (".5", 0.5), ("true", True),
        ('"a\\"b\\\\c\\n\\x41\\u263A\\U01F600"', 'a"b\\c\nA\u263a\U0001f600'),
        ('[1, [2, "x"], false]', [1, [2, "x"], False]),
        ("[]", None), ("w / 2", None), ("1e999", None), ('"\\q"', None), ("[1, 2", None),
        ("[" * (MAX_LITERAL_DEPTH + 1) + "1" + "]" * (MAX_LITERAL_DEPTH + 1), None),
        ("[" * MAX_LITERAL_DEPTH + "1" + "]" * MAX_LITERAL_DEPTH,
         eval("[" * MAX_LITERAL_DEPTH + "1" + "]" * MAX_LITERAL_DEPTH)),
    ],
)
def test_parse_literal(text: str, value: object) -> None:
    assert parse_literal(text) == value


@pytest.mark.parametrize(
    "value",
    [0, -7, 2.5, 1e-7, True, False, "", 'q"\\\n\t\r\x01\x7f é \u263a', [1, [2.5, "x"]],
     [[[["deep"]]]]],
)
def test_scad_literal_round_trips(value: object) -> None:
    assert parse_literal(scad_literal(value)) == value


def test_scad_literal_writes_what_tools_openscad_did() -> None:
    assert scad_literal([1, [2, "x"], ()]) == '[1, [2, "x"], []]'
    assert scad_literal(2**60) == "1.152921504606847e+18"
    assert scad_literal("\x01") == '"\\u0001"'


@pytest.mark.parametrize(
    "value",
    [float("nan"), float("inf"), 10**400, "a\x00b", "\ud800", object(), None,
     [[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]],
)
def test_scad_literal_refuses_what_it_cannot_write(value: object) -> None:
    with pytest.raises(ValueError):
        scad_literal(value)


def test_string_literal_means_the_same_text_to_openscad() -> None:
    text = 'a "q" \\ b\nc\td\x01é\u263a'
    result = compile_scad(f"s = {string_literal(text)};\n"
                          "echo(len(s), [for (c = s) ord(c)]);\ncube(1);\n")
    assert result.status == "ok", result.summary()
    assert f"ECHO: {len(text)}, [{', '.join(str(ord(c)) for c in text)}]" in result.stderr
