"""Retake the README's screenshots from a real turn of the bundled model (models/scad-tiny,
backend hf) on "bracket with two M3 holes": what a new user sees, not a replay.

    .venv/bin/python docs/screenshots/take.py            # both
    .venv/bin/python docs/screenshots/take.py tui        # tui.svg and tui.png
    .venv/bin/python docs/screenshots/take.py web        # web.png

tui: the interface (`scad-agent tui`, 140 x 44 cells, half-block preview) driven by Textual's
Pilot: the prompt is typed while the model loads, as a user would, and sent when it is ready;
the screen after the turn is saved as tui.svg and drawn by Chromium into tui.png.
web: the real `scad-agent web` command on 127.0.0.1, the same prompt typed in headless
Chromium (Playwright, /usr/bin/chromium); web.png is the page after the turn.

The model samples, so every take differs: the pictures show whatever that turn made
(which parameters the page offers depends on the program the model wrote). Nothing leaves
the machine: the browser may fetch only from the local server.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

PROMPT = "bracket with two M3 holes"
TUI_SIZE = (140, 44)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--enable-unsafe-swiftshader"]
WAIT_S = 600  # a turn on two busy cores can take minutes


def take_tui(work: Path) -> None:
    from agent.backends import get_backend
    from agent.model_label import model_label
    from agent.run_cli import config_from_flags
    from agent.session import Session
    from tui.app import ScadAgentApp

    config = config_from_flags(None, backend=None, model=None, adapter=None, endpoint=None,
                               api_key_env=None, quantize=None, max_repairs=None,
                               strategy=None, samples=None, no_grammar=False)
    session = Session(work / "tui-session", None, config, out_dir=work / "tui-out")
    app = ScadAgentApp(
        session, preview="text", export_dir=work,
        backend_loader=lambda: (config, get_backend(config.backend, **config.backend_config)),
        loading=model_label(config.backend, config.backend_config.get("model")))

    async def main() -> str:
        async with app.run_test(size=TUI_SIZE) as pilot:
            app.query_one("#prompt").cursor_blink = False
            await pilot.pause()
            app.query_one("#prompt").value = PROMPT
            await pilot.press("enter")  # waits for the model, then runs
            deadline = time.monotonic() + WAIT_S
            while not (session.turns and session.turns[-1].status != "running"
                       and not app.busy and app.loading is None):
                if time.monotonic() > deadline:
                    raise SystemExit("the TUI turn did not finish")
                await pilot.pause(0.5)
            for _ in range(3):  # the preview worker the turn started, then a redraw
                await app.workers.wait_for_complete()
                await pilot.pause(0.3)
            return app.export_screenshot(title="scad-agent")

    svg = HERE / "tui.svg"
    svg.write_text(asyncio.run(main()), encoding="utf-8")
    print(f"wrote {svg} ({session.turns[-1].status})")
    with browser() as chromium:
        page = chromium.new_page(viewport={"width": 1800, "height": 1200})
        page.goto(svg.as_uri())
        page.locator("svg").screenshot(path=str(HERE / "tui.png"))
    print(f"wrote {HERE / 'tui.png'}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def take_web(work: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (work / "web.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "agent.cli", "web", "--port", str(port), "--work-dir",
         str(work / "web")], cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        with browser() as chromium:
            context = chromium.new_context(viewport={"width": 1440, "height": 1080})
            context.route("**/*", lambda route: route.continue_()
                          if route.request.url.startswith(url) else route.abort())
            page = context.new_page()
            page.set_default_timeout(WAIT_S * 1000)
            deadline = time.monotonic() + 120
            while True:  # until the server answers
                try:
                    page.goto(url)
                    break
                except Exception as exc:  # connection refused: not listening yet
                    if server.poll() is not None or time.monotonic() > deadline:
                        log.flush()
                        said = Path(log.name).read_text()[-2000:]
                        raise SystemExit(f"the web server did not start:\n{said}") from exc
                    time.sleep(0.5)
            page.fill("#prompt textarea", PROMPT)
            with page.expect_response(lambda r: r.url.endswith("/part.glb")) as glb:
                page.click("#send")
            if glb.value.status != 200:
                raise SystemExit(f"the viewer could not fetch the part: {glb.value.status}")
            page.wait_for_selector("#viewer canvas")
            page.wait_for_selector("#part-size :text('mm')")
            page.wait_for_timeout(5000)  # software WebGL on a busy machine draws slowly
            page.screenshot(path=str(HERE / "web.png"), full_page=True)
            print(f"wrote {HERE / 'web.png'}: {page.inner_text('#part-summary').strip()}")
    finally:
        server.terminate()
        server.wait(30)
        log.close()


@contextmanager
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, through Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def main() -> None:
    wanted = sys.argv[1:] or ["tui", "web"]
    unknown = set(wanted) - {"tui", "web"}
    if unknown:
        raise SystemExit(f"unknown screenshot(s): {', '.join(sorted(unknown))}; tui or web")
    with tempfile.TemporaryDirectory(prefix="scad-screenshots-") as tmp:
        if "tui" in wanted:
            take_tui(Path(tmp))
        if "web" in wanted:
            take_web(Path(tmp))


if __name__ == "__main__":
    main()
