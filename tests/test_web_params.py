"""The web demo's pieces without a browser: the customizer reader, value checks, browser
sessions (parameter turns on real compiles, undo, isolation) and the file-access settings."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
import trimesh
from scad_parts import CUSTOMIZER_PLATE
from typer.testing import CliRunner

from agent.backends.scripted import ScriptedBackend
from agent.config import AgentConfig
from tools.openscad import compile_scad
from web.app import REPO_ROOT, file_access, md_escape
from web.cli import AUTH_ENV
from web.cli import app as web_cli
from web.params import ParamError, apply_values, coerce_all, parse_params
from web.state import TweakError, apply_params, new_web_session, part_view, undo

PLATE = CUSTOMIZER_PLATE

KNOBS = """// Knob
/* [Shape] */
// across the flats
size = 20; // [10]
holes = 4; // [2, 4, 6]
style = "round"; // [round:Round corners, square:Square]
chamfer = true;
height = 7.5;
label = "A";
spacing = [1, 2];
half = size / 2;
/* [Hidden] */
secret = 3;
module knob() { inner = 5; }
after = 2;
"""


def test_parse_customizer_syntax() -> None:
    params = {p.name: p for p in parse_params(KNOBS)}
    assert list(params) == ["size", "holes", "style", "chamfer", "height", "label"]
    size = params["size"]
    assert (size.kind, size.minimum, size.maximum, size.step) == ("slider", 0, 20, 1)
    assert size.description == "across the flats" and size.group == "Shape"
    assert params["holes"].kind == "dropdown"
    assert params["holes"].choices == (("2", 2), ("4", 4), ("6", 6))
    assert params["style"].choices == (("Round corners", "round"), ("Square", "square"))
    assert [params[n].kind for n in ("chamfer", "height", "label")] == [
        "checkbox", "number", "text"]
    plate = parse_params(PLATE)
    assert [(p.name, p.value, p.step) for p in plate] == [
        ("width", 60, 1.0), ("depth", 40, 1.0), ("thickness", 5, 0.5), ("hole_d", 5, 0.5)]
    assert plate[0].description is None  # the file's title line describes no parameter


@pytest.mark.parametrize(("values", "problem"), [
    ({"width": 500}, "between 20 and 120"),
    ({"width": "1e999"}, "finite"),
    ({"width": 60.5}, "whole number"),
    ({"width": "60; include </etc/passwd>"}, "must be a number"),
    ({"thickness": True}, "must be a number"),
    ({"nope": 1}, "unknown parameter"),
])
def test_browser_values_are_checked(values: dict, problem: str) -> None:
    with pytest.raises(ParamError, match=problem):
        coerce_all(parse_params(PLATE), values)


def test_values_are_written_as_literals_only(tmp_path: Path) -> None:
    params = parse_params(KNOBS)
    values = coerce_all(params, {"holes": "6", "label": 'x"; include </etc/passwd> //'})
    assert values == {"holes": 6, "label": 'x"; include </etc/passwd> //'}
    written = apply_values(KNOBS, params, values)
    assert 'holes = 6; // [2, 4, 6]' in written.splitlines()
    assert 'label = "x\\"; include </etc/passwd> //";' in written.splitlines()
    assert written.replace("holes = 6", "holes = 4").replace(
        'label = "x\\"; include </etc/passwd> //"', 'label = "A"') == KNOBS
    result = compile_scad(written + "\ncube(size);", out_dir=tmp_path)
    assert result.ok and not any("passwd" in d.message for d in result.diagnostics)


def new_session(tmp_path: Path, replies: list[str]):
    config = AgentConfig(backend="scripted")
    return new_web_session(tmp_path / "work", ScriptedBackend(replies), config)


def test_parameter_turns_coalesce_undo_and_reach_the_model(tmp_path: Path) -> None:
    # the model's follow-up keeps what the user set with the sliders and doubles the thickness
    thick = (PLATE.replace("thickness = 5;", "thickness = 10;")
             .replace("width = 60;", "width = 90;").replace("hole_d = 5;", "hole_d = 6.5;"))
    web = new_session(tmp_path, [f"```openscad\n{PLATE}\n```", f"```openscad\n{thick}\n```"])
    with pytest.raises(TweakError, match="no part"):
        apply_params(web, {"width": 80})
    assert list(web.session.send("a plate 60 x 40 x 5 mm with four 5 mm holes"))[-1].data[
        "status"] == "ok"
    first = part_view(web)
    assert first.glb is not None and first.threemf is not None and first.stl is not None
    # the viewer's GLB is turned Y-up (glTF); the STL stays Z-up
    glb = trimesh.load(first.glb, force="mesh")
    assert sorted(glb.extents.round(3)) == [5, 40, 60] and glb.extents[1] == pytest.approx(5)

    assert apply_params(web, {"width": 60, "depth": 40}) is None  # what it already is
    assert len(web.session.turns) == 1
    turn, changed = apply_params(web, {"width": 80, "depth": 40})
    assert changed == {"width": 80} and turn.text == "set width = 80"
    assert turn.index == 2 and turn.status == "ok" and "width = 80; // [20:1:120]" in turn.program
    view = part_view(web)
    assert trimesh.load(view.stl).extents == pytest.approx([80, 40, 5], abs=1e-3)
    assert view.scad.read_text() == turn.program
    # a second move of the same part updates that turn instead of adding one
    turn, _ = apply_params(web, {"width": 90, "hole_d": 6.5})
    assert turn.index == 2 and len(web.session.turns) == 2
    assert turn.text == "set width = 90, hole_d = 6.5"
    with pytest.raises(TweakError, match="between"):
        apply_params(web, {"width": 121})
    assert web.session.current.text == "set width = 90, hole_d = 6.5"  # nothing recorded

    # the follow-up edits what the user sees: the model would get the tweaked program
    history = web.session.messages
    assert history[-2] == {"role": "user", "content": "set width = 90, hole_d = 6.5"}
    assert history[-1]["role"] == "assistant" and "width = 90;" in history[-1]["content"]
    assert list(web.session.send("make it twice as thick"))[-1].data["status"] == "ok"
    edited = web.session.program  # by the model or by a direct edit of the one value
    assert "width = 90;" in edited and "hole_d = 6.5;" in edited and "thickness = 10" in edited
    assert json.loads(web.session.path.read_text())["turns"][1]["stop"] == "parameters"

    assert undo(web).index == 2 and "width = 90;" in web.session.program
    assert undo(web).index == 1 and web.session.program == PLATE
    turn, _ = apply_params(web, {"width": 70})  # after undo: a new parameter turn
    assert turn.index == 4 and web.session.program.startswith("// Mounting plate\nwidth = 70;")


def test_browser_sessions_are_isolated(tmp_path: Path) -> None:
    dirs = [new_session(tmp_path, ["cube(1);"]).directory for _ in range(3)]
    assert len(set(dirs)) == 3 and all(d.parent == dirs[0].parent for d in dirs)
    for d in dirs:
        assert len(d.name) >= 22  # 128 random bits, URL-safe
        assert stat.S_IMODE(d.stat().st_mode) == 0o700


def test_file_access_settings(tmp_path: Path) -> None:
    allowed, blocked = file_access(tmp_path / "work")
    assert allowed == [str((tmp_path / "work").resolve())]
    assert str(REPO_ROOT) in blocked and str(Path.home().resolve()) in blocked
    # a root holding the work dir cannot be blocked (Gradio would block the work dir too)
    allowed, blocked = file_access(REPO_ROOT / "out" / "web")
    assert str(REPO_ROOT) not in blocked


def test_markdown_escaping() -> None:
    text = "[/bold] <script>alert(1)</script> **x** [link](http://evil) `code`"
    escaped = md_escape(text)
    assert "<" not in escaped and ">" not in escaped
    assert "\\[link\\]\\(http://evil\\)" in escaped and "\\*\\*x\\*\\*" in escaped


def test_cli_refuses_share_without_auth() -> None:
    runner = CliRunner()
    result = runner.invoke(web_cli, ["--share"], env={AUTH_ENV: None})
    assert result.exit_code == 2 and "needs --auth" in result.output
    result = runner.invoke(web_cli, ["--share", "--auth", "nopassword"], env={AUTH_ENV: None})
    assert result.exit_code == 2 and "USER:PASS" in result.output


def test_cli_checks_the_configuration_before_serving(tmp_path: Path) -> None:
    # the model loads after the page is up, but a bad flag or config file still stops the
    # command at once, with one line and exit status 2
    runner = CliRunner()
    for args, said in ((["--backend", "nonsense"], "--backend must be one of"),
                       (["--backend", "scripted"], "needs --model REPLIES.jsonl"),
                       (["--config", str(tmp_path / "missing.toml")], "missing.toml")):
        result = runner.invoke(web_cli, [*args, "--work-dir", str(tmp_path)],
                               env={AUTH_ENV: None})
        assert result.exit_code == 2 and said in result.output, (args, result.output)
