"""`scad-agent tui`: the terminal interface over one design session.

Exit codes follow `scad-agent run`: 2 bad usage or configuration, 3 the backend failed to
start (the interface said why, and it is printed again on exit) and none was chosen after.
The session is saved after every step; its path is printed on exit."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from agent.cli_flags import FACE_FLAGS, AgentFlags, agent_flags
from agent.model_label import loading_text, model_label
from agent.run_cli import EXIT_BACKEND, EXIT_USAGE, agent_config
from tools.errors import ScadAgentError, require
from tui.terminal import screen_stream, terminal_driver

if TYPE_CHECKING:
    from agent.backends.base import Backend
    from agent.config import AgentConfig

PREVIEW_MODES = ("auto", "image", "text")

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False,
                  help="The terminal interface.")


def new_session_dir(out: Path) -> Path:
    """A fresh directory per TUI start, so an earlier session is never overwritten."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    folder = out / "sessions" / f"tui-{stamp}"
    suffix = 1
    while folder.exists():
        suffix += 1
        folder = out / "sessions" / f"tui-{stamp}-{suffix}"
    return folder


@app.callback(invoke_without_command=True)
@agent_flags(*FACE_FLAGS)
def tui(
    flags: AgentFlags = AgentFlags(),
    session_file: Annotated[Path | None, typer.Option(
        "--session", help="Open this saved session (session.json or its directory).")] = None,
    out: Annotated[Path, typer.Option(
        help="Where new sessions, exports and the current part.* go (a resumed session's "
             "too).")] = Path("out"),
    preview: Annotated[str, typer.Option(
        help="Part preview: auto (terminal graphics if supported), image, or text "
             "(half blocks).")] = "auto",
) -> None:
    """Describe parts and refine them in the terminal (undo, redo, export, switch model)."""
    err = Console(stderr=True, highlight=False, soft_wrap=True)  # errors stay one line
    if preview not in PREVIEW_MODES:
        err.print(f"[red]error:[/red] --preview must be one of {', '.join(PREVIEW_MODES)}")
        raise typer.Exit(EXIT_USAGE)

    # flags, config file and terminal first (a bad one is a usage error before the screen
    # changes, and before the slow imports); the model starts inside the interface, which
    # shows while it loads
    try:
        config = agent_config(flags)
        screen = screen_stream()
    except ScadAgentError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(EXIT_USAGE) from exc
    label = model_label(config.backend, config.backend_config.get("model"))
    # a line at once, where the interface will draw: importing Textual, trimesh and the app
    # takes seconds before the splash can show
    print(loading_text(label), file=screen, flush=True)

    try:
        require("textual", "tui")
        require("textual_image", "tui")
    except ScadAgentError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(EXIT_USAGE) from exc

    from agent.session import Session

    try:
        if session_file is not None:
            session = Session.load(session_file, None, config, out_dir=out)
        else:
            session = Session(new_session_dir(out), None, config, out_dir=out)
        driver = terminal_driver()
    except ScadAgentError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(EXIT_USAGE) from exc

    def start_backend() -> tuple[AgentConfig, Backend]:
        from agent.backends import get_backend

        return config, get_backend(config.backend, **config.backend_config)

    # textual-image asks the terminal about graphics and cell size on import, which only
    # works before Textual takes the terminal over
    try:
        import textual_image.widget  # noqa: F401
    except Exception as exc:  # e.g. a pseudo-terminal that reports 0 columns
        err.print(f"[red]error:[/red] cannot read this terminal's size "
                  f"({escape(type(exc).__name__)}: {escape(str(exc))}); run in a terminal "
                  "window")
        raise typer.Exit(EXIT_USAGE) from exc

    from tui.app import ScadAgentApp

    interface = ScadAgentApp(session, preview=preview, export_dir=out,  # type: ignore[arg-type]
                             config_file=flags.config_file, backend_loader=start_backend,
                             loading=label, driver_class=driver)
    interface.run()
    saved = interface.session.path
    if saved.exists():
        Console(highlight=False).print(
            f"session saved: {escape(str(saved))} (resume: scad-agent tui --session "
            f"{escape(str(saved))})")
    if interface.session.backend is None and interface.load_error is not None:
        err.print(f"[red]backend:[/red] {escape(interface.load_error)}")
        raise typer.Exit(EXIT_BACKEND)
