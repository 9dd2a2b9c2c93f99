"""`scad-agent run "PROMPT"` (and plain `scad-agent "PROMPT"`): make a checked part.

Exit codes: 0 a part that passes every check; 1 no valid part (nothing compiled, or the best
part still fails a check: its files are written anyway), or a part that could not be copied
to --out (it is kept in the session folder); 2 bad usage or configuration (no model,
unreadable config, an empty or too long prompt, a --session that is not one, a session
folder that cannot be written, a prompt longer than the model's context, a grammar that
cannot be loaded); 3 the model backend failed (down, refusing, out of time); 4 a local tool
failed (OpenSCAD missing or broken); 130 interrupted (the session is saved and can be
resumed with --session). An error's cause (the error step's "cause") picks its code.

The agent itself (agent.session, agent.loop, and through them trimesh) is imported only once
the command line has been read, so the first line reaches the terminal quickly.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from agent.backends import BACKENDS, Backend, BackendError, get_backend
from agent.cli_flags import AgentFlags, agent_flags
from agent.config import STRATEGIES, AgentConfig, check_prompt
from tools.errors import ScadAgentError

if TYPE_CHECKING:
    from agent.loop import Step
    from agent.present import ProgressLine
    from agent.session import Session

EXIT_OK, EXIT_NO_PART, EXIT_USAGE, EXIT_BACKEND, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_TOOL = 4
# an error step's cause -> the exit code (agent/steps.py ErrorCause)
EXIT_FOR_CAUSE = {"backend": EXIT_BACKEND, "prompt": EXIT_USAGE, "grammar": EXIT_USAGE,
                  "tool": EXIT_TOOL}
GRAMMAR_MODES = ("auto", "vllm", "llamacpp", "gbnf", "none")
REPO_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_MODEL = REPO_ROOT / "models" / "scad-tiny"
SESSION_SUBDIR = "session"
# what a model directory's weights are stored as (the size the loading line reports)
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".gguf", ".pt", ".pth", ".ckpt")


def bundled_model() -> Path | None:
    """The default model shipped with the package, if it has been built."""
    return BUNDLED_MODEL if (BUNDLED_MODEL / "config.json").is_file() else None


class UsageProblem(ScadAgentError):
    """A problem with the command line (exit 2)."""


def backend_config(backend: str, model: str | None, adapter: Path | None,
                   endpoint: str | None, api_key_env: str | None,
                   quantize: str | None) -> dict[str, Any]:
    """Flags -> the backend's keyword config; the bundled model is hf's default."""
    config: dict[str, Any] = {"model": model, "adapter": str(adapter) if adapter else None,
                              "endpoint": endpoint, "api_key_env": api_key_env,
                              "quantize": quantize}
    config = {k: v for k, v in config.items() if v is not None}
    if backend in ("hf", "vllm") and "model" not in config:
        found = bundled_model()
        if found is None:
            raise UsageProblem(
                f"no model: the bundled model {BUNDLED_MODEL} is not built yet. Pass one of:\n"
                "  --backend hf --model PATH_OR_HF_ID     (a local transformers model)\n"
                "  --backend openai --endpoint URL [--model NAME] [--api-key-env VAR]\n"
                "  --backend vllm --model PATH            (needs a GPU)\n"
                "  --backend scripted --model REPLIES.jsonl   (replays recorded replies)"
            )
        config["model"] = str(found)
    if backend == "scripted" and "model" not in config:
        raise UsageProblem("--backend scripted needs --model REPLIES.jsonl")
    return config


def config_from_flags(config_file: Path | None, *, backend: str | None, model: str | None,
                      adapter: Path | None, endpoint: str | None, api_key_env: str | None,
                      quantize: str | None, max_repairs: int | None, strategy: str | None,
                      samples: int | None, no_grammar: bool,
                      grammar_mode: str | None = None) -> AgentConfig:
    """The config file (or the defaults) with the command-line flags on top, for every
    command that runs the agent. UsageProblem for a bad flag, ScadAgentError for a bad file."""
    if grammar_mode is not None and grammar_mode not in GRAMMAR_MODES:
        raise UsageProblem(f"--grammar-mode must be one of {', '.join(GRAMMAR_MODES)}")
    if strategy is not None and strategy not in STRATEGIES:
        raise UsageProblem(f"--strategy must be one of {', '.join(STRATEGIES)}")
    if quantize is not None and quantize not in ("4bit", "8bit"):
        raise UsageProblem("--quantize must be 4bit or 8bit")
    file_config = AgentConfig.load(config_file) if config_file else AgentConfig()
    name = backend or file_config.backend
    if name not in BACKENDS:
        raise UsageProblem(f"--backend must be one of {', '.join(BACKENDS)}")
    flags = backend_config(name, model or file_config.backend_config.get("model"),
                           adapter, endpoint, api_key_env, quantize)
    if grammar_mode is not None:
        if name != "openai":
            raise UsageProblem("--grammar-mode is for --backend openai (the others apply the "
                               "grammar themselves)")
        flags["grammar_mode"] = grammar_mode
    return AgentConfig.load(
        config_file, backend=name, backend_config=flags, max_repairs=max_repairs,
        strategy=strategy, samples=samples, grammar=False if no_grammar else None,
    )


def agent_config(flags: AgentFlags) -> AgentConfig:
    """config_from_flags for the flags a command took through agent.cli_flags.agent_flags."""
    return config_from_flags(**asdict(flags))


def load_agent(backend: str | None, model: str | None = None, *, endpoint: str | None = None,
               api_key_env: str | None = None, config_file: Path | None = None,
               ) -> tuple[AgentConfig, Backend]:
    """The config and a ready backend for the interactive faces (tui, web), which take fewer
    flags than `run`; same defaults (hf with the bundled model) and the same errors as
    config_from_flags, plus BackendError when the backend cannot start."""
    config = agent_config(AgentFlags(backend=backend, model=model, endpoint=endpoint,
                                     api_key_env=api_key_env, config_file=config_file))
    return config, get_backend(config.backend, **config.backend_config)


def load_agent_or_exit(err: Console, backend: str | None, model: str | None, *,
                       endpoint: str | None, api_key_env: str | None,
                       config_file: Path | None) -> tuple[AgentConfig, Backend]:
    """load_agent for a face's command line: one line on `err`, then exit 3 when the backend
    cannot start or 2 for a bad flag or config file."""
    try:
        return load_agent(backend, model, endpoint=endpoint, api_key_env=api_key_env,
                          config_file=config_file)
    except BackendError as exc:
        err.print(f"[red]backend:[/red] {escape(str(exc))}")
        raise typer.Exit(EXIT_BACKEND) from exc
    except ScadAgentError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(EXIT_USAGE) from exc


def _size_text(size: int) -> str:
    if size >= 10**9:
        return f"{size / 10**9:.1f} GB"
    if size >= 10**6:
        return f"{size / 10**6:.0f} MB"
    return f"{max(1, round(size / 10**3))} kB"


def loading_line(config: AgentConfig) -> str:
    """What is about to load, before a load that can take a while: the model folder's name
    and the size of its weights, or the model name and backend."""
    model = config.backend_config.get("model")
    folder = Path(str(model)) if model else None
    if folder is not None and folder.is_dir():
        try:
            size = sum(f.stat().st_size for f in folder.iterdir()
                       if f.name.endswith(WEIGHT_SUFFIXES) and f.is_file())
        except OSError:
            size = 0
        weights = f" ({_size_text(size)})" if size else ""
        return f"loading model {folder.resolve().name}{weights}..."
    if model:
        shown = folder.name if folder is not None and folder.is_file() else str(model)
        return f"loading model {shown} ({config.backend})..."
    return f"loading the {config.backend} backend..."


TONE_STYLE = {"info": "", "ok": "green", "warning": "yellow", "error": "red"}


def styled(line: ProgressLine) -> str:
    """A present.py line as console markup (the text itself is escaped)."""
    style = TONE_STYLE[line.tone]
    return f"[{style}]{escape(line.text)}[/{style}]" if style else escape(line.text)


class Progress:
    """Live progress lines, worded by agent.present like every other face: which attempt,
    what each candidate did, what failed. The turn's verdict comes with the summary."""

    def __init__(self, console: Console, attempts: int) -> None:
        self.console = console
        self.attempts = attempts

    def show(self, step: Step) -> None:
        from agent.present import describe_step

        if step.kind == "done":
            return  # summary_lines says it, with the checks
        line = describe_step(step, self.attempts)
        if line is not None:
            indent = "" if step.kind in ("attempt", "error") else "  "
            self.console.print(indent + styled(line))


def _short(value: Any) -> str:
    """A check's measured value for one line: numbers to 4 significant digits."""
    if isinstance(value, bool) or value is None:
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list | tuple):
        return " x ".join(_short(v) for v in value)
    return str(value)


def summary_lines(session: Session, done: dict[str, Any], wall_s: float) -> list[str]:
    from agent.present import ProgressLine, done_line

    verdict = done_line(done)
    lines = [styled(ProgressLine(verdict.tone, f"{verdict.text}, {wall_s:.1f} s"))]
    for check in done.get("checks", []):
        if check["passed"]:
            lines.append(f"  [green]pass[/green] {escape(check['key'])} = "
                         f"{escape(_short(check['actual']))}")
        else:
            lines.append(f"  [red]FAIL[/red] {escape(check['key'])}: "
                         f"{escape(str(check['message']))}")
    for item in done.get("unchecked") or []:
        lines.append(f"  [yellow]not checked[/yellow] {escape(item)}")
    if done.get("note"):
        lines.append(f"  [yellow]note:[/yellow] {escape(str(done['note']))}")
    for kind, path in sorted((done.get("files") or {}).items()):
        lines.append(f"  {kind}: {escape(path)}")
    if session.out_dir is not None and session.current is not None and not (
            session.publish_error):
        lines.append(f"  current part in {escape(str(session.out_dir))}/part.*")
    lines.append(f"  session: {escape(str(session.path))} (resume with --session)")
    return lines


def result_object(session: Session, done: dict[str, Any] | None, error: str | None,
                  wall_s: float, exit_code: int) -> dict[str, Any]:
    out_files = {}
    if session.out_dir is not None and not session.publish_error:  # else: not this part
        for kind in ("scad", "stl", "png"):
            path = session.out_dir / f"part.{kind}"
            if path.exists():
                out_files[kind] = str(path)
    return {
        "status": (done or {}).get("status", "error"),
        "exit_code": exit_code,
        "error": error,
        "stop": (done or {}).get("stop"),
        "program": (done or {}).get("program"),
        "checks": (done or {}).get("checks", []),
        "unchecked": (done or {}).get("unchecked", []),
        "note": (done or {}).get("note"),
        "spec": (done or {}).get("spec"),
        "repairs_used": (done or {}).get("repairs_used", 0),
        "timings": (done or {}).get("timings", {}),
        "tokens": (done or {}).get("tokens", {}),
        "wall_s": round(wall_s, 3),
        "files": out_files,
        "turn_files": (done or {}).get("files", {}),
        "session": str(session.path),
        "turn": session.turns[-1].index if session.turns else None,
    }


@agent_flags()
def run_cmd(
    prompt: Annotated[str, typer.Argument(help="What to make, or a follow-up with --session.")],
    flags: AgentFlags = AgentFlags(),
    out: Annotated[Path | None, typer.Option(
        help="Output directory for part.scad/stl/png (default ./out, or the resumed "
             "session's).")] = None,
    session_file: Annotated[Path | None, typer.Option(
        "--session", help="Resume this session.json; the prompt is then a follow-up.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON result object.")
                       ] = False,
) -> None:
    """Describe a part; get a checked OpenSCAD program, STL and preview."""
    # soft_wrap: long lines (a note, a check) stay whole in a pipe or a log
    console = Console(highlight=False, quiet=as_json, soft_wrap=True)
    # soft_wrap: an error stays one line in a pipe or a log, however long its path
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    started = time.monotonic()

    def fail(code: int, message: str, session: Session | None = None) -> typer.Exit:
        """One line (or the JSON object) for a run that made nothing to show."""
        if as_json:
            failed = {"status": "error", "exit_code": code, "error": message}
            if session is not None:
                failed["session"] = str(session.path)
            print(json.dumps(failed))
        else:
            err.print(f"[red]error:[/red] {escape(message)}")
        return typer.Exit(code)

    try:
        check_prompt(prompt, None)  # before the config: `scad-agent " "` needs no model
        config = agent_config(flags)
        check_prompt(prompt, config.max_prompt_chars)
    except ScadAgentError as exc:
        raise fail(EXIT_USAGE, str(exc)) from exc

    def say_loading() -> None:
        if not as_json:
            err.print(escape(loading_line(config)))

    if session_file is None:  # a new part always needs the model
        say_loading()  # first, then the slow imports and loads
    from agent.session import Session

    # the session is read (or its folder made) before the model loads: a bad --session or
    # an unwritable --out is found in a moment, not after a minute of loading
    try:
        if session_file is not None:
            session = Session.load(session_file, None, config, out_dir=out)
            if session.out_dir is None:
                session.out_dir = session.directory.parent
        else:
            out = out or Path("out")
            session = Session(out / SESSION_SUBDIR, None, config, out_dir=out)
    except ScadAgentError as exc:
        raise fail(EXIT_USAGE, str(exc)) from exc

    def build() -> Backend:
        return get_backend(config.backend, **config.backend_config)

    try:
        if session.is_follow_up and config.direct_edits:
            # perhaps a one-value edit, answered without the model: load it only if asked
            from agent.backends.lazy import LazyBackend
            session.backend = LazyBackend(build, say_loading)
        else:
            if session_file is not None:
                say_loading()
            session.backend = build()
    except ScadAgentError as exc:
        if as_json:
            print(json.dumps({"status": "error", "exit_code": EXIT_BACKEND, "error": str(exc)}))
        else:
            err.print(f"[red]backend {escape(config.backend)}:[/red] {escape(str(exc))}")
        raise typer.Exit(EXIT_BACKEND) from exc

    progress = Progress(console, config.max_repairs + 1)
    done: dict[str, Any] | None = None
    error: str | None = None
    cause = "backend"
    try:
        for step in session.send(prompt):
            progress.show(step)
            if step.kind == "done":
                done = step.data
            elif step.kind == "error":
                error = step.data.get("message")
                cause = step.data.get("cause", cause)
    except KeyboardInterrupt:
        err.print(f"interrupted; session saved to {escape(str(session.path))}")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except ScadAgentError as exc:  # the session folder failed mid-turn (full disk...)
        raise fail(EXIT_USAGE, str(exc), session) from exc
    wall_s = time.monotonic() - started

    if done is None:
        code = EXIT_FOR_CAUSE.get(cause, EXIT_BACKEND)
    else:
        code = EXIT_OK if done["status"] == "ok" and not session.publish_error else EXIT_NO_PART
    error = error or session.publish_error
    if as_json:
        print(json.dumps(result_object(session, done, error, wall_s, code), default=str))
    elif done is not None:
        for line in summary_lines(session, done, wall_s):
            console.print(line)
        if session.publish_error:
            err.print(f"[red]error:[/red] {escape(session.publish_error)}")
    else:
        what = {"backend": "the model backend failed", "prompt": "the prompt does not fit "
                "the model", "grammar": "the grammar could not be used", "tool": "a local "
                "tool failed"}.get(cause, "the turn failed")
        err.print(f"no part: {what}. Session saved to {escape(str(session.path))}")
    raise typer.Exit(code)
