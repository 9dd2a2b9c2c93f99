"""What both faces (the TUI and the web demo) need from a session, without any UI library.

Both drive the same agent.session.Session and read the same Step stream; this module turns
steps into plain progress lines, builds a backend from command-line style settings, and
writes a part out in the format a file name asks for. It imports no textual or gradio, so the
web demo can use it too. (It would sit naturally in agent/; it lives here because the faces
are its only users.)

Text in a ProgressLine is raw: model replies and OpenSCAD diagnostics go through unchanged,
and each face escapes it for its own markup (rich Text in the TUI, Markdown in the web).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from agent.backends import BACKENDS, Backend, get_backend
from agent.config import AgentConfig
from agent.loop import Step
from agent.run_cli import backend_config
from agent.session import Session, Turn
from tools.errors import ScadAgentError
from tools.render import MESH_FORMATS, export_mesh

Tone = Literal["info", "ok", "warning", "error"]
REPLY_SNIPPET = 240  # characters of a program-less model reply worth showing
EXPORT_FORMATS = ("stl", "3mf", "scad", "obj", "glb", "ply", "off")


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
        return ProgressLine("warning", f"reply {d.get('candidate', 0)}: "
                                       f"{d.get('extraction')}{said}")
    if step.kind == "compile" and not d.get("ok"):
        return ProgressLine("error", f"compile failed ({d.get('status')}): "
                                     f"{_compile_problem(d)}")
    if step.kind == "checks" and d.get("program") is not None:
        if d.get("passed"):
            return ProgressLine("ok", "all checks pass")
        failures = d.get("failures") or []
        if failures:
            return ProgressLine("warning", "checks failed: " + "; ".join(failures[:3]))
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
    if status == "ok":
        return ProgressLine("ok", f"part OK {after}")
    if status == "failed_checks":
        failed = sum(1 for c in data.get("checks", []) if not c.get("passed"))
        return ProgressLine("warning", f"part made, but {failed} check(s) fail ({after})")
    return ProgressLine("error", f"no valid part {after} (stopped: {data.get('stop')})")


def turn_line(turn: Turn) -> ProgressLine:
    """How a saved turn ended, for a conversation rebuilt from a loaded session."""
    if turn.undone:
        return ProgressLine("info", f"turn {turn.index} (undone)")
    if turn.status in ("ok", "failed_checks", "no_part"):
        return done_line({"status": turn.status, "repairs_used": turn.repairs_used,
                          "checks": turn.checks, "stop": turn.stop})
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


def check_rows(checks: list[dict[str, Any]]) -> list[tuple[str, str, str, str]]:
    """(check, pass/FAIL, actual, expected) per check dict (tools.spec CheckResult)."""
    return [(str(c.get("key")), "pass" if c.get("passed") else "FAIL",
             format_value(c.get("actual")), format_value(c.get("expected"), ranges=True))
            for c in checks]


# ------------------------------------------------------------------ backends


def load_agent(backend: str | None, model: str | None = None, *, endpoint: str | None = None,
               api_key_env: str | None = None, config_file: Path | None = None,
               ) -> tuple[AgentConfig, Backend]:
    """AgentConfig and a ready backend from run-command style settings (same defaults as
    `scad-agent run`: hf with the bundled model). Raises ScadAgentError with a clear message."""
    file_config = AgentConfig.load(config_file) if config_file else AgentConfig()
    name = backend or file_config.backend
    if name not in BACKENDS:
        raise ScadAgentError(f"backend must be one of {', '.join(BACKENDS)}, got {name!r}")
    flags = backend_config(name, model or file_config.backend_config.get("model"), None,
                           endpoint, api_key_env, None)
    config = AgentConfig.load(config_file, backend=name, backend_config=flags)
    return config, get_backend(config.backend, **config.backend_config)


# ------------------------------------------------------------------ exports


def export_part(program: str | None, stl: Path | None, target: Path) -> Path:
    """Write the current part to `target`; its extension picks the format (.scad is the
    program, .stl a copy, 3mf/obj/glb/ply/off converted by trimesh)."""
    target = Path(target).expanduser()
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in EXPORT_FORMATS:
        raise ScadAgentError(f"cannot export {target.name!r}: the name must end in "
                             f"{', '.join('.' + f for f in EXPORT_FORMATS)}")
    if program is None:
        raise ScadAgentError("nothing to export yet: make a part first")
    target.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "scad":
        target.write_text(program, encoding="utf-8")
        return target
    if stl is None or not Path(stl).is_file():
        raise ScadAgentError("the current part has no mesh to export")
    if fmt == "stl":
        shutil.copyfile(stl, target)
        return target
    assert fmt in MESH_FORMATS
    return export_mesh(Path(stl), target, fmt)


def current_stl(session: Session) -> Path | None:
    turn = session.current
    stl = turn.files.get("stl") if turn else None
    return Path(stl) if stl else None
