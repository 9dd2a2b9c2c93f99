"""Check a record the way the agent would: compile its final program with the real OpenSCAD,
analyse the mesh, and hold it to the record's own spec."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.prompts import check_failures
from finetune.synth import patches

if TYPE_CHECKING:
    from tools.mesh import MeshReport
    from tools.openscad import CompileResult
    from tools.spec import SpecResult


def assistant_programs(record: dict[str, Any]) -> list[str]:
    """The whole program after each assistant reply (parameter patches applied)."""
    return patches.resolve(m["content"] for m in record["messages"] if m["role"] == "assistant")


def compile_and_check(program: str, spec: dict, workdir: Path,
                      first: MeshReport | None = None,
                      ) -> tuple[CompileResult, MeshReport | None, SpecResult | None]:
    """The compile, and the mesh report and spec checks when it made a part."""
    from tools.mesh import analyze_mesh
    from tools.openscad import compile_scad
    from tools.spec import check_spec

    result = compile_scad(program, out_dir=workdir)
    if not result.ok or result.stl is None:
        return result, None, None
    report = analyze_mesh(result.stl)
    return result, report, check_spec(spec, report, first=first)


def verify_record(record: dict[str, Any]) -> tuple[bool, str]:
    """(ok, reason): the final assistant program compiles cleanly and meets the spec.

    For specs with `grow`, the first assistant program is compiled too (the reference)."""
    try:
        programs = assistant_programs(record)
    except KeyError as exc:
        return False, f"a patch sets {exc.args[0]}, which the program before it lacks"
    if not programs:
        return False, "no assistant message"
    if "program" in record and record["program"] != programs[-1]:
        return False, "the record's program is not what its replies add up to"
    spec = record.get("spec") or {}
    with tempfile.TemporaryDirectory(prefix="synth-verify-") as tmp:
        first_report = None
        if "grow" in spec and len(programs) > 1:
            res, first_report, _ = compile_and_check(programs[0], {}, Path(tmp) / "first")
            if first_report is None:
                return False, f"first program: {res.status}: {_first_error(res)}"
        res, report, checked = compile_and_check(programs[-1], spec, Path(tmp) / "final",
                                                 first_report)
        if checked is None:
            return False, f"{res.status}: {_first_error(res)}"
        if not checked.passed:
            return False, "; ".join(check_failures(checked, report))
    return True, "ok"


def _first_error(result: CompileResult) -> str:
    errors = result.errors or result.warnings
    return errors[0].message if errors else result.summary()
