"""How soon a command says something: the time from starting `scad-agent "PROMPT"` to its
first line on stderr ("loading model scad-tiny (11 MB)..."), against `python -c pass`
measured in the same run (the interpreter's own start, which no change of ours can remove).

The command is stopped as soon as its first line arrives: the model load and the turn
that follow are not part of this measure (benchmarks/generation.py covers them).

    python benchmarks/startup.py                  # the bundled model, 5 runs each
    python benchmarks/startup.py --runs 10 --args=--help   # (= : the value starts with -)
    python benchmarks/startup.py --against /tmp/old-checkout   # another tree, runs interleaved
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def first_stderr_line(argv: list[str], cwd: Path, root: Path = ROOT) -> tuple[float, str]:
    """Seconds until the process writes its first stderr line (or exits), and that line, with
    the code of the checkout `root`."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(root)}
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, start_new_session=True)
    assert process.stderr is not None
    line = process.stderr.readline()
    elapsed = time.perf_counter() - started
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)  # the model load is not measured here
    process.wait()
    process.stderr.close()
    return elapsed, line.decode(errors="replace").strip()


def timed_exit(argv: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--args", default='"bracket with two M3 holes"',
                        help="the scad-agent arguments, as one shell-quoted string")
    parser.add_argument("--against", type=Path, default=None,
                        help="another checkout (say, a copy of the last commit) to time too; "
                             "its runs alternate with this one's, so both meet the same load")
    args = parser.parse_args()
    command = [sys.executable, "-m", "agent.cli", *shlex.split(args.args)]
    with tempfile.TemporaryDirectory(prefix="scad-startup-") as tmp:
        work = Path(tmp)
        baseline = [timed_exit([sys.executable, "-c", "pass"], work) for _ in range(args.runs)]
        firsts, others = [], []
        for _ in range(args.runs):
            firsts.append(first_stderr_line(command, work))
            if args.against is not None:
                others.append(first_stderr_line(command, work, args.against.resolve()))
    base = statistics.median(baseline)
    first = statistics.median(t for t, _ in firsts)
    print(f"command: scad-agent {args.args}")
    print(f"first stderr line: {firsts[0][1]!r}")
    print(f"python -c pass (baseline): median {base:.3f} s over {args.runs} runs")
    print(f"first stderr line:         median {first:.3f} s "
          f"(min {min(t for t, _ in firsts):.3f}, max {max(t for t, _ in firsts):.3f})")
    print(f"ratio to the baseline: {first / base:.1f}x")
    if others:
        other = statistics.median(t for t, _ in others)
        print(f"{args.against}: first line {others[0][1]!r}, median {other:.3f} s, "
              f"{other / base:.1f}x the baseline; this tree takes {first / other:.2f}x its time")
    print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())} "
          f"on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
