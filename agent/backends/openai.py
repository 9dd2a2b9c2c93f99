"""Any OpenAI-compatible chat endpoint: `vllm serve`, llama.cpp's server, Ollama, hosted APIs.

Server faults are handled in this one layer (the openai client runs with max_retries=0):
connection failures before the request reached the server, HTTP 429 (honouring Retry-After,
capped), 5xx and malformed or truncated bodies are retried with bounded exponential backoff
plus jitter; other 4xx fail at once. An empty reply is retried once. Whatever still fails
becomes a BackendError that names the endpoint, what failed and how many tries were made.

Time: a request may take timeout_s plus max_tokens / min_tokens_per_s (a long reply from a
slow server is not a fault), never more than what the caller's timeout_s (the turn's budget)
has left, and waits between tries are cut to fit it too. A request that timed out is NOT
sent again: the server may still be generating the abandoned reply, and a new request would
queue behind it. Replies are streamed (`stream: true`, read by chat_wire.read_stream): when
the time runs out mid-reply the connection is closed, which stops a streaming server's
generation, and the reply so far comes back with finish_reason "time". A server that answers
a streamed request in one JSON body is read as such; one that refuses streaming (HTTP 400
naming "stream") is asked without it from then on.

A prompt over the model's context is refused in one line: before sending when the server
says how long its context is (vLLM's max_model_len, llama.cpp's n_ctx), else from the
server's own refusal.

Grammars (grammar_mode):
  "vllm"      extra_body {"structured_outputs": {"grammar": EBNF}}  (vLLM >= 0.11)
  "llamacpp"  extra_body {"grammar": GBNF}         (llama.cpp's llama-server, llama-cpp-python;
              "gbnf" is the same mode). The bundled grammar goes in its llama.cpp shape
              (tools.grammar.for_llama_cpp: same language, far cheaper in llama.cpp's sampler)
  "none"      never sent; replies are free text for the agent to extract from
  "auto"      ask the server: /models says who owns the model (vLLM "vllm", llama-server
              "llamacpp", llama-cpp-python "me"); failing that, llama-server answers GET /props
              and llama-cpp-python names itself in /openapi.json. Anything else gets "none"
              (Ollama takes only JSON schemas, hosted APIs nothing), and each Reply says the
              grammar was not applied.
A connection lost right after a request that carried a grammar is not retried: servers have
been seen to crash on a grammar they cannot parse, and the error says so.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import logging
import os
import random
import re
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agent.backends.base import (
    BackendError,
    ContextOverflow,
    Message,
    OutOfTime,
    Reply,
    empty_usage,
)
from agent.backends.chat_wire import BadReply, parse_completion, read_stream
from agent.backends.common import config_from, program_grammar, sampling_plan, unfence
from tools.errors import require
from tools.grammar import for_llama_cpp
from tools.retry_after import retry_after_header

log = logging.getLogger(__name__)

GRAMMAR_MODES = ("auto", "vllm", "llamacpp", "gbnf", "none")
MODE_ALIASES = {"gbnf": "llamacpp"}
# /models owned_by -> grammar mode (llama-cpp-python answers "me")
OWNERS = {"vllm": "vllm", "llamacpp": "llamacpp", "llama.cpp": "llamacpp",
          "llama-cpp": "llamacpp", "me": "llamacpp"}
# No tokenizer reads more than this many characters into one token of ordinary text: a
# prompt longer than context * this cannot fit, whatever the tokenizer.
MAX_CHARS_PER_TOKEN = 6
# How servers word a prompt too long for the model (vLLM, llama.cpp, llama-cpp-python, OpenAI).
_CONTEXT_REFUSAL = re.compile(
    r"context (length|window|size)|context_length|exceed_context|n_ctx|maximum context",
    re.IGNORECASE)
# Transport failures that happen before the request reaches the server: safe to send again.
_NOT_SENT = ("ConnectError", "ConnectTimeout", "PoolTimeout")
# The server took the request and then dropped the connection without an answer.
_DROPPED = ("RemoteProtocolError", "ReadError")
MAX_PROBE_BYTES = 2**20  # a /models or /props answer is a few kB


@dataclass
class OpenAIConfig:
    endpoint: str = "http://127.0.0.1:8000/v1"   # base URL, up to and including /v1
    model: str = ""                  # model name at the server; "" = the first it lists
    api_key_env: str = "OPENAI_API_KEY"   # env var holding the key; unset -> "EMPTY"
    grammar_mode: str = "auto"       # see the module docstring
    fenced_grammar: bool = False     # the model replies in a ``` fence (see common.py)
    timeout_s: float = 120.0         # per request, plus the allowance for the reply's length:
    min_tokens_per_s: float = 4.0    # the slowest decoding waited for (max_tokens / this)
    context_tokens: int | None = None  # the model's context; None: as the server says
    max_tries: int = 4               # requests per reply, the first included
    backoff_initial_s: float = 1.0   # first wait; doubles per try, plus up to this much jitter
    backoff_max_s: float = 20.0      # longest wait between tries
    retry_after_max_s: float = 60.0  # a server's Retry-After is honoured up to this
    max_parallel: int = 8
    extra_body: dict[str, Any] | None = None   # sent with every request (server-specific)
    stream: bool = True              # stream replies, so that giving up stops the server


def _retry_after(exc: BaseException) -> float | None:
    """Seconds the server asked us to wait, if it said something readable."""
    response = getattr(exc, "response", None)
    return retry_after_header(getattr(response, "headers", None))


def transport_errors() -> tuple[type[BaseException], ...]:
    """What reading a response body can raise: the openai client's transport's errors
    (httpx; newer clients use its fork httpx2)."""
    return tuple(importlib.import_module(name).TransportError for name in ("httpx", "httpx2")
                 if importlib.util.find_spec(name) is not None)


def _cause(exc: BaseException) -> str:
    return type(exc.__cause__ or exc.__context__).__name__


def _is_transient(exc: BaseException) -> bool:
    """Worth sending again: the request never arrived, or the server said try later."""
    import openai

    if isinstance(exc, BadReply):
        return True
    if isinstance(exc, openai.APITimeoutError):
        return _cause(exc) in _NOT_SENT  # a read timeout: the server may still be at it
    if isinstance(exc, openai.APIConnectionError):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code == 429 or exc.status_code >= 500
    return False


def _describe(exc: BaseException, timeout_s: float) -> str:
    import openai

    if isinstance(exc, openai.APITimeoutError):
        if _cause(exc) in _NOT_SENT:
            return f"could not connect within {timeout_s:.3g} s"
        return (f"no reply within {timeout_s:.3g} s (not sent again: the server may still be "
                "generating it)")
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__ or exc.__context__
        return f"connection failed ({cause or exc})"
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}" + (f": {_body(exc)}" if _body(exc) else "")
    return str(exc)


def _body(exc: Any) -> str:
    response = getattr(exc, "response", None)
    return response.text[:300].strip() if response is not None else ""


def grammar_extra_body(mode: str, ebnf: str) -> dict[str, Any]:
    """The request fields that carry a grammar to a server of the given kind."""
    from agent.backends import constrained

    mode = MODE_ALIASES.get(mode, mode)
    if mode == "vllm":
        return constrained.vllm_request_fields(ebnf)
    if mode == "llamacpp":
        return constrained.llamacpp_request_fields(ebnf)
    raise ValueError(f"no grammar transport for mode {mode!r}")


def mode_from_owner(owned_by: str | None) -> str:
    return OWNERS.get((owned_by or "").lower(), "none")


class _Deadline:
    """The time one generate call may still take (None: unbounded by the caller)."""

    def __init__(self, timeout_s: float | None) -> None:
        self.at = None if timeout_s is None else time.monotonic() + max(0.0, timeout_s)

    def left(self) -> float | None:
        return None if self.at is None else self.at - time.monotonic()

    def cap(self, seconds: float) -> float:
        left = self.left()
        return seconds if left is None else max(0.0, min(seconds, left))


class OpenAIBackend:
    """A model behind an OpenAI-compatible /chat/completions. Config keys: see OpenAIConfig."""

    name = "openai"

    def __init__(self, *, sleep: Callable[[float], None] = time.sleep, **config: Any) -> None:
        openai = require("openai", "openai")  # an extra: the core installs without it

        self.config = cfg = config_from(OpenAIConfig, config, self.name)
        if cfg.grammar_mode not in GRAMMAR_MODES:
            raise BackendError(
                f"grammar_mode must be one of {', '.join(GRAMMAR_MODES)}, not {cfg.grammar_mode!r}"
            )
        self.endpoint = cfg.endpoint.rstrip("/")
        self._key = os.environ.get(cfg.api_key_env) or "EMPTY"
        self._client = openai.OpenAI(
            base_url=self.endpoint,
            api_key=self._key,
            max_retries=0,  # retries happen here only, so tries are counted once
            timeout=cfg.timeout_s,
        )
        self._sleep = sleep
        self._model = cfg.model
        mode = MODE_ALIASES.get(cfg.grammar_mode, cfg.grammar_mode)
        self._mode: str | None = None if mode == "auto" else mode
        self._context: int | None = cfg.context_tokens
        self._warned_no_grammar = False
        self._stream = cfg.stream  # turned off when the server refuses a streamed request
        self.max_parallel = cfg.max_parallel
        self.last_usage: dict[str, int] = empty_usage()  # for benchmarks/ scripts
        self.requests = 0  # chat requests sent, retries included (for tests and benchmarks)

    # -- server discovery ---------------------------------------------------------------
    def _get_json(self, path: str) -> Any:
        """GET endpoint+path, or root+path for a path given as "../x" (short timeout, no
        retries) as JSON; None when it does not answer so."""
        base = re.sub(r"/v1$", "", self.endpoint) if path.startswith("../") else self.endpoint
        url = f"{base}/{path.removeprefix('../').lstrip('/')}"
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {self._key}"})
        try:
            with urllib.request.urlopen(request, timeout=min(self.config.timeout_s, 10)) as got:
                return json.loads(got.read(MAX_PROBE_BYTES))
        except (OSError, ValueError) as exc:  # refused, timed out, HTTP error, not JSON
            log.debug("%s did not answer usefully (%s)", url, exc)
            return None

    def _probe(self) -> None:
        """GET /models: the model name if none was given, and in auto mode the grammar mode
        (asking /props and /openapi.json when the owner says nothing). No retries."""
        listed = self._get_json("/models")
        listed = listed.get("data") if isinstance(listed, dict) else None
        entries = [m for m in listed or [] if isinstance(m, dict) and m.get("id")]
        if not entries:
            log.warning("%s/models did not list any model", self.endpoint)
        if not self._model:
            if not entries:
                raise BackendError(
                    f"no model given and {self.endpoint}/models lists none: pass model="
                )
            self._model = str(entries[0]["id"])
        entry = next((e for e in entries if e["id"] == self._model), {})
        if self._context is None and isinstance(entry.get("max_model_len"), int):
            self._context = entry["max_model_len"]  # vLLM says
        if self._mode is None:
            owner = entry.get("owned_by")
            self._mode = mode_from_owner(owner)
            if self._mode == "none" and entries:
                self._mode = self._probe_server()
            log.info("%s: model %s owned by %r -> grammar_mode %s",
                     self.endpoint, self._model, owner, self._mode)

    def _probe_server(self) -> str:
        """llama.cpp's llama-server answers GET /props; llama-cpp-python (FastAPI) names
        itself in its OpenAPI title. Both sit beside /v1, not under it."""
        props = self._get_json("../props")
        if isinstance(props, dict) and "default_generation_settings" in props:
            settings = props["default_generation_settings"]
            n_ctx = settings.get("n_ctx") if isinstance(settings, dict) else None
            if self._context is None and isinstance(n_ctx, int):
                self._context = n_ctx
            return "llamacpp"
        schema = self._get_json("../openapi.json")
        info = schema.get("info") if isinstance(schema, dict) else None
        title = str(info.get("title", "")) if isinstance(info, dict) else ""
        return "llamacpp" if "llama.cpp" in title.lower() else "none"

    @property
    def constrains(self) -> bool:
        """Whether a grammar would be applied (in auto mode this asks the server once)."""
        try:
            mode = self.grammar_mode
        except BackendError:
            return False  # the server cannot be asked; generate() will say why
        return mode != "none" and importlib.util.find_spec("agent.backends.constrained") is not None

    @property
    def model(self) -> str:
        if not self._model:
            self._probe()
        return self._model

    @property
    def grammar_mode(self) -> str:
        if self._mode is None:
            self._probe()
        assert self._mode is not None
        return self._mode

    # -- one request, with retries ------------------------------------------------------
    def _backoff(self, tries: int) -> float:
        cfg = self.config
        wait = cfg.backoff_initial_s * 2 ** (tries - 1) + random.uniform(0, cfg.backoff_initial_s)
        return min(wait, cfg.backoff_max_s)

    def _where(self, body: dict[str, Any]) -> str:
        return f"{self.endpoint} (model {body['model']})"

    def _complete(self, body: dict[str, Any], deadline: _Deadline, grammar_sent: bool
                  ) -> tuple[list[tuple[str, str]], dict[str, int]]:
        """One chat request, sent again (up to max_tries) only when that can help."""
        import openai

        cfg = self.config
        allowance = cfg.timeout_s + body["max_tokens"] / cfg.min_tokens_per_s
        for tries in range(1, cfg.max_tries + 1):
            timeout = deadline.cap(allowance)
            if timeout <= 0:
                raise OutOfTime(f"{self._where(body)}: the turn's time ran out before the "
                                f"reply came ({tries - 1} tries)")
            try:
                self.requests += 1
                return self._send(body, timeout)
            except (openai.APIError, BadReply) as exc:
                self._refuse_or_raise(exc, body, tries, timeout, timeout < allowance,
                                      grammar_sent)
                asked = _retry_after(exc)
                wait = self._backoff(tries) if asked is None else min(asked,
                                                                      cfg.retry_after_max_s)
                left = deadline.left()
                if left is not None and wait >= left:
                    raise OutOfTime(
                        f"{self._where(body)}: {_describe(exc, timeout)}; the server asked to "
                        f"wait {wait:.3g} s, more than the {max(left, 0):.3g} s the turn has "
                        "left") from exc
                self._sleep(wait)
        raise AssertionError("unreachable: the last try raises")

    def _send(self, body: dict[str, Any], timeout: float
              ) -> tuple[list[tuple[str, str]], dict[str, int]]:
        """One request. Streamed when the server allows: reading stops at the timeout and the
        connection closes, which stops a streaming server's generation (llama.cpp servers
        keep generating a non-streamed reply for a client that left)."""
        chat = self._client.chat.completions
        if not self._stream:
            return parse_completion(chat.with_raw_response.create(**body, timeout=timeout).text)
        import openai

        extra = dict(body.get("extra_body") or {}, stream_options={"include_usage": True})
        try:
            with chat.with_streaming_response.create(
                    **{**body, "extra_body": extra}, stream=True, timeout=timeout) as response:
                try:
                    if "text/event-stream" not in response.headers.get("content-type", ""):
                        return parse_completion(response.text())  # answered in one piece
                    return read_stream(response.iter_lines(), time.monotonic() + timeout)
                except transport_errors() as exc:  # failing mid-body = failing before it
                    kind = (openai.APITimeoutError if "Timeout" in type(exc).__name__
                            else openai.APIConnectionError)
                    raise kind(request=response.http_request) from exc
        except openai.BadRequestError as exc:
            if "stream" not in _body(exc).lower():
                raise
            log.info("%s refuses streamed requests (%s); sending them whole",
                     self.endpoint, _body(exc)[:100])
            self._stream = False
            return self._send(body, timeout)

    def _refuse_or_raise(self, exc: BaseException, body: dict[str, Any], tries: int,
                         timeout: float, cut_by_deadline: bool, grammar_sent: bool) -> None:
        """Raise the BackendError for a failed try, unless sending again can help."""
        import openai

        where, what = self._where(body), _describe(exc, timeout)
        if isinstance(exc, openai.APIStatusError) and _CONTEXT_REFUSAL.search(_body(exc)):
            raise ContextOverflow(f"the prompt is too long for the model at {where}: "
                                  f"{_body(exc)[:200]}") from exc
        if grammar_sent and isinstance(exc, openai.APIConnectionError) and \
                _cause(exc) in _DROPPED:
            raise BackendError(
                f"{where}: {what}, right after a request carrying a grammar: a possible "
                "grammar fault (llama.cpp servers have crashed on grammars they cannot parse); "
                "try --grammar-mode none") from exc
        if isinstance(exc, openai.APITimeoutError) and cut_by_deadline:
            raise OutOfTime(f"{where}: {what}; the turn's time ran out") from exc
        if not _is_transient(exc):
            raise BackendError(f"{where} refused: {what}" if isinstance(
                exc, openai.APIStatusError) else f"{where}: {what}") from exc
        if tries >= self.config.max_tries:
            raise BackendError(f"{where}: {what}; gave up after {tries} "
                               f"{'try' if tries == 1 else 'tries'}") from exc

    # -- the protocol -------------------------------------------------------------------
    def _grammar_body(self, grammar: str) -> dict[str, Any] | None:
        mode = self.grammar_mode
        if mode != "none":
            try:
                # llama.cpp gets the bundled grammar in the shape its sampler is fast with
                shaped = for_llama_cpp(grammar) if mode == "llamacpp" else grammar
                ebnf = program_grammar(shaped, fenced=self.config.fenced_grammar)
                return grammar_extra_body(mode, ebnf)
            except ImportError as exc:
                reason = f"grammar glue unavailable: {exc}"
        else:
            reason = "the server is not known to accept grammars (grammar_mode none)"
        if not self._warned_no_grammar:
            log.warning("%s: grammar NOT applied, replies are free text (%s)",
                        self.endpoint, reason)
            self._warned_no_grammar = True
        return None

    def _check_context(self, messages: list[Message]) -> None:
        if not self.model or self._context is None:
            return
        chars = sum(len(m["content"]) for m in messages)
        if chars > self._context * MAX_CHARS_PER_TOKEN:
            raise ContextOverflow(
                f"the prompt is {chars} characters, more than the model at {self.endpoint} "
                f"can read ({self._context} tokens of context)")

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
        deadline = _Deadline(timeout_s)
        plan = sampling_plan(n, temperature)
        self._check_context(messages)
        extra = dict(self.config.extra_body or {})
        grammar_fields = self._grammar_body(grammar) if grammar is not None else None
        extra.update(grammar_fields or {})
        constrained = grammar_fields is not None
        replies: list[Reply] = []
        usage = empty_usage()
        empty_replies = 0
        # Servers that ignore `n` answer one choice per request: ask again for the rest.
        while len(replies) < plan.draws:
            want = plan.draws - len(replies)
            body: dict[str, Any] = {
                "model": self.model,
                "messages": [{"role": m["role"], "content": m["content"]} for m in messages],
                "temperature": plan.temperature,
                "max_tokens": max_tokens,
            }
            if want > 1:
                body["n"] = want
            if extra:
                body["extra_body"] = extra
            choices, got = self._complete(body, deadline, constrained)
            usage = {k: usage[k] + got[k] for k in usage}
            fresh = [c for c in choices if c[0].strip()][:want]
            if not fresh:
                empty_replies += 1
                if empty_replies > 1:
                    raise BackendError(
                        f"{self.endpoint} (model {self.model}): empty reply twice in a row"
                    )
                continue
            replies.extend(self._reply(text, reason, constrained, i, got, len(fresh))
                           for i, (text, reason) in enumerate(fresh))
        self.last_usage = usage
        return plan.fill(replies, n)

    def _reply(self, text: str, reason: str, constrained: bool, index: int,
               usage: dict[str, int], count: int) -> Reply:
        """One choice of a response; the response's prompt tokens go to its first choice."""
        if constrained and self.config.fenced_grammar:
            text = unfence(text)
        share, rest = divmod(usage["completion_tokens"], count)
        first = index == 0
        return Reply(text, reason, constrained,
                     prompt_tokens=usage["prompt_tokens"] if first else 0,
                     completion_tokens=share + (rest if first else 0))
