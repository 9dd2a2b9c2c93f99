"""`scad-agent web`: the Gradio demo, on 127.0.0.1 unless told otherwise.

A public share link (--share) needs --auth USER:PASS (or SCAD_AGENT_WEB_AUTH): the command
refuses to start without it, before anything is loaded. Exit codes follow `scad-agent run`:
2 bad usage or configuration (checked before serving).

The page is served at once and the model loads in the background: the page says so, and a
turn sent meanwhile waits for it. A model that fails to load is reported on stderr and on
the page (the server keeps answering, so that a visitor reads why)."""

from __future__ import annotations

import atexit
import ipaddress
import os
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from agent.backends import get_backend
from agent.cli_flags import FACE_FLAGS, AgentFlags, agent_flags
from agent.model_label import loading_text, model_label
from agent.run_cli import EXIT_USAGE, agent_config
from tools.errors import ScadAgentError

AUTH_ENV = "SCAD_AGENT_WEB_AUTH"

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False,
                  help="The Gradio web demo.")


def parse_auth(value: str | None) -> tuple[str, str] | None:
    if value is None:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise ScadAgentError("--auth must be USER:PASS with both parts non-empty")
    return user, password


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.callback(invoke_without_command=True)
@agent_flags(*FACE_FLAGS)
def web(
    share: Annotated[bool, typer.Option(
        help="Ask Gradio for a public share link (needs --auth and internet access).")
    ] = False,
    auth: Annotated[str | None, typer.Option(
        envvar=AUTH_ENV, show_envvar=True,
        help="USER:PASS required to use the demo (every page, file and API route).")
    ] = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 7860,
    flags: AgentFlags = AgentFlags(),
    work_dir: Annotated[Path | None, typer.Option(
        help="Where browser sessions keep their files (default: a fresh temp dir).")] = None,
    max_queue: Annotated[int, typer.Option(help="Requests allowed to wait.")] = 16,
    concurrency: Annotated[int, typer.Option(help="Model turns running at once.")] = 1,
) -> None:
    """Serve the demo: chat, 3D viewer, parameters, checks and downloads."""
    err = Console(stderr=True, highlight=False, soft_wrap=True)  # errors stay one line

    def fail(message: str) -> typer.Exit:
        err.print(f"[red]error:[/red] {escape(message)}")
        return typer.Exit(EXIT_USAGE)

    try:
        credentials = parse_auth(auth)
    except ScadAgentError as exc:
        raise fail(str(exc)) from exc
    if share and credentials is None:
        raise fail("--share publishes the demo on a public URL: it needs --auth USER:PASS "
                   f"(or {AUTH_ENV}) so that strangers cannot use it")
    if max_queue < 1 or concurrency < 1:
        raise fail("--max-queue and --concurrency must be at least 1")
    if not is_loopback(host) and credentials is None:
        err.print(f"[yellow]warning:[/yellow] listening on {escape(host)} without --auth: "
                  "anyone who can reach this address can use the demo")
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    try:
        # the flags and the config file are checked now; only the model loads later
        config = agent_config(flags)
    except ScadAgentError as exc:
        raise fail(str(exc)) from exc
    # a line at once, in the page's words: Gradio and the agent take seconds to import
    err.print(escape(loading_text(model_label(config.backend,
                                              config.backend_config.get("model")))))

    from web.app import WebSettings, build_demo, gradio_module, launch_demo
    from web.state import ModelLoader

    try:
        gradio_module()
    except ScadAgentError as exc:
        raise fail(str(exc)) from exc

    def loaded(loader: ModelLoader) -> None:
        if loader.error is not None:
            err.print(f"[red]backend:[/red] {escape(loader.error)}")
        else:
            err.print(f"model ready ({escape(config.backend)})")

    model_loader = ModelLoader(lambda: get_backend(config.backend, **config.backend_config),
                               on_done=loaded)
    folder = work_dir
    if folder is None:
        # sessions live only as long as the server (their state is in its memory)
        folder = Path(tempfile.mkdtemp(prefix="scad-agent-web-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    settings = WebSettings(work_dir=folder, model=model_loader, config=config,
                           max_queue=max_queue, turn_concurrency=concurrency)
    demo = build_demo(settings)
    model_loader.start()
    Console(highlight=False).print(
        f"scad-agent web on http://{escape(host)}:{port} (sessions in {escape(str(folder))})")
    launch_demo(demo, settings, host=host, port=port, auth=credentials, share=share)
