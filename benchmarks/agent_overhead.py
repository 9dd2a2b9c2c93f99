"""Where a turn's wall time goes: model, OpenSCAD, checks, preview, and everything else.

"Everything else" is the agent itself (extraction, intent, prompts, session saves after
every step, trajectory lines, file copies): it must stay under 5% of a turn. The baseline,
measured in the same run, is the same programs compiled and checked directly with
tools.openscad / tools.mesh / tools.spec, with no agent around them.

    python benchmarks/agent_overhead.py                    # scripted replies, 8 turns
    python benchmarks/agent_overhead.py --turns 20
    python benchmarks/agent_overhead.py --backend hf --model PATH   # a real local model
    python benchmarks/agent_overhead.py --backend hf --model tiny   # tests/tiny_llama.py
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from agent.backends import get_backend  # noqa: E402
from agent.backends.base import Backend  # noqa: E402
from agent.backends.scripted import ScriptedBackend  # noqa: E402
from agent.config import AgentConfig  # noqa: E402
from agent.intent import infer_spec  # noqa: E402
from agent.session import Session  # noqa: E402
from tools.mesh import analyze_mesh  # noqa: E402
from tools.openscad import compile_scad  # noqa: E402
from tools.spec import check_spec  # noqa: E402

# (prompt, first reply: broken, second reply: good) -- one repair per turn, as is typical
WORKLOAD = [
    ("a 60 x 40 x 5 mm plate with four M3 holes",
     "difference() {\n cube([60, 40, 5]);\n for (x = [5, 55], y = [5, 35])\n"
     "  translate([x, y, -1] cylinder(d = 3.2, h = 7, $fn = 24);\n}",
     "difference() {\n cube([60, 40, 5]);\n for (x = [5, 55], y = [5, 35])\n"
     "  translate([x, y, -1]) cylinder(d = 3.2, h = 7, $fn = 24);\n}"),
    ("a 20 mm cube", "cube(20", "cube(20);"),
    ("a cylinder, diameter 30 and 10 tall", "cylinder(d = 30 h = 10, $fn = 64);",
     "cylinder(d = 30, h = 10, $fn = 64);"),
    ("a washer 20 mm outer diameter, 8 mm inner diameter, 2 mm thick",
     "difference() { cylinder(d = 20, h = 2, $fn = 64); cylinder(d = 8, h = 5, $fn = 32) }",
     "difference() { cylinder(d = 20, h = 2, $fn = 64);\n"
     " translate([0, 0, -1]) cylinder(d = 8, h = 4, $fn = 32); }"),
]


def scripted_turns(n: int) -> tuple[list[str], list[str]]:
    prompts, replies = [], []
    for k in range(n):
        prompt, bad, good = WORKLOAD[k % len(WORKLOAD)]
        prompts.append(prompt)
        replies += [f"```openscad\n{bad}\n```", f"Fixed:\n```openscad\n{good}\n```"]
    return prompts, replies


def direct_baseline(programs: list[str], prompt: str, work: Path) -> float:
    """Compile and check the same programs with the tools directly; seconds in all."""
    started = time.perf_counter()
    for k, program in enumerate(programs):
        result = compile_scad(program, out_dir=work / f"direct-{k}")
        if result.stl is not None:
            check_spec(infer_spec(prompt), analyze_mesh(result.stl))
    return time.perf_counter() - started


def run_turns(backend: Backend, prompts: list[str], work: Path, config: AgentConfig) -> list[dict]:
    """Fresh session per prompt (so each is a first turn); wall time measured outside.
    Right after each turn, the programs it judged are compiled and checked directly (the
    baseline), so both see the same machine load."""
    rows = []
    for k, prompt in enumerate(prompts):
        session = Session(work / f"s{k}", backend, config, out_dir=work / f"out{k}")
        started = time.perf_counter()
        for _ in session.send(prompt):
            pass
        wall = time.perf_counter() - started
        turn = session.turns[-1]
        t = turn.timings
        parts = {key: t.get(key, 0.0) for key in ("model_s", "compile_s", "check_s",
                                                   "render_s")}
        programs = [a["data"]["program"] for a in
                    (json.loads(line) for line in session.trajectory_path.open())
                    if a.get("kind") == "reply" and a["data"].get("program")]
        direct = direct_baseline(programs, prompt, work / f"direct{k}")
        rows.append({"wall": wall, **parts, "other": wall - sum(parts.values()),
                     "status": turn.status, "repairs": turn.repairs_used, "direct": direct})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=8)
    parser.add_argument("--backend", default="scripted", choices=("scripted", "hf"))
    parser.add_argument("--model", help="hf: model directory, or 'tiny' for a random tiny "
                                        "LLaMA built on the spot")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="where sessions are written (default: the system temp dir); "
                             "the agent's own share is mostly file renames, so the disk "
                             "matters: compare /dev/shm with a real disk")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="agent-overhead-", dir=args.workdir) as tmp:
        work = Path(tmp)
        prompts, replies = scripted_turns(args.turns)
        if args.backend == "scripted":
            backend = ScriptedBackend(replies)
            warm = ScriptedBackend(replies[:2])
            config = AgentConfig(backend="scripted", max_repairs=3)
        else:
            model = args.model
            if model in (None, "tiny"):
                sys.path.insert(0, str(ROOT / "tests"))
                from tiny_llama import make_tiny_llama

                model = str(make_tiny_llama(work / "tiny"))
            backend = warm = get_backend("hf", model=model)
            # one greedy reply per attempt, 2 attempts: timings stay comparable
            config = AgentConfig(backend="hf", strategy="repair", max_repairs=1,
                                 reply_max_tokens=128, grammar=False)
        # warm-up: imports, OpenSCAD's first start, the renderer's first call
        run_turns(warm, prompts[:1], work / "warm", config)

        rows = run_turns(backend, prompts, work / "agent", config)
        baseline = sum(r["direct"] for r in rows)

    total = sum(r["wall"] for r in rows)
    sums = {key: sum(r[key] for r in rows) for key in ("model_s", "compile_s", "check_s",
                                                       "render_s", "other")}
    print(f"backend {args.backend}, {len(rows)} turns in {args.workdir or tempfile.gettempdir()}, "
          f"{sum(r['repairs'] for r in rows)} repairs, statuses "
          f"{sorted({r['status'] for r in rows})}")
    print(f"{'part':<10}{'total s':>10}{'per turn s':>12}{'share':>9}")
    for key, label in (("model_s", "model"), ("compile_s", "openscad"), ("check_s", "checks"),
                       ("render_s", "preview"), ("other", "other")):
        print(f"{label:<10}{sums[key]:>10.3f}{sums[key] / len(rows):>12.4f}"
              f"{sums[key] / total:>9.1%}")
    print(f"{'turn':<10}{total:>10.3f}{total / len(rows):>12.4f}{1:>9.0%}")
    other = [r["other"] / r["wall"] for r in rows]
    print(f"other / total: {sums['other'] / total:.2%} (median turn {statistics.median(other):.2%},"
          f" worst {max(other):.2%}); target < 5%")
    if baseline > 0:
        print(f"baseline (same programs compiled + checked directly): {baseline:.3f} s; "
              f"agent turns without the preview / baseline: "
              f"{(total - sums['render_s']) / baseline:.2f}x")


if __name__ == "__main__":
    main()
