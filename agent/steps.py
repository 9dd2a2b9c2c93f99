"""The events a turn yields (agent.loop.run_turn), one typed payload per kind.

Every face, the session and the evals read the same stream; the payloads are plain dicts
(TypedDicts, so JSON-safe and written to the trajectory as they are) whose keys are listed
here once. agent.present words them for people."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

from agent.candidate import Candidate
from agent.intent import Expectations

StepKind = Literal["attempt", "reply", "compile", "checks", "repair", "done", "error"]
# How a turn ended (done["status"]) and why it stopped (done["stop"]).
TurnOutcome = Literal["ok", "failed_checks", "no_part"]
StopReason = Literal["passed", "max_repairs", "stuck", "wall_time", "tokens", "no_reply",
                     "language", "context", "direct", "already"]
# Whether the OpenSCAD grammar shaped the replies: "off" (not asked for), "applied", or
# "not_applied" (asked for, but the backend or server does not take one).
GrammarUse = Literal["off", "applied", "not_applied"]
# What an error step blames: the model backend, the prompt (too long for the model), the
# grammar files, or a local tool (OpenSCAD). Exit codes follow it (agent/run_cli.py).
ErrorCause = Literal["backend", "prompt", "grammar", "tool"]


class AttemptData(TypedDict):
    strategy: str
    n: int
    temperature: float  # the round's sampling temperature (a greedy first draw aside)
    grammar: bool       # a grammar is sent with the request
    spec: dict[str, Any]
    messages: list[dict[str, str]]


class ReplyData(TypedDict):
    candidate: int
    candidates: int     # how many the round drew
    reply: str          # capped (agent.loop.MAX_REPLY_CHARS)
    program: str | None
    extraction: str
    truncated: bool
    finish_reason: str
    constrained: bool
    model_s: float
    usage: dict[str, int]


class CompileData(TypedDict):
    candidate: int
    candidates: int
    status: str | None
    ok: bool
    summary: str
    result: dict[str, Any] | None
    compile_s: float
    files: dict[str, str]


class ChecksData(TypedDict):
    candidate: int
    candidates: int
    passed: bool
    checks: list[dict[str, Any]]
    failures: list[str]
    report: dict[str, Any] | None
    score: list[int]
    best_so_far: bool
    check_s: float
    program: str | None
    files: dict[str, str]


class RepairData(TypedDict):
    message: str
    from_attempt: int
    from_candidate: int
    failures: list[str]


class DoneData(TypedDict, total=False):
    status: TurnOutcome
    stop: StopReason
    spec: dict[str, Any]
    unchecked: list[str]
    note: str | None
    grammar: GrammarUse
    best: dict[str, Any] | None
    program: str | None
    checks: list[dict[str, Any]]
    report: dict[str, Any] | None
    files: dict[str, str]
    repairs_used: int
    timings: dict[str, float]
    tokens: dict[str, int]
    publish_error: str  # added by the session when the part could not reach --out


class ErrorData(TypedDict):
    message: str
    type: str
    cause: ErrorCause
    best: dict[str, Any] | None
    timings: dict[str, float]
    tokens: dict[str, int]


StepData = AttemptData | ReplyData | CompileData | ChecksData | RepairData | DoneData | \
    ErrorData


@dataclass
class Step:
    kind: StepKind
    attempt: int
    data: dict[str, Any] = field(default_factory=dict)  # one of the *Data shapes above

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "attempt": self.attempt, "data": self.data}


def reply_step(c: Candidate, of: int, text: str, model_s: float,
               usage: dict[str, int]) -> Step:
    data: ReplyData = {
        "candidate": c.index, "candidates": of, "reply": text, "program": c.program,
        "extraction": c.extraction.reason, "truncated": c.truncated,
        "finish_reason": c.reply.finish_reason, "constrained": c.reply.constrained,
        "model_s": round(model_s, 4), "usage": usage,
    }
    return Step("reply", c.attempt, dict(data))


def compile_step(c: Candidate, of: int) -> Step:
    result = c.compile
    data: CompileData = {
        "candidate": c.index, "candidates": of, "status": result.status if result else None,
        "ok": bool(result and result.ok),
        "summary": result.summary() if result else c.extraction.reason,
        "result": result.to_dict() if result else None, "compile_s": round(c.compile_s, 4),
        "files": c.files(),
    }
    return Step("compile", c.attempt, dict(data))


def checks_step(c: Candidate, of: int, best: Candidate | None) -> Step:
    spec_result = c.spec_result
    data: ChecksData = {
        "candidate": c.index, "candidates": of, "passed": c.passed,
        "checks": [check.to_dict() for check in spec_result.checks] if spec_result else [],
        "failures": list(c.failures), "report": c.report.to_dict() if c.report else None,
        "score": list(c.score), "best_so_far": best is c, "check_s": round(c.check_s, 4),
        "program": c.program, "files": c.files(),
    }
    return Step("checks", c.attempt, dict(data))


def error_step(attempt: int, exc: Exception, cause: ErrorCause, best: Candidate | None,
               budget: dict[str, Any]) -> Step:
    data: ErrorData = {"message": str(exc), "type": type(exc).__name__, "cause": cause,
                       "best": best.summary() if best else None, **budget}  # type: ignore[typeddict-item]
    return Step("error", attempt, dict(data))


def done_step(best: Candidate | None, expect: Expectations, spec: dict, stop: StopReason,
              attempts: int, grammar: GrammarUse, spent: dict[str, Any],
              note: str | None = None) -> Step:
    """The turn's last step: the best candidate and how the turn ended."""
    outcome: TurnOutcome = "ok" if best is not None and best.passed else (
        "failed_checks" if best is not None and best.compiled else "no_part")
    skipped = best.spec_result.skipped if best is not None and best.spec_result else []
    return Step("done", attempts, {
        "status": outcome, "stop": stop, "spec": spec,
        "unchecked": list(expect.unchecked) + list(skipped),
        "note": note, "grammar": grammar,
        "best": best.summary() if best else None, "program": best.program if best else None,
        "checks": ([c.to_dict() for c in best.spec_result.checks]
                   if best and best.spec_result else []),
        "report": best.report.to_dict() if best and best.report else None,
        "files": best.files() if best else {}, "repairs_used": max(0, attempts - 1),
        **spent})
