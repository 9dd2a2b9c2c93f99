"""`scad-agent run` with the scripted backend: files, exit codes, --json, resume, config."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from agent import run_cli
from agent.run_cli import run_cmd

GOOD = "cube([20, 20, 20]);"
BAD = "cube([20, 20, 20]"


@pytest.fixture()
def cli() -> typer.Typer:
    app = typer.Typer()
    app.command()(run_cmd)
    return app


def replies(tmp_path: Path, *items: str | dict, name: str = "replies.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(i) + "\n" for i in items))
    return path


def invoke(cli: typer.Typer, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_makes_part_files_and_exits_zero(cli: typer.Typer, tmp_path: Path) -> None:
    script = replies(tmp_path, f"```openscad\n{BAD}\n```", f"```openscad\n{GOOD}\n```")
    out = tmp_path / "out"
    code, output = invoke(cli, "a 20 mm cube", "--backend", "scripted", "--model", str(script),
                          "--out", str(out))
    assert code == 0, output
    assert "attempt 2" in output and "part OK" in output and "1 repair" in output
    assert (out / "part.scad").read_text() == GOOD
    assert (out / "part.stl").stat().st_size > 0
    assert (out / "part.png").read_bytes()[:4] == b"\x89PNG"
    assert (out / "session" / "session.json").is_file()


def test_json_result_object(cli: typer.Typer, tmp_path: Path) -> None:
    script = replies(tmp_path, GOOD)
    code, output = invoke(cli, "a 20 mm cube", "--backend", "scripted", "--model", str(script),
                          "--out", str(tmp_path / "out"), "--json")
    assert code == 0
    result = json.loads(output)
    assert result["status"] == "ok" and result["exit_code"] == 0
    assert result["program"] == GOOD and result["repairs_used"] == 0
    assert set(result["files"]) == {"scad", "stl", "png"}
    assert {c["key"] for c in result["checks"]} >= {"watertight", "size"}
    assert result["timings"]["compile_s"] > 0


def test_no_valid_part_exits_one(cli: typer.Typer, tmp_path: Path) -> None:
    script = replies(tmp_path, BAD, "I cannot do that.")
    code, output = invoke(cli, "a 20 mm cube", "--backend", "scripted", "--model", str(script),
                          "--out", str(tmp_path / "out"), "--max-repairs", "1")
    assert code == 1
    assert "no valid part" in output
    assert not (tmp_path / "out" / "part.scad").exists()


def test_failing_checks_exit_one_but_keep_the_files(cli: typer.Typer, tmp_path: Path) -> None:
    script = replies(tmp_path, "cube([20, 20, 30]);")
    code, output = invoke(cli, "a 20 mm cube", "--backend", "scripted", "--model", str(script),
                          "--out", str(tmp_path / "out"), "--max-repairs", "0")
    assert code == 1 and "FAIL" in output and "size" in output
    assert (tmp_path / "out" / "part.stl").is_file()


def test_missing_bundled_model_says_what_to_pass(cli: typer.Typer, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_cli, "BUNDLED_MODEL", tmp_path / "no-such-model")
    code, output = invoke(cli, "a cube", "--out", str(tmp_path / "out"))
    assert code == 2
    for flag in ("--backend", "--model", "--endpoint"):
        assert flag in output


def test_backend_failure_exits_three_and_saves(cli: typer.Typer, tmp_path: Path) -> None:
    script = replies(tmp_path, {"error": "connection refused"})
    code, output = invoke(cli, "a cube", "--backend", "scripted", "--model", str(script),
                          "--out", str(tmp_path / "out"))
    assert code == 3 and "connection refused" in output
    saved = json.loads((tmp_path / "out" / "session" / "session.json").read_text())
    assert saved["turns"][0]["status"] == "error"


def test_resume_with_a_follow_up(cli: typer.Typer, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = replies(tmp_path, GOOD, name="one.jsonl")
    assert invoke(cli, "a 20 mm cube", "--backend", "scripted", "--model", str(first),
                  "--out", str(out))[0] == 0
    taller = replies(tmp_path, "cube([20, 20, 45]);", name="two.jsonl")
    code, output = invoke(cli, "make it taller", "--backend", "scripted", "--model",
                          str(taller), "--session", str(out / "session" / "session.json"),
                          "--json")
    assert code == 0, output
    result = json.loads(output)
    assert result["turn"] == 2
    assert any(c["key"] == "grow" and c["passed"] for c in result["checks"])
    assert (out / "part.scad").read_text() == "cube([20, 20, 45]);"


def test_config_file_and_flags_override(cli: typer.Typer, tmp_path: Path) -> None:
    script = replies(tmp_path, BAD, "cube([20, 20, 21]", GOOD)
    config = tmp_path / "agent.toml"
    config.write_text('max_repairs = 0\nbackend = "scripted"\n[limits]\ntimeout_s = 30\n')
    code, _ = invoke(cli, "a 20 mm cube", "--model", str(script), "--config", str(config),
                     "--out", str(tmp_path / "a"))
    assert code == 1  # one attempt only
    code, _ = invoke(cli, "a 20 mm cube", "--model", str(script), "--config", str(config),
                     "--out", str(tmp_path / "b"), "--max-repairs", "5")
    assert code == 0  # the third reply is good


def test_bad_flags_exit_two(cli: typer.Typer, tmp_path: Path) -> None:
    assert invoke(cli, "x", "--backend", "nope", "--out", str(tmp_path))[0] == 2
    assert invoke(cli, "x", "--backend", "scripted", "--strategy", "guess")[0] == 2
    bad = tmp_path / "c.toml"
    bad.write_text("max_repairs = 1\nunknown_knob = 3\n")
    code, output = invoke(cli, "x", "--backend", "scripted", "--config", str(bad))
    assert code == 2 and "unknown_knob" in output
    bad.write_text('max_repairs = "3"\n')  # a value of the wrong type: one line, no traceback
    result = CliRunner().invoke(cli, ["x", "--backend", "scripted", "--config", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.strip() == ("error: config: max_repairs should be a whole number, "
                                     "not '3'")


def test_top_level_prompt_maps_to_run(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    from agent.cli import main

    script = replies(tmp_path, GOOD)
    with pytest.raises(SystemExit) as exited:
        main(["a 20 mm cube", "--backend", "scripted", "--model", str(script), "--out",
              str(tmp_path / "out"), "--json"])
    assert exited.value.code == 0
    assert json.loads(capsys.readouterr().out)["status"] == "ok"


def test_agent_config_files(tmp_path: Path) -> None:
    from agent.config import AgentConfig, ConfigError

    yaml_file = tmp_path / "a.yaml"
    yaml_file.write_text("agent:\n  strategy: resample\n  samples: 6\n  backend: hf\n"
                         "  backend_config: {model: m, adapter: a}\n")
    cfg = AgentConfig.load(yaml_file, samples=2, backend_config={"model": "other"})
    assert cfg.resolved_strategy == "resample" and cfg.samples == 2
    assert cfg.backend_config == {"model": "other", "adapter": "a"}
    assert cfg.resolved_temperature > 0 and cfg.samples_per_attempt == 2
    assert AgentConfig(backend="openai").resolved_strategy == "repair"
    assert AgentConfig(backend="hf").resolved_strategy == "resample"
    assert AgentConfig(backend="scripted", samples=5).samples_per_attempt == 1
    assert AgentConfig(limits={"timeout_s": 5}).compile_limits().timeout_s == 5
    for bad in ({"strategy": "guess"}, {"samples": 0}, {"limits": {"nope": 1}}):
        with pytest.raises(ConfigError):
            AgentConfig.from_dict(bad)
    broken = tmp_path / "b.toml"
    broken.write_text("max_repairs = [")
    with pytest.raises(ConfigError):
        AgentConfig.load(broken)


def test_a_follow_up_without_the_model_does_not_load_it(cli: typer.Typer, tmp_path: Path
                                                        ) -> None:
    out = tmp_path / "out"
    first = replies(tmp_path, "height = 20; // [5:1:80]\ncube([20, 20, height]);")
    assert invoke(cli, "a 20 mm cube", "--backend", "scripted", "--model", str(first),
                  "--out", str(out))[0] == 0
    session = str(out / "session" / "session.json")
    gone = str(tmp_path / "no-such-replies.jsonl")  # a backend that cannot load
    code, output = invoke(cli, "make it taller", "--backend", "scripted", "--model", gone,
                          "--session", session)
    assert code == 0, output
    assert "loading" not in output
    assert "edited height directly: 20 -> 30 (taller by 50 %" in output
    assert "height = 30;" in (out / "part.scad").read_text()
    # a follow-up the model must answer loads it then, and its failure is the backend's
    code, output = invoke(cli, "make it a sphere instead", "--backend", "scripted", "--model",
                          gone, "--session", session)
    assert code == 3, output
    assert output.startswith("loading model ")
    assert output.index("no-such-replies.jsonl (scripted)...") < output.index("error")
    assert "cannot read scripted replies" in output and "backend failed" in output
