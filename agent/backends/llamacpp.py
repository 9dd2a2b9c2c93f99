"""GGUF models in-process through llama-cpp-python (`pip install 'scad-agent[llamacpp]'`):
the CPU user's backend, no server to run.

    get_backend("llamacpp", model="SmolLM2-135M-Instruct.Q4_1.gguf", adapter="lora.gguf")

The grammar is applied the way llama.cpp's own server applies it (common_sampler's
grammar-based rejection sampling): pick the next token from the model's logits, ask the
grammar about that one token, and only when it is refused mask the whole vocabulary and pick
again. The reply is the same as masking first (greedy: the best grammatical token; sampled:
the same distribution restricted to the grammar), but a model that mostly writes valid
OpenSCAD pays for one token check per step instead of a walk over its whole vocabulary,
which llama-cpp-python's built-in grammar sampler does at every step.

Time: replies stream out of llama-cpp-python token by token; when the call's timeout_s runs
out the stream is closed and the reply so far comes back with finish_reason "time".
"""

from __future__ import annotations

import ctypes
import math
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.backends.base import (
    STOP,
    TIME,
    BackendError,
    ContextOverflow,
    Message,
    Reply,
    empty_usage,
    usage_of,
)
from agent.backends.common import config_from, program_grammar, sampling_plan, unfence
from tools.errors import require
from tools.grammar import for_llama_cpp, to_gbnf

GGUF_MAGIC = b"GGUF"


@dataclass
class LlamaCppConfig:
    model: str = ""                  # a .gguf file
    adapter: str | None = None       # a GGUF LoRA adapter (convert_lora_to_gguf.py), optional
    context_tokens: int = 4096       # n_ctx
    threads: int | None = None       # None: llama.cpp's default
    fenced_grammar: bool = False     # the model replies in a ``` fence (see common.py)
    seed: int = 0                    # sampled replies are reproducible from it


def check_gguf(path: Path) -> None:
    """BackendError in one line unless `path` is a readable GGUF file."""
    if not path.is_file():
        raise BackendError(f"no GGUF model at {path}: pass --model FILE.gguf")
    with path.open("rb") as f:
        magic = f.read(4)
    if magic != GGUF_MAGIC:
        raise BackendError(f"{path} is not a GGUF file (it starts {magic!r}, not b'GGUF'); "
                           "convert it with llama.cpp's convert_hf_to_gguf.py (docs/servers.md)")


class GrammarGuard:
    """A llama-cpp-python logits processor that picks the next token itself (greedy, or
    sampled at `temperature` from `rng`), under the grammar when there is one, and leaves
    only that token standing so that the greedy sampler after it takes it.

    It also counts: `steps` is the number of tokens decoded, `prompt_tokens` the prompt's
    length. Single use: one per reply."""

    def __init__(self, llm: Any, gbnf: str | None, temperature: float, rng: Any) -> None:
        self._lib = require("llama_cpp", "llamacpp")
        self._np = require("numpy", "llamacpp")
        self._temperature = temperature
        self._rng = rng
        self._eos = llm.token_eos()
        self._grammar = None
        self.constrained = gbnf is not None
        if gbnf is not None:
            # llama.cpp's own grammar engine (not llama-cpp-python's Python copy of it); the
            # vocabulary handle has no public accessor in llama-cpp-python 0.3
            self._grammar = self._lib.llama_sampler_init_grammar(
                llm._model.vocab, gbnf.encode("utf-8"), b"root")
            if not self._grammar:
                raise BackendError("llama.cpp could not parse the grammar (GBNF)")
        self._one = (self._lib.llama_token_data * 1)()
        self._all: Any = None   # the whole vocabulary, built on the first refusal
        self.prompt_tokens = -1
        self.steps = 0
        self.refusals = 0       # steps where the model's own pick broke the grammar

    def close(self) -> None:
        if self._grammar:
            self._lib.llama_sampler_free(self._grammar)
            self._grammar = None

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        np = self._np
        if self.prompt_tokens < 0:
            self.prompt_tokens = len(input_ids)
        elif self._grammar:  # the token picked last step is now part of the input
            self._lib.llama_sampler_accept(self._grammar, int(input_ids[-1]))
        self.steps += 1
        logits = np.asarray(scores, dtype=np.float32)
        token = self._pick(logits)
        if self._grammar and not self._allowed(token):
            self.refusals += 1
            token = self._pick(self._masked(logits))
        out = np.full_like(logits, -math.inf)
        out[token] = 0.0
        return out

    def _pick(self, logits: Any) -> int:
        np = self._np
        if not np.isfinite(logits).any():
            return self._eos  # nothing grammatical is left: end the reply
        if self._temperature <= 0:
            return int(np.argmax(logits))
        z = logits / self._temperature
        p = np.exp(z - z.max())
        return int(self._rng.choice(len(p), p=p / p.sum()))

    def _allowed(self, token: int) -> bool:
        self._one[0].id, self._one[0].logit, self._one[0].p = token, 0.0, 0.0
        array = self._lib.llama_token_data_array(data=self._one, size=1, selected=-1,
                                                 sorted=False)
        self._lib.llama_sampler_apply(self._grammar, ctypes.byref(array))
        return self._one[0].logit != -math.inf

    def _masked(self, logits: Any) -> Any:
        """The logits with every token the grammar refuses here at -inf."""
        np = self._np
        n = len(logits)
        if self._all is None:
            self._all = (self._lib.llama_token_data * n)()
        view = np.frombuffer(self._all, dtype=np.dtype(
            [("id", np.int32), ("logit", np.float32), ("p", np.float32)]))
        view["id"], view["logit"], view["p"] = np.arange(n, dtype=np.int32), logits, 0.0
        array = self._lib.llama_token_data_array(data=self._all, size=n, selected=-1,
                                                 sorted=False)
        self._lib.llama_sampler_apply(self._grammar, ctypes.byref(array))
        return view["logit"].copy()


class LlamaCppBackend:
    """A GGUF model in this process. Config keys: see LlamaCppConfig."""

    name = "llamacpp"
    constrains = True
    max_parallel = 1  # one context, decoded one reply at a time

    def __init__(self, **config: Any) -> None:
        self.config = cfg = config_from(LlamaCppConfig, config, self.name)
        if not cfg.model:
            raise BackendError("the llamacpp backend needs a GGUF file: --model FILE.gguf")
        path = Path(cfg.model).expanduser()
        check_gguf(path)
        if cfg.adapter:
            check_gguf(Path(cfg.adapter).expanduser())
        llama_cpp = require("llama_cpp", "llamacpp")
        try:
            self._llm = llama_cpp.Llama(
                model_path=str(path), lora_path=cfg.adapter, n_ctx=cfg.context_tokens,
                n_threads=cfg.threads, seed=cfg.seed, verbose=False)
        except ValueError as exc:  # llama.cpp could not load it (wrong architecture, ...)
            raise BackendError(f"llama.cpp could not load {path}: {exc}") from exc
        self.model = path.name
        self._lock = threading.Lock()
        self._draws = 0
        self.last_usage: dict[str, int] = empty_usage()  # for benchmarks/ scripts
        self.last_refusals = 0   # grammar refusals in the last call (benchmarks, tests)

    def gbnf(self, grammar: str) -> str:
        """The GBNF this backend enforces for the program grammar `grammar` (EBNF)."""
        return to_gbnf(program_grammar(for_llama_cpp(grammar), fenced=self.config.fenced_grammar))

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
        np = require("numpy", "llamacpp")
        plan = sampling_plan(n, temperature)
        deadline = None if timeout_s is None else time.monotonic() + max(timeout_s, 0.0)
        gbnf = self.gbnf(grammar) if grammar is not None else None
        replies: list[Reply] = []
        self.last_refusals = 0
        with self._lock:
            for _ in range(plan.draws):
                self._draws += 1
                rng = np.random.default_rng([self.config.seed, self._draws])
                guard = GrammarGuard(self._llm, gbnf, plan.temperature, rng)
                try:
                    replies.append(self._one(messages, guard, max_tokens, deadline))
                finally:
                    guard.close()
                self.last_refusals += guard.refusals
        # the draws only: plan.fill's copies of a greedy reply cost nothing
        self.last_usage = usage_of(replies)
        return plan.fill(replies, n)

    def _one(self, messages: list[Message], guard: GrammarGuard, max_tokens: int,
             deadline: float | None) -> Reply:
        llama_cpp = require("llama_cpp", "llamacpp")
        stream = self._llm.create_chat_completion(
            [{"role": m["role"], "content": m["content"]} for m in messages],
            max_tokens=max_tokens, temperature=0.0, repeat_penalty=1.0, stream=True,
            logits_processor=llama_cpp.LogitsProcessorList([guard]))
        pieces: list[str] = []
        reason = STOP
        try:
            for chunk in stream:
                choice = chunk["choices"][0]
                pieces.append(choice.get("delta", {}).get("content") or "")
                reason = choice.get("finish_reason") or reason
                if deadline is not None and time.monotonic() >= deadline \
                        and not choice.get("finish_reason"):
                    reason = TIME
                    break
        except ValueError as exc:
            if "context window" in str(exc):
                raise ContextOverflow(f"the prompt is too long for {self.model}: {exc}") from exc
            raise BackendError(f"llama.cpp failed on {self.model}: {exc}") from exc
        finally:
            stream.close()
        text = "".join(pieces)
        if guard.constrained and self.config.fenced_grammar:
            text = unfence(text)
        return Reply(text, reason, constrained=guard.constrained,
                     prompt_tokens=max(guard.prompt_tokens, 0), completion_tokens=guard.steps)
