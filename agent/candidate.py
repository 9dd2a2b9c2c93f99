"""One program judged: what the model said, what OpenSCAD and the checks made of it.

The loop (agent/loop.py) makes a Candidate per reply and hands it to `judge`, which compiles
the program in the candidate's own folder and checks the mesh against the turn's spec."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from agent.backends.base import Reply
from agent.extract import Extraction
from agent.prompts import TRUNCATED, check_failures
from tools.mesh import MeshReport, analyze_mesh
from tools.openscad import CompileResult, Limits, compile_scad
from tools.spec import SpecResult, check_spec


class JudgeContext(Protocol):
    """What judging needs from the session (agent.session.Session provides it)."""

    def attempt_dir(self, attempt: int, candidate: int) -> Path:
        """A fresh directory for one candidate's files."""
        ...

    @property
    def session_dir(self) -> Path: ...

    @property
    def previous_report(self) -> MeshReport | None:
        """The current part's mesh report before this turn (None on the first turn)."""
        ...

    @property
    def first_report(self) -> MeshReport | None:
        """The part after the session's first prompt: an explicit (eval) spec's `grow` is
        measured from it, while `grow` read from a follow-up is measured from the previous
        part."""
        ...

    @property
    def previous_program(self) -> str | None:
        """The current part's program before this turn (what a follow-up edits)."""
        ...

    @property
    def explicit_spec(self) -> dict | None:
        """A spec given from outside (an eval, the user), merged over the inferred one."""
        ...


@dataclass
class Candidate:
    attempt: int
    index: int
    reply: Reply
    extraction: Extraction
    compile: CompileResult | None = None
    report: MeshReport | None = None
    spec_result: SpecResult | None = None
    failures: list[str] = field(default_factory=list)
    compile_s: float = 0.0
    check_s: float = 0.0
    scad_path: Path | None = None

    @property
    def program(self) -> str | None:
        return self.extraction.program

    @property
    def truncated(self) -> bool:
        """The backend cut the reply off, or the program in it is visibly unfinished."""
        return self.reply.truncated or self.extraction.truncated

    @property
    def compiled(self) -> bool:
        return self.compile is not None and self.compile.ok and self.report is not None \
            and not self.report.empty

    @property
    def passed(self) -> bool:
        return self.compiled and self.spec_result is not None and self.spec_result.passed

    @property
    def score(self) -> tuple[int, int, int, int]:
        """Higher is better: has a program, compiles, watertight, fewer failed checks."""
        watertight = bool(self.report and self.report.watertight
                          and self.report.winding_consistent)
        failed = len(self.failures) if self.compiled else 1_000
        return (int(self.program is not None), int(self.compiled), int(watertight), -failed)

    def same_result_as(self, twin: Candidate) -> None:
        """Take a judged twin's verdict (an identical program is compiled once)."""
        self.compile, self.report, self.spec_result = twin.compile, twin.report, twin.spec_result
        self.failures, self.scad_path = list(twin.failures), twin.scad_path

    def files(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.scad_path is not None:
            out["scad"] = str(self.scad_path)
        if self.compile is not None and self.compile.stl is not None:
            out["stl"] = str(self.compile.stl)
        return out

    def summary(self) -> dict[str, Any]:
        """JSON-safe facts about this candidate, for steps, sessions and trajectories."""
        return {
            "attempt": self.attempt,
            "candidate": self.index,
            "program": self.program,
            "extraction": self.extraction.reason,
            "patch": self.extraction.patch,
            "truncated": self.truncated,
            "finish_reason": self.reply.finish_reason,
            "compile_status": self.compile.status if self.compile else None,
            "compiled": self.compiled,
            "passed": self.passed,
            "failures": list(self.failures),
            "score": list(self.score),
            "files": self.files(),
        }


def clean_text(text: str) -> str:
    """Model or user text made safe to store: lone surrogates (undecodable bytes, broken
    model output) become U+FFFD so JSON and files can always be written."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _check(spec: dict, report: MeshReport, ctx: JudgeContext, program: str) -> SpecResult:
    """Inferred checks compare with the previous part; an explicit (eval) spec's grow with
    the part after the first prompt."""
    def run(part: dict, first: MeshReport | None) -> SpecResult:
        return check_spec(part, report, first=first, program=program,
                          previous_program=ctx.previous_program)

    explicit_grow = (ctx.explicit_spec or {}).get("grow")
    if explicit_grow is None:
        return run(spec, ctx.previous_report)
    rest = run({k: v for k, v in spec.items() if k != "grow"}, ctx.previous_report)
    grow = run({"grow": explicit_grow}, ctx.first_report)
    return SpecResult(passed=rest.passed and grow.passed, checks=rest.checks + grow.checks,
                      skipped=rest.skipped + grow.skipped)


def judge(candidate: Candidate, ctx: JudgeContext, spec: dict, limits: Limits) -> None:
    """Compile and check one candidate in place (ScadAgentError: a broken install)."""
    program = candidate.program
    if program is None:
        candidate.failures = [candidate.extraction.reason]
        return
    folder = ctx.attempt_dir(candidate.attempt, candidate.index)
    candidate.scad_path = folder / "part.scad"
    candidate.scad_path.write_text(program, encoding="utf-8")
    started = time.monotonic()
    candidate.compile = compile_scad(program, out_dir=folder, formats=("stl",), limits=limits,
                                     session_dir=ctx.session_dir)
    candidate.compile_s = time.monotonic() - started
    if not candidate.compile.ok or candidate.compile.stl is None:
        # a cut-off reply's syntax error is only where it was cut: the cut is the news
        candidate.failures = [TRUNCATED] if candidate.truncated else []
        return
    started = time.monotonic()
    candidate.report = analyze_mesh(candidate.compile.stl)
    candidate.spec_result = _check(spec, candidate.report, ctx, program)
    candidate.check_s = time.monotonic() - started
    candidate.failures = check_failures(candidate.spec_result, candidate.report)
    if candidate.truncated:
        # a cut-off reply explains the failed checks: say so right after the empty-part line
        candidate.failures.insert(1 if candidate.report.empty else 0, TRUNCATED)
