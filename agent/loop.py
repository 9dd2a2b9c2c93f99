"""One user turn: ask the model, judge what it wrote, stop or ask for a repair. Yields Steps.

    run_turn = read the request -> [ draw a round -> judge it -> stop? -> build the repair ]*

Every face (CLI, TUI, web, evals) consumes the same Step stream (agent/steps.py) through
Session.send. The loop reads the session and never mutates it. Strategies:
  repair    one greedy reply per attempt; a failing program comes back with its diagnostics
            and failed checks (agent.prompts.repair_message) for the next attempt.
  resample  each attempt draws n candidates (the first greedy), every distinct program is
            judged, and the repair (if still needed) starts from the best.
The best candidate (compiles > watertight > fewer failed checks) wins, not the last one. The
same request is never sent twice: a repeated conversation is re-asked hotter, then given up.
"""

from __future__ import annotations

import json
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from agent.backends.base import (
    Backend,
    BackendError,
    ContextOverflow,
    Message,
    OutOfTime,
    usage_of,
)
from agent.budget import Budget, draw
from agent.candidate import Candidate, JudgeContext, clean_text, judge
from agent.config import AgentConfig
from agent.intent import merge_specs, read_request
from agent.intent.carry import still_standing, with_standing
from agent.notes import joined, kind_note, language_refusal, standing_note
from agent.patch import MAX_REPLY_CHARS, program_from_reply
from agent.prompts import TRUNCATED, repair_message
from agent.shortcuts import shortcut
from agent.steps import (
    GrammarUse,
    Step,
    StopReason,
    checks_step,
    compile_step,
    done_step,
    error_step,
    reply_step,
)
from tools.errors import ScadAgentError
from tools.grammar import load_grammar

__all__ = ["Step", "TRUNCATED", "TurnContext", "clean_text", "run_turn"]

TEMPERATURES = (0.0, 0.5, 0.8, 1.0)  # how a re-asked conversation is re-asked


class TurnContext(JudgeContext, Protocol):
    """What run_turn needs from a session (agent.session.Session provides it)."""

    def turn_messages(self, text: str) -> list[Message]:
        """System prompt, the conversation so far, and `text` as the last user message."""
        ...

    @property
    def is_follow_up(self) -> bool: ...

    @property
    def previous_failures(self) -> dict[str, Any]:
        """The current part's failed checks (key -> what it failed to meet); {} if none."""
        ...


def _normalized(program: str | None) -> str:
    return re.sub(r"\s+", " ", program or "").strip()


@dataclass
class _State:
    """What the turn has learnt so far."""

    budget: Budget
    best: Candidate | None = None
    grammar: GrammarUse = "off"
    sent: dict[str, float] = field(default_factory=dict)  # conversation -> hottest asked

    def better(self, candidate: Candidate) -> None:
        if self.best is None or candidate.score > self.best.score:
            self.best = candidate


def _play_round(ctx: TurnContext, backend: Backend, messages: list[Message], attempt: int,
                temperature: float, grammar: str | None, spec: dict, config: AgentConfig,
                state: _State) -> Generator[Step, None, Candidate | None]:
    """Draw a round and judge it; returns the round's best candidate (None: no reply)."""
    fresh = json.dumps(messages) not in state.sent
    state.sent[json.dumps(messages)] = temperature
    model_before = state.budget.timings["model_s"]
    replies = draw(backend, messages, config.samples_per_attempt, temperature,
                    config.greedy_first and fresh, grammar, state.budget)
    model_s = (state.budget.timings["model_s"] - model_before) / max(1, len(replies))
    if not all(r.constrained for r in replies) and grammar is not None:
        state.grammar = "not_applied"  # the server dropped it (or never takes one)
    judged: dict[str, Candidate] = {}  # identical programs are judged once
    round_best: Candidate | None = None
    for index, reply in enumerate(replies):
        reply = replace(reply, text=clean_text(reply.text[:MAX_REPLY_CHARS + 1]))
        c = Candidate(attempt, index, reply, program_from_reply(reply, ctx.previous_program))
        yield reply_step(c, len(replies), reply.text[:MAX_REPLY_CHARS], model_s,
                         usage_of(replies) if index == 0 else {})
        twin = judged.get(_normalized(c.program)) if c.program is not None else None
        if twin is not None:
            c.same_result_as(twin)
        else:
            judge(c, ctx, spec, config.compile_limits())
            state.budget.timings["compile_s"] += c.compile_s
            state.budget.timings["check_s"] += c.check_s
            judged[_normalized(c.program)] = c
        if c.program is not None:
            yield compile_step(c, len(replies))
        state.better(c)
        round_best = c if round_best is None or c.score > round_best.score else round_best
        yield checks_step(c, len(replies), state.best)
        if c.passed:
            break  # a verified pass: no need to judge the remaining samples
    return round_best


def _stop(state: _State, round_best: Candidate | None, repaired: str | None, attempt: int,
          config: AgentConfig) -> StopReason | None:
    """Why the turn ends after this round, or None to repair."""
    if state.best is not None and state.best.passed:
        return "passed"
    if round_best is None:
        return "no_reply"  # the backend returned nothing at all
    if round_best.program is not None and _normalized(round_best.program) == _normalized(
            repaired):
        return "stuck"  # the same failing program again: the model is not going to move
    if attempt == config.max_repairs + 1:
        return "max_repairs"
    return state.budget.exhausted()


def _repair(base: list[Message], c: Candidate) -> tuple[list[Message], str]:
    """The next conversation: the program under repair as the assistant's (bare, as in
    training data), then what went wrong as the user's. A cut-off program's syntax error is
    only where it was cut, so its compile diagnostics are left out."""
    if c.program is not None:
        shown = c.program
        result = None if c.truncated and not c.compiled else c.compile
        message = repair_message(c.program, result, c.failures)
    else:
        shown = c.reply.text.strip()[:2000] or "(empty reply)"
        message = repair_message("", None, c.failures)
    return base + [{"role": "assistant", "content": shown},
                   {"role": "user", "content": message}], message


def _temperature(state: _State, messages: list[Message], usual: float) -> float | None:
    """The usual temperature for a new conversation; for one already sent, the next hotter
    step (the same request would get the same reply); None when none is left."""
    asked = state.sent.get(json.dumps(messages))
    if asked is None:
        return usual
    return next((t for t in TEMPERATURES if t > asked), None)


def run_turn(session: TurnContext, backend: Backend, text: str,
             config: AgentConfig) -> Iterator[Step]:
    """Run one user turn; the last Step is "done" (or "error" when nothing could be made)."""
    state = _State(Budget(config))
    expect = read_request(text, session.previous_report, follow_up=session.is_follow_up,
                          previous_program=session.previous_program)
    spec = merge_specs(expect.spec, session.explicit_spec)
    # what the part before already missed is still asked (agent/intent/carry.py)
    standing = {} if not session.is_follow_up else still_standing(
        session.previous_failures, spec, expect.kept, session.previous_report, expect.shift)
    checked = with_standing(spec, standing)
    if session.is_follow_up and config.direct_edits:
        found = yield from shortcut(session, text, spec, config, expect.unchecked, standing)
        if found is not None:  # a one-value edit, or nothing to change: no model needed,
            # not even loaded (agent/backends/lazy.py)
            state.best, stop, note = found
            yield done_step(state.best, expect, checked, stop, 0, state.grammar,
                            state.budget.snapshot(),
                            joined(note, standing_note(standing, state.best)))
            return
    spec = checked
    if session.is_follow_up:  # the model is asked for a change: the same part answers nothing
        spec = {**spec, "changed": True}
    try:  # the first reads of the backend: one built on first use loads here
        refusal = language_refusal(expect, backend)
        grammar = load_grammar() if config.grammar and backend.constrains else None
    except BackendError as exc:
        yield error_step(0, exc, "backend", None, state.budget.snapshot())
        return
    except ScadAgentError as exc:
        yield error_step(0, exc, "grammar", None, state.budget.snapshot())
        return
    if refusal is not None:
        yield done_step(state.best, expect, spec, "language", 0, state.grammar,
                        state.budget.snapshot(), refusal)
        return
    if config.grammar:
        state.grammar = "applied" if grammar is not None else "not_applied"
    base = messages = session.turn_messages(text)
    temperature = config.resolved_temperature
    repaired: str | None = None  # the program the last repair was asked to fix
    attempt = 0
    stop: StopReason | None = None
    while stop is None:
        attempt += 1
        yield Step("attempt", attempt, {
            "strategy": config.resolved_strategy, "n": config.samples_per_attempt,
            "temperature": temperature, "grammar": grammar is not None, "spec": spec,
            "messages": messages})
        try:
            round_best = yield from _play_round(session, backend, messages, attempt,
                                                temperature, grammar, spec, config, state)
        except (OutOfTime, ContextOverflow) as exc:
            if attempt == 1:  # nothing came at all: the model (or the prompt) failed
                cause = "prompt" if isinstance(exc, ContextOverflow) else "backend"
                yield error_step(attempt, exc, cause, None, state.budget.snapshot())
                return
            stop = "context" if isinstance(exc, ContextOverflow) else "wall_time"
            break
        except BackendError as exc:
            yield error_step(attempt, exc, "backend", state.best, state.budget.snapshot())
            return
        except ScadAgentError as exc:  # a broken install (OpenSCAD): no attempt can work
            yield error_step(attempt, exc, "tool", state.best, state.budget.snapshot())
            return
        stop = _stop(state, round_best, repaired, attempt, config)
        if stop is None and round_best is not None:
            source = state.best if state.best and state.best.program is not None else round_best
            messages, message = _repair(base, source)
            hotter = _temperature(state, messages, config.resolved_temperature)
            if hotter is None:
                stop = "stuck"  # asked this already, at every temperature
                break
            temperature = hotter
            repaired = source.program
            yield Step("repair", attempt, {"message": message, "from_attempt": source.attempt,
                                           "from_candidate": source.index,
                                           "failures": list(source.failures)})
    note = joined(kind_note(expect, state.best), standing_note(standing, state.best))
    yield done_step(state.best, expect, spec, stop or "stuck", attempt, state.grammar,
                    state.budget.snapshot(), note)
