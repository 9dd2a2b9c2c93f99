"""Reading a chat-completions answer off the wire: one JSON body, or a server-sent event
stream of chunks (`stream: true`).

Parsed by hand rather than through the openai client's models so that a half-broken server
(no usage, null content, extra fields) still works and a broken one gets a clear error.
Both readers hand back the same thing: ((content, finish_reason) per choice, usage).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from typing import Any

from agent.backends.base import STOP, TIME

Choices = list[tuple[str, str]]
Usage = dict[str, int]


class BadReply(Exception):
    """A 2xx reply we cannot use (malformed JSON, no choices): a server fault, retried."""


def _usage(data: dict[str, Any]) -> Usage:
    usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
    return {"prompt_tokens": int(usage.get("prompt_tokens") or 0),
            "completion_tokens": int(usage.get("completion_tokens") or 0)}


def _object(text: str, what: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadReply(f"malformed JSON in {what} ({exc.msg} at char {exc.pos})") from exc
    if not isinstance(data, dict):
        raise BadReply(f"{what} is not a JSON object")
    if "error" in data and not data.get("choices"):
        raise BadReply(f"the server reported an error: {str(data['error'])[:200]}")
    return data


def _reason(choice: dict[str, Any]) -> str | None:
    reason = choice.get("finish_reason")
    return reason if isinstance(reason, str) and reason else None


def parse_completion(text: str) -> tuple[Choices, Usage]:
    """((content, finish_reason) per choice, usage) from a chat-completions body; BadReply
    if unusable."""
    data = _object(text, "the reply")
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices:
        raise BadReply("no 'choices' in the reply")
    parsed = []
    for choice in choices:
        choice = choice if isinstance(choice, dict) else {}
        message = choice.get("message")
        content = message.get("content") if isinstance(message, dict) else None
        parsed.append((content if isinstance(content, str) else "", _reason(choice) or STOP))
    return parsed, _usage(data)


def read_stream(lines: Iterable[str], deadline_at: float | None) -> tuple[Choices, Usage]:
    """Collect a chat-completions event stream ("data: {chunk}" lines, "data: [DONE]").

    Stops reading when the monotonic clock passes `deadline_at`: the caller then closes the
    connection, which is what stops a streaming server's generation, and the replies end
    with finish_reason "time". Usage comes from the chunk that carries it (servers that
    honour stream_options.include_usage); otherwise completion tokens are counted one per
    content chunk, which is what llama.cpp's servers send."""
    texts: dict[int, list[str]] = {}
    reasons: dict[int, str] = {}
    usage: Usage | None = None
    chunks = 0
    timed_out = done = False
    for line in lines:
        if line.startswith("data:"):
            payload = line[5:].strip()
            if payload == "[DONE]":
                done = True
                break
            data = _object(payload, "a stream chunk")
            if isinstance(data.get("usage"), dict):
                usage = _usage(data)
            for choice in data.get("choices") or []:
                if not isinstance(choice, dict):
                    continue
                index = choice.get("index") if isinstance(choice.get("index"), int) else 0
                delta = choice.get("delta") if isinstance(choice.get("delta"), dict) else {}
                content = delta.get("content")
                texts.setdefault(index, [])
                if isinstance(content, str) and content:
                    texts[index].append(content)
                    chunks += 1
                if reason := _reason(choice):
                    reasons[index] = reason
        if deadline_at is not None and time.monotonic() >= deadline_at:
            timed_out = True
            break
    if not texts and timed_out:
        texts[0] = []  # nothing yet: an empty reply cut by time, which the caller handles
    if not texts:
        raise BadReply("the event stream ended without a choice")
    if not (done or timed_out or reasons):
        raise BadReply("the event stream broke off before the reply ended")
    unfinished = TIME if timed_out else STOP  # no finish_reason and no timeout: assume done
    choices = [("".join(texts[i]), reasons.get(i, unfinished)) for i in sorted(texts)]
    if usage is None or not usage["completion_tokens"]:
        usage = {"prompt_tokens": usage["prompt_tokens"] if usage else 0,
                 "completion_tokens": chunks}
    return choices, usage
