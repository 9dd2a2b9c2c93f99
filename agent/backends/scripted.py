"""A backend that replays recorded replies: for tests, benchmarks and demos without a model.

Replies come from a list, a JSONL file (one reply per line: a JSON string, or an object with
"content"; {"error": "..."} makes that call raise BackendError), or a function of the
messages. Every call is recorded in `calls` so tests can assert what the model was sent."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from agent.backends.base import BackendError, Message, empty_usage

ReplyFn = Callable[[list[Message], int], "list[str] | str"]


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
        replies: Sequence[str | dict] | str | Path | ReplyFn | None = None,
        *,
        model: str | Path | None = None,
        constrains: bool = False,
        **_ignored: object,
    ) -> None:
        # `model` is how the CLI passes a replies file (--backend scripted --model r.jsonl).
        source = replies if replies is not None else model
        self._fn: ReplyFn | None = None
        self._queue: list[str | dict] = []
        if callable(source):
            self._fn = source
        elif isinstance(source, str | Path):
            self._queue = load_replies(Path(source))
        elif source is not None:
            self._queue = list(source)
        else:
            raise BackendError("the scripted backend needs replies (or --model REPLIES.jsonl)")
        self.constrains = constrains
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
    ) -> list[str]:
        self.calls.append(
            {
                "messages": [dict(m) for m in messages],
                "n": n,
                "temperature": temperature,
                "grammar": grammar is not None,
                "max_tokens": max_tokens,
            }
        )
        if self._fn is not None:
            produced = self._fn([dict(m) for m in messages], n)
            replies = [produced] if isinstance(produced, str) else list(produced)
        else:
            replies = []
            for _ in range(n):
                if not self._queue:
                    if replies:
                        break  # fewer than n left: hand back what there is
                    raise BackendError("scripted backend ran out of replies")
                entry = self._queue.pop(0)
                if isinstance(entry, dict) and "error" in entry:
                    raise BackendError(str(entry["error"]))
                replies.append(entry if isinstance(entry, str) else str(entry.get("content", "")))
        prompt = sum(_token_estimate(m.get("content", "")) for m in messages)
        self.last_usage = {
            "prompt_tokens": prompt,
            "completion_tokens": sum(_token_estimate(r) for r in replies),
        }
        return replies
