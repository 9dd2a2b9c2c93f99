"""What a compile is allowed (Limits) and what it returns (Status, CompileResult).

These are part of tools/openscad.py's contract and are imported from there; they live here
so the modules that run OpenSCAD and classify its outcome can use them without importing
the compile itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tools.diagnostics import Diagnostic

Status = Literal[
    "ok",
    "syntax_error",
    "runtime_error",
    "empty",
    "timeout",
    "resource_limit",
    "forbidden",
    "crash",
    "invalid_params",
    "not_installed",
]
_SUMMARY_LINES = 12


@dataclass
class Limits:
    timeout_s: float = 60.0  # wall clock for the compile (PNG included), process group killed
    cpu_s: int = 120  # RLIMIT_CPU
    memory_mb: int = 3072  # RLIMIT_AS
    max_output_mb: int = 50  # RLIMIT_FSIZE + checked after; truncated files deleted
    max_stderr_kb: int = 64  # captured stderr kept (head + tail)
    max_source_kb: int = 1024  # larger sources are refused (status resource_limit)


@dataclass
class CompileResult:
    status: Status
    diagnostics: list[Diagnostic]
    outputs: dict[str, Path]  # format -> file
    wall_time_s: float
    openscad_version: str
    sandbox: Literal["bwrap", "path-check"]
    returncode: int | None
    stderr: str  # capped
    openscad_time_s: float = 0.0  # wall time spent inside OpenSCAD runs (benchmarks)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def stl(self) -> Path | None:
        return self.outputs.get("stl")

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    def summary(self) -> str:
        """Short plain text for a model or a screen: the status, then what went wrong."""
        head = f"status: {self.status}"
        if self.ok:
            head += f" ({', '.join(sorted(self.outputs)) or 'no outputs'})"
        lines = [head]
        shown = self.errors + self.warnings
        traces = [d for d in self.diagnostics if d.severity == "trace"][:3]
        if self.errors:
            shown += traces
        seen: set[str] = set()
        body: list[str] = []
        for d in shown:
            text = d.render()
            if text in seen:
                continue
            seen.add(text)
            body.append(text if len(text) <= 300 else text[:297] + "...")
        lines += body[:_SUMMARY_LINES]
        if len(body) > _SUMMARY_LINES:
            lines.append(f"... and {len(body) - _SUMMARY_LINES} more")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {
            "status": self.status,
            "ok": self.ok,
            "diagnostics": [d.to_dict() for d in self.diagnostics],
            "outputs": {fmt: str(path) for fmt, path in self.outputs.items()},
            "wall_time_s": round(self.wall_time_s, 4),
            "openscad_time_s": round(self.openscad_time_s, 4),
            "openscad_version": self.openscad_version,
            "sandbox": self.sandbox,
            "returncode": self.returncode,
            "stderr": self.stderr,
        }
