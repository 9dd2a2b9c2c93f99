"""The terminal interface, driven with Textual's Pilot over real sessions: scripted model
replies, the real OpenSCAD compile, real files. One SVG snapshot pins the whole screen."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
import trimesh
from scad_parts import CUSTOMIZER_PLATE
from typer.testing import CliRunner

from agent.backends.scripted import ScriptedBackend
from agent.config import AgentConfig
from agent.session import Session

pytest.importorskip("textual")
pytest.importorskip("textual_image")

from textual.pilot import Pilot  # noqa: E402

from tui.app import ScadAgentApp  # noqa: E402
from tui.cli import app as tui_cli  # noqa: E402
from tui.widgets import ChecksTable, Conversation, PartPreview, PathDialog, ProgramView  # noqa: E402

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
        log = app.query_one(Conversation).lines_text()
        assert f"you {PROMPT}" in log and "attempt 1 of 4" in log and "part OK" in log
        assert app.query_one(ProgramView).program == PLATE
        rows = app.query_one(ChecksTable).rows_text()
        verdicts = {r[0]: r[1] for r in rows}
        assert verdicts == {"watertight": "pass", "genus": "pass", "bodies": "pass",
                            "size": "pass", "holes": "pass", "kind": "pass"}
        assert ["size", "pass", "60 x 40 x 5"] in [r[:3] for r in rows]
        assert app.query_one(PartPreview).has_image
        assert saved_turns(app.session)[0]["status"] == "ok"

        await send(pilot, "make it twice as thick")
        assert app.query_one(ProgramView).program == TALL_PLATE
        assert app.session.current.index == 2

        await pilot.press("ctrl+z")
        await settle(pilot)
        assert app.query_one(ProgramView).program == PLATE
        assert "undone: back to turn 1" in app.query_one(Conversation).lines_text()
        assert saved_turns(app.session)[1]["undone"] is True

        # redo re-sends the last prompt, on top of the part it was meant to change
        await pilot.press("ctrl+r")
        await settle(pilot)
        sent = app.session.backend.calls[-1]["messages"]
        assert sent[-1] == {"role": "user", "content": "make it twice as thick"}
        assert sent[-2] == {"role": "assistant", "content": PLATE}
        assert app.query_one(ProgramView).program == TALL_PLATE
        assert [t.index for t in app.session.history()] == [1, 3]

    run(app, script)


def test_export_stl_3mf_scad(tmp_path: Path) -> None:
    app = make_app(tmp_path, [fenced(PLATE)])

    async def export(pilot: Pilot, target: str) -> None:
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PathDialog)
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
        log = app.query_one(Conversation).lines_text()
        assert chatty in log  # the reply, verbatim
        assert "[/bold] boom [b]" in log  # OpenSCAD's assertion message, verbatim
        assert "part OK after 2 repairs" in log
        assert app.query_one(ProgramView).program == PLATE

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
        assert f"you {PROMPT}" in app.query_one(Conversation).lines_text()
        assert app.query_one(ProgramView).program == PLATE

        await pilot.press("ctrl+b")
        await pilot.pause()
        app.screen.query_one("#model-input").value = str(replies)
        app.screen.query_one("#model-input").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.sub_title == "scripted: replies.jsonl"
        await send(pilot, "make it twice as thick")
        assert app.query_one(ProgramView).program == TALL_PLATE
        assert [t.index for t in Session.load(saved.path).history()] == [1, 2]

    run(app, script)


def test_snapshot_after_one_turn(tmp_path: Path, snap_compare) -> None:
    app = make_app(tmp_path, [fenced(PLATE)])

    async def before(pilot: Pilot) -> None:
        app.query_one("#prompt").cursor_blink = False  # a blinking cursor is a coin toss
        await send(pilot, PROMPT)
        # the checks table sizes its columns on a later refresh: let it happen before the
        # snapshot (a loaded CI machine once caught it with header-wide columns)
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)
    if os.environ.get("SCAD_AGENT_UPDATE_SCREENSHOTS"):
        # docs/screenshots/tui.svg is this snapshot (refresh with the variable set)
        snapshot = REPO / "tests" / "__snapshots__" / "test_tui" / \
            "test_snapshot_after_one_turn.svg"
        shutil.copyfile(snapshot, REPO / "docs" / "screenshots" / "tui.svg")


def test_cli_refuses_bad_settings() -> None:
    runner = CliRunner()
    result = runner.invoke(tui_cli, ["--backend", "scripted"])
    assert result.exit_code == 2 and "--model REPLIES.jsonl" in result.output
    result = runner.invoke(tui_cli, ["--preview", "sixel-please"])
    assert result.exit_code == 2 and "--preview" in result.output
