"""Two runs of a suite, case by case: what got worse, what got better.

A case ranks pass > fail_spec > no_part > timeout/error (a part that fails its spec is
closer than no part at all), and within a status by how many of its scored turns passed (a
conversation that now fails at the first turn instead of the third got worse). A regression
is a case whose rank dropped; among cases that failed both times, newly failing spec keys
are listed too.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from evals.harness import CaseResult
from evals.report import load_results, summarize

RANK = {"pass": 3, "fail_spec": 2, "no_part": 1, "timeout": 0, "error": 0}
SUMMARY_KEYS = ("pass_rate", "false_ok_rate", "create_pass_rate", "create_false_ok_rate",
                "edit_pass_rate", "edit_false_ok_rate", "compile_first_rate", "compile_rate",
                "mean_repairs", "tokens_mean", "latency_p50_s")


@dataclass
class CaseChange:
    id: str
    before: str
    after: str
    new_failed_keys: list[str] = field(default_factory=list)
    fixed_keys: list[str] = field(default_factory=list)
    turns_passed: tuple[int, int] = (0, 0)  # scored turns that passed, before and after


@dataclass
class Comparison:
    regressions: list[CaseChange]
    improvements: list[CaseChange]
    changed_keys: list[CaseChange]  # same status, different failed keys
    only_before: list[str]
    only_after: list[str]
    summary_delta: dict[str, dict[str, float]]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _turns_passed(r: CaseResult) -> int:
    return sum(t.passed for t in r.turn_list())


def compare(before: list[CaseResult], after: list[CaseResult]) -> Comparison:
    a = {r.id: r for r in before}
    b = {r.id: r for r in after}
    regressions, improvements, changed = [], [], []
    for case_id in [r.id for r in before if r.id in b]:
        old, new = a[case_id], b[case_id]
        change = CaseChange(
            case_id, old.status, new.status,
            new_failed_keys=[k for k in new.failed_keys if k not in old.failed_keys],
            fixed_keys=[k for k in old.failed_keys if k not in new.failed_keys],
        )
        if old.turn_results and new.turn_results:  # results files from before have none
            change.turns_passed = (_turns_passed(old), _turns_passed(new))
        rank_old = (RANK[old.status], change.turns_passed[0])
        rank_new = (RANK[new.status], change.turns_passed[1])
        if rank_new < rank_old:
            regressions.append(change)
        elif rank_new > rank_old:
            improvements.append(change)
        elif change.new_failed_keys or change.fixed_keys:
            changed.append(change)
    common = set(a) & set(b)
    sa = summarize([r for r in before if r.id in common])
    sb = summarize([r for r in after if r.id in common])
    delta = {k: {"before": sa[k], "after": sb[k], "delta": round(sb[k] - sa[k], 4)}
             for k in SUMMARY_KEYS}
    return Comparison(
        regressions=regressions,
        improvements=improvements,
        changed_keys=changed,
        only_before=[r.id for r in before if r.id not in b],
        only_after=[r.id for r in after if r.id not in a],
        summary_delta=delta,
    )


def compare_runs(before: Path, after: Path) -> Comparison:
    return compare(load_results(before), load_results(after))


def describe(c: Comparison) -> list[str]:
    """Plain lines for a terminal."""
    lines = []
    for key, d in c.summary_delta.items():
        lines.append(f"{key}: {d['before']} -> {d['after']} ({d['delta']:+})")
    for title, items in (("regressions", c.regressions), ("improvements", c.improvements),
                         ("changed failing keys", c.changed_keys)):
        lines.append(f"{title}: {len(items)}")
        for ch in items:
            extra = ""
            if ch.new_failed_keys:
                extra += f" now failing: {', '.join(ch.new_failed_keys)}"
            if ch.fixed_keys:
                extra += f" fixed: {', '.join(ch.fixed_keys)}"
            if ch.turns_passed[0] != ch.turns_passed[1]:
                extra += f" turns passed: {ch.turns_passed[0]} -> {ch.turns_passed[1]}"
            lines.append(f"  {ch.id}: {ch.before} -> {ch.after}{extra}")
    if c.only_before or c.only_after:
        lines.append(f"only in the first run: {', '.join(c.only_before) or '-'}; "
                     f"only in the second: {', '.join(c.only_after) or '-'}")
    return lines
