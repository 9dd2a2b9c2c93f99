"""Grammar-constrained decoding glue shared by the model backends.

    wrap_program_grammar(ebnf, fenced)   the reply grammar, given the PROGRAM's grammar
    hf_logits_processor(tokenizer, ebnf) a transformers logits processor (xgrammar)
    vllm_request_fields(ebnf)            fields for a vLLM OpenAI-compatible request body
    llamacpp_request_fields(ebnf)        fields for a llama.cpp server request body
    vllm_structured_outputs(ebnf)        vllm.sampling_params.StructuredOutputsParams (offline)

Importing this module is cheap: xgrammar, torch and transformers are imported by the
functions that need them.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Sequence
from typing import Any

from tools.errors import ScadAgentError, require
from tools.grammar import to_gbnf
from tools.grammar.ebnf import rename_rules, rule_names

# The program's root rule is renamed to this when it is wrapped into a reply grammar.
PROGRAM_RULE = "scad_program"
FENCE_OPEN = "```openscad\n"
FENCE_CLOSE = "\n```"


def wrap_program_grammar(ebnf: str, fenced: bool) -> str:
    """The grammar of a whole model reply whose program must follow `ebnf` (root `root`).

    fenced=False: the reply is the program and nothing else; generation ends with EOS right
    after it. This is the grammar itself (what our fine-tuned bare-program models emit).
    fenced=True: the reply is "```openscad\\n" PROGRAM "\\n```" and then EOS. Chat models are
    trained to fence code, so this keeps them on familiar ground; prose around the fence is
    not allowed, because a grammar that allows free prose lets the model wander and never
    open the fence. `agent.backends.common.unfence` strips the fence again. A program that
    ends in a // comment still closes the fence: the comment cannot hold a newline.
    """
    names = rule_names(ebnf)
    if "root" not in names:
        raise ScadAgentError("the program grammar has no `root` rule")
    if not fenced:
        return ebnf
    if PROGRAM_RULE in names:
        raise ScadAgentError(f"the program grammar already defines {PROGRAM_RULE!r}")
    body = rename_rules(ebnf, {"root": PROGRAM_RULE})
    opening = FENCE_OPEN.replace("\n", "\\n")
    closing = FENCE_CLOSE.replace("\n", "\\n")
    return f'root ::= "{opening}" {PROGRAM_RULE} "{closing}"\n{body}'


# ------------------------------------------------------------------ request payloads


def vllm_request_fields(ebnf: str) -> dict[str, Any]:
    """Extra body fields for vLLM's OpenAI-compatible server (vLLM >= 0.11)."""
    return {"structured_outputs": {"grammar": ebnf}}


def llamacpp_request_fields(ebnf: str) -> dict[str, Any]:
    """Extra body fields for llama.cpp's server, which reads GBNF."""
    return {"grammar": to_gbnf(ebnf)}


def vllm_structured_outputs(ebnf: str) -> Any:
    """`StructuredOutputsParams(grammar=...)` for vLLM's offline `LLM.generate`."""
    sampling = require("vllm.sampling_params", "vllm")
    return sampling.StructuredOutputsParams(grammar=ebnf)


# ------------------------------------------------------------------ transformers


class _Compiled:
    """Per-tokenizer xgrammar state: one GrammarCompiler per (vocab size, stop tokens), one
    compiled grammar per grammar text. Compiling the OpenSCAD grammar against a vocabulary
    takes seconds; every later call reuses it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.compilers: dict[tuple[int | None, tuple[int, ...]], Any] = {}
        self.grammars: dict[tuple[int | None, tuple[int, ...], str], Any] = {}


_per_tokenizer: weakref.WeakKeyDictionary[Any, _Compiled] = weakref.WeakKeyDictionary()
_registry_lock = threading.Lock()


def compiled_grammar(
    tokenizer: Any, ebnf: str, vocab_size: int | None = None,
    stop_token_ids: Sequence[int] | None = None,
) -> Any:
    """xgrammar's CompiledGrammar of `ebnf` for this tokenizer (cached)."""
    xgr = require("xgrammar", "hf")
    stops = tuple(sorted(set(stop_token_ids))) if stop_token_ids else ()
    with _registry_lock:
        state = _per_tokenizer.get(tokenizer)
        if state is None:
            state = _per_tokenizer[tokenizer] = _Compiled()
    with state.lock:
        key = (vocab_size, stops, ebnf)
        if key in state.grammars:
            return state.grammars[key]
        compiler = state.compilers.get((vocab_size, stops))
        if compiler is None:
            info = xgr.TokenizerInfo.from_huggingface(
                tokenizer, vocab_size=vocab_size, stop_token_ids=list(stops) or None
            )
            compiler = xgr.GrammarCompiler(info, max_threads=2)
            state.compilers[(vocab_size, stops)] = compiler
        grammar = compiler.compile_grammar(xgr.Grammar.from_ebnf(ebnf))
        state.grammars[key] = grammar
        return grammar


def hf_logits_processor(
    tokenizer: Any, ebnf: str, vocab_size: int | None = None, *,
    stop_token_ids: Sequence[int] | None = None,
) -> GrammarLogitsProcessor:
    """A logits processor for `model.generate` that only lets `ebnf`'s root through.

    vocab_size: the model's (config) vocabulary size, which may exceed the tokenizer's.
    stop_token_ids: the tokens that end generation (default: the tokenizer's EOS); they are
    allowed exactly where the grammar's root may end. Single use: build one per generate
    call (the compiled grammar behind it is cached). Works for any batch size, including
    num_return_sequences > 1.
    """
    return GrammarLogitsProcessor(compiled_grammar(tokenizer, ebnf, vocab_size, stop_token_ids))


class GrammarLogitsProcessor:
    """Masks every token the grammar does not allow next, one xgrammar matcher per row.

    Not a subclass of transformers.LogitsProcessor so that importing this module stays
    cheap; `generate` accepts any callable with this signature. With several rows the masks
    are filled by xgrammar's BatchGrammarMatcher on `threads` threads: filling a mask costs
    about as much as a step of a small model, so rows in parallel matter."""

    def __init__(self, compiled: Any, threads: int | None = None) -> None:
        self._compiled = compiled
        self._threads = threads or min(4, os.cpu_count() or 1)
        self._matchers: list[Any] = []
        self._batch: Any = None
        self._bitmask: Any = None
        self._length = -1  # input length at the previous call

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        xgr = require("xgrammar", "hf")
        batch, length = int(input_ids.shape[0]), int(input_ids.shape[1])
        if not self._matchers:
            self._start(batch)
        elif batch != len(self._matchers) or length != self._length + 1:
            raise ScadAgentError(
                "a GrammarLogitsProcessor serves exactly one generate() call; build a new one"
            )
        else:
            self._accept_last(input_ids)
        self._length = length
        live = [row for row, m in enumerate(self._matchers) if not m.is_terminated()]
        for row in set(range(batch)) - set(live):
            self._bitmask[row].fill_(-1)  # finished rows are padded; leave them alone
        if len(live) == 1:
            self._matchers[live[0]].fill_next_token_bitmask(self._bitmask, live[0])
        elif live:
            self._batch.batch_fill_next_token_bitmask(
                [self._matchers[row] for row in live], self._bitmask, indices=live
            )
        vocab = self._compiled.tokenizer_info.vocab_size
        masked = scores if scores.device.type in ("cpu", "cuda") else scores.cpu()
        xgr.apply_token_bitmask_inplace(
            masked[:, :vocab] if masked.shape[-1] > vocab else masked,
            self._bitmask.to(masked.device),
            vocab_size=min(vocab, masked.shape[-1]),
        )
        if masked.shape[-1] > vocab:  # padding rows of the embedding are never grammatical
            masked[:, vocab:] = float("-inf")
        return masked.to(scores.device) if masked is not scores else masked

    def _start(self, batch: int) -> None:
        xgr = require("xgrammar", "hf")
        self._matchers = [xgr.GrammarMatcher(self._compiled) for _ in range(batch)]
        self._batch = xgr.BatchGrammarMatcher(max_threads=self._threads) if batch > 1 else None
        self._bitmask = xgr.allocate_token_bitmask(batch, self._compiled.tokenizer_info.vocab_size)

    def _accept_last(self, input_ids: Any) -> None:
        last = input_ids[:, -1].tolist()
        for row, matcher in enumerate(self._matchers):
            if matcher.is_terminated():
                continue
            if not matcher.accept_token(last[row]):
                # Only possible when something after us changed the choice (or all logits
                # were -inf); a RuntimeError is what the HF backend turns into BackendError.
                raise RuntimeError(f"the grammar rejected token {last[row]} in row {row}")
