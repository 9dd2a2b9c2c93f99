"""`scad-agent eval run [SUITE]` and `scad-agent eval compare A B`.

run exit codes: 0 done (and the pass rate reached --min-pass-rate), 1 below it, 2 bad usage,
3 the backend could not start. compare: 0, or 1 with --fail-on-regression when a case got
worse.
"""

from __future__ import annotations

import dataclasses
import json
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from agent.cli_flags import ALL_FLAGS, AgentFlags, agent_flags
from agent.run_cli import agent_config
from tools.errors import ScadAgentError

if TYPE_CHECKING:
    from agent.backends.base import Backend
    from evals.harness import CaseResult

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
DEFAULT_SEED = 0  # hf sampling seed for eval runs unless the config sets backend_config.seed
STATUS_COLOUR = {"pass": "green", "fail_spec": "yellow", "no_part": "red", "timeout": "red",
                 "error": "red"}


def _usage(message: str, as_json: bool) -> typer.Exit:
    if as_json:
        print(json.dumps({"status": "error", "exit_code": 2, "error": message}))
    else:
        Console(stderr=True, highlight=False).print(f"[red]error:[/red] {escape(message)}")
    return typer.Exit(2)


@app.command("run")
@agent_flags(*(name for name in ALL_FLAGS if name != "grammar_mode"))
def run_cmd(
    suite_arg: Annotated[Path | None, typer.Argument(
        metavar="SUITE", help="Suite JSONL (default: ../shared/evals/public.jsonl).")] = None,
    suite: Annotated[Path | None, typer.Option("--suite", help="Same as SUITE.")] = None,
    flags: AgentFlags = AgentFlags(),
    workers: Annotated[int, typer.Option(help="Cases run at once.")] = 1,
    timeout: Annotated[float, typer.Option(help="Seconds allowed per case.")] = 600.0,
    case: Annotated[list[str] | None, typer.Option(
        "--case", help="Only these case ids (globs allowed; repeatable).")] = None,
    limit: Annotated[int | None, typer.Option(help="Only the first N cases.")] = None,
    oracle_spec: Annotated[bool, typer.Option(
        "--oracle-spec", help="Show the agent each case's spec (an upper bound).")] = False,
    no_reference: Annotated[bool, typer.Option(
        "--no-reference", help="Skip reference-mesh scoring.")] = False,
    out: Annotated[Path | None, typer.Option(
        help="Run directory (default runs/eval-DATE-TIME).")] = None,
    min_pass_rate: Annotated[float, typer.Option(
        help="Exit 1 when the pass rate is below this (0..1).")] = 0.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON summary.")] = False,
) -> None:
    """Run an eval suite through the agent and write results, summary and report."""
    from agent.backends import get_backend
    from evals.harness import EvalConfig, run_suite
    from evals.report import turn_marks, write_run
    from evals.suite import default_suite_path, load_suite, select

    console = Console(highlight=False, quiet=as_json)
    if suite_arg is not None and suite is not None:
        raise _usage("give the suite once: as SUITE or as --suite", as_json)
    try:
        suite_path = suite_arg or suite or default_suite_path()
        cases = select(load_suite(suite_path), case, limit)
        config = agent_config(flags)
    except ScadAgentError as exc:
        raise _usage(str(exc), as_json) from exc
    if workers < 1 or timeout <= 0:
        raise _usage("--workers must be at least 1 and --timeout positive", as_json)
    if config.backend == "hf" and "seed" not in config.backend_config:
        # the candidates after the greedy one are sampled: seeded, a run with one worker is
        # repeatable, and comparing two runs compares the change, not the dice
        config = dataclasses.replace(config, backend_config={**config.backend_config,
                                                              "seed": DEFAULT_SEED})
    if config.backend == "scripted" and workers > 1:
        workers = 1  # a replies file is one queue: replaying it in parallel would mix cases
        console.print("[yellow]scripted backend: running one case at a time[/yellow]")

    try:
        first_backend = get_backend(config.backend, **config.backend_config)
    except ScadAgentError as exc:
        if as_json:
            print(json.dumps({"status": "error", "exit_code": 3, "error": str(exc)}))
        else:
            Console(stderr=True).print(f"[red]backend {escape(config.backend)}:[/red] "
                                       f"{escape(str(exc))}")
        raise typer.Exit(3) from exc
    spare = [first_backend]

    def factory() -> Backend:  # the one built to fail fast is used first
        return spare.pop() if spare else get_backend(config.backend, **config.backend_config)

    run_dir = out or Path("runs") / datetime.now().strftime("eval-%Y%m%d-%H%M%S")
    started = time.monotonic()

    def show(result: CaseResult) -> None:
        colour = STATUS_COLOUR[result.status]
        keys = f" failed: {', '.join(result.failed_keys)}" if result.failed_keys else ""
        marks = f" turns {turn_marks(result)}" if len(result.turn_results) > 1 else ""
        said = " agent said OK" if result.false_ok else ""
        console.print(f"[{colour}]{result.status:9}[/{colour}] {escape(result.id)} "
                      f"({result.latency_s:.1f} s, {result.repairs_used} repairs){marks}"
                      f"{escape(keys)}{said}")

    results = run_suite(cases, factory, config, run_dir,
                        EvalConfig(workers=workers, case_timeout_s=timeout,
                                   oracle_spec=oracle_spec, reference=not no_reference),
                        on_result=show)
    meta: dict[str, Any] = {
        "suite": str(suite_path), "backend": config.backend,
        "model": config.backend_config.get("model"), "strategy": config.resolved_strategy,
        "max_repairs": config.max_repairs, "workers": workers, "case_timeout_s": timeout,
        "oracle_spec": oracle_spec, "started": datetime.now().isoformat(timespec="seconds"),
        "wall_s": round(time.monotonic() - started, 2), "config": config.to_dict(),
    }
    summary = write_run(run_dir, results, meta)
    code = 0 if summary["pass_rate"] >= min_pass_rate else 1
    if as_json:
        print(json.dumps({**summary, "run_dir": str(run_dir), "exit_code": code}, default=str))
    else:
        counts = summary["counts"]
        edit = summary["turns"]["edit"]
        if edit["turns"]:
            create = summary["turns"]["create"]
            console.print(
                f"create turns {create['passed']}/{create['turns']} passed (false OK "
                f"{create['false_ok']}/{create['said_ok']}), edit turns "
                f"{edit['passed']}/{edit['turns']} passed (false OK "
                f"{edit['false_ok']}/{edit['said_ok']}, p50 {edit['latency_p50_s']} s)")
        console.print(
            f"[bold]{counts['pass']}/{summary['cases']} passed[/bold] "
            f"(false OK {summary['false_ok']}/{summary['said_ok']}, "
            f"compile@1 {summary['compile_first_rate']:.0%}, compile "
            f"{summary['compile_rate']:.0%}, mean repairs {summary['mean_repairs']}, "
            f"p50 {summary['latency_p50_s']} s); report: {escape(str(run_dir / 'report.md'))}"
        )
    raise typer.Exit(code)


@app.command("compare")
def compare_cmd(
    before: Annotated[Path, typer.Argument(help="First run (directory or results.jsonl).")],
    after: Annotated[Path, typer.Argument(help="Second run.")],
    fail_on_regression: Annotated[bool, typer.Option(
        "--fail-on-regression", help="Exit 1 when any case got worse.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Per-case regressions and improvements between two runs."""
    from evals.compare import compare_runs, describe

    try:
        comparison = compare_runs(before, after)
    except ScadAgentError as exc:
        raise _usage(str(exc), as_json) from exc
    if as_json:
        print(json.dumps(comparison.to_dict()))
    else:
        console = Console(highlight=False)
        for line in describe(comparison):
            console.print(escape(line))
    if fail_on_regression and comparison.regressions:
        raise typer.Exit(1)
