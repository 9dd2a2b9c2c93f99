"""A scripted model for the eval tests, from a table of message -> reply.

The reply is the one for the newest user message the table knows, so a repair request (which
the table does not know) is answered like the turn it repairs. Two replies are not programs:
"SLEEP" stalls past a case's time limit (then answers a tiny cube), "ERROR" fails like a
model server that went away."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from agent.backends import BackendError

Script = Callable[[list[dict], int], list[str]]
STALL_S = 0.6  # longer than the time limit of the cases that use SLEEP


def scripted(replies: Mapping[str, str]) -> Script:
    """A ScriptedBackend reply function over `replies`."""

    def reply(messages: list[dict], n: int) -> list[str]:
        users = [m["content"] for m in messages if m["role"] == "user"]
        text = next(replies[u] for u in reversed(users) if u in replies)
        if text == "ERROR":
            raise BackendError("model server went away")
        if text == "SLEEP":
            time.sleep(STALL_S)
            text = "cube(1);"
        return [text] * n

    return reply
