"""A design session: the conversation, every turn's part and result, undo, save and resume.

Layout of a session directory:
    session.json          the whole session, rewritten atomically after every step
    trajectory.jsonl      every step appended (prompt, reply, program, compile, checks, timings)
    turn-N/part.scad|stl|png   the part each turn produced
    turn-N/attempt-A-C/   every candidate program judged during the turn
and the current part is copied to the output directory as part.scad / part.stl / part.png.

Every file is written whole or not at all (temp file + rename). A session folder that cannot
be written is a SessionWriteError; an output directory that cannot be written only sets
`publish_error`, because the part itself is safe in the session folder. session.json is read
back as untrusted input: its shape and types are checked, and the paths in it are not used
to read or write anywhere outside the session (see `load`). The Turn record and the
reading of session.json are in agent/session_file.py; the part's files (preview, the copy in
the output directory, a loaded turn's own files) in agent/part_files.py.

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
from pathlib import Path
from typing import Any, TextIO

from agent.backends.base import Backend, Message
from agent.config import AgentConfig, check_prompt
from agent.intent.carry import failed_checks
from agent.loop import Step, clean_text, run_turn
from agent.part_files import own_files, publish_part, render_preview
from agent.prompts import system_message
from agent.session_file import (
    FORMAT_VERSION,
    MAX_SESSION_BYTES,
    SESSION_FILE,
    TRAJECTORY_FILE,
    SessionFileError,
    SessionWriteError,
    Turn,
    TurnStatus,
    json_safe,
    program_params,
    read_session_file,
)
from tools.errors import ScadAgentError
from tools.files import write_atomic
from tools.mesh import MeshReport

# What other modules import from here (the contract names them as agent.session's).
__all__ = ["MAX_SESSION_BYTES", "Session", "SessionFileError", "SessionWriteError", "Turn",
           "TurnStatus", "program_params"]


class Session:
    """Holds the conversation and turns; `send` runs a turn and saves after every step."""

    def __init__(self, directory: Path, backend: Backend | None = None,
                 config: AgentConfig | None = None, *, out_dir: Path | None = None,
                 spec: dict | None = None) -> None:
        self.directory = Path(directory)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self._write_error(exc) from exc
        self.backend = backend
        self.config = config or AgentConfig()
        self.out_dir = Path(out_dir) if out_dir is not None else None
        self.spec = spec  # explicit spec for the next turn (merged over the inferred one)
        self.turns: list[Turn] = []
        self._running: Turn | None = None
        self._trajectory: TextIO | None = None
        # why the latest part did not reach out_dir (None: it did, or nothing to copy)
        self.publish_error: str | None = None

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
            msgs.append({"role": "assistant", "content": turn.patch or turn.program or ""})
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
    def previous_failures(self) -> dict[str, Any]:
        done = self.history()
        if not done:
            return {}
        before = done[-2].report if len(done) > 1 else None
        return failed_checks(done[-1].checks, MeshReport.from_dict(before) if before else None)

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
        check_prompt(text, self.config.max_prompt_chars)  # PromptError: nothing is saved
        text = clean_text(text)
        self.publish_error = None
        # a planted link is checked here: the loop would report it as a failed attempt
        self._turn_folder(len(self.turns) + 1)
        try:
            self._trajectory = self._open_trajectory()
        except OSError as exc:
            raise self._write_error(exc) from exc
        turn = Turn(index=len(self.turns) + 1, text=text)
        self.turns.append(turn)
        self._running = turn
        # no save here: the first step ("attempt", carrying the spec) is saved before the
        # model is called, which is the first moment a crash could lose anything
        try:
            yield from self._run(turn, text)
        finally:
            try:
                self._trajectory.close()
            except OSError:
                pass  # a line the full disk refused: the error on its way out says so
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
        except (OSError, SessionWriteError) as exc:
            # the session folder itself failed (full disk, made read-only): keep what can
            # still be kept and say so in one line
            failure = exc if isinstance(exc, SessionWriteError) else self._write_error(exc)
            turn.status = "error"
            turn.error = str(failure)
            try:
                self._finish(turn, {"kind": "crash", "turn": turn.index, "error": turn.error})
            except OSError:
                pass  # the error being raised says why nothing more could be written
            raise failure from exc
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
        """End a turn that did not run to its done step: its trajectory line and the session
        are each written if they can be (a full disk may refuse one and not the other); the
        first failure is raised after both were tried."""
        self._running = None
        failure: OSError | None = None
        for keep in (lambda: self._append_trajectory(record), self.save):
            try:
                keep()
            except OSError as exc:
                failure = failure or exc
        if failure is not None:
            raise failure

    def _write_error(self, exc: OSError) -> SessionWriteError:
        return SessionWriteError(f"cannot write the session in {self.directory}: "
                                 f"{exc.strerror or exc}")

    def _turn_folder(self, index: int) -> Path:
        """turn-N, refused when a link would take writes out of the session folder."""
        folder = self.directory / f"turn-{index}"
        if not folder.resolve().is_relative_to(self.directory.resolve()):
            raise SessionWriteError(f"cannot write the session in {self.directory}: "
                                    f"{folder.name} leads outside it")
        return folder

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
            turn.patch = (data.get("best") or {}).get("patch")
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
                if self.publish_error is not None:
                    data["publish_error"] = self.publish_error
        else:
            return False  # reply, compile, repair: recorded in the trajectory only
        return True

    def _keep_part(self, turn: Turn, files: dict[str, str]) -> dict[str, str]:
        """Copy the best candidate to turn-N/part.* and render its preview."""
        folder = self._turn_folder(turn.index)
        kept: dict[str, str] = {}
        scad = folder / "part.scad"
        write_atomic(scad, turn.program or "")
        kept["scad"] = str(scad)
        if files.get("stl"):
            stl = folder / "part.stl"
            write_atomic(stl, Path(files["stl"]).read_bytes())
            kept["stl"] = str(stl)
            if self.config.render:
                started = time.monotonic()
                kept.update(render_preview(stl, folder / "part.png"))
                turn.timings["render_s"] = round(time.monotonic() - started, 4)
        return kept

    def _publish(self, turn: Turn | None) -> None:
        """Mirror the current part into the output directory (or clear it after undo); a
        failure is kept in `publish_error`, never raised (agent/part_files.py)."""
        self.publish_error = None
        if self.out_dir is None:
            return
        kept_in = self.directory / f"turn-{turn.index}" if turn is not None else None
        self.publish_error = publish_part(self.out_dir, turn.files if turn else {}, kept_in)

    def _record(self, turn: Turn, step: Step) -> None:
        self._append_trajectory({"turn": turn.index, "time": time.time(), **step.to_dict()})

    def _open_trajectory(self) -> TextIO:
        # O_NOFOLLOW: a trajectory.jsonl planted as a link must not append to its target
        fd = os.open(self.trajectory_path,
                     os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        return os.fdopen(fd, "a", encoding="utf-8")

    def _append_trajectory(self, record: dict[str, Any]) -> None:
        line = json.dumps(json_safe(record), ensure_ascii=False) + "\n"
        if self._trajectory is not None:  # open for the running turn
            self._trajectory.write(line)
            self._trajectory.flush()  # in the OS's hands before the step is yielded
            return
        with self._open_trajectory() as handle:
            handle.write(line)

    def undo(self) -> Turn | None:
        """Drop the current part and go back to the one before it; returns the new current
        turn (None when back to an empty session). Files of the undone turn stay on disk."""
        current = self.current
        if current is None:
            raise ScadAgentError("nothing to undo")
        current.undone = True
        try:
            self._append_trajectory({"kind": "undo", "turn": current.index,
                                     "time": time.time()})
            self._publish(self.current)
            self.save()
        except OSError as exc:
            raise self._write_error(exc) from exc
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
        write_atomic(target, json.dumps(json_safe(self.to_dict()), indent=1,
                                        ensure_ascii=False))
        return target

    @classmethod
    def load(cls, path: Path, backend: Backend | None = None,
             config: AgentConfig | None = None, *, out_dir: Path | None = None) -> Session:
        """Resume a saved session. `path` is session.json or its directory; `config` (e.g.
        from flags) replaces the saved one. SessionFileError (one line) when the file is not
        a session this version wrote.

        Nothing in the file says where to write or read: a session that published its part
        publishes to `out_dir`, or else to the session folder's parent (where `run` puts
        it), never to the folder named in the file; a turn's files are read only from its
        own turn-N folder in this session."""
        file, data = read_session_file(Path(path))
        directory = file.parent
        if config is None:
            try:
                config = AgentConfig.from_dict(data.get("config") or {})
            except ScadAgentError as exc:
                raise SessionFileError(f"cannot load session {file}: {exc}") from exc
        if out_dir is None and data.get("out_dir") is not None:
            out_dir = directory.parent
        turns = []
        for position, raw in enumerate(data["turns"], 1):
            try:
                turn = Turn.from_dict(raw)
            except SessionFileError as exc:
                raise SessionFileError(f"cannot load session {file}: {exc}") from exc
            if turn.index != position:
                raise SessionFileError(f"cannot load session {file}: turn {position} has "
                                       f"index {turn.index}; turns are numbered 1, 2, 3...")
            turns.append(turn)
        session = cls(directory, backend, config, out_dir=out_dir, spec=data.get("spec"))
        for turn in turns:
            turn.files = own_files(directory, turn.index, turn.files)
            turn.params = program_params(turn.program)  # derived: never read from the file
            if turn.status == "running":  # the process died mid-turn
                turn.status = "interrupted"
        session.turns = turns
        return session
