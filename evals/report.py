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

from evals.harness import STATUSES, CaseResult
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


def summarize(results: Sequence[CaseResult]) -> dict[str, Any]:
    """The run's numbers. Spec-key failures are counted over cases that produced a part:
    a case without one fails every key, which says nothing about any key."""
    n = len(results)
    statuses = Counter(r.status for r in results)
    latencies = [r.latency_s for r in results]
    tokens = [r.total_tokens for r in results]
    key_failures = Counter(k for r in results if r.compiled for k in r.failed_keys)
    refs = [r.reference for r in results if r.reference and "iou" in r.reference]
    summary: dict[str, Any] = {
        "cases": n,
        "counts": {s: statuses.get(s, 0) for s in STATUSES},
        "pass_rate": _rate(statuses.get("pass", 0), n),
        "compile_first_rate": _rate(sum(r.compiled_first for r in results), n),
        "compile_rate": _rate(sum(r.compiled for r in results), n),
        "mean_repairs": round(sum(r.repairs_used for r in results) / n, 3) if n else 0.0,
        "tokens_total": int(sum(tokens)),
        "tokens_mean": round(sum(tokens) / n, 1) if n else 0.0,
        "latency_mean_s": round(sum(latencies) / n, 3) if n else 0.0,
        "latency_p50_s": round(_percentile(latencies, 50), 3),
        "latency_p90_s": round(_percentile(latencies, 90), 3),
        "latency_max_s": round(max(latencies, default=0.0), 3),
        "key_failures": dict(key_failures.most_common()),
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


def markdown(results: Sequence[CaseResult], summary: dict[str, Any], meta: dict[str, Any],
             previews: dict[str, str]) -> str:
    counts = summary["counts"]
    lines = ["# Eval report", ""]
    for key in ("suite", "backend", "model", "strategy", "max_repairs", "started", "wall_s"):
        if meta.get(key) is not None:
            lines.append(f"- {key}: {meta[key]}")
    lines += [
        "",
        "| cases | pass | spec fail | no part | timeout | error | compile@1 | compile | "
        "mean repairs | tokens/case | p50 s | p90 s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
        f"| {summary['cases']} | {counts['pass']} ({summary['pass_rate']:.0%}) | "
        f"{counts['fail_spec']} | {counts['no_part']} | {counts['timeout']} | "
        f"{counts['error']} | {summary['compile_first_rate']:.0%} | "
        f"{summary['compile_rate']:.0%} | {summary['mean_repairs']} | "
        f"{summary['tokens_mean']} | {summary['latency_p50_s']} | {summary['latency_p90_s']} |",
        "",
    ]
    if summary["key_failures"]:
        lines += ["## Failed spec keys (cases with a part)", "", "| key | cases |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in summary["key_failures"].items()]
        lines.append("")
    if "reference" in summary:
        ref = summary["reference"]
        lines += [f"Reference meshes: {ref['cases']} cases, mean IoU {ref['iou_mean']}, "
                  f"mean relative Chamfer {ref['chamfer_rel_mean']}", ""]
    lines += ["## Cases", "", "| case | status | repairs | tokens | seconds | failed keys |",
              "|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {_md_escape(r.id)} | {r.status} | {r.repairs_used} | "
                     f"{r.total_tokens} | {r.latency_s:.2f} | "
                     f"{_md_escape(', '.join(r.failed_keys)) or '-'} |")
    failed = [r for r in results if r.status != "pass"]
    if failed:
        lines += ["", "## Failures", ""]
        for r in failed:
            lines.append(f"### {_md_escape(r.id)}: {r.status}")
            lines.append("")
            lines.append(f"> {_md_escape(r.prompt)}")
            lines.append("")
            if r.error:
                lines.append(f"- error: {_md_escape(r.error)}")
            if r.status == "no_part":
                lines.append(f"- no part: OpenSCAD status {r.compile_status or 'none'} "
                             "(no program, or it did not compile); every spec key fails")
            else:
                for check in r.checks:
                    if not check.get("passed"):
                        lines.append(f"- {check['key']}: {_md_escape(str(check['message']))}")
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
