"""The one protocol every model backend speaks, and the error it raises when it cannot."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from tools.errors import ScadAgentError

Message = dict[str, str]  # OpenAI-style {"role": "system"|"user"|"assistant", "content": str}


class BackendError(ScadAgentError):
    """The model could not answer: server down, bad reply after retries, model missing."""


@runtime_checkable
class Backend(Protocol):
    """A chat model that writes OpenSCAD.

    Attributes every backend carries:
      name          short identifier ("hf", "openai", "vllm", "scripted")
      constrains    True when the backend applies the grammar itself; its replies are then
                    exactly a program (no fences, no prose)
      max_parallel  how many samples one generate(n=...) call can draw at once usefully
      last_usage    {"prompt_tokens": int, "completion_tokens": int} of the latest generate
    """

    name: str
    constrains: bool
    max_parallel: int
    last_usage: dict[str, int]

    def generate(
        self,
        messages: list[Message],
        *,
        n: int = 1,
        temperature: float = 0.0,
        grammar: str | None = None,
        max_tokens: int = 1024,
    ) -> list[str]:
        """Return n replies to the conversation. Raises BackendError when it cannot."""
        ...


def empty_usage() -> dict[str, int]:
    """The usage dict before any call (shared so every backend reports the same keys)."""
    return {"prompt_tokens": 0, "completion_tokens": 0}
