"""The command-line flags that choose and tune the agent, declared once for every command that
runs it (`run`, `eval run`, `tui`, `web`).

A command takes them as one parameter, `flags: AgentFlags`, and is decorated with
`@agent_flags(...)`: the decorator shows typer the options in that parameter's place and
hands the command the parsed values as one AgentFlags. agent.run_cli.agent_config turns them
(with the --config file) into an AgentConfig.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Annotated, Any, TypeVar, get_type_hints

import typer

from agent.backends import BACKENDS


@dataclass(frozen=True)
class AgentFlags:
    """The agent's flags as given: None (False) where one was left out. Each field's
    annotation is its option; the names are agent.run_cli.config_from_flags's parameters."""

    backend: Annotated[str | None, typer.Option(
        help=f"Model backend: {', '.join(BACKENDS)} (default hf, the bundled model).")] = None
    model: Annotated[str | None, typer.Option(
        help="Model path or id (hf/vllm), GGUF file (llamacpp), model name (openai), replies "
             "JSONL (scripted).")] = None
    adapter: Annotated[Path | None, typer.Option(
        help="LoRA adapter directory (hf) or GGUF LoRA file (llamacpp).")] = None
    endpoint: Annotated[str | None, typer.Option(
        help="OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1.")] = None
    api_key_env: Annotated[str | None, typer.Option(
        help="Environment variable holding the API key (openai).")] = None
    quantize: Annotated[str | None, typer.Option(help="4bit or 8bit (hf, CUDA only).")] = None
    max_repairs: Annotated[int | None, typer.Option(help="Repair attempts per turn.")] = None
    strategy: Annotated[str | None, typer.Option(
        help="repair or resample (default depends on the backend).")] = None
    samples: Annotated[int | None, typer.Option(
        help="Candidates per attempt with --strategy resample.")] = None
    no_grammar: Annotated[bool, typer.Option(
        "--no-grammar", help="Do not constrain decoding with the OpenSCAD grammar.")] = False
    grammar_mode: Annotated[str | None, typer.Option(
        "--grammar-mode",
        help="How --backend openai hands the grammar to the server: auto (ask the server: vLLM, "
             "llama.cpp's llama-server and llama-cpp-python are recognised), vllm "
             "(structured_outputs), llamacpp or gbnf (GBNF grammar field), none (the server takes "
             "no grammar, e.g. Ollama or a hosted API). When a grammar is not applied, the "
             "result says so.")] = None
    config_file: Annotated[Path | None, typer.Option(
        "--config", help="AgentConfig as TOML or YAML; flags override it.")] = None


ALL_FLAGS = tuple(f.name for f in fields(AgentFlags))
# what the interactive faces (tui, web) take: the model can be switched from inside them
FACE_FLAGS = ("backend", "model", "endpoint", "api_key_env", "config_file")


Command = TypeVar("Command", bound=Callable[..., Any])


def agent_flags(*names: str) -> Callable[[Command], Command]:
    """Give a command the options `names` (default: ALL_FLAGS) in the place of its
    `flags: AgentFlags` parameter; the command is called with them packed as `flags`."""
    chosen = names or ALL_FLAGS
    options = get_type_hints(AgentFlags, include_extras=True)
    defaults = {f.name: f.default for f in fields(AgentFlags)}

    def decorate(command: Command) -> Command:
        signature = inspect.signature(command, eval_str=True)
        params: list[inspect.Parameter] = []
        for param in signature.parameters.values():
            if param.name == "flags":
                params += [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                             annotation=options[name], default=defaults[name])
                           for name in chosen]
            else:
                params.append(param)

        @functools.wraps(command)
        def with_flags(*args: Any, **kwargs: Any) -> Any:
            flags = AgentFlags(**{name: kwargs.pop(name) for name in chosen if name in kwargs})
            return command(*args, flags=flags, **kwargs)

        # typer reads the options from the signature
        with_flags.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=params)
        return with_flags  # type: ignore[return-value]

    return decorate
