"""Compile every reference program, derive its case's spec, prove the reference passes it
through the real scorer, and write the two suites:

    .venv/bin/python -m evals.suites.heldout_builder.build [--only ID ...]

The compiled references land in out/heldout-ref/ID/ (part.scad, part.stl) for a look."""

from __future__ import annotations

import argparse
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tools.mesh import MeshReport, analyze_mesh
from tools.openscad import compile_scad
from tools.spec import check_spec

from . import engineering_flat, engineering_round, single_lines, single_maker
from .part import Part
from .spec import ReferenceMismatch, derive_spec

SUITES_DIR = Path(__file__).resolve().parents[1]
REPO = SUITES_DIR.parents[1]
SUITES: dict[str, list[Part]] = {
    "single-heldout.jsonl": single_lines.PARTS + single_maker.PARTS,
    "engineering-heldout.jsonl": engineering_flat.PARTS + engineering_round.PARTS,
}
REF_DIR = REPO / "out" / "heldout-ref"


def all_parts() -> list[Part]:
    return [p for parts in SUITES.values() for p in parts]


def compile_reference(part: Part, out_dir: Path | None = None) -> MeshReport:
    """The reference's mesh report; ReferenceMismatch when it does not compile."""
    result = compile_scad(part.scad, out_dir=out_dir)
    if not result.ok or result.stl is None:
        raise ReferenceMismatch(f"{part.id}: reference does not compile: {result.summary()}")
    return analyze_mesh(result.stl)


def build_case(part: Part, out_dir: Path | None = None) -> dict:
    """The suite line of one part, after proving its reference passes the derived spec."""
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "part.scad").write_text(part.scad)
    report = compile_reference(part, out_dir)
    spec = derive_spec(part, report)
    checked = check_spec(spec, report, program=part.scad)
    if not checked.passed or checked.skipped:
        raise ReferenceMismatch(f"{part.id}: reference fails its own spec:\n{checked.summary()}"
                                f"\nskipped: {checked.skipped}")
    return {"id": part.id, "prompt": part.prompt, "turns": [], "spec": spec,
            "subset": part.subset}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="build and check only these ids (no write)")
    args = parser.parse_args(argv)
    ids = [p.id for p in all_parts()]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise SystemExit(f"duplicate ids: {sorted(duplicates)}")
    for name, parts in SUITES.items():
        if args.only:
            parts = [p for p in parts if p.id in args.only]
        with ThreadPoolExecutor(max_workers=2) as pool:
            lines = list(pool.map(lambda p: build_case(p, REF_DIR / p.id), parts))
        if args.only:
            for line in lines:
                print(json.dumps(line["spec"]))
            continue
        (SUITES_DIR / name).write_text("".join(json.dumps(line) + "\n" for line in lines))
        print(f"{name}: {len(lines)} cases")


if __name__ == "__main__":
    main()
