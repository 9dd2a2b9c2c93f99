"""The terminal interface, driven with Textual's Pilot over real sessions: scripted model
replies, the real OpenSCAD compile, real files. One SVG snapshot pins the whole screen."""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
import trimesh
from scad_parts import CUSTOMIZER_PLATE
from typer.testing import CliRunner

from agent.backends.scripted import ScriptedBackend
from agent.config import AgentConfig
from agent.model_label import model_label
from agent.run_cli import load_agent
from agent.session import Session

pytest.importorskip("textual")
pytest.importorskip("textual_image")

from textual.pilot import Pilot  # noqa: E402

from tui import widgets  # noqa: E402
from tui.app import ScadAgentApp  # noqa: E402
from tui.cli import app as tui_cli  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SIZE = (140, 44)
PROMPT = "a plate 60 x 40 x 5 mm with four 5 mm holes"
PLATE = CUSTOMIZER_PLATE
TALL_PLATE = PLATE.replace("thickness = 5;", "thickness = 10;")


def fenced(program: str) -> str:
    return f"Here is the part:\n```openscad\n{program}\n```\n"


def make_app(tmp_path: Path, replies, **config: object) -> ScadAgentApp:
    backend = ScriptedBackend(replies)
    cfg = AgentConfig(backend="scripted", **({"render": False} | config))
    session = Session(tmp_path / "session", backend, cfg)
    return ScadAgentApp(session, preview="text", export_dir=tmp_path)


async def settle(pilot: Pilot) -> None:
    """Until the turn worker and the preview worker it starts have both finished and the
    messages they posted are handled: quiet (no worker running after a pause) twice in a
    row, so a loaded machine that delivers the last messages late cannot cut it short."""
    quiet = 0
    for _ in range(200):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.02)
        running = any(w.is_running for w in pilot.app.workers)
        quiet = 0 if running else quiet + 1
        if quiet == 2:
            return
    raise AssertionError("the TUI did not settle")


async def send(pilot: Pilot, text: str) -> None:
    pilot.app.query_one("#prompt").value = text
    await pilot.press("enter")
    await settle(pilot)


def run(app: ScadAgentApp, script: Callable[[Pilot], Awaitable[None]]) -> None:
    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await script(pilot)

    asyncio.run(main())


def saved_turns(session: Session) -> list[dict]:
    return json.loads(session.path.read_text())["turns"]


def test_turn_follow_up_undo_and_redo(tmp_path: Path) -> None:
    app = make_app(tmp_path, [fenced(PLATE), fenced(TALL_PLATE), fenced(TALL_PLATE)])

    async def script(pilot: Pilot) -> None:
        await send(pilot, PROMPT)
        log = app.query_one(widgets.Conversation).lines_text()
        assert f"you {PROMPT}" in log and "attempt 1 of 4" in log and "part OK" in log
        assert app.query_one(widgets.ProgramView).program == PLATE
        rows = app.query_one(widgets.ChecksTable).rows_text()
        verdicts = {r[0]: r[1] for r in rows}
        assert verdicts == {"watertight": "pass", "genus": "pass", "bodies": "pass",
                            "size": "pass", "holes": "pass", "kind": "pass"}
        assert ["size", "pass", "60 x 40 x 5"] in [r[:3] for r in rows]
        assert app.query_one(widgets.PartPreview).has_image
        assert app.query_one(widgets.PartPreview).caption == "60.0 x 40.0 x 5.0 mm"
        assert saved_turns(app.session)[0]["status"] == "ok"

        await send(pilot, "make it twice as thick")
        assert app.query_one(widgets.ProgramView).program == TALL_PLATE
        assert app.session.current.index == 2
        assert app.query_one(widgets.PartPreview).caption == "60.0 x 40.0 x 10.0 mm"

        await pilot.press("ctrl+z")
        await settle(pilot)
        assert app.query_one(widgets.ProgramView).program == PLATE
        assert app.query_one(widgets.PartPreview).caption == "60.0 x 40.0 x 5.0 mm"
        assert "undone: back to turn 1" in app.query_one(widgets.Conversation).lines_text()
        assert saved_turns(app.session)[1]["undone"] is True

        # redo re-sends the last prompt, on top of the part it was meant to change
        await pilot.press("ctrl+r")
        await settle(pilot)
        # (by the model or by a direct edit of the one value: either way, of turn 1's part)
        assert [t.text for t in app.session.turns] == [
            PROMPT, "make it twice as thick", "make it twice as thick"]
        assert app.query_one(widgets.ProgramView).program == TALL_PLATE
        assert [t.index for t in app.session.history()] == [1, 3]

    run(app, script)


def test_export_stl_3mf_scad(tmp_path: Path) -> None:
    app = make_app(tmp_path, [fenced(PLATE)])

    async def export(pilot: Pilot, target: str) -> None:
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, widgets.PathDialog)
        app.screen.query_one("#path-input").value = target
        await pilot.press("enter")
        await pilot.pause()

    async def script(pilot: Pilot) -> None:
        await export(pilot, str(tmp_path / "early.stl"))  # nothing to export yet: refused
        assert not (tmp_path / "early.stl").exists()
        await send(pilot, PROMPT)
        for name in ("part.stl", "part.3mf"):
            await export(pilot, str(tmp_path / "exports" / name))
            mesh = trimesh.load(tmp_path / "exports" / name, force="mesh")
            assert mesh.is_watertight
            assert mesh.extents == pytest.approx([60, 40, 5], abs=1e-3)
        await export(pilot, str(tmp_path / "exports" / "part.scad"))
        assert (tmp_path / "exports" / "part.scad").read_text() == PLATE
        # an unknown extension is an error message (with markup-like text shown as typed)
        await export(pilot, str(tmp_path / "exports" / "bad[/bold].xyz"))
        assert sorted(p.name for p in (tmp_path / "exports").iterdir()) == [
            "part.3mf", "part.scad", "part.stl"]

    run(app, script)


def test_markup_in_model_text_and_diagnostics_is_shown_escaped(tmp_path: Path) -> None:
    chatty = "[/bold] I cannot draw that [red]sorry[/red] [link=http://x]here[/link]"
    failing = 'assert(false, "[/bold] boom [b]");\ncube(10);'
    app = make_app(tmp_path, [chatty, fenced(failing), fenced(PLATE)])

    async def script(pilot: Pilot) -> None:
        await send(pilot, PROMPT)
        log = app.query_one(widgets.Conversation).lines_text()
        assert chatty in log  # the reply, verbatim
        assert "[/bold] boom [b]" in log  # OpenSCAD's assertion message, verbatim
        assert "part OK after 2 repairs" in log
        assert app.query_one(widgets.ProgramView).program == PLATE

    run(app, script)


def test_quit_mid_turn_leaves_the_session_saved(tmp_path: Path) -> None:
    called, gate = threading.Event(), threading.Event()

    def slow_model(messages: list[dict], n: int) -> list[str]:
        called.set()
        gate.wait(60)
        return [fenced(PLATE)]

    app = make_app(tmp_path, slow_model)
    session = app.session

    async def script(pilot: Pilot) -> None:
        app.query_one("#prompt").value = PROMPT
        await pilot.press("enter")
        while not called.is_set():  # the worker thread reaches the model call
            await pilot.pause(0.02)
        # saved before the model was called, and the UI still answers while it works
        assert saved_turns(session)[0]["status"] == "running"
        await pilot.press("ctrl+q")
        gate.set()  # the model answers after the user quit

    run(app, script)  # returns once the worker thread has let go of the turn
    assert saved_turns(session)[0]["status"] == "interrupted"
    resumed = Session.load(session.path)
    assert resumed.turns[0].status == "interrupted" and resumed.current is None


def test_open_a_saved_session_and_switch_the_backend(tmp_path: Path) -> None:
    saved = Session(tmp_path / "saved", ScriptedBackend([fenced(PLATE)]),
                    AgentConfig(backend="scripted", render=False))
    assert list(saved.send(PROMPT))[-1].data["status"] == "ok"
    replies = tmp_path / "replies.jsonl"
    replies.write_text(json.dumps(fenced(TALL_PLATE)) + "\n")
    app = make_app(tmp_path, [])  # a backend with nothing to say

    async def script(pilot: Pilot) -> None:
        await pilot.press("ctrl+o")
        await pilot.pause()
        app.screen.query_one("#path-input").value = str(saved.directory)
        await pilot.press("enter")
        await settle(pilot)
        assert app.session.path == saved.path
        assert f"you {PROMPT}" in app.query_one(widgets.Conversation).lines_text()
        assert app.query_one(widgets.ProgramView).program == PLATE

        await pilot.press("ctrl+b")
        await pilot.pause()
        app.screen.query_one("#model-input").value = str(replies)
        app.screen.query_one("#model-input").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.sub_title == "scripted: replies.jsonl"
        await send(pilot, "make it twice as thick")
        assert app.query_one(widgets.ProgramView).program == TALL_PLATE
        assert [t.index for t in Session.load(saved.path).history()] == [1, 2]

    run(app, script)


def status(app: ScadAgentApp) -> str:
    return app.query_one(widgets.TurnProgress).status_text


def test_splash_while_the_model_loads_then_a_waiting_request_is_sent(tmp_path: Path) -> None:
    gate = threading.Event()
    cfg = AgentConfig(backend="scripted", render=False)

    def slow_start() -> tuple[AgentConfig, ScriptedBackend]:
        gate.wait(60)  # the test opens the gate once it has seen the splash
        return cfg, ScriptedBackend([fenced(PLATE)])

    session = Session(tmp_path / "session", None, cfg)
    app = ScadAgentApp(session, preview="text", export_dir=tmp_path,
                       backend_loader=slow_start, loading="scad-tiny, 11 MB")

    async def script(pilot: Pilot) -> None:
        await pilot.pause()
        assert status(app) == "loading the model (scad-tiny, 11 MB)..."
        assert app.sub_title == "loading scad-tiny, 11 MB"
        assert "loading the model (scad-tiny, 11 MB)..." in \
            app.query_one(widgets.Conversation).lines_text()
        prompt = app.query_one("#prompt")
        prompt.value = PROMPT
        await pilot.press("enter")
        await pilot.pause()
        # kept, not lost and not sent: the model is not there yet
        assert prompt.value == "" and app.pending == PROMPT
        assert "then sending: " + PROMPT in app.query_one(widgets.Conversation).lines_text()
        assert session.backend is None and session.turns == []
        prompt.value = "a second request"
        await pilot.press("enter")
        await pilot.pause()
        assert prompt.value == "a second request" and app.pending == PROMPT
        assert status(app).startswith("loading the model")

        gate.set()
        await settle(pilot)
        assert app.loading is None and app.sub_title == "scripted"
        assert [t.text for t in session.turns] == [PROMPT]
        assert "part OK" in status(app)
        log = app.query_one(widgets.Conversation).lines_text()
        assert f"you {PROMPT}" in log and "part OK after 0 repairs" in log
        assert app.query_one(widgets.ProgramView).program == PLATE

    run(app, script)


def test_a_model_that_fails_to_load_says_why_in_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-replies.jsonl"
    cfg = AgentConfig(backend="scripted", render=False)
    gate = threading.Event()

    def start() -> tuple[AgentConfig, object]:
        gate.wait(60)
        return load_agent("scripted", str(missing))  # the real start, failing

    app = ScadAgentApp(Session(tmp_path / "session", None, cfg), preview="text",
                       export_dir=tmp_path, backend_loader=start, loading="no-such-replies")

    async def script(pilot: Pilot) -> None:
        app.query_one("#prompt").value = PROMPT
        await pilot.press("enter")
        await pilot.pause()
        gate.set()
        await settle(pilot)
        assert status(app).startswith("the model did not load: cannot read scripted replies")
        assert str(missing) in status(app) and "\n" not in status(app)
        log = app.query_one(widgets.Conversation).lines_text().splitlines()
        assert sum(line.startswith("  x the model did not load") for line in log) == 1
        assert "ctrl+q quits" in log[-2]
        # the waiting request is back in the prompt, unsent; the app still answers keys
        assert app.query_one("#prompt").value == PROMPT and app.pending is None
        assert app.load_error and app.session.turns == []
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running

    run(app, script)
    assert app.return_code == 0


def test_a_long_turn_shows_a_line_per_candidate_and_per_repair(tmp_path: Path) -> None:
    wrong_size = PLATE.replace("width = 60;", "width = 90;")
    replies = [fenced("cube(;"), "I would rather not draw that.", fenced(wrong_size),  # 1
               fenced('assert(false, "too thin");'), fenced(wrong_size), fenced(PLATE)]  # 2
    app = make_app(tmp_path, replies, strategy="resample", samples=3, max_repairs=2)

    async def script(pilot: Pilot) -> None:
        await send(pilot, PROMPT)
        log = app.query_one(widgets.Conversation).lines_text().splitlines()
        turn = log[log.index(f"you {PROMPT}") + 1:]
        assert turn[0] == "  - attempt 1 of 3: asking the model (3 samples)"
        first = turn[1:turn.index("  - repairing the program from attempt 1")]
        assert len(first) == 3  # one line per candidate
        assert first[0].startswith("  x candidate 1/3: compile failed (syntax_error)")
        assert first[1].startswith("  ! candidate 2/3: ") and "rather not draw" in first[1]
        assert first[2].startswith("  ! candidate 3/3: checks failed: size")
        second = turn[turn.index("  - attempt 2 of 3: asking the model (3 samples)") + 1:]
        assert len(second) == 4  # three candidates and the verdict
        assert second[0].startswith("  x candidate 1/3: compile failed (runtime_error)")
        assert "too thin" in second[0]
        assert second[1].startswith("  ! candidate 2/3: checks failed: size")
        # the scripted backend takes no grammar, and the verdict says so
        assert second[2:] == ["  + candidate 3/3: all checks pass", "  + part OK after 1 repair; "
                              "grammar not applied: the server does not take one"]
        assert status(app).startswith("part OK after 1 repair")

    run(app, script)


def test_a_part_that_cannot_reach_out_is_said_in_one_line(tmp_path: Path) -> None:
    blocked = tmp_path / "out"
    blocked.write_text("a file where the output folder should be")  # fails even as root
    cfg = AgentConfig(backend="scripted", render=False)
    session = Session(tmp_path / "session", ScriptedBackend([fenced(PLATE)]), cfg,
                      out_dir=blocked)
    app = ScadAgentApp(session, preview="text", export_dir=tmp_path)

    async def script(pilot: Pilot) -> None:
        await send(pilot, PROMPT)
        assert session.publish_error and str(blocked) in session.publish_error
        log = app.query_one(widgets.Conversation).lines_text().splitlines()
        errors = [line for line in log if line.startswith("  x error: cannot copy the part")]
        assert len(errors) == 1
        assert status(app) == f"error: {session.publish_error}"
        # the part itself is there: shown, and kept in the session folder
        assert app.query_one(widgets.ProgramView).program == PLATE
        assert (session.directory / "turn-1" / "part.stl").is_file()

    run(app, script)


def test_model_label_names_the_model_and_its_size(tmp_path: Path) -> None:
    folder = tmp_path / "scad-tiny"
    folder.mkdir()
    with open(folder / "model.safetensors", "wb") as weights:
        weights.truncate(10_760_544)  # sparse: the size of the bundled model's weights
    (folder / "config.json").write_text("{}")
    (folder / "sub").mkdir()
    assert model_label("hf", str(folder)) == "scad-tiny, 11 MB"
    replies = tmp_path / "replies.jsonl"
    replies.write_text("x" * 1234)
    assert model_label("scripted", str(replies)) == "replies.jsonl, 1.2 KB"
    assert model_label("hf", "meta-llama/Llama-3.1-8B-Instruct") == "Llama-3.1-8B-Instruct"
    assert model_label("openai", None) == "openai"


def run_in_terminal(args: list[str], cwd: Path, stderr: Path, *, prompt: str | None = None,
                    until: Callable[[], bool] | None = None) -> tuple[bytes, int]:
    """`scad-agent tui ARGS` in a real pseudo-terminal with stderr redirected to a file:
    waits for the interface to show, types `prompt` (then waits for `until`), quits with
    ctrl+q, returns (what the terminal got, exit status)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    with open(stderr, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "agent.cli", "tui", *args],
                                stdin=slave, stdout=slave, stderr=err, cwd=cwd,
                                env=dict(os.environ, TERM="xterm-256color",
                                         PYTHONPATH=str(REPO)),
                                start_new_session=True)
    os.close(slave)
    screen = b""

    def read_until(done: Callable[[], bool], seconds: float) -> None:
        nonlocal screen
        deadline = time.monotonic() + seconds
        while not done() and time.monotonic() < deadline:
            if select.select([master], [], [], 0.1)[0]:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    return
                screen += chunk

    try:
        read_until(lambda: b"ready: scripted" in screen, 120)
        if prompt is not None:
            os.write(master, prompt.encode() + b"\r")
            read_until(until or (lambda: False), 120)
        os.write(master, b"\x11")  # ctrl+q
        read_until(lambda: proc.poll() is not None, 60)
        return screen, proc.wait(60)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)


def test_the_interface_draws_on_the_terminal_when_stderr_is_redirected(tmp_path: Path) -> None:
    replies = tmp_path / "replies.jsonl"
    replies.write_text(json.dumps(fenced(PLATE)) + "\n")
    log = tmp_path / "stderr.log"
    screen, code = run_in_terminal(["--backend", "scripted", "--model", str(replies),
                                    "--out", str(tmp_path / "out")], tmp_path, log)
    assert code == 0
    assert b"Conversation" in screen and b"ready: scripted" in screen
    assert b"Conversation" not in log.read_bytes() and b"\x1b[?1049h" not in log.read_bytes()


def test_the_terminal_shows_a_line_before_the_interface(tmp_path: Path) -> None:
    replies = tmp_path / "replies.jsonl"
    replies.write_text(json.dumps(fenced(PLATE)) + "\n")
    screen, code = run_in_terminal(["--backend", "scripted", "--model", str(replies),
                                    "--out", str(tmp_path / "out")], tmp_path,
                                   tmp_path / "stderr.log")
    assert code == 0
    first = screen.split(b"\x1b[?1049h")[0]  # before Textual switches to its own screen
    assert b"loading the model (replies.jsonl, " in first


def test_a_resumed_session_publishes_its_part_to_out(tmp_path: Path) -> None:
    out = tmp_path / "out"  # where `scad-agent tui` keeps sessions: OUT/sessions/tui-*
    cfg = AgentConfig(backend="scripted", render=False)
    saved = Session(out / "sessions" / "tui-1", ScriptedBackend([fenced(PLATE)]), cfg,
                    out_dir=out)
    assert list(saved.send(PROMPT))[-1].data["status"] == "ok"
    replies = tmp_path / "replies.jsonl"
    replies.write_text(json.dumps(fenced(TALL_PLATE)) + "\n")
    published = out / "part.scad"
    screen, code = run_in_terminal(
        ["--backend", "scripted", "--model", str(replies), "--session", str(saved.path),
         "--out", str(out)], tmp_path, tmp_path / "stderr.log",
        prompt="make it twice as thick", until=lambda: published.read_text() == TALL_PLATE)
    assert code == 0
    assert published.read_text() == TALL_PLATE and (out / "part.stl").is_file()
    assert not (out / "sessions" / "part.scad").exists()  # not beside the session folder


def test_snapshot_after_one_turn(tmp_path: Path, snap_compare) -> None:
    app = make_app(tmp_path, [fenced(PLATE)])

    async def before(pilot: Pilot) -> None:
        app.query_one("#prompt").cursor_blink = False  # a blinking cursor is a coin toss
        await send(pilot, PROMPT)
        # the checks table sizes its columns on a later refresh: let it happen before the
        # snapshot (a loaded CI machine once caught it with header-wide columns)
        await pilot.pause(0.2)

    # the README's pictures come from the bundled model instead: docs/screenshots/take.py
    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_cli_refuses_bad_settings() -> None:
    runner = CliRunner()
    result = runner.invoke(tui_cli, ["--backend", "scripted"])
    assert result.exit_code == 2 and "--model REPLIES.jsonl" in result.output
    result = runner.invoke(tui_cli, ["--preview", "sixel-please"])
    assert result.exit_code == 2 and "--preview" in result.output
    # nobody could see the interface: say so instead of drawing into a file
    result = runner.invoke(tui_cli, ["--backend", "scripted", "--model", "r.jsonl"])
    assert result.exit_code == 2 and "needs a terminal" in result.output
