"""Local sources end to end: archives unpacked safely, and the whole pipeline over the
Debian-installed OpenSCAD examples and MCAD (a subset: CGAL needs ~250 s for all of them)
plus a user's folder, compiled with the real openscad; then stats, export and the
finetune reader on the result."""

from __future__ import annotations

import io
import json
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scrape.cli import app
from scrape.convert import read_corpus
from scrape.filter import FilterConfig
from scrape.licenses import LicensePolicy
from scrape.pipeline import PipelineConfig, run_pipeline
from scrape.sources import SourceError, SourceSettings, make_source
from scrape.sources.base import FetchContext
from scrape.state import StateDB

EXAMPLES = Path("/usr/share/openscad/examples")
MCAD = Path("/usr/share/openscad/libraries/MCAD")
MIT = "MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining"


def fetch_all(spec: str, tmp_path: Path, **settings: str) -> list:
    ctx = FetchContext(state=StateDB(tmp_path / "state.sqlite"), client=lambda: None,  # type: ignore[arg-type,return-value]
                       policy=LicensePolicy.parse("open"), work_dir=tmp_path / "work")
    return list(make_source(spec, SourceSettings(**settings)).fetch(ctx))


def test_archives_are_unpacked_safely(tmp_path: Path) -> None:
    archive = tmp_path / "parts.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("parts/LICENSE", MIT)
        zf.writestr("parts/plate.scad", "cube([10, 10, 2]);")
        zf.writestr("parts/sub/peg.scad", "cylinder(d=3, h=5);")
        zf.writestr("../escape.scad", "cube(1);")
        zf.writestr("/abs.scad", "cube(1);")
        link = zipfile.ZipInfo("parts/link.scad")
        link.external_attr = 0o120777 << 16  # a symlink member
        zf.writestr(link, "/etc/passwd")
    raws = fetch_all(f"local:{archive}", tmp_path)
    assert sorted(r.path for r in raws) == ["parts/plate.scad", "parts/sub/peg.scad"]
    assert {r.license for r in raws} == {"MIT"}  # from the LICENSE inside the archive
    assert all(r.url.startswith(f"file://{archive}!/") for r in raws)
    assert not (tmp_path / "escape.scad").exists() and not Path("/abs.scad").exists()

    tarball = tmp_path / "more.tar.gz"
    with tarfile.open(tarball, "w:gz") as tf:
        for name, text in (("a.scad", "// SPDX-License-Identifier: CC0-1.0\nsphere(2);"),
                           ("../../up.scad", "cube(1);")):
            info = tarfile.TarInfo(name)
            info.size = len(text)
            tf.addfile(info, io.BytesIO(text.encode()))
        sym = tarfile.TarInfo("evil.scad")
        sym.type, sym.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tf.addfile(sym)
    raws = fetch_all(f"local:{tarball}", tmp_path, local_license="MIT")
    assert [(r.path, r.license) for r in raws] == [("a.scad", "MIT")]  # header wins later

    with pytest.raises(SourceError):
        make_source("local:/x", SourceSettings(local_license="my own terms"))
    with pytest.raises(SourceError):
        fetch_all(f"local:{tmp_path / 'missing'}", tmp_path)


def test_debian_examples_and_mcad_end_to_end(tmp_path: Path) -> None:
    # A subset of the installed examples (same files, same categories file), MCAD's first 5
    # files in place (their licenses come from the Debian copyright file), and a user's
    # folder with an edited and a verbatim copy of two examples.
    subset = ["Basics/LetterBlock.scad", "Old/example002.scad", "Old/example003.scad",
              "Advanced/assert.scad", "Functions/echo.scad"]
    examples = tmp_path / "examples"
    for rel in subset:
        (examples / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(EXAMPLES / rel, examples / rel)
    categories = json.loads((EXAMPLES / "examples.json").read_text())
    (examples / "examples.json").write_text(json.dumps(categories))
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "LICENSE").write_text(MIT)
    letter = (EXAMPLES / "Basics/LetterBlock.scad").read_text()
    (mine / "letter_w.scad").write_text(
        letter.replace('LetterBlock("M");', 'LetterBlock("W", size=40);')
        .replace("// LetterBlock.scad - Basic usage of text() and linear_extrude()", "// W"))
    assert_src = (EXAMPLES / "Advanced/assert.scad").read_text()
    (mine / "assert_copy.scad").write_text(
        "\n".join(ln for ln in assert_src.split("\n") if not ln.startswith("//")))

    out = tmp_path / "corpus"
    config = PipelineConfig(out_dir=out, limit=5, jobs=2, progress=False,
                            filter=FilterConfig(compile_timeout_s=60))
    specs = [f"examples:{examples}", f"local:{MCAD}", f"local:{mine}"]
    stats = run_pipeline(specs, config, log=lambda m: None)

    assert stats.stages == {"fetched": 12, "extracted": 12, "filtered": 7, "deduplicated": 5,
                            "written": 5}
    # 2Dshapes, 3d_triangle, bearing (module libraries) and echo.scad (functions and echo
    # only) make no geometry; bitmap.scad is a font table
    assert stats.dropped == {"compile:empty": 4, "mostly_data": 1}
    assert stats.compile["compiled"] == 11 and stats.compile["ok"] == 7
    assert stats.duplicates == {"exact": 1, "near": 1, "remix": 0}
    rows = list(read_corpus(out))
    by_path = {r["path"]: r for r in rows}
    assert set(by_path) == {"Basics/LetterBlock.scad", "Old/example002.scad",
                            "Old/example003.scad", "Advanced/assert.scad",
                            "bitmap/alphabet_block.scad"}
    for row in rows:  # every kept record compiles, and its mesh was checked
        assert row["compile"]["status"] == "ok" and row["compile"]["n_errors"] == 0
        assert row["mesh"]["faces"] > 0 and not row["mesh"]["empty"]
    letter_row = by_path["Basics/LetterBlock.scad"]
    assert letter_row["license"] == "CC0-1.0" and letter_row["tags"][0] == "basics"
    assert len(letter_row["duplicates"]) == 1  # the user's edited copy (near duplicate)
    assert by_path["bitmap/alphabet_block.scad"]["license"] == "CC-BY-3.0 OR LGPL-2.1-only"
    assert stats.licenses_written == {"CC0-1.0": 4, "CC-BY-3.0 OR LGPL-2.1-only": 1}
    dropped = [json.loads(line) for line in (out / "dropped.jsonl").read_text().splitlines()]
    assert {d["reason"] for d in dropped} == {"compile:empty", "mostly_data",
                                              "duplicate:near", "duplicate:exact"}

    # Rerun: nothing is compiled again, the corpus is the same.
    again = run_pipeline(specs, config, log=lambda m: None)
    assert again.compile["cached"] == again.compile["compiled"] == 11
    assert [r["id"] for r in read_corpus(out)] == [r["id"] for r in rows]

    runner = CliRunner()
    shown = runner.invoke(app, ["stats", str(out)])
    assert shown.exit_code == 0 and "compile: 7/11 ok (63.6%)" in shown.output
    train = tmp_path / "train.jsonl"
    exported = runner.invoke(app, ["export", str(out), "--out", str(train)])
    assert exported.exit_code == 0, exported.output
    records = [json.loads(line) for line in train.read_text().splitlines()]
    letter_rec = next(r for r in records if r["id"] == f"scrape-{letter_row['id']}")
    assert letter_rec["messages"][0] == {
        "role": "user", "content": "LetterBlock.scad - Basic usage of text() and linear_extrude()"}
    assert letter_rec["messages"][1]["content"] == letter_row["program"]
    assert letter_rec["license"] == "CC0-1.0" and letter_rec["kind"] == "create"
    alphabet = next(r for r in records if r["license"].startswith("CC-BY-3.0"))
    assert alphabet["messages"][0]["content"] == (  # no contact lines, and its parameter
        'Parametric Alphabet Block\n\nCustomizable parameters:\n'
        '- letter = "A" (change to any letter)')
    # example002/003 and assert.scad open with code, no description: not requests
    assert len(records) == 2

    from finetune.data import read_records  # the trainer reads the export as it is

    assert [r["id"] for r in read_records([train])] == [r["id"] for r in records]


def test_timeouts_are_not_remembered(tmp_path: Path) -> None:
    folder = tmp_path / "slow"
    folder.mkdir()
    (folder / "slow.scad").write_text(  # ~6 s of CGAL booleans: far past a 0.3 s limit
        "difference() { sphere(r = 10, $fn = 120); for (i = [0 : 15]) "
        "rotate([i * 23, i * 11, 0]) cube([30, 1, 1], center = true); }\n")
    config = PipelineConfig(out_dir=tmp_path / "out", progress=False,
                            sources=SourceSettings(local_license="MIT"),
                            filter=FilterConfig(compile_timeout_s=0.3))
    spec = [f"local:{folder}"]
    first = run_pipeline(spec, config, log=lambda m: None)
    assert first.dropped == {"compile:timeout": 1}, (first.compile, first.dropped)
    second = run_pipeline(spec, config, log=lambda m: None)
    assert second.compile["cached"] == 0  # a busy machine's timeout is tried again
    assert first.licenses_seen == {"MIT": 1}
