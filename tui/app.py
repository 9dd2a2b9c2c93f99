"""The terminal interface: a Textual app over one agent Session.

The model backend loads in a thread worker while the interface is already up (importing
torch and reading weights takes seconds): a request typed meanwhile waits and is sent when
the model is ready. The turn runs in a thread worker too (Session.send is blocking: model
calls, OpenSCAD) and each Step is posted to the UI as a message, so the interface never
blocks. Quitting mid-turn asks
the worker to stop after the step in flight; closing the step generator marks the turn
interrupted and saves the session (and session.json is rewritten after every step anyway,
so even a killed process leaves a loadable session).
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from PIL import Image as PILImage
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.driver import Driver
from textual.message import Message
from textual.widgets import Footer, Header, Input
from textual.worker import get_current_worker

from agent.backends import BACKENDS
from agent.backends.base import Backend
from agent.config import AgentConfig
from agent.export import current_stl, export_part
from agent.loop import Step
from agent.model_label import loading_text, model_label
from agent.present import ProgressLine, describe_step, turn_line
from agent.run_cli import load_agent
from agent.session import Session
from tools.errors import ScadAgentError
from tools.render import dimension_caption, render_png
from tui.loading import one_line
from tui.widgets import (
    BackendChoice,
    BackendDialog,
    ChecksTable,
    Conversation,
    PartPreview,
    PathDialog,
    ProgramView,
    TurnProgress,
)
from tui.widgets.preview import PreviewMode

PREVIEW_SIZE = (480, 360)  # pixels of the iso view shown in the terminal

# starts a model backend (slow: run in a worker thread); raises when it cannot
BackendLoader = Callable[[], tuple[AgentConfig, Backend]]


class StepPosted(Message):
    """A Step from the turn worker."""

    def __init__(self, step: Step) -> None:
        super().__init__()
        self.step = step


class TurnEnded(Message):
    def __init__(self, error: str | None) -> None:
        super().__init__()
        self.error = error


class BackendLoaded(Message):
    def __init__(self, config: AgentConfig, backend: Backend) -> None:
        super().__init__()
        self.config = config
        self.backend = backend


class BackendFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class PartReady(Message):
    """The current part (after a turn, an undo, a load) with its rendered preview."""

    def __init__(self, preview: PILImage.Image | None) -> None:
        super().__init__()
        self.preview = preview


def render_preview(stl: Path | None) -> PILImage.Image | None:
    """One iso view, loaded in memory (the session keeps its own 3-view part.png)."""
    if stl is None or not stl.is_file():
        return None
    with tempfile.TemporaryDirectory(prefix="scad-tui-") as tmp:
        png = Path(tmp) / "preview.png"
        try:
            render_png(stl, png, views=("iso",), size=PREVIEW_SIZE, labels=False)
        except ScadAgentError:
            return None
        image = PILImage.open(png).convert("RGB")
    return _crop_to_part(image)


def _crop_to_part(image: PILImage.Image, pad: float = 0.04) -> PILImage.Image:
    """Trim the renderer's empty margin: terminal cells are scarce pixels."""
    from PIL import ImageChops

    background = PILImage.new("RGB", image.size, image.getpixel((0, 0)))
    box = ImageChops.difference(image, background).getbbox()
    if box is None:
        return image
    margin = int(pad * max(image.size))
    left, top, right, bottom = box
    return image.crop((max(0, left - margin), max(0, top - margin),
                       min(image.width, right + margin), min(image.height, bottom + margin)))


def part_caption(report: Mapping[str, Any] | None) -> str | None:
    """The part's size under the preview, from the turn's mesh report; None when the report
    (perhaps from an edited session.json) has no usable extents."""
    try:
        return dimension_caption((report or {})["extents"])
    except (KeyError, TypeError, ValueError):
        return None


class ScadAgentApp(App[None]):
    """`session` must have a backend to run turns: given, started by `backend_loader` (in a
    worker thread, `loading` naming the model meanwhile), or chosen with ctrl+b."""

    CSS_PATH = "app.tcss"
    TITLE = "scad-agent"
    BINDINGS = [
        Binding("ctrl+z", "undo", "Undo", priority=True),
        Binding("ctrl+r", "redo", "Redo turn", priority=True),
        Binding("ctrl+s", "export", "Export", priority=True),
        Binding("ctrl+o", "open", "Open", priority=True),
        Binding("ctrl+b", "backend", "Backend", priority=True),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(self, session: Session, *, preview: PreviewMode = "auto",
                 export_dir: Path | None = None, config_file: Path | None = None,
                 backend_loader: BackendLoader | None = None, loading: str | None = None,
                 driver_class: type[Driver] | None = None) -> None:
        super().__init__(driver_class=driver_class)
        self.session = session
        self.preview_mode: PreviewMode = preview
        self.export_dir = Path(export_dir) if export_dir else Path.cwd()
        self.config_file = config_file
        self.busy = False
        self._stop = threading.Event()
        self._initial_load = (backend_loader, loading or session.config.backend)
        self.loading: str | None = None  # the model being started, while it is
        self.load_error: str | None = None  # why the last start failed
        self.pending: str | None = None  # a request typed while the model loads

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield Conversation(id="conversation")
                yield TurnProgress(id="progress")
                yield Input(placeholder="describe a part or a change, then Enter",
                            id="prompt")
            with Vertical(id="right"):
                yield ProgramView(id="program")
                with Horizontal(id="part"):
                    yield PartPreview(self.preview_mode, id="preview")
                    yield ChecksTable(id="checks")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#conversation").border_title = "Conversation"
        self.query_one("#program").border_title = "Program"
        self.query_one("#preview").border_title = "Preview"
        self.query_one("#checks").border_title = "Checks"
        self._show_backend()
        self._rebuild_conversation()
        self.query_one("#prompt", Input).focus()
        loader, label = self._initial_load
        if loader is not None:
            self._start_loading(loader, label)

    @property
    def attempts(self) -> int:
        return self.session.config.max_repairs + 1

    def _show_backend(self) -> None:
        if self.loading is not None:
            self.sub_title = f"loading {self.loading}"
            return
        model = self.session.config.backend_config.get("model")
        name = self.session.config.backend if self.session.backend else "no backend"
        self.sub_title = f"{name}: {Path(str(model)).name}" if model else name

    def _rebuild_conversation(self) -> None:
        log = self.query_one(Conversation)
        log.clear_all()
        for turn in self.session.turns:
            log.add_user(turn.text)
            log.add_progress(turn_line(turn))
        if not self.session.turns:
            log.add_note("Describe a part, e.g. \"a plate 60 x 40 x 5 mm with four 5 mm "
                         "holes\". Follow-ups edit it. ctrl+z undoes a turn.")
        if self.loading is not None:
            log.add_note(loading_text(self.loading))
        self._refresh_part()

    # ------------------------------------------------------------------ turns
    @on(Input.Submitted, "#prompt")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        if self.start_turn(text):
            event.input.value = ""

    def start_turn(self, text: str) -> bool:
        if self.busy:
            self.notify("a turn is running; wait for it to finish", severity="warning")
            return False
        if self.loading is not None:
            return self._queue(text)
        if self.session.backend is None:
            self.notify("no model backend: choose one with ctrl+b", severity="error")
            return False
        self.busy = True
        self._stop.clear()
        self.query_one(Conversation).add_user(text)
        self.query_one(TurnProgress).start(self.attempts)
        self._run_turn(text)
        return True

    @work(thread=True, exclusive=True, group="turn", exit_on_error=False)
    def _run_turn(self, text: str) -> None:
        worker = get_current_worker()
        error: str | None = None
        steps = self.session.send(text)
        try:
            for step in steps:
                self.post_message(StepPosted(step))
                if self._stop.is_set() or worker.is_cancelled:
                    break  # closing the generator marks the turn interrupted and saves
        except ScadAgentError as exc:
            error = str(exc)
        except Exception as exc:  # a crash in a backend: show it, keep the app alive
            error = f"{type(exc).__name__}: {exc}"
        finally:
            steps.close()
        self.post_message(TurnEnded(error))
        self.post_message(PartReady(render_preview(current_stl(self.session))))

    def on_step_posted(self, message: StepPosted) -> None:
        step = message.step
        progress = self.query_one(TurnProgress)
        if step.kind == "attempt":
            progress.attempt(step.attempt, self.attempts)
        elif step.kind == "reply" and step.data.get("program"):
            self.query_one(ProgramView).show(step.data["program"])  # what is being tried
        line = describe_step(step, self.attempts)
        if line is None:
            return
        self.query_one(Conversation).add_progress(line)
        if step.kind in ("done", "error"):
            progress.finish(line)
        elif step.kind != "attempt":
            progress.status(line)
        if step.kind == "done" and step.data.get("publish_error"):
            # the part is safe in the session folder, but not where the user looks for it
            failed = ProgressLine("error", f"error: {step.data['publish_error']}")
            self.query_one(Conversation).add_progress(failed)
            progress.finish(failed)

    def on_turn_ended(self, message: TurnEnded) -> None:
        self.busy = False
        if message.error is not None:
            line = ProgressLine("error", f"error: {message.error}")
            self.query_one(Conversation).add_progress(line)
            self.query_one(TurnProgress).finish(line)

    def on_part_ready(self, message: PartReady) -> None:
        turn = self.session.current
        self.query_one(ProgramView).show(turn.program if turn else None)
        self.query_one(ChecksTable).show(turn.checks if turn else [],
                                         turn.unchecked if turn else [])
        caption = part_caption(turn.report) if turn and message.preview else None
        self.query_one(PartPreview).show(message.preview, caption=caption)

    @work(thread=True, group="preview", exit_on_error=False)
    def _refresh_part(self) -> None:
        self.post_message(PartReady(render_preview(current_stl(self.session))))

    # ------------------------------------------------------------------ actions
    def _idle(self, what: str) -> bool:
        if self.busy:
            self.notify(f"cannot {what} while a turn is running", severity="warning")
        return not self.busy

    def action_undo(self) -> None:
        if not self._idle("undo"):
            return
        try:
            back = self.session.undo()
        except ScadAgentError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        where = f"back to turn {back.index}" if back else "no part now"
        self.query_one(Conversation).add_note(f"undone: {where}")
        self._refresh_part()

    def action_redo(self) -> None:
        """Run the last prompt again (after undoing its part, if it made the current one)."""
        if not self._idle("redo"):
            return
        if not self.session.turns:
            self.notify("nothing to redo yet", severity="warning")
            return
        last = self.session.turns[-1]
        if self.loading is not None:
            self.notify("the model is still loading: redo when it is ready",
                        severity="warning")
            return
        if self.session.backend is None:
            self.notify("no model backend: choose one with ctrl+b", severity="error")
            return
        if self.session.current is last:
            self.session.undo()
        self.query_one(Conversation).add_note(f"redoing turn {last.index}")
        self.start_turn(last.text)

    def action_export(self) -> None:
        default = self.export_dir / "part.stl"
        self.push_screen(PathDialog("Export the current part", str(default),
                                    "the extension picks the format: .stl .3mf .scad .obj "
                                    ".glb", ok="Export", dialog_id="export-dialog"),
                         self.export_to)

    def export_to(self, target: Path | None) -> None:
        if target is None:
            return
        try:
            written = export_part(self.session.program, current_stl(self.session), target)
        except (ScadAgentError, OSError) as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify(f"exported {written}", markup=False)

    def action_open(self) -> None:
        if not self._idle("open a session"):
            return
        self.push_screen(PathDialog("Open a saved session", str(self.session.path),
                                    "session.json or its directory", ok="Open",
                                    dialog_id="open-dialog"),
                         self.open_session)

    def open_session(self, path: Path | None) -> None:
        if path is None:
            return
        try:
            loaded = Session.load(path, self.session.backend, self.session.config,
                                  out_dir=self.session.out_dir)
        except ScadAgentError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.session = loaded
        self._rebuild_conversation()
        self.notify(f"opened {loaded.path}", markup=False)

    def action_backend(self) -> None:
        if not self._idle("switch the backend"):
            return
        config = self.session.config
        self.push_screen(BackendDialog(list(BACKENDS), config.backend,
                                       config.backend_config.get("model"),
                                       config.backend_config.get("endpoint")),
                         self.switch_backend)

    def switch_backend(self, choice: BackendChoice | None) -> None:
        if choice is None:
            return
        config_file = self.config_file

        def load() -> tuple[AgentConfig, Backend]:
            return load_agent(choice.backend, choice.model, endpoint=choice.endpoint,
                              config_file=config_file)

        self._start_loading(load, model_label(choice.backend, choice.model))

    # ------------------------------------------------------------------ the model
    def _start_loading(self, loader: BackendLoader, label: str) -> None:
        self.loading = label
        text = loading_text(label)
        self.query_one(TurnProgress).loading(text)
        self.query_one(Conversation).add_note(
            f"{text} You can type a request meanwhile: it is sent when the model is ready.")
        self._show_backend()
        self._load_backend(loader)

    @work(thread=True, group="backend", exclusive=True, exit_on_error=False)
    def _load_backend(self, loader: BackendLoader) -> None:
        worker = get_current_worker()
        outcome: list[Message] = []

        def load() -> None:
            try:
                config, backend = loader()
            except Exception as exc:  # any failure to start is shown; the app stays usable
                outcome.append(BackendFailed(one_line(exc)))
            else:
                outcome.append(BackendLoaded(config, backend))

        # The load itself runs in a daemon thread that this worker waits on: Textual cancels
        # workers on quit, but a worker thread cannot be stopped, and Python would wait for
        # torch to finish importing (seconds) before the process could exit.
        loading = threading.Thread(target=load, name="scad-agent-model-load", daemon=True)
        loading.start()
        while loading.is_alive():
            if worker.is_cancelled:
                return
            loading.join(0.05)
        if not worker.is_cancelled:  # else a later choice (ctrl+b) replaced this one
            self.post_message(outcome[0])

    def on_backend_loaded(self, message: BackendLoaded) -> None:
        # no turn can be running: requests wait while a model loads (start_turn)
        self.loading = None
        self.session.config = message.config
        self.session.backend = message.backend
        self.load_error = None
        self._show_backend()
        self.query_one(TurnProgress).ready(f"ready: {self.sub_title}")
        self.notify(f"backend: {self.sub_title}", markup=False)
        if self.pending is not None:
            text, self.pending = self.pending, None
            self.start_turn(text)

    def on_backend_failed(self, message: BackendFailed) -> None:
        self.loading = None
        self.load_error = message.error
        self._show_backend()
        line = ProgressLine("error", f"the model did not load: {message.error}")
        log = self.query_one(Conversation)
        log.add_progress(line)
        self.query_one(TurnProgress).finish(line)
        keep = f"still using {self.sub_title}; " if self.session.backend else ""
        log.add_note(f"{keep}ctrl+b picks a backend or model, ctrl+q quits")
        if self.pending is not None:
            # the waiting request goes back into the prompt, unsent
            prompt = self.query_one("#prompt", Input)
            if not prompt.value.strip():
                prompt.value = self.pending
                log.add_note("your request is back in the prompt, not sent")
            self.pending = None

    def _queue(self, text: str) -> bool:
        """A request made while the model loads: kept and sent once it is ready."""
        if self.pending is not None:
            self.notify("a request is already waiting for the model", severity="warning")
            return False
        self.pending = text
        self.query_one(Conversation).add_note(
            f"waiting for the model ({self.loading}), then sending: {text}")
        return True

    async def action_quit(self) -> None:
        if self.busy:
            # the worker stops after the step in flight; the session is saved either way
            self._stop.set()
        self.exit()
