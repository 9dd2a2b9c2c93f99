"""Per-subset figures of held-out eval runs, side by side:

    .venv/bin/python -m evals.suites.heldout_builder.figures LABEL=RUN_DIR ...

For each run and subset (one-liners, maker, engineering: read from the case id), the
spec-pass rate, false OK (the agent said OK, the spec fails) over the cases it called OK,
cases without geometry, and p50 seconds per part, as a Markdown table."""

from __future__ import annotations

import sys
from pathlib import Path

from evals.report import load_results, summarize

SUBSETS = {"line-": "one-liners", "maker-": "maker", "eng-": "engineering"}


def rows(label: str, run: Path) -> list[str]:
    results = load_results(run)
    out = []
    for prefix, subset in SUBSETS.items():
        picked = [r for r in results if r.id.startswith(prefix)]
        if not picked:
            continue
        s = summarize(picked)
        no_part = s["counts"]["no_part"] + s["counts"]["error"] + s["counts"]["timeout"]
        out.append(f"| {label} | {subset} | {s['counts']['pass']}/{s['cases']} "
                   f"({s['pass_rate']:.0%}) | {s['false_ok']}/{s['said_ok']} "
                   f"({s['false_ok_rate']:.0%}) | {no_part} | {s['latency_p50_s']:.1f} |")
    return out


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    print("| model | subset | spec pass | false OK | no geometry | p50 s/part |")
    print("|---|---|---|---|---|---|")
    for arg in args:
        label, _, run = arg.partition("=")
        print("\n".join(rows(label, Path(run))))


if __name__ == "__main__":
    main()
