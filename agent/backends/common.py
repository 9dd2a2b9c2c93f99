"""Pieces the model backends (hf, openai, vllm) share: config from keyword arguments, the
sampling plan for (n, temperature), and the grammar wrapping a constraining backend applies.

Kept free of heavy imports: the grammar glue (xgrammar) is imported only when a grammar is
actually used."""

from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass
from typing import Any, TypeVar

from agent.backends.base import Reply

log = logging.getLogger("agent.backends")

C = TypeVar("C")
T = TypeVar("T")


def config_from(cls: type[C], config: dict[str, Any], backend: str) -> C:
    """Build the dataclass `cls` from keyword config; unknown keys are logged and ignored.

    The CLI and evals hand every backend the same bag of options (model, adapter, endpoint,
    ...), so a key meant for another backend is not an error here."""
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(config) - names)
    if unknown:
        log.debug("%s backend ignores config keys: %s", backend, ", ".join(unknown))
    return cls(**{k: v for k, v in config.items() if k in names and v is not None})


@dataclass(frozen=True)
class SamplingPlan:
    """How to honour (n, temperature): `draws` distinct decodes, repeated up to n replies."""

    draws: int
    do_sample: bool
    temperature: float

    def fill(self, replies: list[T], n: int) -> list[T]:
        """Greedy decoding gives the same answer every time: decode once, hand back n copies
        (a Reply's copies cost no tokens: they were not decoded)."""
        if not replies or len(replies) >= n:
            return replies
        copies = [dataclasses.replace(r, prompt_tokens=0, completion_tokens=0)
                  if isinstance(r, Reply) else r for r in replies]
        return (replies + copies * n)[:n]


def sampling_plan(n: int, temperature: float) -> SamplingPlan:
    """temperature <= 0 means greedy: one decode whatever n is (n copies are identical)."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if temperature <= 0:
        return SamplingPlan(draws=1, do_sample=False, temperature=0.0)
    return SamplingPlan(draws=n, do_sample=True, temperature=float(temperature))


def program_grammar(grammar: str, *, fenced: bool) -> str:
    """The EBNF a constraining backend enforces for a reply, given the PROGRAM's EBNF.

    fenced=False: the reply is exactly the program (what our fine-tuned models emit).
    fenced=True: the reply is the program inside a ```openscad fence (chat models trained to
    fence code); the backend strips the fence again with `unfence`, so callers still get a
    bare program. The wrapping itself is the grammar helper's (agent/backends/constrained.py).
    """
    try:
        from agent.backends.constrained import wrap_program_grammar
    except ImportError:
        if fenced:
            raise
        return grammar  # the program's grammar already describes a bare reply
    return wrap_program_grammar(grammar, fenced=fenced)


_FENCE = re.compile(r"^\s*```[A-Za-z0-9_-]*[ \t]*\n?(?P<body>.*?)\n?```\s*$", re.DOTALL)


def unfence(reply: str) -> str:
    """Strip one enclosing ``` fence (as a fenced grammar forces); other text is unchanged."""
    match = _FENCE.match(reply)
    return match.group("body") if match else reply
