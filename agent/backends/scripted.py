"""A backend that replays recorded replies: for tests, benchmarks and demos without a model.

Replies come from a list, a JSONL file (one reply per line: a JSON string, or an object with
"content" and optionally "finish_reason"; {"error": "..."} makes that call raise
BackendError), or a function of the messages. Every call is recorded in `calls` so tests can
assert what the model was sent. With constrains=True every reply says the grammar was
applied when one was passed (the replies are then taken as the program itself)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from pathlib import Path

from agent.backends.base import STOP, BackendError, ContextOverflow, Message, Reply, empty_usage

ReplyFn = Callable[[list[Message], int], "list[str | Reply] | str | Reply"]


def load_replies(path: Path) -> list[str | dict]:
    """Read a replies JSONL file; blank lines are skipped."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise BackendError(f"cannot read scripted replies {path}: {exc}") from exc
    entries: list[str | dict] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BackendError(f"{path}:{number}: not JSON: {exc.msg}") from exc
        if not isinstance(entry, str | dict):
            raise BackendError(f"{path}:{number}: expected a string or an object")
        entries.append(entry)
    return entries


def _token_estimate(text: str) -> int:
    # No tokenizer here; whitespace words are a stable stand-in for usage accounting.
    return len(text.split())


class ScriptedBackend:
    """Replays replies in order; n replies per generate call."""

    name = "scripted"
    max_parallel = 64

    def __init__(
        self,
        replies: Sequence[str | dict | Reply] | str | Path | ReplyFn | None = None,
        *,
        model: str | Path | None = None,
        constrains: bool = False,
        context_tokens: int | None = None,
        **_ignored: object,
    ) -> None:
        # `model` is how the CLI passes a replies file (--backend scripted --model r.jsonl).
        source = replies if replies is not None else model
        self._fn: ReplyFn | None = None
        self._queue: list[str | dict | Reply] = []
        if callable(source):
            self._fn = source
        elif isinstance(source, str | Path):
            self._queue = load_replies(Path(source))
        elif source is not None:
            self._queue = list(source)
        else:
            raise BackendError("the scripted backend needs replies (or --model REPLIES.jsonl)")
        self.constrains = constrains
        # a context window (in the whitespace words counted as tokens here), for tests
        self.context_tokens = context_tokens
        self.calls: list[dict] = []
        self.last_usage: dict[str, int] = empty_usage()

    @property
    def remaining(self) -> int:
        return len(self._queue)

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
        self.calls.append(
            {
                "messages": [dict(m) for m in messages],
                "n": n,
                "temperature": temperature,
                "grammar": grammar is not None,
                "max_tokens": max_tokens,
                "timeout_s": timeout_s,
            }
        )
        prompt_tokens = sum(_token_estimate(m.get("content", "")) for m in messages)
        if self.context_tokens is not None and prompt_tokens >= self.context_tokens:
            raise ContextOverflow(f"the prompt is {prompt_tokens} tokens; the model's context "
                                  f"holds {self.context_tokens}")
        if self._fn is not None:
            produced = self._fn([dict(m) for m in messages], n)
            entries = [produced] if isinstance(produced, str | Reply) else list(produced)
        else:
            entries = []
            for _ in range(n):
                if not self._queue:
                    if entries:
                        break  # fewer than n left: hand back what there is
                    raise BackendError("scripted backend ran out of replies")
                entry = self._queue.pop(0)
                if isinstance(entry, dict) and "error" in entry:
                    raise BackendError(str(entry["error"]))
                entries.append(entry)
        constrained = self.constrains and grammar is not None
        replies = [self._reply(entry, constrained) for entry in entries]
        self.last_usage = usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": sum(r.completion_tokens for r in replies),
        }
        if replies:  # the prompt is charged once per call, to its first reply
            replies[0] = dataclasses.replace(replies[0], prompt_tokens=usage["prompt_tokens"])
        return replies

    @staticmethod
    def _reply(entry: str | dict | Reply, constrained: bool) -> Reply:
        if isinstance(entry, Reply):
            return entry
        if isinstance(entry, dict):
            text = str(entry.get("content", ""))
            reason = str(entry.get("finish_reason", STOP))
        else:
            text, reason = entry, STOP
        return Reply(text, reason, constrained, completion_tokens=_token_estimate(text))
