"""Chat rendering with loss masks: what a record looks like to the model, and which of its
tokens are trained on.

Each record is rendered with the tokenizer's chat template, the same one the agent's hf
backend uses, so training and inference see identical tokens. Loss applies only to
assistant messages (plus the end-of-turn token the template appends): the model learns to
write programs, not to predict prompts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from finetune.records import DataError

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

# Template for base models whose tokenizer has none. Also saved with their adapters, so the
# agent's hf backend renders prompts the way training did.
PLAIN_CHAT_TEMPLATE = (
    "{{ bos_token if bos_token else '' }}"
    "{% for message in messages %}"
    "{% if message['role'] == 'system' %}{{ message['content'] + '\n\n' }}"
    "{% elif message['role'] == 'user' %}{{ '### Request:\n' + message['content'] + '\n\n' }}"
    "{% elif message['role'] == 'assistant' %}"
    "{{ '### OpenSCAD:\n' }}{% generation %}{{ message['content'] + eos_token }}"
    "{% endgeneration %}{{ '\n\n' }}"
    "{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '### OpenSCAD:\n' }}{% endif %}"
)


def ensure_chat_template(tokenizer: PreTrainedTokenizerBase) -> None:
    """Base models without a template get the plain one (saved with the result)."""
    if not getattr(tokenizer, "chat_template", None):
        tokenizer.chat_template = PLAIN_CHAT_TEMPLATE
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token


def trained_messages(record: dict[str, Any]) -> list[bool]:
    """Which messages the loss applies to: assistant ones, except context-only programs.

    An assistant message with "loss": false is context (the broken program a repair record
    shows the model). Without flags, a "repair" record trains only its last answer: the
    earlier assistant turns are the failed attempts.
    """
    messages = record["messages"]
    assistant = [i for i, m in enumerate(messages) if m["role"] == "assistant"]
    flags = [False] * len(messages)
    for i in assistant:
        flags[i] = bool(messages[i].get("loss", True))
    if record.get("kind") == "repair" and not any("loss" in messages[i] for i in assistant):
        flags = [i == assistant[-1] for i in range(len(messages))]
    return flags


def render(tokenizer: PreTrainedTokenizerBase, messages: list[dict[str, Any]],
           trained: Sequence[bool] | None = None) -> tuple[str, list[tuple[int, int]]]:
    """The chat-template text of `messages` and the character spans the loss applies to.

    Span of assistant message i: from the end of the prompt rendered with
    add_generation_prompt (messages[:i]) to the end of messages[:i+1] rendered; this holds
    for any template whose renders of a conversation's prefixes are prefixes of its render.
    """
    def text(msgs: list[dict[str, str]], gen: bool) -> str:
        return tokenizer.apply_chat_template(msgs, tokenize=False, add_generation_prompt=gen)

    full = text(messages, False)
    spans: list[tuple[int, int]] = []
    for i, message in enumerate(messages):
        if message["role"] != "assistant" or (trained is not None and not trained[i]):
            continue
        start_text = text(messages[:i], True) if i else ""
        end_text = text(messages[: i + 1], False)
        if not full.startswith(start_text) or not full.startswith(end_text):
            raise DataError("the chat template does not render conversation prefixes as "
                            "prefixes; cannot locate assistant tokens")
        # separators after the end-of-turn token ("\n" in ChatML) are not worth learning
        start = len(start_text)
        spans.append((start, start + len(end_text[start:].rstrip())))
    return full, spans


def label_mask(offsets: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """1 for tokens whose first character lies inside an assistant span."""
    starts = np.fromiter((s for s, _ in offsets), dtype=np.int64, count=len(offsets))
    ends = np.fromiter((e for _, e in offsets), dtype=np.int64, count=len(offsets))
    mask = np.zeros(len(offsets), dtype=np.uint8)
    for a, b in spans:
        mask |= ((starts >= a) & (starts < b) & (ends > starts)).astype(np.uint8)
    return mask
