"""The eval harness end to end: real Sessions, the real loop, real openscad, scripted model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import trimesh
from scad_parts import part_stl
from scripted_replies import scripted
from typer.testing import CliRunner

from agent.backends.scripted import ScriptedBackend
from agent.config import AgentConfig
from evals.cli import app
from evals.compare import compare, compare_runs
from evals.harness import EvalConfig, run_suite
from evals.reference import compare_meshes
from evals.report import load_results, write_run
from evals.suite import Case, SuiteError, default_suite_path, load_suite

# prompt (or follow-up) -> reply; prompts carry no numbers the agent could check itself,
# so each case's outcome is decided by the case spec alone
REPLIES = {
    "a small cube": "```openscad\ncube(20);\n```",
    "a broken thing": "cube([1, 2, 3);",
    "a smaller cube": "cube(12);",
    "a slow cube": "SLEEP",
    "a cube the model fails on": "ERROR",
    "a low block": "cube([20, 20, 10]);",
    "make it twice as tall": "cube([20, 20, 20]);",
}


reply = scripted(REPLIES)


CUBE20 = {"watertight": True, "genus": 0, "size": [[19.5, 20.5]] * 3}
CASES = [
    Case("pass", "a small cube", spec=CUBE20),
    Case("compile-fail", "a broken thing", spec={"genus": 0}),
    Case("spec-fail", "a smaller cube", spec={"bodies": 1, "size": [[19.5, 20.5]] * 3}),
    Case("timeout", "a slow cube", spec=CUBE20, timeout_s=0.2),
    Case("backend-error", "a cube the model fails on", spec=CUBE20),
]
CONFIG = AgentConfig(backend="scripted", max_repairs=1, grammar=False)


def run(tmp: Path, cases: list[Case] = CASES, **eval_kw: object):
    eval_config = EvalConfig(**{"workers": 2, "case_timeout_s": 120, **eval_kw})
    return run_suite(cases, lambda: ScriptedBackend(reply), CONFIG, tmp, eval_config)


def test_suite_run_counts_and_report(tmp_path: Path) -> None:
    results = run(tmp_path)
    by_id = {r.id: r for r in results}
    assert [r.id for r in results] == [c.id for c in CASES]  # suite order, not finish order
    assert {r.id: r.status for r in results} == {
        "pass": "pass", "compile-fail": "no_part", "spec-fail": "fail_spec",
        "timeout": "timeout", "backend-error": "error"}
    assert by_id["pass"].compiled_first and by_id["pass"].repairs_used == 0
    assert by_id["pass"].total_tokens > 0 and by_id["pass"].report["genus"] == 0
    assert not by_id["compile-fail"].compiled_first and not by_id["compile-fail"].compiled
    assert by_id["compile-fail"].repairs_used == 1
    assert by_id["compile-fail"].compile_status == "syntax_error"
    assert by_id["spec-fail"].failed_keys == ["size"] and by_id["spec-fail"].compiled
    assert "model server went away" in by_id["backend-error"].error

    summary = write_run(tmp_path, results, {"suite": "tiny", "backend": "scripted"})
    assert summary["counts"] == {"pass": 1, "fail_spec": 1, "no_part": 1, "timeout": 1,
                                 "error": 1}
    assert summary["pass_rate"] == 0.2
    assert summary["compile_first_rate"] == 0.4 and summary["compile_rate"] == 0.4
    assert summary["key_failures"] == {"size": 1}  # counted over cases with a part
    # the prompts state no sizes, so the agent called both cubes OK: one of them wrongly
    assert (summary["said_ok"], summary["false_ok"], summary["false_ok_rate"]) == (2, 1, 0.5)
    assert summary["create_pass_rate"] == 0.2 and summary["turns"]["edit"]["turns"] == 0
    report = (tmp_path / "report.md").read_text()
    assert "| 5 | 1 (20%) | 1/2 (50%) | 1 | 1 | 1 | 1 | 40% | 40% |" in report
    assert "## Turns" not in report  # no follow-ups: the case table says it all
    assert "| spec-fail | fail_spec | F! |" in report and "- the agent said the part was OK" \
        in report
    assert "expected overall size (largest first) 19.5-20.5" in report
    assert (tmp_path / "previews" / "spec-fail.png").read_bytes()[:4] == b"\x89PNG"
    assert "![spec-fail](previews/spec-fail.png)" in report
    assert "no part: OpenSCAD status syntax_error" in report
    assert sorted(p.name for p in (tmp_path / "previews").iterdir()) == ["spec-fail.png"]
    assert [r.to_dict() for r in load_results(tmp_path)] == [r.to_dict() for r in results]
    saved = json.loads((tmp_path / "summary.json").read_text())
    assert saved["meta"]["suite"] == "tiny" and saved["counts"]["timeout"] == 1


def test_grow_is_scored_against_the_first_prompts_part(tmp_path: Path) -> None:
    grow = {"grow": {"axis": "z", "min_ratio": 1.8}}
    cases = [Case("taller", "a low block", turns=["make it twice as tall"], spec=grow),
             Case("too-tall", "a low block", turns=["make it twice as tall"],
                  spec={"grow": {"axis": "z", "max_ratio": 1.5}})]
    taller, too_tall = run(tmp_path, cases)
    assert taller.status == "pass" and taller.turns == 2 and taller.compiled_first
    assert too_tall.status == "fail_spec" and too_tall.failed_keys == ["grow"]
    assert taller.files["stl"].endswith("turn-2/part.stl")


def test_a_step_that_hangs_is_given_up_on(tmp_path: Path) -> None:
    hang = Case("hang", "a slow cube", spec=CUBE20)
    [result] = run(tmp_path, [hang], case_timeout_s=0.05, grace_s=0.05)
    assert result.status == "timeout" and "no response" in result.error  # the hard path


def test_oracle_spec_lets_the_agent_see_the_target(tmp_path: Path) -> None:
    backend = ScriptedBackend(reply)
    case = Case("spec-fail", "a smaller cube", spec={"size": [[19.5, 20.5]] * 3})
    run_suite([case], lambda: backend, CONFIG, tmp_path,
              EvalConfig(oracle_spec=True))
    sent = [m["content"] for call in backend.calls for m in call["messages"]]
    assert any("19.5" in text for text in sent)  # the repair message quoted the spec
    blind = ScriptedBackend(reply)
    run_suite([case], lambda: blind, CONFIG, tmp_path / "blind", EvalConfig())
    assert len(blind.calls) == 1  # nothing told the agent the part was wrong


def test_compare_finds_the_regression(tmp_path: Path) -> None:
    cases = [Case("a", "a small cube", spec=CUBE20), Case("b", "a smaller cube", spec=CUBE20)]
    before = run(tmp_path / "before", cases)
    write_run(tmp_path / "before", before, {})
    REPLIES_AFTER = {**REPLIES, "a small cube": "cube(12);", "a smaller cube": "cube(20);"}

    def reply_after(messages: list[dict], n: int) -> list[str]:
        users = [m["content"] for m in messages if m["role"] == "user"]
        return [REPLIES_AFTER[users[0]]] * n

    after = run_suite(cases, lambda: ScriptedBackend(reply_after), CONFIG,
                      tmp_path / "after", EvalConfig())
    write_run(tmp_path / "after", after, {})
    result = compare_runs(tmp_path / "before", tmp_path / "after")
    assert [(c.id, c.before, c.after) for c in result.regressions] == [
        ("a", "pass", "fail_spec")]
    assert result.regressions[0].new_failed_keys == ["size"]
    assert [c.id for c in result.improvements] == ["b"]
    assert result.summary_delta["pass_rate"]["delta"] == 0
    assert compare(before, before).regressions == []
    code = CliRunner().invoke(app, ["compare", str(tmp_path / "before"),
                                    str(tmp_path / "after"), "--fail-on-regression"])
    assert code.exit_code == 1 and "a: pass -> fail_spec" in code.output


def test_cli_run_with_a_replies_file(tmp_path: Path) -> None:
    suite = tmp_path / "suite.jsonl"
    suite.write_text(
        json.dumps({"id": "cube", "prompt": "a cube", "turns": [], "spec": CUBE20}) + "\n"
        + json.dumps({"id": "bad", "prompt": "a bad cube", "spec": {"genus": 1}}) + "\n")
    replies = tmp_path / "replies.jsonl"
    replies.write_text(json.dumps("cube(20);") + "\n" + json.dumps("cube(20);") + "\n")
    result = CliRunner().invoke(app, [
        "run", str(suite), "--backend", "scripted", "--model", str(replies),
        "--max-repairs", "0", "--out", str(tmp_path / "run"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["counts"]["pass"] == 1 and data["counts"]["fail_spec"] == 1
    assert (tmp_path / "run" / "report.md").is_file()
    below = CliRunner().invoke(app, [
        "run", "--suite", str(suite), "--backend", "scripted", "--model", str(replies),
        "--max-repairs", "0", "--out", str(tmp_path / "run2"), "--min-pass-rate", "0.9",
        "--case", "cube"])
    assert below.exit_code == 0  # only the passing case selected
    assert CliRunner().invoke(app, ["run", str(tmp_path / "none.jsonl")]).exit_code == 2


def test_suite_validation(tmp_path: Path) -> None:
    public = load_suite(default_suite_path())
    assert len(public) >= 20 and len({c.id for c in public}) == len(public)
    bad = tmp_path / "bad.jsonl"
    for lines, words in [
        (['{"id": "a", "prompt": "p"}', '{"id": "a", "prompt": "q"}'], "duplicate case id"),
        (['{"id": "a", "prompt": "p", "spec": {"colour": 2}}'], "unknown spec key"),
        (['{"id": "a", "prompt": "p", "reference": "nope.stl"}'], "not found"),
        (['{"id": "a", "prompt": "p", "spec": {"grow": {"axis": "z", "min_ratio": 2}}}'],
         "needs at least one follow-up"),
        (['{"id": "a"}'], "'prompt'"),
        (["not json"], "not JSON"),
    ]:
        bad.write_text("\n".join(lines) + "\n")
        with pytest.raises(SuiteError, match=words):
            load_suite(bad)


def test_reference_scores(tmp_path: Path) -> None:
    plate = part_stl("plate4")
    same = compare_meshes(plate, plate)
    assert same.iou == pytest.approx(1.0) and same.chamfer_mm == 0 and same.volume_error == 0
    # the same plate stood on its edge and moved: aligned back, IoU still about 1
    moved = trimesh.load(plate)
    moved.apply_transform(trimesh.transformations.rotation_matrix(1.5707963, [1, 0, 0]))
    moved.apply_translation([7, -3, 11])
    moved.export(tmp_path / "moved.stl")
    turned = compare_meshes(tmp_path / "moved.stl", plate)
    assert turned.aligned == "axes" and turned.iou > 0.97 and turned.bbox_error < 1e-6
    other = compare_meshes(part_stl("cube"), plate)
    assert other.iou < 0.3 and other.chamfer_rel > 0.05 and other.bbox_error > 0.5
    slab = compare_meshes(part_stl("two_cubes"), part_stl("two_cubes"))
    assert slab.iou == pytest.approx(1.0)


def test_reference_in_a_suite_is_scored(tmp_path: Path) -> None:
    ref = tmp_path / "cube20.stl"
    ref.write_bytes(part_stl("cube").read_bytes())
    suite = tmp_path / "s.jsonl"
    suite.write_text(json.dumps({"id": "c", "prompt": "a small cube", "spec": {},
                                 "reference": "cube20.stl"}) + "\n")
    [case] = load_suite(suite)
    [result] = run(tmp_path / "run", [case])
    assert result.reference["iou"] == pytest.approx(1.0)
