"""scrape.dedup and scrape.extract: exact, near and remix duplicates, best-described copy
kept; extract pulls every piece of description out of a file."""

from __future__ import annotations

import numpy as np

from scrape.dedup import DedupConfig, deduplicate, shingle_hashes
from scrape.extract import extract
from scrape.schema import RawFile, Record
from scrape.text import code_tokens

GEAR = """
module gear(teeth = 12, pitch = 5, thickness = 4, bore = 3) {
    r = teeth * pitch / (2 * PI);
    difference() {
        union() {
            cylinder(r = r, h = thickness, $fn = teeth * 4);
            for (i = [0 : teeth - 1])
                rotate([0, 0, i * 360 / teeth])
                    translate([r, 0, 0]) cube([pitch / 2, pitch / 3, thickness]);
        }
        translate([0, 0, -1]) cylinder(r = bore / 2, h = thickness + 2, $fn = 32);
    }
}
gear(teeth = 16, pitch = 4);
"""


def record(key: str, program: str, *, description: str = "", title: str | None = None,
           bundle: str | None = None, ancestors: list[str] | None = None) -> Record:
    raw = RawFile(source="thingiverse:test", key=key, url=f"https://x/{key}",
                  bundle=bundle or key, path=f"{key}.scad", content=program.encode(),
                  fetched_at="2026-11-25T00:00:00Z", license="MIT", title=title,
                  description=description, ancestors=ancestors or [])
    out = extract(raw)
    assert isinstance(out, Record)
    return out


def test_extract_collects_every_description() -> None:
    program = ("// Parametric washer\r\n// for M3 screws\r\n/* [Size] */\r\n"
               "// Outer diameter\r\nouter = 8; // [6:0.5:12]\r\ncylinder(d=outer, h=1);\r\n")
    raw = RawFile(source="thingiverse:washer", key="thing:1/file:2", url="https://t/thing:1",
                  bundle="thing:1", path="washer.scad", content=program.encode("cp1252"),
                  fetched_at="2026-11-25T00:00:00Z", license="CC-BY-4.0",
                  license_raw="Creative Commons - Attribution", author="maker",
                  title="Washer", description="<p>A <b>flat</b> washer.</p><p>Prints fast.</p>",
                  tags=["washer", "customizer"], ancestors=["thing:0"])
    rec = extract(raw)
    assert isinstance(rec, Record)
    assert rec.program.startswith("// Parametric washer\n// for M3 screws\n")
    assert "\r" not in rec.program
    assert rec.description == "A flat washer.\nPrints fast."
    assert rec.leading_comment == "Parametric washer\nfor M3 screws"
    assert rec.params == [{"name": "outer", "default": "8", "spec": "6:0.5:12",
                           "description": "Outer diameter", "group": "Size"}]
    assert (rec.title, rec.title_from_filename, rec.author) == ("Washer", False, "maker")
    assert (rec.license, rec.tags, rec.ancestors) == ("CC-BY-4.0", ["washer", "customizer"],
                                                      ["thing:0"])
    assert rec.id == extract(raw).id and rec.id.startswith("thingiverse-")  # stable
    header = RawFile(**{**raw.__dict__, "content": b"// SPDX-License-Identifier: MIT\ncube(1);"})
    assert extract(header).license == "MIT"  # type: ignore[union-attr]
    assert extract(RawFile(**{**raw.__dict__, "content": b"\x00\x01"})) == "binary"


def test_shingles_are_deterministic_and_layout_free() -> None:
    a = shingle_hashes(code_tokens(GEAR))
    b = shingle_hashes(code_tokens("// comment\n" + GEAR.replace("    ", "\t")))
    assert a.dtype == np.uint64 and len(a) > 50
    assert np.array_equal(a, b)
    assert len(shingle_hashes(code_tokens("cube(1);"))) == 1  # shorter than one shingle: one hash


def test_exact_near_and_unrelated() -> None:
    plain = record("a", GEAR)
    described = record("b", "// A spur gear with a bore\n" + GEAR.replace("    ", "  "),
                       description="A 16 tooth spur gear for a 3 mm shaft.", title="Spur gear")
    near = record("c", GEAR.replace("gear(teeth = 16, pitch = 4);",
                                    "gear(teeth = 20, pitch = 4, bore = 5);"))
    other = record("d", "difference() { cube([30, 20, 5]); "
                        "translate([5, 5, -1]) cylinder(d = 3, h = 7, $fn = 24); }")
    result = deduplicate([plain, described, near, other])
    kept = {r.id for r in result.kept}
    assert kept == {described.id, other.id}  # the best-described copy survives
    reasons = {d.removed: d.reason for d in result.duplicates}
    assert reasons == {plain.id: "exact", near.id: "near"}
    assert sorted(described.duplicates) == sorted([plain.id, near.id])
    assert result.counts() == {"exact": 1, "near": 1, "remix": 0}


def test_remix_chain_merges_below_the_near_threshold() -> None:
    parent = record("p", GEAR, bundle="thing:1", description="The original gear.")
    # a remix that rewrote about half of the program
    remix_program = GEAR.replace("difference()", "intersection()").replace(
        "for (i = [0 : teeth - 1])", "for (i = [0 : 2 : teeth - 1])").replace(
        "translate([0, 0, -1]) cylinder(r = bore / 2, h = thickness + 2, $fn = 32);",
        "sphere(r = r * 1.2);").replace("cube([pitch / 2, pitch / 3, thickness])",
                                        "cylinder(d = pitch / 2, h = thickness)")
    remix = record("r", remix_program, bundle="thing:2", ancestors=["thing:1"])
    stranger = record("s", remix_program, bundle="thing:3")
    config = DedupConfig()
    # similar programs, but below the near-duplicate threshold: both kept without a link
    assert deduplicate([parent, stranger], config).counts() == {"exact": 0, "near": 0,
                                                                "remix": 0}
    result = deduplicate([parent, remix], config)
    assert [r.id for r in result.kept] == [parent.id]
    assert result.counts()["remix"] == 1
