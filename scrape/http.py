"""The one polite HTTP client every network source uses.

Politeness, in the order a request meets it:
1. a per-host token bucket (requests/second and burst), plus a "not before" time set by
   servers that say the quota is spent (`x-ratelimit-remaining: 0` + `x-ratelimit-reset`);
2. conditional requests from an on-disk cache (`If-None-Match`, `If-Modified-Since`; a 304
   is served from the cache);
3. a descriptive User-Agent; auth headers only where a source adds them (httpx drops
   them on redirects to other hosts);
4. a response size cap: bodies are streamed and the download stops at `max_bytes`, so a
   huge file is never held in memory;
5. retries with exponential backoff (tenacity) on 429, 5xx, transport errors, rate-limit
   403s and unparseable JSON, waiting at least what `Retry-After` / the reset time asks.
   A server asking for more than `max_wait_s` ends the request with RateLimited instead:
   the run stops cleanly and resumes later.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrape.cache import HttpCache
from tools.errors import ScadAgentError
from tools.retry_after import retry_after_seconds

DEFAULT_USER_AGENT = (
    "scad-agent-scraper/0.1 (+https://github.com/scad-agent/scad-agent; gathers openly "
    "licensed OpenSCAD programs for research; polite: rate-limited, cached)"
)
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


@dataclass
class HostLimit:
    rate: float = 2.0  # sustained requests per second
    burst: int = 2  # requests that may go back to back after a quiet spell


@dataclass
class HttpConfig:
    user_agent: str = DEFAULT_USER_AGENT
    timeout_s: float = 30.0
    max_bytes: int = 2 * 1024 * 1024
    max_attempts: int = 5
    backoff_s: float = 1.0  # first retry's backoff; doubles each time, with jitter
    backoff_max_s: float = 60.0
    max_wait_s: float = 900.0  # the longest wait a server may impose before we give up
    wait_scale: float = 1.0  # multiplies server-requested waits; tests compress time with it
    default_limit: HostLimit = field(default_factory=HostLimit)
    host_limits: dict[str, HostLimit] = field(default_factory=dict)  # netloc -> limit
    cache_dir: Path | None = None


class HttpError(ScadAgentError):
    def __init__(self, url: str, status: int | None, message: str) -> None:
        super().__init__(f"{message} ({url})")
        self.url = url
        self.status = status


class TooLarge(HttpError):
    """The body is larger than max_bytes; the download was stopped."""


class MalformedResponse(HttpError):
    """The body was not the JSON the caller asked for, even after retrying."""


class RateLimited(HttpError):
    """The server asked to wait longer than max_wait_s; rerun later (the run resumes)."""


class _Retry(Exception):
    """Internal: a failure worth another attempt, with the wait the server asked for."""

    def __init__(self, url: str, status: int | None, reason: str, wait_hint: float = 0.0):
        super().__init__(reason)
        self.url, self.status, self.reason, self.wait_hint = url, status, reason, wait_hint

    def final(self) -> HttpError:
        cls = MalformedResponse if self.reason == "malformed JSON" else HttpError
        return cls(self.url, self.status, f"giving up after retries: {self.reason}")


@dataclass
class Response:
    url: str
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes
    from_cache: bool = False
    data: Any = None  # parsed JSON when asked for

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def links(self) -> dict[str, str]:
        """RFC 8288 `Link` header -> {rel: url} (GitHub's pagination)."""
        out = {}
        for part in self.headers.get("link", "").split(","):
            match = re.search(r'<([^>]+)>\s*;\s*rel="?([^";]+)"?', part)
            if match:
                out[match.group(2)] = match.group(1)
        return out


@dataclass
class HttpStats:
    requests: Counter[str] = field(default_factory=Counter)  # per host
    statuses: Counter[int] = field(default_factory=Counter)
    retries: int = 0
    retry_wait_s: float = 0.0
    rate_wait_s: float = 0.0
    not_modified: int = 0
    too_large: int = 0
    bytes: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"requests": dict(self.requests), "statuses": {str(k): v for k, v in
                                                              self.statuses.items()},
                "retries": self.retries, "retry_wait_s": round(self.retry_wait_s, 3),
                "rate_wait_s": round(self.rate_wait_s, 3), "not_modified": self.not_modified,
                "too_large": self.too_large, "bytes": self.bytes}


class TokenBucket:
    """Requests/second with a burst, plus a not-before time a server can impose."""

    def __init__(self, limit: HostLimit, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = limit.rate
        self.burst = max(1, limit.burst)
        self.clock = clock
        self.tokens = float(self.burst)
        self.updated = clock()
        self.not_before = 0.0
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Take a token; returns how long the caller must sleep before sending."""
        with self._lock:
            now = self.clock()
            self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
            self.updated = now
            self.tokens -= 1  # below zero = a reservation on a future token
            bucket_wait = -self.tokens / self.rate if self.tokens < 0 else 0.0
            return max(bucket_wait, self.not_before - now, 0.0)

    def block_until(self, when: float) -> None:
        with self._lock:
            self.not_before = max(self.not_before, when)


class PoliteClient:
    """GET with rate limits, conditional requests, size cap and retries (see module doc)."""

    def __init__(self, config: HttpConfig | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        import httpx

        self.config = config or HttpConfig()
        self._httpx = httpx
        self._client = httpx.Client(timeout=self.config.timeout_s, follow_redirects=True,
                                    headers={"User-Agent": self.config.user_agent})
        self.cache = HttpCache(self.config.cache_dir) if self.config.cache_dir else None
        self.stats = HttpStats()
        self._sleep = sleep
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def bucket(self, netloc: str) -> TokenBucket:
        with self._lock:
            if netloc not in self._buckets:
                limit = self.config.host_limits.get(netloc, self.config.default_limit)
                self._buckets[netloc] = TokenBucket(limit)
            return self._buckets[netloc]

    # ------------------------------------------------------------ the request

    def get(self, url: str, *, headers: Mapping[str, str] | None = None, json_body: bool = False,
            max_bytes: int | None = None, conditional: bool = True) -> Response:
        """GET `url`. Raises HttpError for a final failure status (404 ...), TooLarge,
        MalformedResponse (json_body=True and the body never parsed) or RateLimited."""
        from tenacity import Retrying, retry_if_exception_type, stop_after_attempt

        retrying = Retrying(
            stop=stop_after_attempt(self.config.max_attempts),
            wait=self._retry_wait,
            retry=retry_if_exception_type(_Retry),
            sleep=self._retry_sleep,
            reraise=True,
        )
        try:
            return retrying(self._attempt, url, dict(headers or {}), json_body,
                            max_bytes or self.config.max_bytes, conditional)
        except _Retry as exc:
            raise exc.final() from None

    def get_json(self, url: str, **kwargs: Any) -> Response:
        return self.get(url, json_body=True, **kwargs)

    def _attempt(self, url: str, headers: dict[str, str], json_body: bool, max_bytes: int,
                 conditional: bool) -> Response:
        netloc = urlsplit(url).netloc
        bucket = self.bucket(netloc)
        wait = bucket.reserve()
        if wait > self.config.max_wait_s:
            raise RateLimited(url, None, f"{netloc} is rate-limited for {wait:.0f} s more; "
                              "rerun later (the run resumes where it stopped)")
        if wait > 0:
            self.stats.rate_wait_s += wait
            self._sleep(wait)
        entry = self.cache.get(url) if (self.cache and conditional) else None
        if entry is not None:
            headers = {**entry.validators(), **headers}
        try:
            with self._client.stream("GET", url, headers=headers) as resp:
                self.stats.requests[netloc] += 1
                self.stats.statuses[resp.status_code] += 1
                resp_headers = {k.lower(): v for k, v in resp.headers.items()}
                limited_for = self._rate_limit_wait(resp_headers)
                if limited_for is not None:
                    bucket.block_until(time.monotonic() + limited_for)
                status = resp.status_code
                if status == 304 and entry is not None:
                    self.stats.not_modified += 1
                    result = Response(str(resp.url), 200, {**entry.headers, **resp_headers},
                                      entry.body, from_cache=True)
                elif status in RETRY_STATUSES or (status == 403 and (
                        limited_for is not None or "retry-after" in resp_headers)):
                    hint = self._scaled(retry_after_seconds(resp_headers.get("retry-after")))
                    hint = max(hint or 0.0, limited_for or 0.0)
                    if hint > self.config.max_wait_s:
                        raise RateLimited(url, status, f"server asks to wait {hint:.0f} s")
                    raise _Retry(url, status, f"HTTP {status}", hint)
                elif status >= 400:
                    raise HttpError(url, status, f"HTTP {status}")
                else:
                    result = Response(str(resp.url), status, resp_headers,
                                      self._read_capped(resp, url, max_bytes))
        except self._httpx.TransportError as exc:
            raise _Retry(url, None, f"{type(exc).__name__}: {exc}") from exc
        if json_body:
            try:
                result.data = json.loads(result.body)
            except ValueError:
                if self.cache is not None:
                    self.cache.drop(url)
                raise _Retry(url, result.status, "malformed JSON") from None
        if not result.from_cache and self.cache is not None and result.status == 200:
            self.cache.put(url, result.headers, result.body)
        return result

    def _read_capped(self, resp: Any, url: str, max_bytes: int) -> bytes:
        declared = resp.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            self.stats.too_large += 1
            raise TooLarge(url, resp.status_code,
                           f"body of {int(declared)} bytes exceeds the {max_bytes} byte cap")
        chunks, total = [], 0
        for chunk in resp.iter_bytes():
            total += len(chunk)
            self.stats.bytes += len(chunk)
            if total > max_bytes:
                self.stats.too_large += 1
                raise TooLarge(url, resp.status_code, f"body exceeds the {max_bytes} byte cap")
            chunks.append(chunk)
        return b"".join(chunks)

    # ------------------------------------------------------------ waits

    def _scaled(self, seconds: float | None) -> float | None:
        return None if seconds is None else seconds * self.config.wait_scale

    def _rate_limit_wait(self, headers: dict[str, str]) -> float | None:
        """Seconds until the quota resets when the server says it is spent (GitHub style)."""
        if headers.get("x-ratelimit-remaining", "").strip() != "0":
            return None
        try:
            reset = float(headers.get("x-ratelimit-reset", ""))
        except ValueError:
            return self._scaled(60.0)
        return self._scaled(max(0.0, reset - time.time()))

    def _retry_wait(self, retry_state: Any) -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        attempt = retry_state.attempt_number
        backoff = min(self.config.backoff_max_s, self.config.backoff_s * 2 ** (attempt - 1))
        backoff *= 0.5 + random.random() / 2
        hint = exc.wait_hint if isinstance(exc, _Retry) else 0.0
        return min(max(backoff, hint), self.config.max_wait_s)

    def _retry_sleep(self, seconds: float) -> None:
        self.stats.retries += 1
        self.stats.retry_wait_s += seconds
        self._sleep(seconds)
