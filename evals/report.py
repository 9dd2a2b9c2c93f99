"""What a run amounts to: summary numbers, failures per spec key, and the files of a run.

A run directory holds:
    results.jsonl   one CaseResult per line (suite order)
    summary.json    summarize() plus the run's metadata (suite, backend, config, times)
    report.md       the same for people, with previews of a few failed parts
    previews/       those previews (PNG, rendered by tools.render)
    cases/ID/       each case's agent session (written by the harness)
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals.harness import STATUSES, CaseResult, TurnResult
from tools.errors import ScadAgentError

RESULTS_FILE = "results.jsonl"
SUMMARY_FILE = "summary.json"
REPORT_FILE = "report.md"
PREVIEWS_DIR = "previews"
MAX_PREVIEWS = 6


def _percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return float(ordered[rank - 1])


def _rate(count: int, total: int) -> float:
    return round(count / total, 4) if total else 0.0


def _turn_block(turns: Sequence[TurnResult]) -> dict[str, Any]:
    """Pass and false-OK numbers of one kind of turn (create or edit)."""
    scored = [t for t in turns if t.scored]
    said_ok = [t for t in scored if t.said_ok]
    false_ok = sum(t.false_ok for t in scored)
    ran = [t.latency_s for t in turns if t.agent_status != "not_run"]
    return {
        "turns": len(scored),
        "passed": sum(t.passed for t in scored),
        "pass_rate": _rate(sum(t.passed for t in scored), len(scored)),
        "said_ok": len(said_ok),
        "false_ok": false_ok,
        "false_ok_rate": _rate(false_ok, len(said_ok)),
        "latency_p50_s": round(_percentile(ran, 50), 3),
        "modes": dict(Counter(t.mode for t in turns if t.mode).most_common()),
    }


def _key_failures(results: Sequence[CaseResult]) -> Counter:
    """Failed spec keys, counted over scored turns that produced a part (results written
    before per-turn records: over cases with a final part)."""
    counts: Counter = Counter()
    for r in results:
        if r.turn_results:
            counts.update(k for t in r.turn_list() if t.scored and t.has_part
                          for k in t.failed_keys)
        elif r.compiled:
            counts.update(r.failed_keys)
    return counts


def summarize(results: Sequence[CaseResult]) -> dict[str, Any]:
    """The run's numbers. Spec-key failures are counted over turns that produced a part:
    a turn without one fails every key, which says nothing about any key.

    False OK, next to every pass rate: among the cases (turns) the agent called OK, the
    fraction whose spec fails. A case counts as said OK when every scored turn was."""
    n = len(results)
    statuses = Counter(r.status for r in results)
    latencies = [r.latency_s for r in results]
    tokens = [r.total_tokens for r in results]
    said_ok = sum(r.said_ok for r in results)
    false_ok = sum(r.false_ok for r in results)
    turns = [t for r in results for t in r.turn_list()]
    blocks = {kind: _turn_block([t for t in turns if t.kind == kind])
              for kind in ("create", "edit")}
    refs = [r.reference for r in results if r.reference and "iou" in r.reference]
    summary: dict[str, Any] = {
        "cases": n,
        "counts": {s: statuses.get(s, 0) for s in STATUSES},
        "pass_rate": _rate(statuses.get("pass", 0), n),
        "said_ok": said_ok,
        "false_ok": false_ok,
        "false_ok_rate": _rate(false_ok, said_ok),
        "create_pass_rate": blocks["create"]["pass_rate"],
        "create_false_ok_rate": blocks["create"]["false_ok_rate"],
        "edit_pass_rate": blocks["edit"]["pass_rate"],
        "edit_false_ok_rate": blocks["edit"]["false_ok_rate"],
        "turns": blocks,
        "compile_first_rate": _rate(sum(r.compiled_first for r in results), n),
        "compile_rate": _rate(sum(r.compiled for r in results), n),
        "mean_repairs": round(sum(r.repairs_used for r in results) / n, 3) if n else 0.0,
        "tokens_total": int(sum(tokens)),
        "tokens_mean": round(sum(tokens) / n, 1) if n else 0.0,
        "latency_mean_s": round(sum(latencies) / n, 3) if n else 0.0,
        "latency_p50_s": round(_percentile(latencies, 50), 3),
        "latency_p90_s": round(_percentile(latencies, 90), 3),
        "latency_max_s": round(max(latencies, default=0.0), 3),
        "key_failures": dict(_key_failures(results).most_common()),
    }
    if refs:
        summary["reference"] = {
            "cases": len(refs),
            "iou_mean": round(sum(r["iou"] for r in refs) / len(refs), 4),
            "chamfer_rel_mean": round(sum(r["chamfer_rel"] for r in refs) / len(refs), 5),
        }
    return summary


def _previews(results: Sequence[CaseResult], out_dir: Path) -> dict[str, str]:
    """PNG previews of up to MAX_PREVIEWS failed cases that have a part; id -> relative path."""
    from tools.render import render_png

    folder = out_dir / PREVIEWS_DIR
    shutil.rmtree(folder, ignore_errors=True)  # a reused run directory: no stale previews
    made: dict[str, str] = {}
    for r in results:
        if len(made) >= MAX_PREVIEWS:
            break
        if r.status == "pass" or not r.files.get("stl"):
            continue
        target = folder / f"{r.id}.png"
        folder.mkdir(parents=True, exist_ok=True)
        try:
            if r.files.get("png") and Path(r.files["png"]).is_file():
                shutil.copyfile(r.files["png"], target)
            else:
                render_png(Path(r.files["stl"]), target)
        except (OSError, ScadAgentError):
            continue  # a missing preview must not lose the report
        made[r.id] = f"{PREVIEWS_DIR}/{target.name}"
    return made


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _false_ok(count: int, said_ok: int) -> str:
    return f"{count}/{said_ok} ({_rate(count, said_ok):.0%})" if said_ok else "0/0"


def turn_marks(r: CaseResult) -> str:
    """One mark per message: P pass, F fail, F! fail the agent called OK, - not scored."""
    marks = []
    for t in r.turn_list():
        marks.append("-" if not t.scored else "P" if t.passed else "F!" if t.false_ok else "F")
    return " ".join(marks) or "-"


def _turns_table(summary: dict[str, Any]) -> list[str]:
    create, edit = summary["turns"]["create"], summary["turns"]["edit"]
    lines = ["## Turns", "",
             "False OK: the agent said the part was OK and its spec fails "
             "(of the turns the agent called OK).", "",
             "| scored | count | pass | false OK | p50 s |", "|---|---|---|---|---|"]
    for name, block in (("create turns", create), ("edit turns", edit)):
        lines.append(f"| {name} | {block['turns']} | {block['passed']} "
                     f"({block['pass_rate']:.0%}) | "
                     f"{_false_ok(block['false_ok'], block['said_ok'])} | "
                     f"{block['latency_p50_s']} |")
    lines.append(f"| conversations (all turns pass) | {summary['cases']} | "
                 f"{summary['counts']['pass']} ({summary['pass_rate']:.0%}) | "
                 f"{_false_ok(summary['false_ok'], summary['said_ok'])} | "
                 f"{summary['latency_p50_s']} |")
    for name, block in (("create turns", create), ("edit turns", edit)):
        if block.get("modes"):
            made = ", ".join(f"{mode} {n}" for mode, n in block["modes"].items())
            lines += ["", f"Parts of {name} made by: {made}."]
    return [*lines, ""]


def _check_lines(checks: list[dict], indent: str = "") -> list[str]:
    return [f"{indent}- {c['key']}: {_md_escape(str(c['message']))}"
            for c in checks if not c.get("passed")]


def _failure_lines(r: CaseResult) -> list[str]:
    """What went wrong in one case: turn by turn when a follow-up is scored."""
    lines = [f"- error: {_md_escape(r.error)}"] if r.error else []
    turns = [t for t in r.turn_list() if t.scored]
    if not any(t.index > 1 for t in turns):  # one scored part: the prompt's (or an old file)
        if r.false_ok:
            lines.append("- the agent said the part was OK")
        if r.status == "no_part":
            lines.append(f"- no part: OpenSCAD status {r.compile_status or 'none'} "
                         "(no program, or it did not compile); every spec key fails")
        elif r.status == "fail_spec":
            lines += _check_lines(r.checks)
        return lines
    for t in turns:
        if t.passed:
            continue
        said = " (the agent said OK)" if t.false_ok else ""
        lines.append(f"- turn {t.index}, {t.kind}, agent {t.agent_status}{said}: "
                     f"\"{_md_escape(t.text)}\"")
        if t.has_part:
            lines += _check_lines(t.checks, "  ")
        elif t.agent_status in ("failed_checks", "no_part"):
            lines.append("  - no part (no program, or it did not compile); every key fails")
    return lines


def markdown(results: Sequence[CaseResult], summary: dict[str, Any], meta: dict[str, Any],
             previews: dict[str, str]) -> str:
    counts = summary["counts"]
    lines = ["# Eval report", ""]
    for key in ("suite", "backend", "model", "strategy", "max_repairs", "started", "wall_s"):
        if meta.get(key) is not None:
            lines.append(f"- {key}: {meta[key]}")
    lines += [
        "",
        "| cases | pass | false OK | spec fail | no part | timeout | error | compile@1 | "
        "compile | mean repairs | tokens/case | p50 s | p90 s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        f"| {summary['cases']} | {counts['pass']} ({summary['pass_rate']:.0%}) | "
        f"{_false_ok(summary['false_ok'], summary['said_ok'])} | "
        f"{counts['fail_spec']} | {counts['no_part']} | {counts['timeout']} | "
        f"{counts['error']} | {summary['compile_first_rate']:.0%} | "
        f"{summary['compile_rate']:.0%} | {summary['mean_repairs']} | "
        f"{summary['tokens_mean']} | {summary['latency_p50_s']} | {summary['latency_p90_s']} |",
        "",
    ]
    if summary["turns"]["edit"]["turns"]:
        lines += _turns_table(summary)
    if summary["key_failures"]:
        lines += ["## Failed spec keys (turns with a part)", "", "| key | turns |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in summary["key_failures"].items()]
        lines.append("")
    if "reference" in summary:
        ref = summary["reference"]
        lines += [f"Reference meshes: {ref['cases']} cases, mean IoU {ref['iou_mean']}, "
                  f"mean relative Chamfer {ref['chamfer_rel_mean']}", ""]
    lines += ["## Cases", "",
              "Turns: P pass, F fail, F! fail that the agent called OK, - not scored.", "",
              "| case | status | turns | repairs | tokens | seconds | failed keys |",
              "|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {_md_escape(r.id)} | {r.status} | {turn_marks(r)} | "
                     f"{r.repairs_used} | {r.total_tokens} | {r.latency_s:.2f} | "
                     f"{_md_escape(', '.join(r.failed_keys)) or '-'} |")
    failed = [r for r in results if r.status != "pass"]
    if failed:
        lines += ["", "## Failures", ""]
        for r in failed:
            lines += [f"### {_md_escape(r.id)}: {r.status}", "", f"> {_md_escape(r.prompt)}", ""]
            lines += _failure_lines(r)
            if r.id in previews:
                lines += ["", f"![{r.id}]({previews[r.id]})"]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write_run(out_dir: Path, results: Sequence[CaseResult], meta: dict[str, Any]) -> dict:
    """Write results.jsonl, summary.json, report.md (+ previews); returns the summary."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / RESULTS_FILE).open("w", encoding="utf-8") as fh:
        for r in results:
            fh.write(json.dumps(r.to_dict(), default=str) + "\n")
    summary = summarize(results)
    (out_dir / SUMMARY_FILE).write_text(
        json.dumps({**summary, "meta": meta}, indent=1, default=str), encoding="utf-8")
    previews = _previews(results, out_dir)
    (out_dir / REPORT_FILE).write_text(markdown(results, summary, meta, previews),
                                       encoding="utf-8")
    return summary


def load_results(path: Path) -> list[CaseResult]:
    """A run's results from its directory or its results.jsonl."""
    path = Path(path)
    if path.is_dir():
        path = path / RESULTS_FILE
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ScadAgentError(f"cannot read results {path}: {exc}") from exc
    try:
        return [CaseResult.from_dict(json.loads(line)) for line in lines if line.strip()]
    except (json.JSONDecodeError, TypeError) as exc:
        raise ScadAgentError(f"{path} is not a results file: {exc}") from exc
