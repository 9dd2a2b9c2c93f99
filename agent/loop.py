"""One user turn: generate, extract, compile, check, repair, keep the best. Yields Steps.

Every face (CLI, TUI, web, evals) consumes the same Step stream through Session.send; none
re-implements this loop. The loop reads the session (conversation, previous part, where
files go) and never mutates it: the session applies the steps and saves them.

Strategies:
  repair    one greedy reply per attempt; a failing program comes back with its diagnostics
            and failed checks (agent.prompts.repair_message) for the next attempt.
  resample  verified resampling for small models: each attempt draws n candidates in one
            batched generate call, every distinct program is compiled and checked, the best
            is kept, and the repair (if still needed) starts from it.
The best attempt (compiles > watertight > fewer failed checks) wins, not the last one.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from agent.backends.base import Backend, BackendError, Message
from agent.config import AgentConfig
from agent.extract import Extraction, extract_program
from agent.intent import Expectations, merge_specs, read_request
from agent.prompts import check_failures, repair_message
from tools.errors import ScadAgentError
from tools.mesh import MeshReport, analyze_mesh
from tools.openscad import CompileResult, compile_scad
from tools.spec import SpecResult, check_spec

StepKind = Literal["attempt", "reply", "compile", "checks", "repair", "done", "error"]
# How a turn ended (Step "done" data["status"]).
TurnOutcome = Literal["ok", "failed_checks", "no_part"]
# Why it stopped.
StopReason = Literal["passed", "max_repairs", "stuck", "wall_time", "tokens", "no_reply",
                     "language"]


@dataclass
class Step:
    kind: StepKind
    attempt: int
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "attempt": self.attempt, "data": self.data}


class TurnContext(Protocol):
    """What run_turn needs from a session (agent.session.Session provides it)."""

    def turn_messages(self, text: str) -> list[Message]:
        """System prompt, the conversation so far, and `text` as the last user message."""
        ...

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
    def is_follow_up(self) -> bool: ...

    @property
    def explicit_spec(self) -> dict | None:
        """A spec given from outside (an eval, the user), merged over the inferred one."""
        ...


@dataclass
class Candidate:
    """One program judged: what the model said, what OpenSCAD and the checks made of it."""

    attempt: int
    index: int
    reply: str
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
            "truncated": self.extraction.truncated,
            "compile_status": self.compile.status if self.compile else None,
            "compiled": self.compiled,
            "passed": self.passed,
            "failures": list(self.failures),
            "score": list(self.score),
            "files": self.files(),
        }


@dataclass
class _Budget:
    config: AgentConfig
    started: float = field(default_factory=time.monotonic)
    tokens: dict[str, int] = field(
        default_factory=lambda: {"prompt_tokens": 0, "completion_tokens": 0}
    )
    timings: dict[str, float] = field(
        default_factory=lambda: {"model_s": 0.0, "compile_s": 0.0, "check_s": 0.0}
    )

    @property
    def used_tokens(self) -> int:
        return self.tokens["prompt_tokens"] + self.tokens["completion_tokens"]

    def exhausted(self) -> StopReason | None:
        if time.monotonic() - self.started >= self.config.max_wall_s:
            return "wall_time"
        if self.used_tokens >= self.config.max_tokens:
            return "tokens"
        return None

    def reply_tokens(self) -> int:
        left = self.config.max_tokens - self.used_tokens
        return max(1, min(self.config.reply_max_tokens, left))

    def add_usage(self, usage: dict[str, int] | None) -> None:
        for key in self.tokens:
            self.tokens[key] += int((usage or {}).get(key, 0))

    def snapshot(self) -> dict[str, Any]:
        total = time.monotonic() - self.started
        timings = {k: round(v, 4) for k, v in self.timings.items()}
        timings["total_s"] = round(total, 4)
        timings["other_s"] = round(max(0.0, total - sum(self.timings.values())), 4)
        return {"timings": timings, "tokens": dict(self.tokens)}


TRUNCATED = "the program is incomplete (the reply was cut off): write a shorter program"


def clean_text(text: str) -> str:
    """Model or user text made safe to store: lone surrogates (undecodable bytes, broken
    model output) become U+FFFD so JSON and files can always be written."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _normalized(program: str | None) -> str:
    return re.sub(r"\s+", " ", program or "").strip()


def load_program_grammar() -> str:
    """The OpenSCAD EBNF for constrained decoding, or a clear error saying how to go on."""
    try:
        from tools.grammar import load_grammar

        return load_grammar()
    except (ImportError, AttributeError, OSError) as exc:
        raise ScadAgentError(
            "the OpenSCAD grammar (tools/grammar) is not available; run without "
            f"constrained decoding (--no-grammar): {exc}"
        ) from exc


def _generate(backend: Backend, messages: list[Message], n: int, config: AgentConfig,
              grammar: str | None, budget: _Budget) -> list[str]:
    """n replies, in batches the backend can draw at once.

    With several samples, the first is greedy (config.greedy_first): a small model's most
    likely program is its best guess at the numbers, and sampling only adds variety for
    the verifier to choose from.
    """
    replies: list[str] = []
    batch = max(1, int(getattr(backend, "max_parallel", n) or n))
    greedy_first = config.greedy_first and n > 1 and config.resolved_temperature > 0
    while len(replies) < n:
        greedy = greedy_first and not replies
        want = 1 if greedy else min(batch, n - len(replies))
        temperature = 0.0 if greedy else config.resolved_temperature
        started = time.monotonic()
        got = backend.generate(messages, n=want, temperature=temperature,
                               grammar=grammar, max_tokens=budget.reply_tokens())
        budget.timings["model_s"] += time.monotonic() - started
        budget.add_usage(getattr(backend, "last_usage", None))
        replies.extend(clean_text(str(reply)) for reply in got[:want])
        if len(got) < want:
            break  # the backend gave what it could
    return replies


def _check(spec: dict, report: MeshReport, ctx: TurnContext, program: str | None
           ) -> SpecResult:
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


def _extract(reply: str, constrained: bool) -> Extraction:
    """A grammar-constrained reply is the program itself, or the program in one fence
    (backends with fenced grammars); anything else goes through the heuristics."""
    if constrained and "```" not in reply:
        program = reply.strip()
        return Extraction(program, "constrained") if program else Extraction(
            None, "no program: empty reply")
    return extract_program(reply)


def _judge(candidate: Candidate, ctx: TurnContext, spec: dict, config: AgentConfig,
           budget: _Budget) -> None:
    """Compile and check one candidate in place."""
    program = candidate.program
    if program is None:
        candidate.failures = [candidate.extraction.reason]
        return
    folder = ctx.attempt_dir(candidate.attempt, candidate.index)
    candidate.scad_path = folder / "part.scad"
    candidate.scad_path.write_text(program, encoding="utf-8")
    started = time.monotonic()
    candidate.compile = compile_scad(program, out_dir=folder, formats=("stl",),
                                     limits=config.compile_limits(),
                                     session_dir=ctx.session_dir)
    candidate.compile_s = time.monotonic() - started
    budget.timings["compile_s"] += candidate.compile_s
    truncated = [TRUNCATED] if candidate.extraction.truncated else []
    if not candidate.compile.ok or candidate.compile.stl is None:
        candidate.failures = truncated  # the compile diagnostics speak for themselves
        return
    started = time.monotonic()
    candidate.report = analyze_mesh(candidate.compile.stl)
    candidate.spec_result = _check(spec, candidate.report, ctx, program)
    candidate.check_s = time.monotonic() - started
    budget.timings["check_s"] += candidate.check_s
    candidate.failures = check_failures(candidate.spec_result, candidate.report)
    if candidate.extraction.truncated:
        # a cut-off reply explains the failed checks: say so right after the empty-part line
        candidate.failures.insert(1 if candidate.report.empty else 0, TRUNCATED)


def _candidate_steps(candidate: Candidate, model_s: float,
                     usage: dict[str, int]) -> Iterator[Step]:
    yield Step("reply", candidate.attempt, {
        "candidate": candidate.index,
        "reply": candidate.reply,
        "program": candidate.program,
        "extraction": candidate.extraction.reason,
        "truncated": candidate.extraction.truncated,
        "model_s": round(model_s, 4),
        "usage": usage,
    })


def _compile_step(candidate: Candidate) -> Step:
    result = candidate.compile
    return Step("compile", candidate.attempt, {
        "candidate": candidate.index,
        "status": result.status if result else None,
        "ok": bool(result and result.ok),
        "summary": result.summary() if result else candidate.extraction.reason,
        "result": result.to_dict() if result else None,
        "compile_s": round(candidate.compile_s, 4),
        "files": candidate.files(),
    })


def _checks_step(candidate: Candidate, best: Candidate | None) -> Step:
    spec_result = candidate.spec_result
    return Step("checks", candidate.attempt, {
        "candidate": candidate.index,
        "passed": candidate.passed,
        "checks": [c.to_dict() for c in spec_result.checks] if spec_result else [],
        "failures": list(candidate.failures),
        "report": candidate.report.to_dict() if candidate.report else None,
        "score": list(candidate.score),
        "best_so_far": best is candidate,
        "check_s": round(candidate.check_s, 4),
        "program": candidate.program,
        "files": candidate.files(),
    })


def _repair_messages(base: list[Message], candidate: Candidate) -> tuple[list[Message], str]:
    """The conversation for the next attempt: the program under repair as the assistant's
    (bare, as in training data), then the diagnostics and failed checks as the user's."""
    if candidate.program is not None:
        shown = candidate.program
        message = repair_message(candidate.program, candidate.compile, candidate.failures)
    else:
        shown = candidate.reply.strip()[:2000] or "(empty reply)"
        message = repair_message("", None, candidate.failures)
    return base + [{"role": "assistant", "content": shown},
                   {"role": "user", "content": message}], message


def _error_step(attempt: int, exc: Exception, best: Candidate | None, budget: _Budget) -> Step:
    return Step("error", attempt, {"message": str(exc), "type": type(exc).__name__,
                                   "best": best.summary() if best else None,
                                   **budget.snapshot()})


LARGER_MODEL = ("--backend openai --endpoint URL --model NAME (a larger model, see the "
                "README's 'Plug in your own model')")


def _language_refusal(expect: Expectations, backend: Backend) -> str | None:
    """An honest answer instead of a random part: the request is in a language the model
    says it was not trained on."""
    languages = getattr(backend, "languages", None)
    if not languages or expect.language in languages:
        return None
    return (f"this request looks like {expect.language}; the model only knows "
            f"{' and '.join(languages)} descriptions, so it would make a random part. Write it "
            f"in {languages[0]}, or use a model that knows {expect.language}: {LARGER_MODEL}")


def _kind_note(expect: Expectations, best: Candidate | None, outcome: str) -> str | None:
    """When no candidate made the kind of part asked for, say that the model does not know
    it, rather than offering a different part."""
    if outcome == "ok" or best is None or best.spec_result is None:
        return None
    if "kind" not in best.spec_result.failed_keys():
        return None
    asked = (expect.spec.get("kind") or {}).get("asked", "this kind of part")
    return (f"the model does not seem to know how to make a {asked} (every candidate made "
            f"something else); try a larger model: {LARGER_MODEL}")


def run_turn(session: TurnContext, backend: Backend, text: str,
             config: AgentConfig) -> Iterator[Step]:
    """Run one user turn; the last Step is "done" (or "error" if the model failed)."""
    budget = _Budget(config)
    strategy = config.resolved_strategy
    expect = read_request(text, session.previous_report, follow_up=session.is_follow_up,
                          previous_program=session.previous_program)
    spec = merge_specs(expect.spec, session.explicit_spec)
    refusal = _language_refusal(expect, backend)
    if refusal is not None:
        yield Step("done", 0, {"status": "no_part", "stop": "language", "spec": spec,
                               "unchecked": expect.unchecked, "note": refusal, "best": None,
                               "program": None, "checks": [], "report": None, "files": {},
                               "repairs_used": 0, **budget.snapshot()})
        return
    base = session.turn_messages(text)
    messages = base
    try:
        grammar = (load_program_grammar()
                   if config.grammar and getattr(backend, "constrains", False) else None)
    except ScadAgentError as exc:
        yield _error_step(0, exc, None, budget)
        return
    best: Candidate | None = None
    previous_program: str | None = None  # the program the last repair was asked to fix
    stop: StopReason = "max_repairs"
    attempts_made = 0
    for attempt in range(1, config.max_repairs + 2):
        exhausted = budget.exhausted()
        if exhausted is not None and attempt > 1:
            stop = exhausted
            break
        n = config.samples_per_attempt
        attempts_made = attempt
        yield Step("attempt", attempt, {"strategy": strategy, "n": n, "spec": spec,
                                        "messages": messages})
        model_before = budget.timings["model_s"]
        tokens_before = dict(budget.tokens)
        try:
            replies = _generate(backend, messages, n, config, grammar, budget)
        except BackendError as exc:
            yield _error_step(attempt, exc, best, budget)
            return
        model_s = budget.timings["model_s"] - model_before
        usage = {k: budget.tokens[k] - tokens_before[k] for k in budget.tokens}
        # read again: a backend may learn during the call that the grammar was not applied
        # (a server that rejects it), and then its replies need the ordinary extraction
        constrained = grammar is not None and bool(getattr(backend, "constrains", False))
        judged: dict[str, Candidate] = {}  # identical programs are compiled once
        round_best: Candidate | None = None
        for index, reply in enumerate(replies):
            candidate = Candidate(attempt, index, reply, _extract(reply, constrained))
            yield from _candidate_steps(candidate, model_s / max(1, len(replies)),
                                        usage if index == 0 else {})
            key = _normalized(candidate.program)
            twin = judged.get(key) if candidate.program is not None else None
            if twin is not None:
                candidate.compile, candidate.report = twin.compile, twin.report
                candidate.spec_result, candidate.failures = twin.spec_result, twin.failures
                candidate.scad_path = twin.scad_path
            else:
                try:
                    _judge(candidate, session, spec, config, budget)
                except ScadAgentError as exc:  # a broken install: no attempt can work
                    yield _error_step(attempt, exc, best, budget)
                    return
                judged[key] = candidate
            if candidate.program is not None:
                yield _compile_step(candidate)
            if best is None or candidate.score > best.score:
                best = candidate
            if round_best is None or candidate.score > round_best.score:
                round_best = candidate
            yield _checks_step(candidate, best)
            if candidate.passed:
                break  # a verified pass: no need to judge the remaining samples
        if best is not None and best.passed:
            stop = "passed"
            break
        if round_best is None:
            stop = "no_reply"  # the backend returned nothing at all
            break
        # the same failing program twice in a row: the model is not going to move
        if round_best.program is not None and _normalized(round_best.program) == \
                _normalized(previous_program):
            stop = "stuck"
            break
        if attempt == config.max_repairs + 1:
            break
        source = best if best.program is not None else round_best
        messages, message = _repair_messages(base, source)
        previous_program = source.program
        yield Step("repair", attempt, {"message": message, "from_attempt": source.attempt,
                                       "from_candidate": source.index,
                                       "failures": list(source.failures)})
    unchecked = list(expect.unchecked)
    if best is not None and best.spec_result is not None:
        unchecked += [item for item in best.spec_result.skipped]
    outcome: TurnOutcome
    if best is not None and best.passed:
        outcome = "ok"
    elif best is not None and best.compiled:
        outcome = "failed_checks"
    else:
        outcome = "no_part"
    yield Step("done", attempts_made, {
        "status": outcome,
        "stop": stop,
        "spec": spec,
        "unchecked": unchecked,
        "note": _kind_note(expect, best, outcome),
        "best": best.summary() if best else None,
        "program": best.program if best else None,
        "checks": ([c.to_dict() for c in best.spec_result.checks]
                   if best and best.spec_result else []),
        "report": best.report.to_dict() if best and best.report else None,
        "files": best.files() if best else {},
        "repairs_used": max(0, attempts_made - 1),
        **budget.snapshot(),
    })
