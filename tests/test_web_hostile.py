"""What a new, careless or hostile visitor meets in the web demo: real servers on 127.0.0.1
(web.app in this process, scripted model replies, real OpenSCAD) driven over plain HTTP with
httpx, as any client could, and through Chromium where the page itself matters.

- the page answers while the model loads, says so, and a turn sent meanwhile waits;
- prompts: empty or over the limit are refused when they join the queue (also straight from
  the API, also while another turn holds the model), never reaching the model;
- request bodies are capped, the queue is bounded, one session cannot queue two turns;
- no upload route; the file route serves a browser only the files of the parts it shows now.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from scad_parts import CUSTOMIZER_PLATE as PLATE

from agent.backends.base import BackendError
from agent.backends.scripted import ScriptedBackend
from agent.config import AgentConfig, PromptError, check_prompt
from web.state import ModelLoader, ServedFiles, WebSession, new_web_session

pytest.importorskip("gradio")

PROMPT = "a plate 60 x 40 x 5 mm with four 5 mm holes"
THICK = PLATE.replace("thickness = 5;", "thickness = 10;")
LOOSER = PLATE.replace("hole_d = 5;", "hole_d = 5.5;")  # another part for the same prompt
TIMEOUT = 120.0  # generous: two cores shared with other test runs


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Model:
    """A scripted model that writes `program` and waits until the test releases it, so
    that a turn can be held in the middle, deterministically."""

    def __init__(self, program: str) -> None:
        self.program = program
        self.release = threading.Event()
        self.release.set()
        self.backend = ScriptedBackend(self._reply)

    def _reply(self, messages: list[dict], n: int) -> list[str]:
        if not self.release.wait(TIMEOUT):
            raise BackendError("the test never released the model")
        return [f"```openscad\n{self.program}\n```"] * n


def wait_until(condition: Any) -> None:
    done = threading.Event()
    for _ in range(int(TIMEOUT / 0.05)):
        if condition():
            return
        done.wait(0.05)
    raise AssertionError("timed out waiting")


class Client:
    """One Gradio browser session over plain HTTP: its own cookie jar and session hash."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=TIMEOUT)
        self.hash = uuid.uuid4().hex
        config = self.http.get("/config").json()
        self.fn = {d["api_name"]: d["id"] for d in config["dependencies"] if d.get("api_name")}

    def join(self, api_name: str, data: list[Any]) -> httpx.Response:
        return self.http.post("/gradio_api/queue/join", json={
            "data": data, "fn_index": self.fn[api_name], "session_hash": self.hash,
            "event_data": None, "trigger_id": None})

    def result(self, joined: httpx.Response) -> list[dict]:
        """Every message of the joined event, up to and including process_completed."""
        assert joined.status_code == 200, joined.text
        event = joined.json()["event_id"]
        messages = []
        with self.http.stream("GET", "/gradio_api/queue/data",
                              params={"session_hash": self.hash}) as stream:
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("event_id") == event:
                    messages.append(message)
                    if message.get("msg") == "process_completed":
                        return messages
        raise AssertionError(f"the stream ended before event {event} completed")

    def run(self, api_name: str, data: list[Any]) -> list[Any]:
        done = self.result(self.join(api_name, data))[-1]
        assert done["success"], done
        return done["output"]["data"]

    def turn(self, text: str) -> str:
        """A model turn and the part view chained after it; the chat's last reply."""
        history = self.run("send", [text, [], None])[1]
        self.part = self.run("send_part", [None])
        return reply_text(history)

    def file_urls(self) -> list[str]:
        """The viewer's GLB and the STL, 3MF and SCAD download buttons' files."""
        viewer, *_, stl, threemf, scad, _params, _hint = self.part
        return [viewer["url"], *(button["value"]["url"] for button in (stl, threemf, scad))]


def reply_text(history: list[dict]) -> str:
    content = history[-1]["content"]
    return content if isinstance(content, str) else content[0]["text"]


@dataclass
class Server:
    url: str
    work: Path
    demo: Any

    def client(self) -> Client:
        return Client(self.url)

    def sessions(self) -> list[Path]:
        return sorted((self.work / "sessions").iterdir())


@contextmanager
def serve(tmp_path: Path, loader: ModelLoader, config: AgentConfig | None = None,
          **settings: Any) -> Iterator[Server]:
    from web.app import WebSettings, build_demo, launch_demo

    work = tmp_path / "work"
    web_settings = WebSettings(work_dir=work, model=loader,
                               config=config or AgentConfig(backend="scripted"), **settings)
    demo = build_demo(web_settings)
    loader.start()
    port = free_port()
    launch_demo(demo, web_settings, host="127.0.0.1", port=port, auth=None, share=False,
                block=False)
    try:
        yield Server(f"http://127.0.0.1:{port}", work, demo)
    finally:
        demo.close()


def refused_message(response: httpx.Response) -> str:
    assert response.status_code == 422, response.text
    return " ".join(v["message"] for v in response.json()["detail"] if not v["is_valid"])


# every text the prompt box shows, recorded by a MutationObserver as the page changes
SEEN_UNDER_PROMPT = """() => {
  window.__seen = [];
  const box = document.querySelector('#prompt');
  new MutationObserver(() => window.__seen.push(box.innerText)).observe(
    box, {subtree: true, childList: true, characterData: true});
}"""


def rule(text: str, limit: int = AgentConfig().max_prompt_chars) -> str:
    """What the agent's one prompt rule says of `text`: the page must say the same."""
    with pytest.raises(PromptError) as refused:
        check_prompt(text, limit)
    return str(refused.value)


# ------------------------------------------------------------------ the pieces, no server

def test_model_loader_reports_a_failed_load() -> None:
    def broken() -> ScriptedBackend:
        raise BackendError("no model at /nowhere")

    done: list[str] = []
    loader = ModelLoader(broken, on_done=lambda m: done.append(m.state)).start()
    assert loader.wait(TIMEOUT)
    assert (loader.state, loader.error, loader.backend) == ("failed", "no model at /nowhere",
                                                             None)
    assert done == ["failed"]


def test_served_files_are_per_browser_and_current(tmp_path: Path) -> None:
    config = AgentConfig(backend="scripted")
    alice = new_web_session(tmp_path, None, config, owner="a" * 22)
    bob = new_web_session(tmp_path, None, config, owner="b" * 22)
    mine, theirs = alice.directory / "part.stl", bob.directory / "part.stl"
    for path in (mine, theirs, alice.directory / "session.json"):
        path.write_text("solid x\nendsolid x\n")
    link = tmp_path / "link.stl"
    link.symlink_to(mine)
    served = ServedFiles()
    served.show(alice, [mine, None])
    served.show(bob, [theirs])
    assert served.allowed("a" * 22, str(mine)) and served.allowed("a" * 22, str(link))
    assert not served.allowed("a" * 22, str(theirs))
    assert not served.allowed("a" * 22, str(alice.directory / "session.json"))
    assert not served.allowed("a" * 22, str(alice.directory))
    assert not served.allowed(None, str(mine)) and not served.allowed("", str(mine))
    served.show(alice, [])  # a new part (or none): the old files are private again
    assert not served.allowed("a" * 22, str(mine))
    served.forget(bob)
    assert not served.allowed("b" * 22, str(theirs))
    nobody = WebSession(alice.session)  # no cookie, nothing to register under
    served.show(nobody, [mine])
    assert not served.allowed("", str(mine))


# ------------------------------------------------------------------ a real server

def test_prompts_are_checked_before_the_queue(tmp_path: Path) -> None:
    model = Model(PLATE)
    with serve(tmp_path, ModelLoader.loaded(model.backend), max_queue=2) as server:
        holder = server.client()
        model.release.clear()
        held = holder.join("send", [PROMPT, [], None])  # holds the only turn slot
        assert held.status_code == 200, held.text
        visitor = server.client()
        too_long = "x" * (AgentConfig().max_prompt_chars + 1)
        assert "empty" in rule("") and f"{len(too_long)} characters" in rule(too_long)
        assert refused_message(visitor.join("send", ["", [], None])) == rule("")
        assert refused_message(visitor.join("send", [" \n ", [], None])) == rule("")
        assert refused_message(visitor.join("submit", [too_long, [], None])) == rule(too_long)
        # bodies over the cap are refused unread, declared or chunked
        big = visitor.http.post("/gradio_api/queue/join", content=b"[" * (2 << 20),
                                headers={"content-type": "application/json"})
        assert big.status_code == 413
        chunked = visitor.http.post("/gradio_api/queue/join",
                                    content=iter([b"[" * (512 << 10)] * 4),
                                    headers={"content-type": "application/json"})
        assert chunked.status_code == 413
        # the same session cannot queue a second turn behind its first
        wait_until(lambda: model.backend.calls)  # the held turn has reached the model
        assert refused_message(holder.join("send", ["make it taller", [], None])) == (
            "busy with your previous request: wait for it to finish")
        # the queue is bounded: two turns wait, the third is turned away
        waiting = [server.client() for _ in range(2)]
        joined = [c.join("send", [PROMPT, [], None]) for c in waiting]
        assert [r.status_code for r in joined] == [200, 200]
        full = server.client().join("send", [PROMPT, [], None])
        assert full.status_code == 503 and "Queue is full" in full.text
        model.release.set()
        assert "part OK after 0 repairs" in reply_text(
            holder.result(held)[-1]["output"]["data"][1])
        for client, response in zip(waiting, joined, strict=True):
            assert client.result(response)[-1]["success"]
    # three turns ran; the refused prompts never reached the model
    assert len(model.backend.calls) == 3
    assert all(call["messages"][-1]["content"] == PROMPT for call in model.backend.calls)


def test_no_uploads_and_no_proxy(tmp_path: Path) -> None:
    with serve(tmp_path, ModelLoader.loaded(Model(PLATE).backend)) as server:
        client = server.client()
        payload = b"MALICIOUS-UPLOAD-" * 64
        for route in ("/gradio_api/upload", "/gradio_api/upload?upload_id=x", "/upload",
                      "/gradio_api//upload", "/gradio_api/process_recording"):
            response = client.http.post(route, files={"files": ("x.html", payload)})
            assert response.status_code in (403, 404, 405, 413), (route, response.status_code)
        proxied = client.http.get("/gradio_api/proxy=http://127.0.0.1:9/secret")
        assert proxied.status_code in (403, 404)
        remote = client.http.get("/gradio_api/file=http://127.0.0.1:9/secret")
        assert remote.status_code in (403, 404)
        stored = [p for p in server.work.rglob("*") if p.is_file()
                  and payload in p.read_bytes()]
        assert stored == []
        assert client.http.get("/gradio_api/runs").status_code == 404  # run history off


def test_a_part_that_cannot_reach_its_folder_is_said_in_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo's sessions publish nowhere; one that does (as a session made elsewhere
    might) and fails says so in the chat, and still shows its part and its size."""
    import web.app

    blocked = tmp_path / "out"
    blocked.write_text("a file where the output folder should be")  # fails even as root
    made = web.app.new_web_session

    def publishing(*args: Any, **kwargs: Any) -> WebSession:
        web = made(*args, **kwargs)
        web.session.out_dir = blocked
        return web

    monkeypatch.setattr(web.app, "new_web_session", publishing)
    with serve(tmp_path, ModelLoader.loaded(Model(PLATE).backend)) as server:
        client = server.client()
        reply = client.turn(PROMPT).splitlines()
    assert reply[-2].startswith("✓ part OK")
    assert reply[-1].startswith("✗ error: cannot copy the part to ")
    assert [line for line in reply if "cannot copy" in line] == [reply[-1]]
    assert client.part[1]["value"] == "**60.0 x 40.0 x 5.0 mm**"
    assert client.part[1]["visible"] is True


def test_files_are_served_only_to_their_browser(tmp_path: Path) -> None:
    model = Model(PLATE)
    with serve(tmp_path, ModelLoader.loaded(model.backend)) as server:
        alice, bob = server.client(), server.client()
        assert "part OK" in alice.turn(PROMPT)
        first = alice.file_urls()
        assert [alice.http.get(u).status_code for u in first] == [200] * 4
        assert alice.http.get(first[3]).text.startswith("// Mounting plate")  # SCAD
        (alice_dir,) = server.sessions()
        own = alice_dir / "turn-1" / "part.scad"  # the original of a shown file
        assert alice.http.get(f"/gradio_api/file={own}").status_code == 200

        model.program = LOOSER  # identical files share one cache copy: make bob's differ
        assert "part OK" in bob.turn(PROMPT)
        bob_dir = next(d for d in server.sessions() if d != alice_dir)
        # another browser gets none of alice's files, not even with the exact URLs
        assert [bob.http.get(u).status_code for u in first] == [403] * 4
        assert bob.http.get(f"/gradio_api/file={own}").status_code == 403
        anonymous = httpx.get(first[0], timeout=TIMEOUT)
        assert anonymous.status_code == 403 and "scad-agent-client" in anonymous.headers.get(
            "set-cookie", "")
        # nothing else under the work dir, alice's own session included
        cache = server.work / "gradio-cache"
        private = [alice_dir / "session.json", alice_dir / "trajectory.jsonl",
                   *sorted(alice_dir.glob("turn-1/attempt-*/*"))[:2], alice_dir / "turn-1",
                   alice_dir, server.work, cache, bob_dir / "turn-1" / "part.scad",
                   f"{alice_dir}/turn-1/../session.json", "/etc/passwd"]
        for path in private:
            for route in (f"/gradio_api/file={path}", f"/gradio_api/file/{path}"):
                response = alice.http.get(route)
                assert response.status_code in (403, 404), (route, response.status_code)
            assert alice.http.head(f"/gradio_api/file={path}").status_code in (403, 404)

        # a follow-up shows a new part: the old part's files are private from then on
        model.program = THICK
        assert "part OK" in alice.turn("make it twice as thick")
        second = alice.file_urls()
        assert second[0] != first[0]
        assert [alice.http.get(u).status_code for u in second] == [200] * 4
        assert [alice.http.get(u).status_code for u in first] == [403] * 4
        # undo shows the first part again, and its files with it
        alice.run("undo", [[], None])
        assert alice.http.get(first[0]).status_code == 200
        assert alice.http.get(second[0]).status_code == 403


def test_a_model_that_fails_to_load_is_reported(tmp_path: Path) -> None:
    def broken() -> ScriptedBackend:
        raise BackendError("cannot open /models/missing")

    loader = ModelLoader(broken)
    with serve(tmp_path, loader) as server:
        assert loader.wait(TIMEOUT)
        client = server.client()
        reply = reply_text(client.run("send", [PROMPT, [], None])[1])
        assert reply == "✗ error: the model failed to load: cannot open /models/missing"
        assert not any((d / "trajectory.jsonl").exists() for d in server.sessions())


@pytest.mark.slow
def test_the_page_answers_while_the_model_loads(tmp_path: Path) -> None:
    playwright_api = pytest.importorskip("playwright.sync_api")
    from test_web import CHROMIUM, CHROMIUM_ARGS, WAIT_MS

    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium")
    model = Model(PLATE)
    loaded = threading.Event()

    def slow_load() -> ScriptedBackend:
        if not loaded.wait(TIMEOUT):
            raise BackendError("the test never let the model load")
        return model.backend

    loader = ModelLoader(slow_load)
    replies = tmp_path / "replies.jsonl"  # the model the page names while it loads
    replies.write_text("x" * 1234)
    # a limit of its own: the page must take the config's, not a number of its own
    config = AgentConfig(backend="scripted", backend_config={"model": str(replies)},
                         max_prompt_chars=1200)
    with serve(tmp_path, loader, config) as server, playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1080})
            page.set_default_timeout(WAIT_MS)
            page.goto(server.url)
            # the TUI's words for the same model
            page.wait_for_selector(
                "#model-status :text('loading the model (replies.jsonl, 1.2 KB)...')")
            assert page.get_attribute("#prompt textarea", "maxlength") == "1200"

            # bad prompts get one line on the textbox; nothing is sent. While the model
            # loads, the page's status tick (a server event each second) may clear that line
            # again soon after (Gradio clears a refusal when any event ends), so what the
            # page showed is recorded as it happens rather than looked for afterwards.
            page.evaluate(SEEN_UNDER_PROMPT)
            page.click("#send")
            page.wait_for_function("(t) => window.__seen.some(s => s.includes(t))",
                                   arg=rule("", 1200))
            # past the textbox's own maxlength, as a script could
            page.eval_on_selector("#prompt textarea", "(el, text) => { el.removeAttribute("
                                  "'maxlength'); el.value = text; el.dispatchEvent(new "
                                  "Event('input', {bubbles: true})); }", "y" * 1500)
            page.click("#send")
            page.wait_for_function("(t) => window.__seen.some(s => s.includes(t))",
                                   arg=rule("y" * 1500, 1200))

            # a turn sent while loading waits, says so, then runs
            page.fill("#prompt textarea", PROMPT)
            page.click("#send")
            page.wait_for_selector("#chat :text('loading the model (replies.jsonl, 1.2 KB)...')")
            assert not page.is_visible("#part-size")  # no part, no size
            assert model.backend.calls == []
            loaded.set()
            page.wait_for_selector("#chat :text('part OK after 0 repairs')")
            page.wait_for_selector("#viewer canvas")
            page.wait_for_selector("#model-status", state="hidden")
            page.wait_for_selector("#part-summary :text('4 through-hole(s)')")
            # the part's size right under the viewer, as under the TUI's preview
            assert page.inner_text("#part-size").strip() == "60.0 x 40.0 x 5.0 mm"
            below = page.locator("#part-size").bounding_box()
            viewer = page.locator("#viewer").bounding_box()
            assert below and viewer and 0 <= below["y"] - (viewer["y"] + viewer["height"]) < 40
        finally:
            loaded.set()
            browser.close()
    assert [call["messages"][-1]["content"] for call in model.backend.calls] == [PROMPT]


@pytest.mark.slow
def test_a_refused_prompt_stays_said_when_sent_as_the_page_opens(tmp_path: Path) -> None:
    """A person who clicks Send at once, before the page has finished starting, reads the
    one-line refusal and it stays. In Gradio 6.31 any event that ends after the refusal
    hides it, so a page opened once the model is ready runs no event of its own at load
    (it used to run two: the Parameters render and the model status)."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    from test_web import CHROMIUM, CHROMIUM_ARGS, WAIT_MS

    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium")
    model = Model(PLATE)
    loader = ModelLoader(lambda: model.backend)  # loads in the background, as on the command
    with serve(tmp_path, loader) as server, playwright_api.sync_playwright() as p:
        # the server says the model is ready in the config of every page opened from now on
        wait_until(lambda: "loading the model" not in httpx.get(server.url + "/config").text)
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for _ in range(3):  # the old race was lost often, not every time
                page = browser.new_page(viewport={"width": 1440, "height": 1080})
                page.set_default_timeout(WAIT_MS)
                page.goto(server.url)
                page.click("#send")  # as soon as the button can be clicked
                message = page.locator(f"#prompt :text('{rule('')}')")
                message.wait_for()
                for _ in range(20):  # still there two seconds on: polled, not timed
                    page.wait_for_timeout(100)
                    assert message.is_visible(), "the refusal was wiped from the page"
                assert page.is_visible("#parameters :text('top-level values appear here')")
                assert not page.is_visible("#model-status")
                page.close()
        finally:
            browser.close()
    assert model.backend.calls == []
