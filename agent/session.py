"""A design session: the conversation, every turn's part and result, undo, save and resume.

Layout of a session directory:
    session.json          the whole session, rewritten atomically after every step
    trajectory.jsonl      every step appended (prompt, reply, program, compile, checks, timings)
    turn-N/part.scad|stl|png   the part each turn produced
    turn-N/attempt-A-C/   every candidate program judged during the turn
and the current part is copied to the output directory as part.scad / part.stl / part.png.

Follow-ups edit the current part: the model sees the conversation of the turns that made
the current part, with each of their programs as the assistant's message, so the last
assistant message is the program to change.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO

from agent.backends.base import Backend, Message
from agent.config import AgentConfig
from agent.loop import Step, clean_text, run_turn
from agent.prompts import system_message
from tools.errors import ScadAgentError
from tools.files import write_atomic
from tools.mesh import MeshReport
from tools.params import customizer_params
from tools.render import render_png

SESSION_FILE = "session.json"
TRAJECTORY_FILE = "trajectory.jsonl"
FORMAT_VERSION = 1
PART_FILES = ("scad", "stl", "png")

TurnStatus = Literal["running", "ok", "failed_checks", "no_part", "error", "interrupted"]


@dataclass
class Turn:
    index: int  # 1-based, stable: turn-N directories keep their names after undo
    text: str
    status: TurnStatus = "running"
    program: str | None = None
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
        return cls(**data)


def program_params(program: str | None) -> dict[str, Any]:
    """The part's knobs: its customizer parameters (tools.params) with scalar values
    (numbers, booleans, strings), name -> value. Like OpenSCAD's customizer this reads only
    the assignments before the first `{` or module/function definition and skips the
    [Hidden] group and $-variables; vectors are left out."""
    return {p.name: p.value for p in customizer_params(program)
            if not isinstance(p.value, list)}


def _json_safe(value: Any) -> Any:
    """Paths and other strays to text, so a step can always be written."""
    return json.loads(json.dumps(value, default=str))


class Session:
    """Holds the conversation and turns; `send` runs a turn and saves after every step."""

    def __init__(self, directory: Path, backend: Backend | None = None,
                 config: AgentConfig | None = None, *, out_dir: Path | None = None,
                 spec: dict | None = None) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.backend = backend
        self.config = config or AgentConfig()
        self.out_dir = Path(out_dir) if out_dir is not None else None
        self.spec = spec  # explicit spec for the next turn (merged over the inferred one)
        self.turns: list[Turn] = []
        self._running: Turn | None = None
        self._trajectory: TextIO | None = None

    # ------------------------------------------------------------------ views
    @property
    def path(self) -> Path:
        return self.directory / SESSION_FILE

    @property
    def trajectory_path(self) -> Path:
        return self.directory / TRAJECTORY_FILE

    @property
    def session_dir(self) -> Path:
        return self.directory

    def history(self) -> list[Turn]:
        """The turns that made the current part, oldest first (failed/undone ones left out)."""
        return [t for t in self.turns if t.has_part and not t.undone and t is not self._running]

    @property
    def current(self) -> Turn | None:
        done = self.history()
        return done[-1] if done else None

    @property
    def program(self) -> str | None:
        return self.current.program if self.current else None

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.current.params) if self.current else {}

    @property
    def messages(self) -> list[Message]:
        """The conversation as the model sees it before the next user message."""
        msgs: list[Message] = [system_message()] if self.config.system_prompt else []
        for turn in self.history():
            msgs.append({"role": "user", "content": turn.text})
            msgs.append({"role": "assistant", "content": turn.program or ""})
        return msgs

    # ------------------------------------------------- what run_turn reads (TurnContext)
    def turn_messages(self, text: str) -> list[Message]:
        return self.messages + [{"role": "user", "content": text}]

    def attempt_dir(self, attempt: int, candidate: int) -> Path:
        turn = self._running
        index = turn.index if turn else len(self.turns) + 1
        folder = self.directory / f"turn-{index}" / f"attempt-{attempt}-{candidate}"
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        return folder

    @property
    def previous_report(self) -> MeshReport | None:
        current = self.current
        return MeshReport.from_dict(current.report) if current and current.report else None

    @property
    def first_report(self) -> MeshReport | None:
        done = self.history()
        return MeshReport.from_dict(done[0].report) if done and done[0].report else None

    @property
    def previous_program(self) -> str | None:
        return self.program

    @property
    def is_follow_up(self) -> bool:
        return self.current is not None

    @property
    def explicit_spec(self) -> dict | None:
        return self.spec

    # ------------------------------------------------------------------ turns
    def send(self, text: str) -> Iterator[Step]:
        """Run one turn for `text`, yielding its Steps. Every step is appended to the
        trajectory, and session.json is rewritten (atomically) whenever a step changes it,
        before the step is handed to the caller.

        Ctrl-C (KeyboardInterrupt) marks the turn interrupted, saves, and re-raises."""
        if self.backend is None:
            raise ScadAgentError("this session has no backend: pass one to Session or load()")
        text = clean_text(text)
        turn = Turn(index=len(self.turns) + 1, text=text)
        self.turns.append(turn)
        self._running = turn
        # no save here: the first step ("attempt", carrying the spec) is saved before the
        # model is called, which is the first moment a crash could lose anything
        self._trajectory = self.trajectory_path.open("a", encoding="utf-8")
        try:
            yield from self._run(turn, text)
        finally:
            self._trajectory.close()
            self._trajectory = None

    def _run(self, turn: Turn, text: str) -> Iterator[Step]:
        try:
            for step in run_turn(self, self.backend, text, self.config):
                changed = self._apply(turn, step)
                self._record(turn, step)  # every step, appended (cheap)
                if changed:
                    # the JSON only changes on some steps; rewriting it unchanged would
                    # cost a file rename per step for nothing
                    self.save()
                yield step
        except KeyboardInterrupt:
            turn.status = "interrupted"
            turn.error = "interrupted by the user"
            self._finish(turn, {"kind": "interrupted", "turn": turn.index})
            raise
        except GeneratorExit:
            # the consumer stopped reading: mid-turn, that is an interruption
            if turn.status == "running":
                turn.status = "interrupted"
                turn.error = "the caller stopped the turn"
                self._finish(turn, {"kind": "interrupted", "turn": turn.index})
            self._running = None
            raise
        except Exception as exc:
            turn.status = "error"
            turn.error = f"{type(exc).__name__}: {exc}"
            self._finish(turn, {"kind": "crash", "turn": turn.index, "error": turn.error})
            raise
        self._running = None
        if turn.status == "running":  # the loop ended without done/error (should not happen)
            turn.status = "error"
            turn.error = "the turn ended without a result"
            self.save()

    def _finish(self, turn: Turn, record: dict[str, Any]) -> None:
        self._running = None
        self._append_trajectory(record)
        self.save()

    def _apply(self, turn: Turn, step: Step) -> bool:
        """Fold a step into the turn; True when the saved session changes."""
        data = step.data
        if step.kind == "attempt":
            spec = data.get("spec", turn.spec)
            if spec == turn.spec:
                return False
            turn.spec = spec
        elif step.kind == "checks":
            turn.attempts.append({k: data.get(k) for k in (
                "candidate", "passed", "failures", "score", "files")} | {
                "attempt": step.attempt})
        elif step.kind == "error":
            turn.status = "error"
            turn.error = data.get("message")
            turn.timings = data.get("timings", {})
            turn.tokens = data.get("tokens", {})
        elif step.kind == "done":
            turn.status = data["status"]
            turn.stop = data.get("stop")
            turn.program = data.get("program")
            turn.params = program_params(turn.program)
            turn.checks = data.get("checks", [])
            turn.unchecked = list(data.get("unchecked") or [])
            turn.note = data.get("note")
            turn.report = data.get("report")
            turn.repairs_used = data.get("repairs_used", 0)
            turn.timings = dict(data.get("timings", {}))
            turn.tokens = data.get("tokens", {})
            if turn.has_part:
                turn.files = self._keep_part(turn, data.get("files", {}))
                data["files"] = dict(turn.files)
                self._publish(turn)
        else:
            return False  # reply, compile, repair: recorded in the trajectory only
        return True

    def _keep_part(self, turn: Turn, files: dict[str, str]) -> dict[str, str]:
        """Copy the best candidate to turn-N/part.* and render its preview."""
        folder = self.directory / f"turn-{turn.index}"
        kept: dict[str, str] = {}
        scad = folder / "part.scad"
        scad.write_text(turn.program or "", encoding="utf-8")
        kept["scad"] = str(scad)
        if files.get("stl"):
            stl = folder / "part.stl"
            shutil.copyfile(files["stl"], stl)
            kept["stl"] = str(stl)
            if self.config.render:
                started = time.monotonic()
                kept.update(self._render(stl, folder / "part.png"))
                turn.timings["render_s"] = round(time.monotonic() - started, 4)
        return kept

    def _render(self, stl: Path, png: Path) -> dict[str, str]:
        try:
            render_png(stl, png)
        except ScadAgentError:
            return {}  # a preview is a nicety: never lose the part over it
        return {"png": str(png)}

    def _publish(self, turn: Turn | None) -> None:
        """Mirror the current part into the output directory (or clear it after undo)."""
        if self.out_dir is None:
            return
        self.out_dir.mkdir(parents=True, exist_ok=True)
        for kind in PART_FILES:
            target = self.out_dir / f"part.{kind}"
            source = turn.files.get(kind) if turn else None
            if source and Path(source).exists():
                tmp = target.with_name(f".{target.name}.tmp")
                shutil.copyfile(source, tmp)
                os.replace(tmp, target)
            else:
                target.unlink(missing_ok=True)

    def _record(self, turn: Turn, step: Step) -> None:
        self._append_trajectory({"turn": turn.index, "time": time.time(), **step.to_dict()})

    def _append_trajectory(self, record: dict[str, Any]) -> None:
        line = json.dumps(_json_safe(record), ensure_ascii=False) + "\n"
        if self._trajectory is not None:  # open for the running turn
            self._trajectory.write(line)
            self._trajectory.flush()  # in the OS's hands before the step is yielded
            return
        with self.trajectory_path.open("a", encoding="utf-8") as handle:
            handle.write(line)

    def undo(self) -> Turn | None:
        """Drop the current part and go back to the one before it; returns the new current
        turn (None when back to an empty session). Files of the undone turn stay on disk."""
        current = self.current
        if current is None:
            raise ScadAgentError("nothing to undo")
        current.undone = True
        self._append_trajectory({"kind": "undo", "turn": current.index, "time": time.time()})
        self._publish(self.current)
        self.save()
        return self.current

    # ------------------------------------------------------------------ save / load
    def to_dict(self) -> dict[str, Any]:
        return {
            "version": FORMAT_VERSION,
            "config": self.config.to_dict(),
            "out_dir": str(self.out_dir) if self.out_dir else None,
            "spec": self.spec,
            "turns": [t.to_dict() for t in self.turns],
        }

    def save(self, path: Path | None = None) -> Path:
        target = Path(path) if path is not None else self.path
        write_atomic(target, json.dumps(_json_safe(self.to_dict()), indent=1,
                                        ensure_ascii=False))
        return target

    @classmethod
    def load(cls, path: Path, backend: Backend | None = None,
             config: AgentConfig | None = None, *, out_dir: Path | None = None) -> Session:
        """Resume a saved session. `path` is session.json or its directory; `config` (e.g.
        from flags) replaces the saved one, `out_dir` the saved output directory."""
        path = Path(path)
        if path.is_dir():
            path = path / SESSION_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ScadAgentError(f"cannot load session {path}: {exc}") from exc
        if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
            raise ScadAgentError(f"{path} is not a scad-agent session (version "
                                 f"{FORMAT_VERSION})")
        saved_out = data.get("out_dir")
        session = cls(path.parent, backend,
                      config or AgentConfig.from_dict(data.get("config") or {}),
                      out_dir=out_dir or (Path(saved_out) if saved_out else None),
                      spec=data.get("spec"))
        session.turns = [Turn.from_dict(t) for t in data.get("turns", [])]
        for turn in session.turns:
            if turn.status == "running":  # the process died mid-turn
                turn.status = "interrupted"
        return session
