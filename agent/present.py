"""Plain text for what the agent did: one progress line per Step, a row per check.

Every face (the TUI, the web demo) reads the same Step stream from agent.loop; this module
words it once, with no UI library, and each face only styles the result.

Text in a ProgressLine is raw: model replies and OpenSCAD diagnostics go through unchanged,
and each face escapes it for its own markup (rich Text in the TUI, Markdown in the web).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from agent.loop import Step
from agent.session import Turn

Tone = Literal["info", "ok", "warning", "error"]
REPLY_SNIPPET = 240  # characters of a program-less model reply worth showing


@dataclass(frozen=True)
class ProgressLine:
    tone: Tone
    text: str


def _first_lines(text: str | None, count: int = 2) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return " / ".join(lines[:count])


def _compile_problem(data: dict[str, Any]) -> str:
    """The first error diagnostics of a failed compile (the summary's header is noise)."""
    result = data.get("result") or {}
    errors = [d.get("message", "") for d in result.get("diagnostics", [])
              if d.get("severity") == "error"]
    if errors:
        return " / ".join(e.strip() for e in errors[:2])
    return _first_lines(data.get("summary"))


GRAMMAR_NOT_APPLIED = "grammar not applied: the server does not take one"
STOP_WORDS = {"wall_time": "out of time", "tokens": "out of tokens", "context": (
    "the conversation outgrew the model's context"), "stuck": "the model repeats itself"}


def _candidate(d: dict[str, Any]) -> str:
    """"candidate 2/3: " when the round drew several, else nothing."""
    of = d.get("candidates") or 1
    return f"candidate {d.get('candidate', 0) + 1}/{of}: " if of > 1 else ""


def describe_step(step: Step, attempts: int) -> ProgressLine | None:
    """One line for the conversation, or None for steps nobody needs to read
    (a reply that held a program, a compile that worked)."""
    d = step.data
    if step.kind == "attempt":
        what = f"{d.get('n', 1)} samples" if d.get("n", 1) > 1 else "one reply"
        return ProgressLine("info", f"attempt {step.attempt} of {attempts}: asking the model "
                                    f"({what})")
    if step.kind == "reply" and d.get("program") is None:
        reply = " ".join((d.get("reply") or "").split())
        if len(reply) > REPLY_SNIPPET:
            reply = reply[:REPLY_SNIPPET] + "..."
        said = f': "{reply}"' if reply else ""
        return ProgressLine("warning", f"{_candidate(d) or 'reply: '}{d.get('extraction')}"
                                       f"{said}")
    if step.kind == "compile" and not d.get("ok"):
        return ProgressLine("error", f"{_candidate(d)}compile failed ({d.get('status')}): "
                                     f"{_compile_problem(d)}")
    if step.kind == "checks" and d.get("program") is not None:
        if d.get("passed"):
            return ProgressLine("ok", f"{_candidate(d)}all checks pass")
        failures = d.get("failures") or []
        if failures:
            return ProgressLine("warning", f"{_candidate(d)}checks failed: "
                                           + "; ".join(failures[:3]))
        return None
    if step.kind == "repair":
        return ProgressLine("info", f"repairing the program from attempt "
                                    f"{d.get('from_attempt')}")
    if step.kind == "done":
        return done_line(d)
    if step.kind == "error":
        return ProgressLine("error", f"error: {d.get('message')}")
    return None


def done_line(data: dict[str, Any]) -> ProgressLine:
    repairs = data.get("repairs_used", 0)
    after = f"after {repairs} repair{'s' if repairs != 1 else ''}"
    status = data.get("status")
    grammar = f"; {GRAMMAR_NOT_APPLIED}" if data.get("grammar") == "not_applied" else ""
    if data.get("stop") == "language":
        return ProgressLine("error", f"no part: {data.get('note')}")
    if status == "ok":
        unchecked = len(data.get("unchecked") or [])
        more = f"; {unchecked} stated item(s) not checked" if unchecked else ""
        return ProgressLine("ok", f"part OK {after}{more}{grammar}")
    stop = data.get("stop")
    why = f" ({STOP_WORDS[stop]})" if stop in STOP_WORDS else ""
    if status == "failed_checks":
        failed = sum(1 for c in data.get("checks", []) if not c.get("passed"))
        return ProgressLine("warning", f"part made, but {failed} check(s) fail ({after}"
                                       f"){why}{grammar}")
    return ProgressLine("error", f"no valid part {after} (stopped: {stop}){grammar}")


def turn_line(turn: Turn) -> ProgressLine:
    """How a saved turn ended, for a conversation rebuilt from a loaded session."""
    if turn.undone:
        return ProgressLine("info", f"turn {turn.index} (undone)")
    if turn.status in ("ok", "failed_checks", "no_part"):
        return done_line({"status": turn.status, "repairs_used": turn.repairs_used,
                          "checks": turn.checks, "stop": turn.stop, "note": turn.note,
                          "unchecked": turn.unchecked})
    return ProgressLine("error", f"{turn.status}: {turn.error or 'no part'}")


# ------------------------------------------------------------------ checks

CHECK_COLUMNS = ("check", "result", "actual", "expected")


def format_value(value: Any, *, ranges: bool = False) -> str:
    """Compact text: `60 x 40 x 5` for a vector; with `ranges` (expected values, where the
    spec writes [low, high] pairs), `58.8..61.2` for a pair of numbers."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list | tuple):
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        if ranges and numbers and len(value) == 2:
            return f"{format_value(value[0])}..{format_value(value[1])}"
        return " x ".join(format_value(v, ranges=ranges) for v in value)
    return str(value)


def check_rows(checks: list[dict[str, Any]], unchecked: list[str] | None = None
               ) -> list[tuple[str, str, str, str]]:
    """(check, pass/FAIL, actual, expected) per check dict (tools.spec CheckResult), then
    (what, "not checked", "", why) per stated item the checks could not cover, so a person
    sees exactly what was verified."""
    rows = [(str(c.get("key")), "pass" if c.get("passed") else "FAIL",
             format_actual(c), format_expected(c)) for c in checks]
    for item in unchecked or []:
        what, _, why = item.partition(" (")
        rows.append((what, "not checked", "", why.rstrip(")")))
    return rows


def format_actual(check: dict[str, Any]) -> str:
    return format_value(check.get("actual"))


def format_expected(check: dict[str, Any]) -> str:
    """The expected value in a few words: ranges as lo..hi, open ranges as >= lo, the
    structured keys (holes, kind, grow) by what they ask."""
    expected = check.get("expected")
    key = check.get("key")
    if key == "holes" and isinstance(expected, list):
        return "; ".join(f"{h.get('what', 'hole')} {format_value(h.get('d'), ranges=True)}"
                         + (f" x{h['count']}" if h.get("count") else "")
                         for h in expected if isinstance(h, dict))
    if key == "kind" and isinstance(expected, dict):
        return str(expected.get("asked") or expected.get("kind"))
    if isinstance(expected, list) and expected and all(
            isinstance(r, list) and len(r) == 2 for r in expected):
        return " x ".join(_span(r) for r in expected)
    return format_value(expected, ranges=True)


def _span(pair: list[Any]) -> str:
    lo, hi = pair
    if isinstance(hi, int | float) and hi >= 1e8:
        return "any" if not lo else f">={format_value(lo)}"
    return f"{format_value(lo)}..{format_value(hi)}"
