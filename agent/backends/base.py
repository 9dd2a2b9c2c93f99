"""The one protocol every model backend speaks, what it hands back, and the errors it raises."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from tools.errors import ScadAgentError

Message = dict[str, str]  # OpenAI-style {"role": "system"|"user"|"assistant", "content": str}

# Why a reply ended. "stop": the model finished; "length": cut at max_tokens; "time": cut
# because the call's time ran out. Servers may report others ("content_filter", ...).
STOP, LENGTH, TIME = "stop", "length", "time"


class BackendError(ScadAgentError):
    """The model could not answer: server down, bad reply after retries, model missing."""


class ContextOverflow(BackendError):
    """The prompt does not fit the model's context: refused before (or instead of) decoding."""


class OutOfTime(BackendError):
    """The call's time (the turn's remaining budget) ran out before a reply came."""


@dataclass(frozen=True)
class Reply:
    """One reply and what the backend did to produce it.

    prompt_tokens is the prompt's cost charged to this reply: the first reply of each request
    carries it, the others 0, so summing over replies counts every request once."""

    text: str
    finish_reason: str = STOP
    constrained: bool = False        # the grammar was applied while decoding this reply
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def truncated(self) -> bool:
        """Cut off before the model finished: the program in it is likely incomplete."""
        return self.finish_reason in (LENGTH, TIME)


def usage_of(replies: Sequence[Reply]) -> dict[str, int]:
    """{"prompt_tokens", "completion_tokens"} summed over replies."""
    return {"prompt_tokens": sum(r.prompt_tokens for r in replies),
            "completion_tokens": sum(r.completion_tokens for r in replies)}


@runtime_checkable
class Backend(Protocol):
    """A chat model that writes OpenSCAD.

    Attributes every backend carries:
      name          short identifier ("hf", "openai", "vllm", "scripted")
      constrains    whether a grammar passed to generate would be applied (asked before a
                    call; each Reply then says whether it actually was)
      max_parallel  how many samples one generate(n=...) call can draw at once usefully
    """

    name: str
    constrains: bool
    max_parallel: int

    def generate(
        self,
        messages: list[Message],
        *,
        n: int = 1,
        temperature: float = 0.0,
        grammar: str | None = None,
        max_tokens: int = 1024,
        timeout_s: float | None = None,
    ) -> list[Reply]:
        """Return n replies to the conversation.

        timeout_s bounds the whole call, retries included (None: the backend's own limits).
        Raises ContextOverflow for a prompt the model cannot take, OutOfTime when timeout_s
        ran out with nothing to show, BackendError for anything else that failed."""
        ...


def empty_usage() -> dict[str, int]:
    """The usage dict before any call (shared so every backend reports the same keys)."""
    return {"prompt_tokens": 0, "completion_tokens": 0}
