"""Backend name -> backend instance. Each backend module is imported only when asked for,
so `scripted` never pulls in torch and `openai` never pulls in transformers."""

from __future__ import annotations

import importlib

from agent.backends.base import Backend, BackendError

# name -> "module:Class", written as a Python entry point is. Classes take keyword config only.
BACKENDS: dict[str, str] = {
    "hf": "agent.backends.hf:HFBackend",
    "openai": "agent.backends.openai:OpenAIBackend",
    "vllm": "agent.backends.vllm:VLLMBackend",
    "llamacpp": "agent.backends.llamacpp:LlamaCppBackend",
    "scripted": "agent.backends.scripted:ScriptedBackend",
}

__all__ = ["BACKENDS", "Backend", "BackendError", "get_backend"]


def get_backend(name: str, **config: object) -> Backend:
    """Build the backend called `name` with keyword `config` (see each class for its keys)."""
    try:
        module_name, _, class_name = BACKENDS[name].partition(":")
    except KeyError:
        known = ", ".join(sorted(BACKENDS))
        raise BackendError(f"unknown backend {name!r}; choose one of: {known}") from None
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            raise BackendError(f"backend {name!r} is not available in this build") from exc
        raise
    return getattr(module, class_name)(**config)
