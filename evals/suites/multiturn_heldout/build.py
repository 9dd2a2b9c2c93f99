"""How evals/suites/multiturn-heldout.jsonl was made (run from anywhere):

    python evals/suites/multiturn_heldout/build.py

Compile every turn's reference program, derive its spec, check the spec passes on the
reference (against the previous reference), and write the suite JSONL."""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from convs import CONVERSATIONS  # noqa: E402

from tools.mesh import analyze_mesh  # noqa: E402
from tools.openscad import compile_scad  # noqa: E402
from tools.spec import check_spec  # noqa: E402

# edits whose change is a height (Z is up): also scored as a Z ratio against the part before
GZ = {
    ("mounting-plate-thicker-holes", 1), ("spacer-taller", 1), ("cylinder-taller-then-back", 1),
    ("cylinder-taller-then-back", 2), ("parts-tray-longer-deeper", 2), ("washer-thicker", 1),
    ("pencil-cup-shorter-walls", 1), ("spacer-block-height-hole", 1), ("lid-plate-thinner", 1),
    ("cube-bigger-then-half-height", 2), ("standoff-taller-wider", 1),
    ("planter-drain-holes", 2), ("stepped-post-hole", 1), ("storage-box-chain", 1),
    ("storage-box-chain", 3), ("shim-thinner-hole", 1), ("hex-prism-hole-taller", 2),
    ("keyring-tag-thicker", 1), ("cone-shorter", 1), ("axis-named-block", 2),
    ("ring-bigger-hole-taller", 2), ("coaster-round-to-square", 2),
}
OUT = ROOT / "out" / "multiturn-heldout-ref"  # compiled reference parts


def rng(v: float, rel: float, least: float) -> list[float]:
    tol = max(least, rel * v)
    return [round(v - tol, 2), round(v + tol, 2)]


def hole_d(d: float) -> list[float]:
    return [round(d - max(0.2, 0.03 * d), 2), round(d + max(0.5, 0.08 * d), 2)]


def wall_r(w: float) -> list[float]:
    return [round(w - max(0.25, 0.08 * w), 2), round(w + max(0.4, 0.2 * w), 2)]


def ratio(after: float, before: float, rel: float) -> dict:
    r = after / before
    return {"min_ratio": round(r * (1 - rel), 3), "max_ratio": round(r * (1 + rel), 3)}


def round_ds(report) -> list[float]:
    return [o["d"] for o in report.openings if o.get("round")]


def spec_for(conv: str, index: int, rep, prev, opts: dict) -> dict:
    rel = 0.05 if opts.get("loose") else 0.025
    spec: dict = {"watertight": True, "bodies": rep.bodies, "genus": rep.genus}
    if opts.get("xyz"):
        spec["size_xyz"] = [rng(v, rel, 0.3) for v in rep.extents]
    else:
        spec["size"] = [rng(v, rel, 0.3) for v in sorted(rep.extents, reverse=True)]
    if "holes" in opts:
        spec["holes"] = [{"d": hole_d(d), "count": n} for d, n in opts["holes"]]
    if "wall" in opts:
        spec["wall"] = wall_r(opts["wall"])
    if "shape" in opts:
        spec["shape"] = opts["shape"]
    if prev is not None:
        grow = []
        if (conv, index) in GZ:
            grow.append({"axis": "z", **ratio(rep.extents[2], prev.extents[2], 0.03)})
        if opts.get("vol"):
            grow.append({"measure": "volume", **ratio(rep.volume, prev.volume, 0.08)})
        if grow:
            spec["grow"] = grow[0] if len(grow) == 1 else grow
        before = round_ds(prev)
        if before:
            now = round_ds(rep)
            changed = sorted({round(d, 2) for d in before
                              if not any(abs(d - n) <= max(0.1, 0.02 * d) for n in now)})
            spec["keep_holes"] = {"except": [hole_d(d) for d in changed]} if changed else {}
    return spec


def main() -> None:
    lines = []
    for conv, turns in CONVERSATIONS:
        assert 2 <= len(turns) <= 4, conv
        prev = prev_prog = None
        specs = []
        for i, (_text, scad, opts) in enumerate(turns):
            folder = OUT / conv / f"turn-{i + 1}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "part.scad").write_text(scad)
            res = compile_scad(scad, out_dir=folder)
            assert res.ok, (conv, i, res.summary())
            rep = analyze_mesh(res.stl)
            assert rep.watertight and not rep.empty, (conv, i)
            spec = spec_for(conv, i, rep, prev, opts)
            checked = check_spec(spec, rep, first=prev, program=scad, previous_program=prev_prog)
            assert checked.passed, (conv, i, checked.summary())
            specs.append(spec)
            prev, prev_prog = rep, scad
        lines.append(json.dumps({"id": conv, "prompt": turns[0][0],
                                 "turns": [t[0] for t in turns[1:]], "specs": specs}))
    Path(sys.argv[1]).write_text("\n".join(lines) + "\n")
    print(len(lines), "conversations", sum(len(t) for _, t in CONVERSATIONS), "turns")


if __name__ == "__main__":
    main()
