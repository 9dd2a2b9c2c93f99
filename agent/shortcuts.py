"""Follow-ups answered before the model is asked: a one-value edit applied directly, and a
request the part already meets. Each is judged like any candidate (compiled, checked,
previewed), as attempt 0, so every face shows it the same way; when a direct edit fails its
checks the turn goes on to the model as usual.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence

from agent.backends.base import Reply
from agent.candidate import Candidate, JudgeContext, judge
from agent.config import AgentConfig
from agent.direct_edit import already_met, already_there, plan_direct_edit
from agent.extract import Extraction
from agent.intent.carry import with_standing
from agent.patch import apply_patch
from agent.steps import Step, StopReason, checks_step, compile_step, reply_step
from tools.openscad import Limits

# the part's hole count is what "add a hole in the middle" would change; it already has it
_COUNT_KEYS = ("genus", "holes", "keep_holes")


def _judged(ctx: JudgeContext, program: str, how: str, spec: dict, limits: Limits,
            patch: str | None = None) -> Generator[Step, None, Candidate]:
    c = Candidate(0, 0, Reply(patch or program), Extraction(program, how, patch=patch))
    yield reply_step(c, 1, program, 0.0, {})
    judge(c, ctx, spec, limits)
    yield compile_step(c, 1)
    yield checks_step(c, 1, c)
    return c


def shortcut(ctx: JudgeContext, text: str, spec: dict, config: AgentConfig,
             unchecked: Sequence[str] = (), standing: dict | None = None
             ) -> Generator[Step, None, tuple[Candidate, StopReason, str] | None]:
    """(the part, why the turn stops, the note for the person) when the follow-up needs no
    model; None to ask the model. `standing` holds what the part before already missed
    (agent.intent.carry): it is checked and reported, but a direct edit that does what the
    follow-up asks is kept even when it fails there too (the model is not asked to redo the
    earlier request for a one-value change)."""
    standing = standing or {}
    checked = with_standing(spec, standing)
    previous = ctx.previous_program
    report = ctx.previous_report
    if not previous or report is None:
        return None
    limits = config.compile_limits()
    there = already_there(text, report)
    met = None if there else already_met(spec, report, previous, text, unchecked)
    if there or met:
        kept = {k: v for k, v in checked.items() if not (there and k in _COUNT_KEYS)}
        c = yield from _judged(ctx, previous, "unchanged: the part already meets this", kept,
                               limits)
        if _does_what_was_asked(c, standing):
            return c, "already", (there or met) + "."
        return None
    plan = plan_direct_edit(text, previous)
    if plan is None:
        return None
    c = yield from _judged(ctx, apply_patch(previous, plan.patch),
                           f"direct edit: {plan.name} {plan.old:g} -> {plan.new:g}",
                           checked, limits, plan.patch.text())
    return (c, "direct", plan.note()) if _does_what_was_asked(c, standing) else None


def _does_what_was_asked(c: Candidate, standing: dict) -> bool:
    """Compiled, and every failed check (if any) is one the part before failed too."""
    if not c.compiled or c.spec_result is None:
        return False
    return all(k in standing for k in c.spec_result.failed_keys())
