"""The Gradio web demo: chat on the left; the part in 3D, its parameters, checks, program and
downloads on the right. Every browser session has its own agent Session (web.state).

The page answers at once: the model loads in a background thread (web.state.ModelLoader); the
page says so meanwhile, in the TUI's words ("loading the model (scad-tiny, 11 MB)...",
agent.model_label), and a turn sent then waits for it. Under the viewer, the part's size
(tools.render.dimension_caption), as under the TUI's preview and in the PNG. A page opened
once the model is ready runs no event at load (its status is in its config, the Parameters
column starts static): in Gradio 6.31 an event that ends after a prompt's refusal hides the
refusal, and people click Send in the first second.

What a careless or hostile client meets, before any work is done:
- prompts: an empty one or one over AgentConfig.max_prompt_chars (agent.config.check_prompt)
  is turned away when it joins the queue (a Gradio validator), so it never waits behind
  other turns or reaches the model; the queue is bounded (max_size) and every event has a
  concurrency limit.
- the gate (web.gate, an ASGI middleware in front of Gradio): request bodies over
  max_body_bytes get 413 unread; the upload, recording and proxy routes are refused (the
  demo takes no files); the file route serves only the files of the parts the requesting
  browser's sessions show now (web.state.ServedFiles, keyed by a random per-browser
  cookie): other sessions' files and everything else under the work dir are refused.

Gradio's own protections stay on as a second wall: every file a handler returns is copied
into its cache dir, which `build_demo` puts under the server's work dir; `launch_demo` allows
just the work dir and blocks the repository and the home directory. Session directories are
128-bit random names.

No network: analytics and run history off, no share link unless asked (and then only with a
password), system fonts instead of Google Fonts.
"""

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.config import AgentConfig, PromptError, check_prompt
from agent.model_label import loading_text, model_label
from agent.present import CHECK_COLUMNS, ProgressLine, check_rows, describe_step
from agent.session import Turn
from tools.errors import ScadAgentError, require
from web.gate import CLIENT_COOKIE, Gate
from web.params import Param
from web.state import (
    ModelLoader,
    ServedFiles,
    TweakError,
    WebSession,
    apply_params,
    new_web_session,
    part_view,
    remove_web_session,
    undo,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
GRADIO_MIN = (6, 7)  # earlier releases had path traversal bugs in Model3D and file routes
CACHE_DIR = "gradio-cache"
EXAMPLES = [
    "a plate 60 x 40 x 5 mm with four 5 mm holes",
    "a cylinder 20 mm across and 30 mm tall with a 6 mm bore",
    "an L bracket 40 mm long, 30 mm tall, 4 mm thick",
]
TONE_ICONS = {"info": "•", "ok": "✓", "warning": "⚠", "error": "✗"}
BUSY = "busy with your previous request: wait for it to finish"
_MD_SPECIAL = set("\\`*_{}[]()#+-.!|~>")


@dataclass
class WebSettings:
    work_dir: Path
    model: ModelLoader  # ModelLoader.loaded(backend) when the backend is already built
    config: AgentConfig
    max_queue: int = 16  # waiting events beyond this are turned away
    turn_concurrency: int = 1  # model turns at once (one model, usually one GPU)
    compile_concurrency: int = 2  # parameter recompiles (and part views) at once
    max_body_bytes: int = 1 << 20  # any request body; the chat history is the largest
    state_ttl_s: float = 24 * 3600.0
    state_capacity: int = 1000  # browser sessions kept in memory (oldest dropped)
    blocked_extra: list[Path] = field(default_factory=list)
    served: ServedFiles = field(default_factory=ServedFiles)


def md_escape(text: str) -> str:
    """Model or OpenSCAD text shown literally in Markdown: HTML special characters become
    entities and Markdown punctuation is backslash-escaped."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)


def md_line(line: ProgressLine) -> str:
    return f"{TONE_ICONS[line.tone]} {md_escape(line.text)}"


def gradio_module():
    gr = require("gradio", "web")
    version = tuple(int(p) for p in gr.__version__.split(".")[:2] if p.isdigit())
    if version < GRADIO_MIN:
        raise ScadAgentError(f"gradio {gr.__version__} is too old: the web demo needs "
                             f">= {'.'.join(map(str, GRADIO_MIN))} (security fixes); "
                             "pip install -U 'scad-agent[web]'")
    return gr


def file_access(work_dir: Path, extra_blocked: list[Path] | None = None,
                ) -> tuple[list[str], list[str]]:
    """(allowed_paths, blocked_paths) for launch(). Gradio lets a blocked path win even over
    an allowed one, so a root that contains the work dir cannot be blocked; the allow list
    (just the work dir) still keeps it private."""
    work = Path(work_dir).resolve()
    blocked = []
    for root in [REPO_ROOT, Path.home(), *(extra_blocked or [])]:
        root = Path(root).resolve()
        if not work.is_relative_to(root):
            blocked.append(str(root))
    return [str(work)], blocked


def build_demo(settings: WebSettings):  # -> gr.Blocks
    """The page. Call before launch_demo; sets Gradio's cache dir under the work dir."""
    work_dir = Path(settings.work_dir).resolve()
    work_dir.mkdir(parents=True, exist_ok=True)
    # components read the cache location when they are created: set it first
    os.environ["GRADIO_TEMP_DIR"] = str(work_dir / CACHE_DIR)
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    gr = gradio_module()
    model, served = settings.model, settings.served
    limit = settings.config.max_prompt_chars
    loading = loading_text(model_label(settings.config.backend,
                                       settings.config.backend_config.get("model")))

    def ensure(web: WebSession | None, request: gr.Request | None) -> WebSession:
        if web is not None:
            return web
        owner = request.cookies.get(CLIENT_COOKIE) if request is not None else None
        return new_web_session(work_dir, model.backend, settings.config, owner=owner)

    def forget(web: WebSession | None) -> None:
        if web is not None:
            served.forget(web)
        remove_web_session(web)

    def download(path: str | None):
        return gr.DownloadButton(value=path, interactive=bool(path))

    def size_caption(size: str):
        """The part's size under the viewer (hidden when there is no part); our own words
        and numbers (tools.render.dimension_caption), so nothing to escape."""
        return gr.Markdown(f"**{size}**" if size else "", visible=bool(size))

    def part_outputs(web: WebSession | None, *, rebuild_params: bool) -> list[Any]:
        """Values for PART outputs (and the parameter state when the controls must change).
        The files go out as Gradio cache copies (a new name when the content changes, so the
        viewer reloads), and only these and their originals become fetchable by the owner."""
        view = part_view(web) if web is not None else None
        if view is None or view.program is None:
            values: list[Any] = [None, size_caption(""), "", [], "*No part yet.*",
                                 *(download(None) for _ in downloads)]
            shown: list[Any] = []
        else:
            originals = [view.glb, view.stl, view.threemf, view.scad]
            copies = [c.move_resource_to_block_cache(f) if f else None
                      for c, f in zip([viewer, *downloads], originals, strict=True)]
            values = [copies[0], size_caption(view.size), view.program,
                      [list(row) for row in check_rows(view.checks, view.unchecked)],
                      md_escape(view.summary),
                      *(download(f) for f in copies[1:])]
            shown = [*originals, *copies]
        if web is not None:
            served.show(web, shown)
        if rebuild_params:
            version = 0
            if web is not None:
                web.version += 1
                version = web.version
            params = [p.to_dict() for p in view.params] if view is not None else []
            values += [{"version": version, "params": params},
                       gr.Markdown(visible=not params)]
        return values

    def load_failure() -> ProgressLine:
        return ProgressLine("error", f"error: the model failed to load: {model.error}")

    def model_status() -> str:
        if model.state == "loading":
            return md_line(ProgressLine("info", loading))
        return md_line(load_failure()) if model.state == "failed" else ""

    def show_status() -> list[Any]:
        text = model_status()
        return [gr.Markdown(text, visible=bool(text)),
                gr.Timer(active=model.state == "loading")]

    def busy_outputs(count: int) -> list[Any]:
        gr.Warning(BUSY)
        return [gr.skip()] * count

    with gr.Blocks(title="scad-agent", analytics_enabled=False, fill_width=True,
                   delete_cache=(3600, 86400)) as demo:
        session_state = gr.State(None, time_to_live=settings.state_ttl_s,
                                 delete_callback=forget)
        gr.Markdown("### scad-agent · describe a part; follow-ups change it")
        status = gr.Markdown(model_status(), elem_id="model-status",
                             visible=bool(model_status()))
        # a page opened while the model loads asks for news every second until it is ready
        status_timer = gr.Timer(1.0, active=model.state == "loading")
        with gr.Row(equal_height=False):
            with gr.Column(scale=4, min_width=380):
                chatbot = gr.Chatbot(label="Conversation", elem_id="chat", height=540,
                                     feedback_options=None, buttons=["copy"],
                                     placeholder="Describe a part to start.")
                prompt = gr.Textbox(placeholder="e.g. " + EXAMPLES[0], label="Prompt",
                                    show_label=False, elem_id="prompt", lines=1, max_lines=4,
                                    max_length=limit, autofocus=True)
                with gr.Row():
                    send_button = gr.Button("Send", variant="primary", elem_id="send")
                    undo_button = gr.Button("Undo", elem_id="undo")
                gr.Examples(EXAMPLES, inputs=prompt, label="Examples")
            with gr.Column(scale=6, min_width=480):
                viewer = gr.Model3D(label="Part", elem_id="viewer", height=400,
                                    clear_color=(0.96, 0.965, 0.975, 1.0), interactive=False,
                                    camera_position=(-60, 55, None))
                part_size = gr.Markdown("", elem_id="part-size", visible=False)
                summary = gr.Markdown("*No part yet.*", elem_id="part-summary")
                with gr.Row():
                    stl_button = gr.DownloadButton("STL", elem_id="download-stl",
                                                   interactive=False, size="md")
                    threemf_button = gr.DownloadButton("3MF", elem_id="download-3mf",
                                                       interactive=False, size="md")
                    scad_button = gr.DownloadButton("SCAD", elem_id="download-scad",
                                                    interactive=False, size="md")
                with gr.Row(equal_height=False):
                    with gr.Column(scale=1, min_width=240, elem_id="parameters"):
                        gr.Markdown("**Parameters** (recompile without the model)")
                        params_state = gr.State({"version": 0, "params": []})
                        # Static, shown or hidden with the part: a gr.render run at page
                        # load would redraw the layout and wipe a message a person may
                        # already have got under the prompt box. The controls are drawn
                        # only when the parameters change.
                        params_hint = gr.Markdown("*The program's top-level values appear "
                                                  "here.*", elem_id="params-hint")

                        @gr.render(inputs=[params_state], triggers=[params_state.change])
                        def parameter_controls(state: dict) -> None:
                            render_controls(state)

                    with gr.Column(scale=1, min_width=240):
                        checks = gr.Dataframe(headers=list(CHECK_COLUMNS), value=[],
                                              type="array", interactive=False,
                                              label="Checks", elem_id="checks",
                                              column_count=len(CHECK_COLUMNS))
                code = gr.Code(label="Program (OpenSCAD, C highlighting)", language="c",
                               interactive=False, lines=12, elem_id="program")

        downloads = [stl_button, threemf_button, scad_button]
        part = [viewer, part_size, code, checks, summary, *downloads]
        params_outputs = [params_state, params_hint]  # what rebuild_params adds to part

        # ------------------------------------------------------------ a model turn
        def check_send(text: str, history: list[dict], web: WebSession | None) -> list:
            """Runs when the event joins the queue (browser or API alike): a prompt that
            cannot be sent never waits in the queue, let alone reaches the model."""
            problem = BUSY if web is not None and web.lock.locked() else None
            try:
                check_prompt(str(text or ""), limit)
            except PromptError as exc:
                problem = str(exc)
            return [gr.validate(problem is None, problem or ""), gr.validate(True, ""),
                    gr.validate(True, "")]

        def send(text: str, history: list[dict], web: WebSession | None,
                 request: gr.Request) -> Iterator[list]:
            """Streams the conversation only; show_part (chained after it) updates the part.
            (A streamed gr.skip() leaves Model3D without its canvas in Gradio 6.31.)"""
            web = ensure(web, request)
            if not web.lock.acquire(blocking=False):
                yield busy_outputs(3)
                return
            try:
                history = [*(history or []), {"role": "user", "content": md_escape(text)},
                           {"role": "assistant", "content": "…"}]
                lines: list[str] = []

                def say(line: ProgressLine) -> list:
                    lines.append(md_line(line))
                    history[-1] = {"role": "assistant", "content": "\n".join(lines)}
                    return ["", history, web]

                if model.state == "loading":
                    yield say(ProgressLine("info", loading))
                    model.wait()
                else:
                    yield ["", history, web]
                if model.backend is None:
                    yield say(load_failure())
                    return
                web.session.backend = model.backend
                steps = web.session.send(text)
                try:
                    for step in steps:
                        line = describe_step(step, web.attempts)
                        if line is not None:
                            yield say(line)
                        if step.kind == "done" and step.data.get("publish_error"):
                            yield say(ProgressLine("error",
                                                   f"error: {step.data['publish_error']}"))
                except ScadAgentError as exc:
                    yield say(ProgressLine("error", f"error: {exc}"))
                finally:
                    steps.close()
            finally:
                web.lock.release()

        def show_part(web: WebSession | None) -> list:
            return part_outputs(web, rebuild_params=True)

        for trigger, name in ((prompt.submit, "submit"), (send_button.click, "send")):
            trigger(send, [prompt, chatbot, session_state], [prompt, chatbot, session_state],
                    validator=check_send, concurrency_limit=settings.turn_concurrency,
                    concurrency_id="turn", show_progress="minimal", api_name=name,
                    ).success(show_part, [session_state], [*part, *params_outputs],
                              concurrency_id="part", api_name=f"{name}_part",
                              concurrency_limit=settings.compile_concurrency)

        status_timer.tick(show_status, None, [status, status_timer], api_visibility="private",
                          concurrency_id="status", concurrency_limit=4,
                          show_progress="hidden")

        # ------------------------------------------------------------ undo
        def on_undo(history: list[dict], web: WebSession | None) -> list:
            count = 2 + len(part) + len(params_outputs)
            if web is None or web.session.current is None:
                gr.Warning("Nothing to undo.")
                return [gr.skip()] * count
            if not web.lock.acquire(blocking=False):
                return busy_outputs(count)
            try:
                back: Turn | None = undo(web)
            finally:
                web.lock.release()
            where = f"back to turn {back.index}" if back else "no part now"
            history = [*(history or []), {"role": "assistant",
                                          "content": f"↩ undone: {where}"}]
            return [history, web, *part_outputs(web, rebuild_params=True)]

        undo_button.click(on_undo, [chatbot, session_state],
                          [chatbot, session_state, *part, *params_outputs], api_name="undo",
                          concurrency_id="part",
                          concurrency_limit=settings.compile_concurrency)

        # ------------------------------------------------------------ parameters
        def render_controls(state: dict) -> None:
            """Runs inside gr.render, in the Parameters column: one control per knob."""
            params = [Param.from_dict(p) for p in (state or {}).get("params", [])]
            if not params:
                return  # params_hint says so
            controls = [control(gr, p) for p in params]

            def on_change(history: list[dict], web: WebSession | None, *values: Any) -> list:
                count = 2 + len(part)
                if web is None:
                    return [gr.skip()] * count
                if not web.lock.acquire(blocking=False):
                    return busy_outputs(count)
                try:
                    applied = apply_params(
                        web, {p.name: v for p, v in zip(params, values, strict=True)})
                except TweakError as exc:
                    gr.Warning(str(exc))
                    return [gr.skip()] * count
                finally:
                    web.lock.release()
                if applied is None:
                    return [gr.skip()] * count
                turn = applied[0]
                note = f"⚙ {md_escape(turn.text)}: recompiled without the model"
                history = [*(history or []), {"role": "assistant", "content": note}]
                return [history, web, *part_outputs(web, rebuild_params=False)]

            for widget, param in zip(controls, params, strict=True):
                events = [widget.release] if param.kind == "slider" else (
                    [widget.submit, widget.blur] if param.kind in ("number", "text")
                    else [widget.input])
                for event in events:
                    event(on_change, [chatbot, session_state, *controls],
                          [chatbot, session_state, *part], concurrency_id="compile",
                          concurrency_limit=settings.compile_concurrency,
                          trigger_mode="always_last", show_progress="minimal")

    demo.queue(max_size=settings.max_queue,
               default_concurrency_limit=settings.compile_concurrency, api_open=False)

    def status_into_config() -> None:
        # Pages opened once the model is ready get the last word on it in the page's config.
        # Not a load-time event (nor a load-time gr.render): in Gradio 6.31 any event that
        # ends after a prompt's refusal hides the refusal, and people click Send at once.
        model.wait()
        text = model_status()
        # before the config: launch(), if it runs now, builds its own from these attributes
        status.value, status.visible, status_timer.active = text, bool(text), False
        demo.config = demo.get_config_file()

    if model.state == "loading":
        threading.Thread(target=status_into_config, name="web-status", daemon=True).start()
    return demo


def control(gr, param: Param):  # -> a gradio component
    """One input for one parameter (web.params decides the kind)."""
    common = {"label": param.name, "info": param.description, "elem_id": f"param-{param.name}",
              "interactive": True}
    if param.kind == "slider":
        return gr.Slider(minimum=param.minimum, maximum=param.maximum, step=param.step,
                         value=param.value, **common)
    if param.kind == "dropdown":
        return gr.Dropdown(choices=[(label, value) for label, value in param.choices],
                           value=param.value, **common)
    if param.kind == "checkbox":
        return gr.Checkbox(value=bool(param.value), **common)
    if param.kind == "number":
        return gr.Number(value=param.value, **common)
    return gr.Textbox(value=str(param.value), max_length=200, **common)


def theme(gr):
    """System fonts: the default theme would make every browser fetch Google Fonts."""
    return gr.themes.Soft(primary_hue="blue",
                          font=["ui-sans-serif", "system-ui", "sans-serif"],
                          font_mono=["ui-monospace", "SFMono-Regular", "monospace"])


def launch_demo(demo, settings: WebSettings, *, host: str, port: int | None,
                auth: tuple[str, str] | None, share: bool, block: bool = True):
    """Start the server (returns at once with block=False; demo.close() stops it)."""
    gr = gradio_module()
    from starlette.middleware import Middleware

    if share and auth is None:
        raise ScadAgentError("a share link makes the demo public: it needs a password")
    allowed, blocked = file_access(settings.work_dir, settings.blocked_extra)
    gate = Middleware(Gate, served=settings.served, max_body=settings.max_body_bytes)
    return demo.launch(
        server_name=host, server_port=port, auth=auth, share=share,
        allowed_paths=allowed, blocked_paths=blocked, max_file_size=settings.max_body_bytes,
        app_kwargs={"middleware": [gate]}, run_history=False,
        state_session_capacity=settings.state_capacity,
        show_error=False, quiet=True, inbrowser=False, prevent_thread_lock=not block,
        ssr_mode=False, pwa=False, mcp_server=False, enable_monitoring=False,
        footer_links=["gradio"], theme=theme(gr),
        auth_message="scad-agent: sign in to use this demo." if auth else None,
    )
