"""The one reader of a server's `Retry-After` (and `Retry-After-Ms`) header.

Shared by the model client (agent/backends/openai.py) and the scraper (scrape/http.py).
A header is something a server wrote, not something we control: whatever it says, the
answer is a finite number of seconds >= 0, or None for "nothing readable" -- never an
exception, because a wait computed inside a retry loop that raises ends the whole request.
"""

from __future__ import annotations

import email.utils
import math
import time
from collections.abc import Mapping
from datetime import UTC


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """`Retry-After` as seconds from `now` (default: the clock): delta-seconds or an
    HTTP-date; None when absent or unreadable (malformed, out of range, NaN)."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        seconds = None
    if seconds is None:
        try:
            when = email.utils.parsedate_to_datetime(value)
            if when.tzinfo is None:  # RFC 9110 dates are GMT; a bare one is read as such
                when = when.replace(tzinfo=UTC)
            seconds = when.timestamp() - (time.time() if now is None else now)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    return max(seconds, 0.0) if math.isfinite(seconds) else None


def retry_after_header(headers: Mapping[str, str] | None, now: float | None = None
                       ) -> float | None:
    """Seconds asked for by a response's headers: `Retry-After-Ms` (OpenAI-style APIs) first,
    then `Retry-After`; None when neither says something readable. `headers` must look up
    names case-insensitively (httpx's and http.client's headers do)."""
    if headers is None:
        return None
    ms = headers.get("retry-after-ms")
    if ms is not None:
        try:
            seconds = float(ms) / 1000.0
        except ValueError:
            seconds = math.nan
        if math.isfinite(seconds):
            return max(seconds, 0.0)
    return retry_after_seconds(headers.get("retry-after"), now)
