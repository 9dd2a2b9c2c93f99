"""Any OpenAI-compatible chat endpoint: `vllm serve`, llama.cpp's server, Ollama, hosted APIs.

Server faults are handled in this one layer (the openai client runs with max_retries=0):
timeouts, connection errors, HTTP 429 (honouring Retry-After, capped), 5xx and malformed or
truncated bodies are retried with bounded exponential backoff plus jitter; other 4xx fail at
once. An empty reply is retried once. Whatever still fails becomes a BackendError that names
the endpoint, what failed and how many tries were made.

Grammars (grammar_mode):
  "vllm"      extra_body {"structured_outputs": {"grammar": EBNF}}  (vLLM >= 0.11)
  "llamacpp"  extra_body {"grammar": GBNF}                          (llama.cpp server)
  "none"      never sent; replies are free text for the agent to extract from
  "auto"      ask the server's /models who owns the model (vLLM says "vllm", llama.cpp says
              "llamacpp") and pick one of the above; anything else gets "none", with a warning.
`constrains` tells the caller whether the latest grammar was actually applied.
"""

from __future__ import annotations

import email.utils
import importlib.util
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agent.backends.base import BackendError, Message, empty_usage
from agent.backends.common import config_from, program_grammar, sampling_plan, unfence

log = logging.getLogger(__name__)

GRAMMAR_MODES = ("auto", "vllm", "llamacpp", "none")


@dataclass
class OpenAIConfig:
    endpoint: str = "http://127.0.0.1:8000/v1"   # base URL, up to and including /v1
    model: str = ""                  # model name at the server; "" = the first it lists
    api_key_env: str = "OPENAI_API_KEY"   # env var holding the key; unset -> "EMPTY"
    grammar_mode: str = "auto"       # see the module docstring
    fenced_grammar: bool = False     # the model replies in a ``` fence (see common.py)
    timeout_s: float = 120.0         # per request
    max_tries: int = 4               # requests per reply, the first included
    backoff_initial_s: float = 1.0   # first wait; doubles per try, plus up to this much jitter
    backoff_max_s: float = 20.0      # longest wait between tries
    retry_after_max_s: float = 60.0  # a server's Retry-After is honoured up to this
    max_parallel: int = 8
    extra_body: dict[str, Any] | None = None   # sent with every request (server-specific)


class _BadReply(Exception):
    """A 2xx reply we cannot use (malformed JSON, no choices): a server fault, retried."""


def _retry_after(exc: BaseException) -> float | None:
    """Seconds the server asked us to wait (Retry-After-Ms / Retry-After), if it said."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    if (ms := headers.get("retry-after-ms")) is not None:
        try:
            return max(float(ms) / 1000.0, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value.strip() else None
        return max(parsed.timestamp() - time.time(), 0.0) if parsed else None


def _is_transient(exc: BaseException) -> bool:
    import openai

    if isinstance(exc, openai.APIConnectionError | _BadReply):  # timeouts are connection errors
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code == 429 or exc.status_code >= 500
    return False


def _describe(exc: BaseException, timeout_s: float) -> str:
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return f"no reply within {timeout_s:g} s"
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__ or exc.__context__
        return f"connection failed ({cause or exc})"
    if isinstance(exc, openai.APIStatusError):
        body = exc.response.text[:300].strip() if exc.response is not None else ""
        return f"HTTP {exc.status_code}" + (f": {body}" if body else "")
    return str(exc)


def parse_completion(text: str) -> tuple[list[str], dict[str, int]]:
    """(contents of the choices, usage) from a chat-completions body; _BadReply if unusable.

    Parsed by hand rather than through the client's models so that a half-broken server
    (no usage, null content, extra fields) still works and a broken one gets a clear error."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _BadReply(f"malformed JSON in the reply ({exc.msg} at char {exc.pos})") from exc
    if not isinstance(data, dict):
        raise _BadReply("the reply is not a JSON object")
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices:
        detail = f": {str(data.get('error'))[:200]}" if "error" in data else ""
        raise _BadReply(f"no 'choices' in the reply{detail}")
    contents = []
    for choice in choices:
        message = choice.get("message") if isinstance(choice, dict) else None
        content = message.get("content") if isinstance(message, dict) else None
        contents.append(content if isinstance(content, str) else "")
    usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
    return contents, {
        "prompt_tokens": int(usage.get("prompt_tokens") or 0),
        "completion_tokens": int(usage.get("completion_tokens") or 0),
    }


def grammar_extra_body(mode: str, ebnf: str) -> dict[str, Any]:
    """The request fields that carry a grammar to a server of the given kind."""
    from agent.backends import constrained

    if mode == "vllm":
        return constrained.vllm_request_fields(ebnf)
    if mode == "llamacpp":
        return constrained.llamacpp_request_fields(ebnf)
    raise ValueError(f"no grammar transport for mode {mode!r}")


def mode_from_owner(owned_by: str | None) -> str:
    owner = (owned_by or "").lower()
    if owner == "vllm":
        return "vllm"
    if owner in ("llamacpp", "llama.cpp", "llama-cpp"):
        return "llamacpp"
    return "none"


class OpenAIBackend:
    """A model behind an OpenAI-compatible /chat/completions. Config keys: see OpenAIConfig."""

    name = "openai"

    def __init__(self, *, sleep: Callable[[float], None] = time.sleep, **config: Any) -> None:
        import openai
        import tenacity

        self.config = cfg = config_from(OpenAIConfig, config, self.name)
        if cfg.grammar_mode not in GRAMMAR_MODES:
            raise BackendError(
                f"grammar_mode must be one of {', '.join(GRAMMAR_MODES)}, not {cfg.grammar_mode!r}"
            )
        self.endpoint = cfg.endpoint.rstrip("/")
        self._client = openai.OpenAI(
            base_url=self.endpoint,
            api_key=os.environ.get(cfg.api_key_env) or "EMPTY",
            max_retries=0,  # retries happen here only, so tries are counted once
            timeout=cfg.timeout_s,
        )
        self._sleep = sleep
        self._jitter = tenacity.wait_exponential_jitter(
            initial=cfg.backoff_initial_s, max=cfg.backoff_max_s, jitter=cfg.backoff_initial_s
        )
        self._model = cfg.model
        self._mode: str | None = None if cfg.grammar_mode == "auto" else cfg.grammar_mode
        self._warned_no_grammar = False
        self.max_parallel = cfg.max_parallel
        self._applied: bool | None = None  # whether the latest grammar was sent
        self.last_usage: dict[str, int] = empty_usage()
        self.requests = 0  # chat requests sent, retries included (for tests and benchmarks)

    # -- server discovery ---------------------------------------------------------------
    def _probe(self) -> None:
        """One GET /models (no retries): the model name if none was given, and the grammar
        mode in auto. A server that does not answer leaves grammar_mode at none."""
        owner: str | None = None
        try:
            raw = self._client.models.with_raw_response.list(timeout=min(self.config.timeout_s, 10))
            listed = json.loads(raw.text).get("data") or []
            entries = [m for m in listed if isinstance(m, dict) and m.get("id")]
        except Exception as exc:  # noqa: BLE001 -- any failure means "cannot tell"
            log.warning("%s/models did not answer usefully (%s)", self.endpoint, exc)
            entries = []
        if not self._model:
            if not entries:
                raise BackendError(
                    f"no model given and {self.endpoint}/models lists none: pass model="
                )
            self._model = str(entries[0]["id"])
        for entry in entries:
            if entry["id"] == self._model:
                owner = entry.get("owned_by")
        if self._mode is None:
            self._mode = mode_from_owner(owner)
            log.info("%s: model %s owned by %r -> grammar_mode %s",
                     self.endpoint, self._model, owner, self._mode)

    @property
    def constrains(self) -> bool:
        """Before a call: whether a grammar would be applied (in auto mode this asks the
        server once). After a call with a grammar: whether it was."""
        if self._applied is not None:
            return self._applied
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
    def _wait(self, state: Any) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = _retry_after(exc) if exc is not None else None
        if asked is not None:
            return min(asked, self.config.retry_after_max_s)
        return float(self._jitter(state))

    def _complete(self, body: dict[str, Any]) -> tuple[list[str], dict[str, int]]:
        import openai
        import tenacity

        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.config.max_tries),
            wait=self._wait,
            retry=tenacity.retry_if_exception(_is_transient),
            sleep=self._sleep,
            reraise=True,
        )
        tries = 0
        try:
            for attempt in retrying:
                with attempt:
                    tries = attempt.retry_state.attempt_number
                    self.requests += 1
                    raw = self._client.chat.completions.with_raw_response.create(**body)
                    return parse_completion(raw.text)
        except (openai.APIError, _BadReply) as exc:
            what = _describe(exc, self.config.timeout_s)
            if _is_transient(exc):
                raise BackendError(
                    f"{self.endpoint} (model {body['model']}): {what}; gave up after "
                    f"{tries} {'try' if tries == 1 else 'tries'}"
                ) from exc
            raise BackendError(f"{self.endpoint} (model {body['model']}) refused: {what}") from exc
        raise AssertionError("unreachable: tenacity either returns or raises")

    # -- the protocol -------------------------------------------------------------------
    def _grammar_body(self, grammar: str) -> dict[str, Any] | None:
        mode = self.grammar_mode
        if mode != "none":
            try:
                ebnf = program_grammar(grammar, fenced=self.config.fenced_grammar)
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

    def generate(
        self,
        messages: list[Message],
        *,
        n: int = 1,
        temperature: float = 0.0,
        grammar: str | None = None,
        max_tokens: int = 1024,
    ) -> list[str]:
        plan = sampling_plan(n, temperature)
        extra = dict(self.config.extra_body or {})
        constrained = False
        if grammar is not None:
            grammar_fields = self._grammar_body(grammar)
            if grammar_fields is not None:
                extra.update(grammar_fields)
                constrained = True
        replies: list[str] = []
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
            contents, got = self._complete(body)
            usage = {k: usage[k] + got[k] for k in usage}
            fresh = [c for c in contents if c.strip()][:want]
            if not fresh:
                empty_replies += 1
                if empty_replies > 1:
                    raise BackendError(
                        f"{self.endpoint} (model {self.model}): empty reply twice in a row"
                    )
                continue
            replies.extend(fresh)
        self.last_usage = usage
        if grammar is not None:
            self._applied = constrained
        if constrained and self.config.fenced_grammar:
            replies = [unfence(r) for r in replies]
        return plan.fill(replies, n)
