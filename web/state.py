"""One browser session of the web demo: its own agent Session in its own directory.

Isolation: every browser session gets a directory named by 128 random bits under the
server's work dir (mode 0700), so no path of one user can be derived from another's.

Parameter edits: moving a slider recompiles the current program with `-D` values (validated
by web.params and tools.openscad) without calling the model, and records the result as a turn
of the session ("set width = 80", the program with the new values written in), so a follow-up
prompt edits what the user sees and undo steps back over it. Successive edits of the same part
update that one turn instead of piling up turns.

Serving files: a browser may fetch only the files of the parts its sessions show now
(ServedFiles); web.app's gate asks it before Gradio's file route runs.

The model loads in a background thread (ModelLoader) so that the page answers at once.

Nothing here imports gradio: web.app wires these functions to the page.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from agent.backends import Backend
from agent.config import AgentConfig
from agent.session import Session, Turn, program_params
from tools.errors import ScadAgentError
from tools.mesh import MeshReport, analyze_mesh, load_mesh
from tools.openscad import compile_scad, validate_param
from tools.render import dimension_caption, export_mesh
from tools.spec import check_spec
from web.params import Param, ParamError, apply_values, changed, coerce_all, parse_params

SESSIONS = "sessions"
TOKEN_BYTES = 16  # 128 bits: session directory names cannot be guessed
# checks that still mean something after the user set dimensions or counts by hand
TWEAK_CHECKS = ("watertight", "bodies")
# (x, y, z) -> (x, z, -y): OpenSCAD's Z-up to glTF's Y-up
Z_UP_TO_Y_UP = np.array([[1, 0, 0, 0], [0, 0, 1, 0], [0, -1, 0, 0], [0, 0, 0, 1]], dtype=float)


class TweakError(ScadAgentError):
    """A parameter change that could not be applied (bad value, or the part failed)."""


@dataclass
class Tweak:
    """The parameter turn on top of a model turn: which turn it is and what it started from."""

    turn_index: int
    base_program: str
    base_spec: dict[str, Any]


@dataclass
class PartView:
    """What the page shows of the current part."""

    program: str | None = None
    glb: Path | None = None
    stl: Path | None = None
    threemf: Path | None = None
    scad: Path | None = None
    checks: list[dict[str, Any]] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)
    summary: str = ""
    size: str = ""  # "60.0 x 40.0 x 5.0 mm", the caption under the viewer
    params: list[Param] = field(default_factory=list)


@dataclass
class WebSession:
    session: Session
    lock: threading.Lock = field(default_factory=threading.Lock)
    tweak: Tweak | None = None
    version: int = 0  # bumped whenever the parameter controls must be rebuilt
    owner: str | None = None  # the browser (client cookie) that may fetch this part's files

    @property
    def directory(self) -> Path:
        return self.session.directory

    @property
    def attempts(self) -> int:
        return self.session.config.max_repairs + 1


def new_web_session(work_dir: Path, backend: Backend | None, config: AgentConfig,
                    owner: str | None = None) -> WebSession:
    """A fresh browser session; `backend` may come later (the model still loading)."""
    root = Path(work_dir).resolve() / SESSIONS
    root.mkdir(parents=True, exist_ok=True)
    directory = root / secrets.token_urlsafe(TOKEN_BYTES)
    directory.mkdir(mode=0o700)
    # the browser shows the part in 3D: the PNG preview would be work for nobody
    web_config = dataclasses.replace(config, render=False)
    return WebSession(Session(directory, backend, web_config), owner=owner)


def remove_web_session(web: WebSession | None) -> None:
    """gr.State's delete callback: the tab closed or the state expired."""
    if web is not None:
        shutil.rmtree(web.directory, ignore_errors=True)


def part_view(web: WebSession) -> PartView:
    """The current part, with the GLB (viewer) and 3MF (download) made next to its STL."""
    turn = web.session.current
    if turn is None:
        return PartView()
    view = PartView(program=turn.program, checks=list(turn.checks),
                    unchecked=list(turn.unchecked), params=parse_params(turn.program))
    if turn.report:
        report = MeshReport.from_dict(turn.report)
        view.summary = report.summary()
        if not report.empty:
            try:
                view.size = dimension_caption(report.extents)
            except ValueError:  # a report without usable extents: no caption
                pass
    scad = turn.files.get("scad")
    view.scad = Path(scad) if scad else None
    stl = turn.files.get("stl")
    if stl and Path(stl).is_file():
        view.stl = Path(stl)
        view.glb = _derived(view.stl, "glb")
        view.threemf = _derived(view.stl, "3mf")
    return view


def _derived(stl: Path, fmt: str) -> Path | None:
    """part.glb / part.3mf next to part.stl, made once per STL."""
    target = stl.with_suffix(f".{fmt}")
    if target.is_file() and target.stat().st_mtime >= stl.stat().st_mtime:
        return target
    try:
        return viewer_glb(stl, target) if fmt == "glb" else export_mesh(stl, target, fmt)
    except ScadAgentError:
        return None


def viewer_glb(stl: Path, target: Path) -> Path:
    """GLB for the browser viewer. glTF is Y-up and OpenSCAD Z-up: without turning the part,
    the viewer would show a plate standing on its edge."""
    mesh = load_mesh(stl)
    if mesh is None:
        raise ScadAgentError(f"no mesh in {stl.name}")
    mesh.apply_transform(Z_UP_TO_Y_UP)
    with tempfile.TemporaryDirectory(prefix="scad-web-") as tmp:
        turned = Path(tmp) / "turned.stl"
        mesh.export(turned)
        return export_mesh(turned, target, "glb")


def undo(web: WebSession) -> Turn | None:
    """Back one part; an undone parameter turn ends the coalescing of edits."""
    current = web.session.current
    back = web.session.undo()
    if web.tweak is not None and current is not None and current.index == web.tweak.turn_index:
        web.tweak = None
    return back


def apply_params(web: WebSession, values: dict[str, object],
                 ) -> tuple[Turn, dict[str, Any]] | None:
    """Recompile the current part with new parameter values; returns the parameter turn and
    the values that differ from the model's program, or None when the values are the ones
    the current part already has. Raises TweakError (nothing recorded) for a bad value or a
    part that no longer compiles."""
    session = web.session
    current = session.current
    if current is None or current.program is None:
        raise TweakError("there is no part to change yet")
    coalesce = web.tweak is not None and current.index == web.tweak.turn_index \
        and session.turns[-1] is current
    if coalesce:
        assert web.tweak is not None
        base_program, base_spec = web.tweak.base_program, web.tweak.base_spec
        index = current.index
    else:
        base_program, base_spec = current.program, current.spec
        index = len(session.turns) + 1
    params = parse_params(base_program)
    try:
        wanted = coerce_all(params, values)
    except ParamError as exc:
        raise TweakError(str(exc)) from exc
    shown = {p.name: p.value for p in parse_params(current.program)}
    if all(shown.get(name) == value for name, value in wanted.items()):
        return None  # e.g. a field left without an edit: nothing to compile
    new_values = changed(params, wanted)

    folder = session.directory / f"turn-{index}"
    build = folder / "build"
    if build.exists():
        shutil.rmtree(build)
    result = compile_scad(base_program, out_dir=build, formats=("stl",), params=new_values,
                          limits=session.config.compile_limits(),
                          session_dir=session.directory)
    if not result.ok or result.stl is None:
        raise TweakError(f"the part does not compile with these values: {result.summary()}")
    report = analyze_mesh(result.stl)
    if report.empty:
        raise TweakError("these values leave no 3D geometry")
    spec = {k: v for k, v in base_spec.items() if k in TWEAK_CHECKS}
    spec_result = check_spec(spec, report)

    program = apply_values(base_program, params, new_values)
    stl, scad = folder / "part.stl", folder / "part.scad"
    shutil.copyfile(result.stl, stl)
    scad.write_text(program, encoding="utf-8")
    for stale in (stl.with_suffix(".glb"), stl.with_suffix(".3mf")):
        stale.unlink(missing_ok=True)
    described = ", ".join(f"{k} = {validate_param(k, v)}" for k, v in new_values.items())
    turn = Turn(
        index=index,
        text=f"set {described}" if described else "reset the parameters to the program's",
        status="ok" if spec_result.passed else "failed_checks",
        program=program,
        params=program_params(program),
        spec=spec,
        checks=[c.to_dict() for c in spec_result.checks],
        report=report.to_dict(),
        files={"scad": str(scad), "stl": str(stl)},
        stop="parameters",
        timings={"compile_s": round(result.wall_time_s, 4)},
    )
    if coalesce:
        session.turns[-1] = turn
    else:
        session.turns.append(turn)
        web.tweak = Tweak(index, base_program, dict(base_spec))
    session.save()
    return turn, new_values


# ------------------------------------------------------------------ the model

class ModelLoader:
    """The model backend, built once in a background thread: a large model takes minutes to
    load, and the page should answer (and say so) meanwhile. Turns wait for it."""

    def __init__(self, factory: Callable[[], Backend],
                 on_done: Callable[[ModelLoader], None] | None = None) -> None:
        self._factory = factory
        self._on_done = on_done
        self._done = threading.Event()
        self.backend: Backend | None = None
        self.error: str | None = None

    @classmethod
    def loaded(cls, backend: Backend) -> ModelLoader:
        loader = cls(lambda: backend)
        loader.backend = backend
        loader._done.set()
        return loader

    def start(self) -> ModelLoader:
        if not self._done.is_set():
            threading.Thread(target=self._load, name="model-loader", daemon=True).start()
        return self

    def _load(self) -> None:
        try:
            self.backend = self._factory()
        except Exception as exc:  # any failure must reach the page, not kill a thread
            self.error = str(exc) or type(exc).__name__
        finally:
            self._done.set()
        if self._on_done is not None:
            self._on_done(self)

    @property
    def state(self) -> Literal["loading", "ready", "failed"]:
        if not self._done.is_set():
            return "loading"
        return "ready" if self.backend is not None else "failed"

    def wait(self, timeout: float | None = None) -> bool:
        """True once loading has ended (ready or failed)."""
        return self._done.wait(timeout)


# ------------------------------------------------------------------ files a browser may fetch

class ServedFiles:
    """The files each browser (client cookie) may fetch: those of the parts its sessions
    show now, under the names the page uses (Gradio's cache copies) and their originals.
    Everything else under the work dir stays private, other sessions' files included."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._shown: dict[str, dict[str, frozenset[str]]] = {}  # owner -> session -> paths

    def show(self, web: WebSession, paths: Iterable[Path | str | None]) -> None:
        """The files `web`'s page shows now (replacing what it showed before)."""
        if web.owner is None:
            return
        real = frozenset(os.path.realpath(p) for p in paths if p)
        with self._lock:
            self._shown.setdefault(web.owner, {})[web.directory.name] = real

    def forget(self, web: WebSession) -> None:
        with self._lock:
            sessions = self._shown.get(web.owner or "", {})
            sessions.pop(web.directory.name, None)
            if not sessions:
                self._shown.pop(web.owner or "", None)

    def allowed(self, owner: str | None, path: str) -> bool:
        if not owner or not path or "\0" in path:
            return False
        real = os.path.realpath(path)
        with self._lock:
            sessions = list(self._shown.get(owner, {}).values())
        return any(real in paths for paths in sessions) and os.path.isfile(real)
