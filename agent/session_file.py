"""session.json: the Turn record a session keeps, and reading the file back.

The file is untrusted input when it is read back: its size, nesting, shape and types are
checked, and every problem is a SessionFileError with one line. agent/session.py writes it.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from agent.config import fields_problem
from tools.errors import ScadAgentError
from tools.mesh import MeshReport
from tools.params import customizer_params

SESSION_FILE = "session.json"
TRAJECTORY_FILE = "trajectory.jsonl"
FORMAT_VERSION = 1
MAX_SESSION_BYTES = 50 * 2**20  # a long session with big reports is a few MB
MAX_SESSION_DEPTH = 32  # a real session.json nests about 8 deep


class SessionFileError(ScadAgentError):
    """A session.json that cannot be resumed: missing, not JSON, or not shaped like one."""


class SessionWriteError(ScadAgentError):
    """The session folder cannot be written (read-only, full disk, not a folder)."""


TurnStatus = Literal["running", "ok", "failed_checks", "no_part", "error", "interrupted"]


@dataclass
class Turn:
    index: int  # 1-based, stable: turn-N directories keep their names after undo
    text: str
    status: TurnStatus = "running"
    program: str | None = None
    # a follow-up answered with changed assignments: the model's history shows the patch as
    # it was written (as the training data does), not the whole program it made
    patch: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    spec: dict[str, Any] = field(default_factory=dict)
    checks: list[dict[str, Any]] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)  # stated but not checked
    note: str | None = None  # what the agent has to say beyond the checks
    report: dict[str, Any] | None = None
    files: dict[str, str] = field(default_factory=dict)  # kind -> path
    attempts: list[dict[str, Any]] = field(default_factory=list)  # candidate summaries
    repairs_used: int = 0
    stop: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    tokens: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    undone: bool = False
    started_at: float = field(default_factory=time.time)

    @property
    def has_part(self) -> bool:
        return self.status in ("ok", "failed_checks") and self.program is not None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Turn:
        """A turn from parsed JSON; SessionFileError (one line) when it is not one."""
        where = f"turn {data.get('index', '?')}" if isinstance(data, dict) else "a turn"
        if not isinstance(data, dict):
            raise SessionFileError(f"{where} should be an object")
        problem = fields_problem(cls, data, where, required=("status",))
        if problem is None and data.get("report") is not None:
            problem = fields_problem(MeshReport, data["report"], f"{where}: report")
        if problem is not None:
            raise SessionFileError(problem)
        return cls(**data)


def program_params(program: str | None) -> dict[str, Any]:
    """The part's knobs: its customizer parameters (tools.params) with scalar values
    (numbers, booleans, strings), name -> value. Like OpenSCAD's customizer this reads only
    the assignments before the first `{` or module/function definition and skips the
    [Hidden] group and $-variables; vectors are left out."""
    return {p.name: p.value for p in customizer_params(program)
            if not isinstance(p.value, list)}


def json_safe(value: Any) -> Any:
    """Paths and other strays to text, so a step can always be written."""
    return json.loads(json.dumps(value, default=str))


@dataclass
class _SessionFile:
    """The top level of session.json, for checking what is read back."""
    version: int
    turns: list[dict[str, Any]]
    config: dict[str, Any] | None = None
    out_dir: str | None = None
    spec: dict[str, Any] | None = None


def _too_deep(value: Any, limit: int = MAX_SESSION_DEPTH) -> bool:
    """Nested deeper than `limit` (iterative: a hostile file cannot exhaust the stack)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


def read_session_file(path: Path) -> tuple[Path, dict[str, Any]]:
    """(session.json, its parsed and checked top level) for `path`, a session.json or the
    folder holding one. SessionFileError with one line for anything else."""
    path = Path(path)
    file = path / SESSION_FILE if path.is_dir() else path

    def refuse(why: str) -> SessionFileError:
        return SessionFileError(f"cannot load session {file}: {why}")

    if not file.exists():
        hint = "" if path.is_dir() or file.name == SESSION_FILE else \
            f" (give a {SESSION_FILE} or the folder holding one)"
        raise refuse(f"no such file{hint}")
    if not file.is_file():
        raise refuse(f"not a regular file (give a {SESSION_FILE} or the folder holding one)")
    try:
        with file.open("rb") as handle:
            raw = handle.read(MAX_SESSION_BYTES + 1)  # bounded even where stat says 0 (/proc)
    except OSError as exc:
        raise refuse(exc.strerror or str(exc)) from exc
    if len(raw) > MAX_SESSION_BYTES:
        raise refuse(f"larger than {MAX_SESSION_BYTES // 2**20} MB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise refuse(f"not UTF-8 text (byte {raw[exc.start]:#04x} at offset {exc.start})"
                     ) from exc
    try:
        data = json.loads(text)
    except RecursionError as exc:
        raise refuse("nested too deeply") from exc
    except ValueError as exc:  # JSONDecodeError, or an integer too long to convert
        raise refuse(f"not JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise refuse("not a scad-agent session (the top level is not an object)")
    if data.get("version") != FORMAT_VERSION:
        raise refuse(f"not a scad-agent session of version {FORMAT_VERSION} (version "
                     f"{str(data.get('version'))[:20]})")
    if _too_deep(data):
        raise refuse(f"nested more than {MAX_SESSION_DEPTH} levels deep")
    problem = fields_problem(_SessionFile, data, "")
    if problem is not None:
        raise refuse(problem)
    return file, data
