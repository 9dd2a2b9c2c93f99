"""Asking the model within what a turn may spend (config.max_wall_s, max_tokens)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from agent.backends.base import Backend, ContextOverflow, Message, OutOfTime, Reply, usage_of
from agent.config import AgentConfig
from agent.steps import StopReason


@dataclass
class Budget:
    config: AgentConfig
    started: float = field(default_factory=time.monotonic)
    tokens: dict[str, int] = field(default_factory=lambda: usage_of([]))
    timings: dict[str, float] = field(
        default_factory=lambda: {"model_s": 0.0, "compile_s": 0.0, "check_s": 0.0})

    def time_left(self) -> float:
        return self.config.max_wall_s - (time.monotonic() - self.started)

    def exhausted(self) -> StopReason | None:
        if self.time_left() <= 0:
            return "wall_time"
        return "tokens" if sum(self.tokens.values()) >= self.config.max_tokens else None

    def reply_tokens(self) -> int:
        return max(1, min(self.config.reply_max_tokens,
                          self.config.max_tokens - sum(self.tokens.values())))

    def snapshot(self) -> dict[str, Any]:
        total = time.monotonic() - self.started
        timings = {k: round(v, 4) for k, v in self.timings.items()}
        timings["total_s"] = round(total, 4)
        timings["other_s"] = round(max(0.0, total - sum(self.timings.values())), 4)
        return {"timings": timings, "tokens": dict(self.tokens)}

    def add(self, replies: list[Reply], model_s: float) -> None:
        used = usage_of(replies)
        self.tokens = {k: v + used[k] for k, v in self.tokens.items()}
        self.timings["model_s"] += model_s


def draw(backend: Backend, messages: list[Message], n: int, temperature: float,
          greedy_first: bool, grammar: str | None, budget: Budget) -> list[Reply]:
    """n replies, in batches the backend can draw at once; the first greedy if asked (a small
    model's likeliest program is its best guess at the numbers). Each call gets what is left
    of the turn's time; a batch that runs out of time or context ends the round early."""
    replies: list[Reply] = []
    batch = max(1, int(getattr(backend, "max_parallel", n) or n))
    while len(replies) < n:
        greedy = greedy_first and not replies and n > 1 and temperature > 0
        want = 1 if greedy else min(batch, n - len(replies))
        started, got = time.monotonic(), []
        try:
            got = backend.generate(messages, n=want, temperature=0.0 if greedy else temperature,
                                   grammar=grammar, max_tokens=budget.reply_tokens(),
                                   timeout_s=budget.time_left())
        except (OutOfTime, ContextOverflow):
            if not replies:
                raise
            break  # judge what came
        finally:
            budget.add(got, time.monotonic() - started)
        replies.extend(got[:want])
        if len(got) < want:
            break  # the backend gave what it could
    return replies
