"""How well the checks read from a prompt tell right parts from wrong ones.

    python benchmarks/verifier.py [--files evals/verifier/*.yaml] [--perturb] [--markdown]

For every case of the hand-written verifier suite (evals/verifier/): does the correct part
pass (a failure is a false alarm) and does each wrong part fail (a pass is a miss)? Also the
mean number of checked and not-checked items per prompt. With --perturb, every correct part
is also stretched 1.25x and squashed 0.8x (uniformly and along each axis) and swapped for
another case's part: the share of those caught.

Baseline, measured in the same run on the same parts: the checks as they were before this
verifier (agent/intent.py at commit 2f2c367, loaded from git), so the table shows the ratio.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evals.verifier import SUITE_DIR, compiled, load_cases, score_case, summarize  # noqa: E402
from tools.mesh import analyze_mesh  # noqa: E402
from tools.spec import check_spec  # noqa: E402

BASELINE_COMMIT = "2f2c367"
PERTURBATIONS = {
    "stretch 1.25x": "scale([1.25, 1.25, 1.25])",
    "squash 0.8x": "scale([0.8, 0.8, 0.8])",
    "X 1.25x": "scale([1.25, 1, 1])",
    "Y 1.25x": "scale([1, 1.25, 1])",
    "Z 1.25x": "scale([1, 1, 1.25])",
    "Z 0.8x": "scale([1, 1, 0.8])",
}


def baseline_module() -> types.ModuleType | None:
    """The old intent module, from git, or None when git or the commit is not there."""
    try:
        source = subprocess.run(["git", "show", f"{BASELINE_COMMIT}:agent/intent.py"],
                                cwd=ROOT, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType("baseline_intent")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, "baseline_intent.py", "exec"), module.__dict__)  # noqa: S102
    return module


def baseline_scores(cases: list, cache: Path, old: types.ModuleType) -> dict:
    false_alarms = misses = wrong = 0
    for case in cases:
        prev = None
        if case.previous is not None:
            stl = compiled(case.previous.program, cache)
            prev = analyze_mesh(stl) if stl else None
        spec = old.infer_spec(case.prompt, prev, follow_up=case.previous is not None)
        correct = compiled(case.correct, cache)
        if not check_spec(spec, analyze_mesh(correct) if correct else None, prev).passed:
            false_alarms += 1
        for w in case.wrong:
            wrong += 1
            stl = compiled(w.program, cache)
            if check_spec(spec, analyze_mesh(stl) if stl else None, prev).passed:
                misses += 1
    return {"false_alarms": false_alarms, "misses": misses, "wrong": wrong}


def perturbed(cases: list, cache: Path) -> dict[str, tuple[int, int]]:
    """(caught, tried) per perturbation of the correct parts."""
    from agent.intent import read_request

    out: dict[str, list[int]] = {name: [0, 0] for name in [*PERTURBATIONS, "swapped"]}
    for k, case in enumerate(cases):
        if case.previous is not None:
            continue  # an edit's checks compare with its previous part; not comparable
        wanted = read_request(case.prompt)
        variants = {name: f"{op} {{\n{case.correct}\n}}" for name, op in PERTURBATIONS.items()}
        other = cases[(k + 7) % len(cases)]
        variants["swapped"] = other.correct
        for name, program in variants.items():
            stl = compiled(program, cache)
            if stl is None:
                continue
            out[name][1] += 1
            if not check_spec(wanted.spec, analyze_mesh(stl), program=program).passed:
                out[name][0] += 1
    return {name: (c, t) for name, (c, t) in out.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", nargs="*", type=Path)
    parser.add_argument("--perturb", action="store_true")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--cache", type=Path, default=ROOT / "out" / "verifier-cache")
    args = parser.parse_args(argv)
    files = args.files or sorted(SUITE_DIR.glob("*.yaml"))
    old = baseline_module()
    rows = []
    started = time.monotonic()
    for path in files:
        cases = load_cases([path])
        summary = summarize([score_case(case, args.cache) for case in cases])
        base = baseline_scores(cases, args.cache, old) if old else None
        rows.append((path.name, summary, base))
    total_cases = sum(s["cases"] for _, s, _ in rows)
    total_wrong = sum(s["wrong_programs"] for _, s, _ in rows)
    fa = sum(s["false_alarms"] for _, s, _ in rows)
    miss = sum(s["misses"] for _, s, _ in rows)
    if args.markdown:
        print("| file | cases | false alarms | wrong parts | misses | checked / prompt | "
              "not checked / prompt | baseline false alarms | baseline misses |")
        print("|---|---|---|---|---|---|---|---|---|")
    for name, s, base in rows:
        b = (f"{base['false_alarms']} | {base['misses']}" if base else "- | -")
        line = (f"{name} | {s['cases']} | {s['false_alarms']} | {s['wrong_programs']} | "
                f"{s['misses']} | {s['checked_per_prompt']} | {s['unchecked_per_prompt']} | {b}")
        print(f"| {line} |" if args.markdown else line)
    print(f"\nall: false alarms {fa}/{total_cases} ({fa / max(1, total_cases):.1%}), misses "
          f"{miss}/{total_wrong} ({miss / max(1, total_wrong):.1%}); "
          f"{time.monotonic() - started:.0f} s")
    if old:
        bfa = sum(b["false_alarms"] for _, _, b in rows if b)
        bmiss = sum(b["misses"] for _, _, b in rows if b)
        print(f"baseline (intent at {BASELINE_COMMIT}): false alarms {bfa}/{total_cases} "
              f"({bfa / max(1, total_cases):.1%}), misses {bmiss}/{total_wrong} "
              f"({bmiss / max(1, total_wrong):.1%}); misses now / baseline "
              f"{miss / max(1, bmiss):.2f}x")
    if args.perturb:
        cases = [c for path in files for c in load_cases([path])]
        print("\nperturbed correct parts (new parts only), caught / tried:")
        for name, (caught, tried) in perturbed(cases, args.cache).items():
            print(f"  {name}: {caught}/{tried} ({caught / max(1, tried):.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
