"""A composed part's spec, measured from its compiled mesh with the real OpenSCAD.

The spec uses the keys the families emit (watertight, bodies, genus, size, volume, holes
with d/count/axis, kind). A composition has no closed form worth trusting (fillets, hulls,
countersinks, partial turns), so the numbers come from the mesh itself; the holes it was
built with are kept only where the cross-sections find them, and the finished spec is
checked against the same mesh: a key that would not hold is left out, never shipped.
One compile serves every description of the same program (cached per process).
"""

from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from finetune.synth.compose.ops import HoleFact
from finetune.synth.family import merge_overlaps, size_tolerance
from tools.kinds import kinds_named


def hole_entries(holes: tuple[HoleFact, ...], openings: list[dict]) -> list[dict[str, Any]]:
    """Spec `holes` entries for the holes the sections see, with a count where it matches."""
    out = []
    for h in holes:
        found = [o for o in openings if o["axis"] == h.axis and o.get("round")
                 and abs(o["d"] - h.d) <= 0.35]
        if not found:
            continue
        places = {(round(o["at"][0], 1), round(o["at"][1], 1)) for o in found}
        seen = [o["d"] for o in found]
        tol = max(0.25, 0.04 * h.d)
        entry: dict[str, Any] = {"d": [round(min(h.d, *seen) - tol, 2),
                                       round(max(h.d, *seen) + tol, 2)],
                                 "axis": h.axis, "what": h.what}
        if len(places) == h.count:
            entry["count"] = h.count
        out.append(entry)
    return out


@lru_cache(maxsize=256)
def measure(program: str, holes: tuple[HoleFact, ...], noun: str) -> tuple[dict, tuple[str, ...]]:
    """(spec, keys dropped because the mesh did not bear them out). ValueError when the
    program makes no part."""
    from tools.mesh import analyze_mesh
    from tools.openscad import compile_scad
    from tools.spec import check_spec

    with tempfile.TemporaryDirectory(prefix="compose-") as tmp:
        result = compile_scad(program, out_dir=Path(tmp))
        if not result.ok or result.stl is None:
            raise ValueError(f"compose: {result.status}: {result.summary()}")
        report = analyze_mesh(result.stl)
    if report.empty or not report.watertight:
        raise ValueError("compose: the program makes no closed part")
    spec: dict[str, Any] = {"watertight": True, "bodies": report.bodies}
    if report.genus is not None:
        spec["genus"] = report.genus
    ranges = [[round(e - size_tolerance(e), 2), round(e + size_tolerance(e), 2)]
              for e in report.extents]
    spec["size"] = merge_overlaps(sorted(ranges, key=lambda r: -(r[0] + r[1])))
    spec["volume"] = [round(report.volume * 0.95, 1), round(report.volume * 1.05, 1)]
    entries = hole_entries(holes, report.openings)
    if entries:
        spec["holes"] = entries
    kinds = kinds_named(f" {noun} ")
    if kinds:
        spec["kind"] = {"asked": noun, "kind": kinds[0]}
    checked = check_spec(spec, report, program=program)
    dropped = tuple(sorted(set(checked.failed_keys())))
    for key in dropped:
        spec.pop(key, None)
    return spec, dropped
