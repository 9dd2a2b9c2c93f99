"""Run a suite through the real agent: one Session per case, prompt then turns, scored with
tools.spec against the case's spec (the last part), or each turn against its own spec
(`specs`). Every turn also records what the agent said of its part, so a report can count
false OKs: the agent called a part OK and the spec fails it.

Fairness: by default the agent never sees the case's spec. It works from the prompt (and
the expectations agent.intent reads from it), exactly as it would for a user; the spec only
scores the result. `oracle_spec=True` hands the spec to the agent as well, which measures
how far repairs get when the target is known (an upper bound, not a score to report).

Time limits: each case has a deadline. The case's own thread checks it between agent steps
and stops the turn (the session records it as interrupted); if a single step overruns (a
model call that hangs), the harness records the timeout itself after a grace period and
moves on, leaving that thread to end at its next step.

Parallelism: cases run in threads, each with its own backend instance from the factory
(backends keep per-call state such as `last_usage`). Local models serialise generation
behind a lock in their backend, so threads still overlap OpenSCAD with generation. The
vLLM offline engine is not safe to call from several threads: it runs one worker.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from agent.backends.base import Backend
from agent.config import AgentConfig
from agent.session import Session
from evals.suite import Case
from tools.mesh import MeshReport
from tools.spec import check_spec

CaseStatus = Literal["pass", "fail_spec", "no_part", "timeout", "error"]
STATUSES: tuple[CaseStatus, ...] = ("pass", "fail_spec", "no_part", "timeout", "error")
# how a turn ended for the agent: its own verdict (ok, failed_checks, no_part), or why it
# has none (error, timeout, or not_run after an earlier turn ended the conversation)
AgentStatus = Literal["ok", "failed_checks", "no_part", "error", "timeout", "not_run"]
BackendFactory = Callable[[], Backend]
# Backends that must not be called from several threads at once (name -> most workers).
MAX_WORKERS_BY_BACKEND = {"vllm": 1}


@dataclass
class EvalConfig:
    workers: int = 1
    case_timeout_s: float = 600.0
    oracle_spec: bool = False  # give the agent the case's spec (upper bound, not a score)
    reference: bool = True  # score against reference meshes when a case names one
    grace_s: float = 5.0  # after the deadline, how long a case's own thread gets to notice


@dataclass
class TurnResult:
    """One message of a conversation: what the agent said of its part, and (when the case
    has a spec for this message) whether the part meets it."""

    index: int  # 1-based: 1 is the prompt
    text: str
    agent_status: AgentStatus = "not_run"
    scored: bool = False  # the case has a spec for this message
    spec_passed: bool = False
    has_part: bool = False
    failed_keys: list[str] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)
    repairs_used: int = 0
    latency_s: float = 0.0
    stop: str | None = None
    note: str | None = None
    # how the part was made: "direct" (a parameter set without the model), "already" (the
    # part already met the request), "patch" (changed assignments), "program" (a whole one)
    mode: str | None = None

    @property
    def kind(self) -> Literal["create", "edit"]:
        return "create" if self.index == 1 else "edit"

    @property
    def said_ok(self) -> bool:
        return self.agent_status == "ok"

    @property
    def passed(self) -> bool:
        return self.scored and self.spec_passed

    @property
    def false_ok(self) -> bool:
        """The agent called the part OK and the spec fails it."""
        return self.scored and self.said_ok and not self.spec_passed

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "kind": self.kind}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TurnResult:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class CaseResult:
    id: str
    status: CaseStatus
    compiled_first: bool = False  # every turn's first attempt compiled
    compiled: bool = False  # the last turn ended with a part (after repairs)
    spec_passed: bool = False  # every scored turn met its spec
    failed_keys: list[str] = field(default_factory=list)  # over every scored turn
    checks: list[dict] = field(default_factory=list)  # the last scored turn's
    repairs_used: int = 0  # summed over turns
    turns: int = 0  # messages sent (prompt + follow-ups)
    tokens: dict[str, int] = field(default_factory=dict)
    latency_s: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # model/compile/check, summed
    compile_status: str | None = None  # OpenSCAD status of the final turn's best program
    report: dict | None = None  # MeshReport.to_dict of the final part
    reference: dict | None = None  # evals.reference.ReferenceScore.to_dict, or {"error"}
    files: dict[str, str] = field(default_factory=dict)  # scad/stl/png of the final part
    error: str | None = None
    session: str | None = None
    prompt: str = ""
    turn_results: list[dict] = field(default_factory=list)  # TurnResult.to_dict per message

    @property
    def total_tokens(self) -> int:
        return int(sum(self.tokens.values()))

    def turn_list(self) -> list[TurnResult]:
        return [TurnResult.from_dict(t) for t in self.turn_results]

    @property
    def said_ok(self) -> bool:
        """The agent called every scored turn's part OK (results from before per-turn
        records have none, and count as not said)."""
        scored = [t for t in self.turn_list() if t.scored]
        return bool(scored) and all(t.said_ok for t in scored)

    @property
    def false_ok(self) -> bool:
        return self.said_ok and self.status != "pass"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CaseResult:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def _add(total: dict, part: dict | None) -> None:
    for key, value in (part or {}).items():
        if isinstance(value, int | float):
            total[key] = round(total.get(key, 0) + value, 6)


class _Timeout(Exception):
    pass


@dataclass
class _Before:
    """The part a turn starts from, for the spec keys that compare with it."""

    report: MeshReport | None = None
    program: str | None = None


def _oracle(case: Case, index: int) -> dict | None:
    """The spec handed to the agent before message `index` in an oracle run. A per-turn
    spec goes without grow: the agent measures grow from the first part, the suite from the
    part the turn started from."""
    if case.specs is None:
        return dict(case.spec) if index == len(case.messages) - 1 else None
    return {k: v for k, v in case.specs[index].items() if k != "grow"}


def run_case(case: Case, backend: Backend, config: AgentConfig, workdir: Path, *,
             deadline: float, cancel: threading.Event | None = None,
             eval_config: EvalConfig | None = None) -> CaseResult:
    """Send the prompt and every turn through one Session, scoring each turn that has a
    spec as it ends. A failed turn does not stop the conversation: the next message edits
    the current part, as a user would go on."""
    eval_config = eval_config or EvalConfig()
    started = time.monotonic()
    session = Session(workdir / "session", backend, config)
    result = CaseResult(id=case.id, status="no_part", session=str(session.path),
                        prompt=case.prompt)
    specs = case.turn_specs()
    turns: list[TurnResult] = []  # one per message, in order
    first_report: MeshReport | None = None
    last_done: dict | None = None
    first_compiled: list[bool] = []  # per completed turn
    turn_started = started
    try:
        for index, text in enumerate(case.messages):
            if eval_config.oracle_spec:
                session.spec = _oracle(case, index)
            current = session.current
            before = _Before(
                MeshReport.from_dict(current.report) if current and current.report else None,
                current.program if current else None)
            if case.specs is None:  # the shared format: grow against the first prompt's part
                before = _Before(first_report, before.program)
            result.turns += 1
            turn_started = time.monotonic()
            done, error, compiled_at_once = _run_turn(session, text, deadline, cancel)
            data = done or error or {}
            _add(result.tokens, data.get("tokens"))
            _add(result.timings, {k: v for k, v in (data.get("timings") or {}).items()
                                  if k != "total_s"})
            turn = _score_turn(index, text, specs[index], done, before)
            turn.latency_s = round(time.monotonic() - turn_started, 4)
            turns.append(turn)
            if error is not None or done is None:
                result.status = "error"
                result.error = str((error or {}).get("message", "the turn ended without a result"))
                break
            first_compiled.append(compiled_at_once)
            result.repairs_used += int(done.get("repairs_used", 0))
            last_done = done
            if index == 0 and done.get("report"):
                first_report = MeshReport.from_dict(done["report"])
    except _Timeout:
        result.status = "timeout"
        result.error = f"over the {case.timeout_s or eval_config.case_timeout_s:g} s limit"
    except Exception as exc:  # one broken case must not end the run
        result.status, result.error = "error", f"{type(exc).__name__}: {exc}"
    result.latency_s = round(time.monotonic() - started, 4)
    result.compiled_first = len(first_compiled) == len(case.messages) and all(first_compiled)
    if result.status in ("timeout", "error") and len(turns) < result.turns:
        # the turn in progress when the case ended
        cut = unrun_turns(case, len(turns),
                          "timeout" if result.status == "timeout" else "error")[0]
        cut.latency_s = round(time.monotonic() - turn_started, 4)
        turns.append(cut)
    turns += unrun_turns(case, len(turns), "not_run")
    result.turn_results = [t.to_dict() for t in turns]
    if result.status in ("timeout", "error"):
        return result
    _score_case(case, result, last_done, session, eval_config)
    return result


def unrun_turns(case: Case, start: int, status: AgentStatus) -> list[TurnResult]:
    """Records for the messages from `start` on that never got a result; scored ones fail."""
    specs = case.turn_specs()
    return [TurnResult(i + 1, case.messages[i], status, scored=specs[i] is not None)
            for i in range(start, len(case.messages))]


def _run_turn(session: Session, text: str, deadline: float,
              cancel: threading.Event | None) -> tuple[dict | None, dict | None, bool]:
    """(done data, error data, whether attempt 1 compiled) for one message."""
    done = error = None
    first_compiled = False
    steps = session.send(text)
    try:
        for step in steps:
            if step.kind == "compile" and step.attempt == 1 and step.data.get("ok"):
                first_compiled = True
            elif step.kind == "done":
                done = step.data
            elif step.kind == "error":
                error = step.data
            if time.monotonic() > deadline or (cancel is not None and cancel.is_set()):
                if done is None and error is None:
                    raise _Timeout()
    finally:
        steps.close()  # on a timeout: the session marks the turn interrupted and saves
    return done, error, first_compiled


def _part(done: dict | None) -> MeshReport | None:
    """The turn's part, or None when it ended without one."""
    if not done or done.get("status") not in ("ok", "failed_checks") or not done.get("report"):
        return None
    report = MeshReport.from_dict(done["report"])
    return None if report.empty else report


def made_by(done: dict | None) -> str | None:
    """How a turn's part came about (TurnResult.mode); None without a part."""
    if not done or _part(done) is None:
        return None
    if done.get("stop") in ("direct", "already"):
        return done["stop"]
    return "patch" if (done.get("best") or {}).get("patch") else "program"


def _score_turn(index: int, text: str, spec: dict | None, done: dict | None,
                before: _Before) -> TurnResult:
    report = _part(done)
    status = (done or {}).get("status")
    turn = TurnResult(index + 1, text,
                      status if status in ("ok", "failed_checks", "no_part") else "error",
                      scored=spec is not None, has_part=report is not None,
                      repairs_used=int((done or {}).get("repairs_used", 0)),
                      stop=(done or {}).get("stop"), note=(done or {}).get("note"),
                      mode=made_by(done))
    if spec is not None:
        checked = check_spec(spec, report, first=before.report,
                             program=(done or {}).get("program") if report else None,
                             previous_program=before.program)
        turn.spec_passed = checked.passed
        turn.failed_keys = checked.failed_keys()
        turn.checks = [c.to_dict() for c in checked.checks]
    return turn


def _score_case(case: Case, result: CaseResult, done: dict | None, session: Session,
                eval_config: EvalConfig) -> None:
    """The conversation's verdict from its scored turns, and the final part's files."""
    report = _part(done)
    has_part = report is not None
    result.compiled = has_part
    result.compile_status = ((done or {}).get("best") or {}).get("compile_status")
    turns = [t for t in result.turn_list() if t.scored]
    result.spec_passed = all(t.spec_passed for t in turns)
    result.failed_keys = list(dict.fromkeys(k for t in turns for k in t.failed_keys))
    result.checks = turns[-1].checks if turns else []
    result.report = report.to_dict() if report else None
    current = session.turns[-1] if session.turns else None
    if has_part and current is not None:
        result.files = dict(current.files)
    result.status = "pass" if result.spec_passed else ("fail_spec" if has_part else "no_part")
    if eval_config.reference and case.reference is not None and result.files.get("stl"):
        from evals.reference import compare_meshes

        try:
            result.reference = compare_meshes(Path(result.files["stl"]),
                                              case.reference).to_dict()
        except Exception as exc:  # scoring extras must not lose the case's result
            result.reference = {"error": f"{type(exc).__name__}: {exc}"}


def workers_for(backend_name: str, requested: int) -> int:
    return max(1, min(requested, MAX_WORKERS_BY_BACKEND.get(backend_name, requested)))


@dataclass
class _Slot:
    """A running case: its deadline, its stop flag, and the backend its thread uses."""

    deadline: float
    cancel: threading.Event
    backend: Backend | None


def run_suite(cases: Iterable[Case], backend_factory: BackendFactory, config: AgentConfig,
              out_dir: Path, eval_config: EvalConfig | None = None,
              on_result: Callable[[CaseResult], None] | None = None) -> list[CaseResult]:
    """Every case, in suite order. Backends come from `backend_factory`, one per running
    case (reused once a case ends in time). `on_result` is called as each case finishes."""
    eval_config = eval_config or EvalConfig()
    cases = list(cases)
    by_id = {c.id: c for c in cases}
    workers = workers_for(config.backend, eval_config.workers)
    out_dir = Path(out_dir)
    finished: queue.Queue[tuple[str, CaseResult]] = queue.Queue()
    idle_backends: list[Backend] = []
    running: dict[str, _Slot] = {}  # touched by this thread only
    results: dict[str, CaseResult] = {}
    pending = list(cases)

    def limit(case: Case) -> float:
        return case.timeout_s or eval_config.case_timeout_s

    def start(case: Case) -> None:
        slot = _Slot(time.monotonic() + limit(case), threading.Event(),
                     idle_backends.pop() if idle_backends else None)
        running[case.id] = slot

        def work() -> None:
            try:
                if slot.backend is None:
                    slot.backend = backend_factory()
                res = run_case(case, slot.backend, config, out_dir / "cases" / case.id,
                               deadline=slot.deadline, cancel=slot.cancel,
                               eval_config=eval_config)
            except Exception as exc:  # the factory failed, or something outside run_case
                res = CaseResult(id=case.id, status="error", prompt=case.prompt,
                                 error=f"{type(exc).__name__}: {exc}",
                                 turn_results=[t.to_dict()
                                               for t in unrun_turns(case, 0, "error")])
            finished.put((case.id, res))

        threading.Thread(target=work, name=f"eval-{case.id}", daemon=True).start()

    def record(res: CaseResult) -> None:
        results[res.id] = res
        if on_result is not None:
            on_result(res)

    while pending or running:
        while pending and len(running) < workers:
            start(pending.pop(0))
        soonest = min(slot.deadline for slot in running.values())
        wait = max(0.05, min(1.0, soonest + eval_config.grace_s - time.monotonic()))
        try:
            case_id, res = finished.get(timeout=wait)
        except queue.Empty:
            case_id, res = None, None
        if case_id is not None and case_id in running:  # else: already given up on
            slot = running.pop(case_id)
            if slot.backend is not None:
                idle_backends.append(slot.backend)
            record(res)
        now = time.monotonic()
        for cid, slot in list(running.items()):
            if now > slot.deadline + eval_config.grace_s:  # stuck inside one step: give up on it
                slot.cancel.set()
                del running[cid]  # its backend stays with the abandoned thread
                record(CaseResult(
                    id=cid, status="timeout", latency_s=round(limit(by_id[cid]), 4),
                    error=f"over the {limit(by_id[cid]):g} s limit (no response)",
                    session=str(out_dir / "cases" / cid / "session" / "session.json"),
                    prompt=by_id[cid].prompt, turns=len(by_id[cid].messages),
                    turn_results=[t.to_dict() for t in unrun_turns(by_id[cid], 0, "timeout")],
                ))
    return [results[c.id] for c in cases]
