"""Per-turn scoring of conversations: real Sessions, the real loop, real openscad, a scripted
model. Each message of a case has its own spec; the report counts create and edit turns
apart, and the false OKs (the agent called a part OK, its spec fails)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scripted_replies import scripted
from typer.testing import CliRunner

from agent.backends.scripted import ScriptedBackend
from agent.config import AgentConfig
from evals.cli import app
from evals.compare import compare
from evals.harness import EvalConfig, run_suite
from evals.report import load_results, write_run
from evals.suite import Case, SuiteError, load_suite

SUITE = Path(__file__).resolve().parents[1] / "evals" / "suites" / "multiturn-heldout.jsonl"
# message -> reply. None of the messages states a size the agent could check, so the agent
# calls every part that compiles OK and only the case's specs judge it.
REPLIES = {
    "a low block": "cube([20, 20, 10]);",
    "make it twice as tall": "cube([20, 20, 20]);",
    "a touch more polish": "cube([30, 20, 20]);",  # nobody asked for a wider part
    "now double that": "cube([30, 20, 40]);",
    "a broken thing": "cube([1, 2, 3);",
    "a cube the model fails on": "ERROR",
    "a slow block": "SLEEP",
}


reply = scripted(REPLIES)


def box(x: float, y: float, z: float) -> dict:
    return {"size_xyz": [[x - 0.5, x + 0.5], [y - 0.5, y + 0.5], [z - 0.5, z + 0.5]]}


CONFIG = AgentConfig(backend="scripted", max_repairs=1, grammar=False)
CHAIN = Case("chain", "a low block",
             turns=["make it twice as tall", "a touch more polish", "now double that"],
             specs=[box(20, 20, 10),
                    {**box(20, 20, 20), "grow": {"axis": "z", "min_ratio": 1.9}},
                    box(20, 20, 20),
                    # measured from the part the turn started from (20 tall), not the
                    # first one (10 tall, a ratio of 4), and on the wide part the failed
                    # turn left: the user edits what they see
                    {**box(30, 20, 40), "grow": {"axis": "z", "min_ratio": 1.9,
                                                  "max_ratio": 2.1}}])
BROKEN = Case("broken", "a low block",
              turns=["a broken thing", "a cube the model fails on", "make it twice as tall"],
              specs=[box(20, 20, 10), box(20, 20, 10), box(20, 20, 10), box(20, 20, 20)])


def run(tmp: Path, cases: list[Case]) -> list:
    return run_suite(cases, lambda: ScriptedBackend(reply), CONFIG, tmp,
                     EvalConfig(case_timeout_s=120))


def test_every_turn_is_scored_and_false_oks_counted(tmp_path: Path) -> None:
    chain, broken = run(tmp_path, [CHAIN, BROKEN])
    assert [(t["index"], t["kind"], t["agent_status"], t["spec_passed"])
            for t in chain.turn_results] == [
        (1, "create", "ok", True), (2, "edit", "ok", True), (3, "edit", "ok", False),
        (4, "edit", "ok", True)]
    third = chain.turn_results[2]
    assert third["failed_keys"] == ["size_xyz"] and "X 30 not in" in json.dumps(third["checks"])
    assert chain.status == "fail_spec" and chain.failed_keys == ["size_xyz"]
    assert chain.said_ok and chain.false_ok  # OK every turn, yet one spec fails
    assert chain.files["stl"].endswith("turn-4/part.stl") and chain.report["extents"] == [
        pytest.approx(30), pytest.approx(20), pytest.approx(40)]

    assert broken.status == "error" and "went away" in broken.error
    assert [(t["agent_status"], t["spec_passed"]) for t in broken.turn_results] == [
        ("ok", True), ("no_part", False), ("error", False), ("not_run", False)]
    assert not broken.said_ok and not broken.false_ok

    summary = write_run(tmp_path, [chain, broken], {"suite": "two conversations"})
    assert summary["turns"]["create"] == {
        "turns": 2, "passed": 2, "pass_rate": 1.0, "said_ok": 2, "false_ok": 0,
        "false_ok_rate": 0.0, "latency_p50_s": summary["turns"]["create"]["latency_p50_s"],
        "modes": {"program": 2}}
    edit = summary["turns"]["edit"]
    # whole programs every time (no named parameters to set directly); turns without a
    # part were made by nothing
    assert edit["modes"] == {"program": 3}
    assert (edit["turns"], edit["passed"], edit["said_ok"], edit["false_ok"]) == (6, 2, 3, 1)
    assert summary["edit_pass_rate"] == 0.3333 and summary["edit_false_ok_rate"] == 0.3333
    assert summary["create_pass_rate"] == 1.0 and summary["create_false_ok_rate"] == 0.0
    assert summary["pass_rate"] == 0.0  # no conversation passed every turn
    assert (summary["said_ok"], summary["false_ok"], summary["false_ok_rate"]) == (1, 1, 1.0)
    assert summary["key_failures"] == {"size_xyz": 1}  # turns with a part only

    report = (tmp_path / "report.md").read_text()
    assert "| create turns | 2 | 2 (100%) | 0/2 (0%) |" in report
    assert "| edit turns | 6 | 2 (33%) | 1/3 (33%) |" in report
    assert "| conversations (all turns pass) | 2 | 0 (0%) | 1/1 (100%) |" in report
    assert "Parts of edit turns made by: program 3." in report
    assert "| chain | fail_spec | P P F! P |" in report
    assert "| broken | error | P F F F |" in report
    assert ('- turn 3, edit, agent ok (the agent said OK): "a touch more polish"' in report)
    assert "  - size_xyz: expected X x Y x Z size" in report
    saved = json.loads((tmp_path / "summary.json").read_text())
    assert saved["turns"]["edit"]["false_ok"] == 1

    # results read back score the same, and a conversation failing earlier is a regression
    again = load_results(tmp_path)
    assert [r.to_dict() for r in again] == [r.to_dict() for r in [chain, broken]]
    worse = load_results(tmp_path)
    worse[0].turn_results[1]["spec_passed"] = False
    change = compare(again, worse)
    assert [(c.id, c.turns_passed) for c in change.regressions] == [("chain", (3, 2))]


def test_a_conversation_given_up_on_fails_every_turn(tmp_path: Path) -> None:
    slow = Case("slow", "a slow block", turns=["make it twice as tall"],
                specs=[box(1, 1, 1), box(1, 1, 2)])
    [result] = run_suite([slow], lambda: ScriptedBackend(reply), CONFIG, tmp_path,
                         EvalConfig(case_timeout_s=0.05, grace_s=0.05))
    assert result.status == "timeout"
    assert [(t["agent_status"], t["scored"], t["spec_passed"]) for t in result.turn_results] \
        == [("timeout", True, False)] * 2
    summary = write_run(tmp_path, [result], {})
    assert summary["turns"]["create"]["turns"] == 1 and summary["edit_pass_rate"] == 0.0


def test_the_shared_format_scores_only_the_last_part(tmp_path: Path) -> None:
    legacy = Case("legacy", "a low block", turns=["a touch more polish"], spec=box(30, 20, 20))
    [result] = run(tmp_path, [legacy])
    assert result.status == "pass"
    assert [(t["scored"], t["agent_status"]) for t in result.turn_results] == [
        (False, "ok"), (True, "ok")]
    summary = write_run(tmp_path, [result], {})
    assert summary["turns"]["create"]["turns"] == 0 and summary["edit_pass_rate"] == 1.0


def test_specs_validation(tmp_path: Path) -> None:
    suite = tmp_path / "s.jsonl"

    def case(**fields: object) -> str:
        return json.dumps({"id": "a", "prompt": "p", "turns": ["q"], **fields})

    for line, words in [
        (case(specs=[{}]), "1 entries for 2 messages"),
        (case(specs=[{}, {}], spec={}), "not both"),
        (case(specs=[{}, {"colour": 1}]), r"specs\[1\]: unknown spec key"),
        (case(specs=[{"grow": {"axis": "z", "min_ratio": 2}}, {}]), "no earlier part"),
        (case(specs={"a": 1}), "list of objects"),
    ]:
        suite.write_text(line + "\n")
        with pytest.raises(SuiteError, match=words):
            load_suite(suite)
    suite.write_text(case(specs=[box(1, 1, 1), {"grow": {"axis": "x", "min_ratio": 2}}]) + "\n")
    [ok] = load_suite(suite)
    assert ok.spec == {"grow": {"axis": "x", "min_ratio": 2}} and ok.turn_specs()[0] == box(1, 1, 1)
    assert load_suite(suite)[0].to_dict()["specs"] == ok.specs


def test_the_held_out_multiturn_suite() -> None:
    cases = load_suite(SUITE)
    assert len(cases) >= 40
    assert all(c.per_turn and 2 <= len(c.messages) <= 4 for c in cases)
    assert all(spec for c in cases for spec in c.turn_specs())  # every turn is judged
    texts = [m.lower().strip() for c in cases for m in c.messages]
    assert len({c.prompt.lower() for c in cases}) == len(cases)  # no prompt used twice
    assert sum(len(c.turns) for c in cases) >= 60 and len(texts) >= 100


def test_cli_prints_turn_rates(tmp_path: Path) -> None:
    suite = tmp_path / "suite.jsonl"
    suite.write_text(json.dumps({"id": "c", "prompt": "a low block",
                                 "turns": ["make it twice as tall"],
                                 "specs": [box(20, 20, 10), box(20, 20, 30)]}) + "\n")
    replies = tmp_path / "replies.jsonl"
    replies.write_text("\n".join(json.dumps(r) for r in [
        "cube([20, 20, 10]);", "cube([20, 20, 20]);"]) + "\n")
    result = CliRunner().invoke(app, [
        "run", str(suite), "--backend", "scripted", "--model", str(replies),
        "--max-repairs", "0", "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    assert "turns P F!" in result.output
    assert "edit turns 0/1 passed (false OK 1/1" in result.output
    assert "create turns 1/1 passed (false OK 0/1)" in result.output


def test_each_turn_says_how_its_part_was_made(tmp_path: Path) -> None:
    replies = {"a parametric block": "width = 20;\nheight = 10;\ncube([width, 20, height]);",
               "make the block a bit wider please": "width = 30;"}

    def patchy(messages: list[dict], n: int) -> list[str]:
        users = [m["content"] for m in messages if m["role"] == "user"]
        return [next(replies[u] for u in reversed(users) if u in replies)] * n

    case = Case("modes", "a parametric block",
                turns=["set height to 30", "make the block a bit wider please"],
                specs=[box(20, 20, 10), box(20, 20, 30), box(30, 20, 30)])
    (result,) = run_suite([case], lambda: ScriptedBackend(patchy), CONFIG, tmp_path,
                          EvalConfig(case_timeout_s=120))
    assert [(t["mode"], t["spec_passed"]) for t in result.turn_results] == [
        ("program", True), ("direct", True), ("patch", True)]
    summary = write_run(tmp_path, [result], {"suite": "modes"})
    assert summary["turns"]["edit"]["modes"] == {"direct": 1, "patch": 1}
