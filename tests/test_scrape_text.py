"""scrape.text and scrape.licenses: decoding, comments, customizer parameters, content
checks, license names, license files and Debian copyright files (the real installed ones)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrape.licenses import (
    LicensePolicy,
    debian_copyright_for,
    dep5_license,
    detect_license_text,
    license_file_for,
    license_in_header,
    normalize_license,
    parse_dep5,
)
from scrape.text import (
    customizer_parameters,
    data_fraction,
    decode,
    leading_comment,
    looks_like_openscad,
    normalise,
    normalised_hash,
    reads_files,
    split_comments,
    strip_comments,
    tokens,
)

EXAMPLES = Path("/usr/share/openscad/examples")
MCAD = Path("/usr/share/openscad/libraries/MCAD")


def test_decode_utf8_bom_utf16_cp1252_and_binary() -> None:
    text = "// Größe in mm\ncube(10);\n"
    assert decode(text.encode()) == (text, "utf-8")
    assert decode(b"\xef\xbb\xbf" + text.encode()) == (text, "utf-8-sig")
    assert decode(text.encode("utf-16")) == (text, "utf-16")
    decoded = decode(text.encode("cp1252"))  # not valid UTF-8: the fallback must read it
    assert decoded is not None and decoded[0] == text
    assert decode(b"\x00\x01\x02binary\x00") is None


def test_normalise_newlines_blanks_and_controls() -> None:
    assert normalise("\ufeffcube(1);  \r\nsphere(2);\rcylinder(1,1);\x07") == \
        "cube(1);\nsphere(2);\ncylinder(1,1);\n"
    assert normalise(" \n\t\n") == ""


def test_comments_respect_strings_and_keep_lines() -> None:
    src = 'echo("http://x // not a comment"); /* a\nb */ cube(1); // tail\n// own line\n'
    code, comments = split_comments(src)
    assert "http://x // not a comment" in code
    assert code.count("\n") == src.count("\n")  # line numbers survive
    assert [c.text.strip() for c in comments] == ["a\nb", "tail", "own line"]
    assert [c.code_before for c in comments] == [True, True, False]
    assert tokens(strip_comments("x=1.5e3; // c\ny = x>=2;")) == \
        ["x", "=", "1.5e3", ";", "y", "=", "x", ">=", "2", ";"]


def test_normalised_hash_ignores_comments_and_layout_only() -> None:
    a = "// v1\ncube([1,2,3]);\n"
    b = "/* other\n comment */ cube( [1, 2, 3] ) ;"
    assert normalised_hash(a) == normalised_hash(b)
    assert normalised_hash(a) != normalised_hash("cube([1,2,4]);")


def test_leading_comment_of_a_real_example() -> None:
    text = normalise((EXAMPLES / "Old" / "example001.scad").read_text())
    src = "/*****\n * Parametric box\n * with a lid\n *****/\n// v2\ncube(1); // not leading\n"
    assert leading_comment(src) == "Parametric box\nwith a lid\nv2"
    assert leading_comment("cube(1);") == ""
    assert isinstance(leading_comment(text), str)


def test_customizer_parameters_of_the_candle_stand_example() -> None:
    params = {p.name: p for p in customizer_parameters(
        (EXAMPLES / "Parametric" / "candleStand.scad").read_text())}
    length = params["length"]
    assert (length.default, length.spec) == ("50", "70:large,50:medium,30:small")
    assert length.description == "Length of candle stand"
    assert length.group == "Candle Stand"
    assert params["count"].spec == "3:14"
    assert params["count"].group == "Number of candle holders"
    assert params["centerCandle"].default == "true"
    assert "make" not in params  # parameters end at the first module


def test_customizer_hidden_group_and_trailing_description() -> None:
    src = ("/* [Size] */\nwidth = 10; // [5:1:50]\nheight = 3; // plate height\n"
           "/* [Hidden] */\n$fn = 64;\nmodule m() {}\nafter = 1;\n")
    params = customizer_parameters(src)
    assert [(p.name, p.spec, p.description, p.group) for p in params] == [
        ("width", "5:1:50", None, "Size"), ("height", None, "plate height", "Size")]
    # only literal values are parameters, as in the customizer; $-variables are not
    src = ('$vpr = [90, 0, 0];\nlabel = "a, [b]";\nsize = [1, [2, 3]];\nr = size[0] / 2;\n'
           'f = font();\nok = true;\ncube(1);\n')
    assert [p.name for p in customizer_parameters(src)] == ["label", "size", "ok"]


@pytest.mark.parametrize(("text", "expected"), [
    ("cube(10);", True),
    ("module m() { }", True),
    ("use <MCAD/boxes.scad>\nroundedBox([1,2,3], 1);", True),
    ("solid x\n  facet normal 0 0 1\n outer loop\n", False),
    ("import numpy\nprint(1)\n", False),
    ('{"name": "a thing"}', False),
    ("#include <stdio.h>\nint main() { return 0; }", False),
    ("width = 10;\nheight = 20;\n", False),  # no geometry, no module: nothing to learn
])
def test_looks_like_openscad(text: str, expected: bool) -> None:
    assert looks_like_openscad(text) is expected


def test_data_fraction_separates_point_clouds_from_code() -> None:
    points = ", ".join(f"[{i}, {i * 2}, {i % 7}]" for i in range(500))
    cloud = f"polyhedron(points=[{points}], faces=[[0,1,2]]);"
    assert data_fraction(tokens(cloud)) > 0.85
    code = (EXAMPLES / "Basics" / "CSG-modules.scad").read_text()
    assert data_fraction(tokens(strip_comments(code))) < 0.5


def test_reads_files() -> None:
    assert reads_files("include <a.scad>\ncube(1);")
    assert reads_files('surface(file = "h.dat");')
    assert not reads_files("// include <a.scad>\ncube(1);")


@pytest.mark.parametrize(("raw", "spdx"), [
    ("MIT", "MIT"),
    ("MIT license", "MIT"),
    ("LGPL 2.1 or later", "LGPL-2.1-or-later"),
    ("GPL-3.0", "GPL-3.0-only"),
    ("GPL-3 or LGPL-2.1", "GPL-3.0-only OR LGPL-2.1-only"),
    ("2-clause BSD License (http://opensource.org/licenses/BSD-2-Clause)", "BSD-2-Clause"),
    ("Creative Commons - Attribution - Share Alike", "CC-BY-SA-4.0"),
    ("Creative Commons - Attribution - Non-Commercial", "CC-BY-NC-4.0"),
    ("CC or LGPL-2.1", "LicenseRef-CC OR LGPL-2.1-only"),
    ("NOASSERTION", None),
    ("", None),
    ("my own terms", None),
])
def test_normalize_license(raw: str, spdx: str | None) -> None:
    assert normalize_license(raw) == spdx


def test_policy_presets_and_expressions() -> None:
    open_ = LicensePolicy.parse("open")
    assert open_.allows("CC0-1.0") and open_.allows("GPL-3.0-only")
    assert open_.allows("LicenseRef-CC OR LGPL-2.1-only")  # one alternative suffices
    assert not open_.allows("CC-BY-NC-4.0")
    assert not open_.allows("MIT AND CC-BY-NC-4.0")  # every AND part must be allowed
    assert not open_.allows(None)
    permissive = LicensePolicy.parse("permissive")
    assert permissive.allows("MIT") and not permissive.allows("GPL-3.0-only")
    custom = LicensePolicy.parse("CC0-1.0, MIT license")
    assert custom.allows("MIT") and not custom.allows("BSD-2-Clause")


def test_license_texts_headers_and_files(tmp_path: Path) -> None:
    mit = "MIT License\n\nPermission is hereby granted, free of charge, to any person ..."
    assert detect_license_text(mit) == "MIT"
    assert detect_license_text("GNU LESSER GENERAL PUBLIC LICENSE\n  Version 2.1, Feb") == \
        "LGPL-2.1-only"
    assert detect_license_text("just some words") is None
    assert license_in_header("// SPDX-License-Identifier: Apache-2.0\ncube(1);") == "Apache-2.0"
    assert license_in_header("/* License: CC0 */\ncube(1);") == "CC0-1.0"
    assert license_in_header("// a license plate holder\ncube(1);") is None
    (tmp_path / "LICENSE").write_text(mit)
    nested = tmp_path / "parts" / "deep" / "a.scad"
    nested.parent.mkdir(parents=True)
    nested.write_text("cube(1);")
    assert license_file_for(nested, tmp_path) == "MIT"
    assert license_file_for(nested, nested.parent) is None  # never looks above the root


def test_gallery_pages_are_cc0_only_on_openscad_org() -> None:
    from scrape.sources.gallery import GallerySource, code_blocks

    assert GallerySource("https://openscad.org/examples.html").license == "CC0-1.0"
    assert GallerySource("https://example.com/blog").license is None
    assert GallerySource("https://example.com/blog", license="MIT").license == "MIT"
    snippets, title = code_blocks("<title>T</title><h3>Cup</h3><pre>a &lt; b<br>c</pre>")
    assert title == "T" and [(s.code, s.title) for s in snippets] == [("a < b\nc", "Cup")]


def test_debian_copyright_of_installed_mcad_and_examples() -> None:
    copyright_file = debian_copyright_for(MCAD)
    assert copyright_file == Path("/usr/share/doc/openscad-mcad/copyright")
    stanzas = parse_dep5(copyright_file.read_text())
    assert dep5_license(stanzas, MCAD / "gears.scad") == "LGPL-2.1-only"
    assert dep5_license(stanzas, MCAD / "bitmap" / "name_tag.scad") == \
        "CC-BY-3.0 OR LGPL-2.1-only"
    # a later, more specific stanza wins over bitmap/*
    assert dep5_license(stanzas, MCAD / "bitmap" / "letter_necklace.scad") == "LGPL-2.1-only"
    openscad = parse_dep5(debian_copyright_for(EXAMPLES).read_text())  # type: ignore[union-attr]
    assert dep5_license(openscad, EXAMPLES / "Basics" / "CSG.scad") == "CC0-1.0"
