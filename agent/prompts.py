"""Every text the agent sends to the model besides the user's own words.

The synth helper trains the small model on exactly these formats (repair records are built
with `repair_message`), so the output must stay stable, compact and deterministic: same
inputs, same bytes. Change the wording only together with the training data."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tools.mesh import MeshReport
    from tools.openscad import CompileResult
    from tools.spec import SpecResult

SYSTEM_PROMPT = (
    "You are scad-agent, a CAD engineer who writes OpenSCAD. "
    "Answer with one complete OpenSCAD program and nothing else. "
    "Units are millimetres and Z is up. "
    "Make one closed, printable solid unless asked otherwise; put named parameters at the top. "
    "When asked to change only numbers of the part, reply with only the changed parameter "
    "lines (`height = 40 * 1.5;`); for any other change, reply with the whole updated program."
)

REPAIR_INSTRUCTION = "Reply with the corrected complete OpenSCAD program only."
NO_PROGRAM_INSTRUCTION = "Reply with one complete OpenSCAD program only, no prose."

# Bounds keep the repair prompt small for a model with a short context.
MAX_DIAGNOSTICS = 6
MAX_FAILURES = 8
MAX_QUOTED_LINE = 120

EMPTY_PART = "the part is empty: no 3D geometry"
# A reply cut at the token limit: its syntax error is only where it was cut, so the repair
# asks for a shorter program instead of quoting the error.
TRUNCATED = "the program is incomplete (the reply was cut off): write a shorter program"

# Statuses without a diagnostic line still need a sentence the model can act on.
STATUS_HINTS: dict[str, str] = {
    "empty": "The program produced no 3D geometry (top level is empty or 2D only).",
    "timeout": "OpenSCAD ran out of time: use fewer objects, a smaller $fn, no minkowski.",
    "resource_limit": "OpenSCAD hit a resource limit: make the program smaller and simpler.",
    "forbidden": "The program reads files it may not read: do not use include, use, import "
    "or surface with outside paths.",
    "crash": "OpenSCAD crashed on this program: simplify it.",
    "invalid_params": "A parameter value was invalid.",
}


def _quote(lines: Sequence[str], number: int) -> str | None:
    if 1 <= number <= len(lines):
        text = lines[number - 1].strip()
        if len(text) > MAX_QUOTED_LINE:
            text = text[: MAX_QUOTED_LINE - 3] + "..."
        return f"    {number} | {text}"
    return None


def compile_section(program: str, result: CompileResult) -> list[str]:
    """Diagnostics as lines: each error/warning, then the offending source line quoted."""
    if result.status == "ok" and not result.diagnostics:
        return []
    lines = program.splitlines()
    out: list[str] = [f"OpenSCAD: {result.status}"]
    seen: set[tuple[str, str, int | None]] = set()
    shown = 0
    # errors first: a model fixes the first error, the warnings are often its echo
    ordered = sorted(
        (d for d in result.diagnostics if d.severity in ("error", "warning")),
        key=lambda d: 0 if d.severity == "error" else 1,
    )
    for diag in ordered:
        key = (diag.severity, diag.message, diag.line)
        if key in seen:
            continue
        seen.add(key)
        if shown == MAX_DIAGNOSTICS:
            out.append(f"  ... {len(ordered) - shown} more")
            break
        shown += 1
        where = f"line {diag.line}: " if diag.line else ""
        out.append(f"  {diag.severity.upper()} {where}{diag.message}")
        if diag.line:
            quoted = _quote(lines, diag.line)
            if quoted:
                out.append(quoted)
    hint = STATUS_HINTS.get(result.status)
    if hint:
        out.append(f"  {hint}")
    return out


def check_failures(spec_result: SpecResult, report: MeshReport | None) -> list[str]:
    """The failed checks as repair_message lists them ("genus: expected 4, got 2"), an empty
    part first. The agent loop and the synthetic repair records both word them here."""
    failures = [f"{check.key}: {check.message}" for check in spec_result.failures()]
    if report is not None and report.empty:
        failures.insert(0, EMPTY_PART)
    return failures


def repair_message(program: str, result: CompileResult | None, failures: list[str]) -> str:
    """The user message that asks the model to fix its last program.

    result None means no program could be compiled (the failures then say why: prose only,
    truncated reply). `failures` are one-line failed checks, e.g. "genus: expected 4, got 2".
    """
    parts: list[str] = []
    if result is not None:
        parts.extend(compile_section(program, result))
    if failures:
        parts.append("Failed checks:")
        shown = failures[:MAX_FAILURES]
        parts.extend(f"  - {failure}" for failure in shown)
        if len(failures) > len(shown):
            parts.append(f"  ... {len(failures) - len(shown)} more")
    if not parts:
        parts.append("The program did not give the requested part.")
    instruction = REPAIR_INSTRUCTION if program.strip() else NO_PROGRAM_INSTRUCTION
    parts.append(instruction)
    return "\n".join(parts)


def system_message() -> dict[str, str]:
    return {"role": "system", "content": SYSTEM_PROMPT}
