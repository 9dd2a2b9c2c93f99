"""The web demo end to end: the real `scad-agent web` command on 127.0.0.1 (scripted model
replies, real OpenSCAD), driven by Debian's Chromium through Playwright. Saves
test-artifacts/web.png (the README's screenshot is a real model's: docs/screenshots/take.py)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
import trimesh
from test_web_params import PLATE

playwright_api = pytest.importorskip("playwright.sync_api")
pytest.importorskip("gradio")

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--enable-unsafe-swiftshader"]
USER, PASSWORD = "tester", "correct horse battery"
PROMPT = "a plate 60 x 40 x 5 mm with four 5 mm holes"
# the follow-up keeps the width the user set with the slider
THICK = PLATE.replace("thickness = 5;", "thickness = 10;").replace("width = 60;", "width = 80;")
WAIT_MS = 60_000  # generous: two cores shared with other test runs

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, url: str, work: Path, process: subprocess.Popen) -> None:
        self.url, self.work, self.process = url, work, process


@contextmanager
def web_server(*args: str, start_s: float = 120) -> Iterator[tuple[str, subprocess.Popen]]:
    """`scad-agent web ARGS` on a free port of 127.0.0.1: (url, process) once it answers."""
    port = free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    env.pop("SCAD_AGENT_WEB_AUTH", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "agent.cli", "web", "--port", str(port), *args],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + start_s
    try:
        while True:  # until the server answers (or dies)
            if process.poll() is not None:
                pytest.fail(f"the web server exited: {process.stdout.read()}")
            try:
                if httpx.get(url + "/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the web server did not start")
            time.sleep(0.3)
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    replies = tmp_path / "replies.jsonl"
    replies.write_text("".join(json.dumps(f"```openscad\n{p}\n```") + "\n"
                               for p in (PLATE, THICK)))
    work = tmp_path / "work"
    with web_server("--backend", "scripted", "--model", str(replies), "--auth",
                    f"{USER}:{PASSWORD}", "--work-dir", str(work)) as (url, process):
        yield Server(url, work, process)


def test_chat_viewer_parameters_download_undo(server: Server, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"  # next to the work dir, never to be served
    outside.write_text("private")
    external: list[str] = []
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 1080},
                                      accept_downloads=True)

        def only_local(route) -> None:
            if route.request.url.startswith(server.url):
                route.continue_()
            else:  # the page must work offline: record and refuse anything else
                external.append(route.request.url)
                route.abort()

        context.route("**/*", only_local)
        assert context.request.post(server.url + "/login", form={
            "username": USER, "password": PASSWORD}).ok
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.goto(server.url)

        # a whole turn: the chat streams progress, the viewer loads the part's GLB
        page.fill("#prompt textarea", PROMPT)
        with page.expect_response(lambda r: "/gradio_api/file=" in r.url
                                  and r.url.endswith("/part.glb")) as first_glb:
            page.click("#send")
        assert first_glb.value.status == 200
        page.wait_for_selector("#viewer canvas")
        page.wait_for_selector("#chat :text('part OK after 0 repairs')")
        page.wait_for_selector("#part-summary :text('4 through-hole(s)')")
        page.wait_for_selector("#part-size :text('60.0 x 40.0 x 5.0 mm')")
        page.wait_for_selector("#param-width")  # the program's values replace the hint
        assert not page.is_visible("#params-hint")
        assert "width = 60;" in page.inner_text("#program")

        # files need the login; paths outside the session's directory are refused
        glb_url = first_glb.value.url
        assert httpx.get(glb_url).status_code in (401, 403)
        assert context.request.get(glb_url).status == 200  # the same client, signed in
        (session_dir,) = (server.work / "sessions").iterdir()
        own = context.request.get(
            f"{server.url}/gradio_api/file={quote(str(session_dir / 'turn-1' / 'part.scad'))}")
        assert own.status == 200 and own.text().startswith("// Mounting plate")
        for path in ("/etc/passwd", str(outside), f"{server.work}/../{outside.name}",
                     f"{server.work}/sessions/%2e%2e/%2e%2e/{outside.name}",
                     str(REPO / "pyproject.toml"), str(server.work),
                     str(session_dir / "session.json"), str(session_dir / "trajectory.jsonl")):
            response = context.request.get(f"{server.url}/gradio_api/file={quote(path)}")
            assert response.status in (403, 404), (path, response.status)
        response = context.request.get(f"{server.url}/gradio_api/file=/etc/passwd")
        assert response.status in (403, 404) and "root:" not in response.text()
        # signed in or not, the demo takes no uploads
        upload = context.request.post(f"{server.url}/gradio_api/upload", multipart={
            "files": {"name": "x.html", "mimeType": "text/html", "buffer": b"<script>"}})
        assert upload.status in (403, 404, 405, 413)
        page.wait_for_selector("#model-status", state="hidden")  # the model is ready

        # a parameter recompiles without the model: a new GLB, the new STL to download
        with page.expect_response(lambda r: "/gradio_api/file=" in r.url
                                  and r.url.endswith("/part.glb")) as second_glb:
            field = page.locator("#param-width input[type=number]")
            field.fill("80")
            field.blur()
        assert second_glb.value.url != glb_url
        page.wait_for_selector("#chat :text('set width = 80: recompiled without the model')")
        page.wait_for_selector("#program :text('width = 80;')")
        page.wait_for_selector("#part-size :text('80.0 x 40.0 x 5.0 mm')")  # under the viewer
        with page.expect_download() as download:
            page.click("#download-stl")
        stl = tmp_path / "download.stl"
        download.value.save_as(stl)
        mesh = trimesh.load(stl, force="mesh")
        assert mesh.is_watertight and mesh.extents == pytest.approx([80, 40, 5], abs=1e-3)
        page.wait_for_timeout(500)  # let the viewer draw the new part before the picture
        artifacts = REPO / "test-artifacts"
        artifacts.mkdir(exist_ok=True)
        # what the scripted turn looked like; the README's picture is docs/screenshots/take.py
        page.screenshot(path=str(artifacts / "web.png"), full_page=True)

        # a follow-up edits what the user sees; undo steps back to the parameter turn
        page.fill("#prompt textarea", "make it twice as thick")
        page.click("#send")
        page.wait_for_selector("#program :text('thickness = 10;')")
        page.click("#undo")
        page.wait_for_selector("#chat :text('undone: back to turn 2')")
        page.wait_for_selector("#program :text('width = 80;')")

        # another browser session starts empty and never sees this one's part
        other = context.new_page()
        other.goto(server.url)
        other.wait_for_selector("#part-summary :text('No part yet')")
        browser.close()

    sessions = list((server.work / "sessions").iterdir())
    assert len(sessions) == 1
    turns = json.loads((sessions[0] / "session.json").read_text())["turns"]
    assert [t["text"] for t in turns] == [PROMPT, "set width = 80", "make it twice as thick"]
    assert [t["undone"] for t in turns] == [False, False, True]
    # the follow-up changed the tweaked part (by the model or by a direct edit)
    assert "width = 80;" in turns[2]["program"] and "thickness = 10;" in turns[2]["program"]
    assert external == []
