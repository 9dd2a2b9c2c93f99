"""The README's example session, repeated: how often it passes, how follow-ups are made, and
how long a follow-up takes, with direct edits off (the baseline) and on, in the same run.

    python benchmarks/readme_session.py [--model models/scad-tiny] [--repeats 10]
                                        [--candidate DIR] [--out out/bench-readme]

Each repeat is a real two-turn conversation through the agent (evals.harness, the hf backend,
real OpenSCAD): "bracket with two M3 holes", then "make it taller". A repeat passes when both
parts meet their specs below; the agent samples (resample strategy), so repeats differ.
`--candidate` adds a third row: another model (e.g. a retrained one) with direct edits on.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
from pathlib import Path

from agent.backends import get_backend
from agent.config import AgentConfig
from evals.harness import EvalConfig, run_suite
from evals.suite import Case

PROMPT, FOLLOW_UP = "bracket with two M3 holes", "make it taller"
# two through-holes of M3 clearance, one watertight body; then the same part taller, with
# its holes and footprint kept
CREATE = {"watertight": True, "bodies": 1, "genus": 2, "holes": [{"d": [3.0, 3.8], "count": 2}]}
TALLER = {**CREATE, "grow": {"axis": "z", "min_ratio": 1.05}, "keep_holes": {}}


def run(config: AgentConfig, repeats: int, out: Path) -> list:
    cases = [Case(f"repeat-{i + 1}", PROMPT, turns=[FOLLOW_UP], specs=[CREATE, TALLER])
             for i in range(repeats)]
    backend = get_backend(config.backend, **config.backend_config)
    return run_suite(cases, lambda: backend, config, out, EvalConfig(case_timeout_s=600))


def describe(name: str, results: list) -> dict:
    edits = [r.turn_results[1] for r in results]
    modes: dict[str, int] = {}
    for t in edits:
        modes[t["mode"] or "no part"] = modes.get(t["mode"] or "no part", 0) + 1
    latencies = [t["latency_s"] for t in edits if t["agent_status"] != "not_run"]
    return {
        "name": name,
        "passed": sum(r.spec_passed for r in results),
        "repeats": len(results),
        "false_ok": sum(r.false_ok for r in results),
        "said_ok": sum(r.said_ok for r in results),
        "follow_up_p50_s": statistics.median(latencies) if latencies else 0.0,
        "modes": modes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="models/scad-tiny")
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--candidate", help="another model directory to compare")
    parser.add_argument("--out", type=Path, default=Path("out/bench-readme"))
    args = parser.parse_args()

    now = AgentConfig(backend="hf", backend_config={"model": args.model}, max_repairs=3)
    baseline = dataclasses.replace(now, direct_edits=False)
    rows = [describe("direct edits off (baseline)", run(baseline, args.repeats, args.out / "off")),
            describe("direct edits on (default)", run(now, args.repeats, args.out / "on"))]
    if args.candidate:
        other = dataclasses.replace(now, backend_config={"model": args.candidate})
        rows.append(describe(f"{args.candidate}, direct edits on",
                             run(other, args.repeats, args.out / "candidate")))
    print(f"README session x{args.repeats}: {PROMPT!r} then {FOLLOW_UP!r}, model {args.model}")
    print("| config | both turns pass | false OK | follow-up p50 s | follow-ups made by |")
    print("|---|---|---|---|---|")
    for row in rows:
        made = ", ".join(f"{k} {v}" for k, v in sorted(row["modes"].items()))
        print(f"| {row['name']} | {row['passed']}/{row['repeats']} | "
              f"{row['false_ok']}/{row['said_ok']} | {row['follow_up_p50_s']:.2f} | {made} |")
    off, on = rows[:2]
    if on["follow_up_p50_s"]:
        print(f"follow-up p50 ratio off/on: {off['follow_up_p50_s'] / on['follow_up_p50_s']:.2f}x")


if __name__ == "__main__":
    main()
