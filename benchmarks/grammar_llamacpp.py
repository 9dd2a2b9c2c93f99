"""Per-token grammar cost in llama.cpp, next to xgrammar, on one GGUF model in one run
(`python benchmarks/grammar.py --llamacpp FILE.gguf`; needs llama-cpp-python).

Every row decodes the same chat prompts (the public suite's, with the agent's system message)
greedily through llama-cpp-python in this process, alternating rows round by round; a row's
rate is tokens per second from the first streamed token to the last, so prompt evaluation is
left out. The grammar is the reply grammar: the program in a ```openscad fence (chat models),
or with --bare the program alone (models that write bare programs, like scad-tiny). Rows:

    free                           no grammar
    llama.cpp sampler, as loaded   LlamaGrammar(to_gbnf(load_grammar())): what was sent before
    llama.cpp sampler, llama shape LlamaGrammar(to_gbnf(for_llama_cpp(...))): sent now
    llama.cpp sampler, trivial     `root ::= [^\\x00]*`: the sampler's own floor
    check first, llama shape       the llamacpp backend's GrammarGuard (the model's pick is
                                   checked, the vocabulary masked only when it is refused;
                                   what llama.cpp's llama-server does)
    xgrammar mask                  xgrammar's matcher on the same vocabulary, as a logits
                                   processor (the grammar as loaded)
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

TRIVIAL = "root ::= [^\\x00]*"
Run = Callable[[list[dict[str, str]]], tuple[int, float]]


def _streamed(llm: Any, messages: list[dict[str, str]], max_tokens: int,
              **options: Any) -> tuple[int, float]:
    """(tokens after the first, seconds from the first token to the last)."""
    stamps = [time.perf_counter() for _ in llm.create_chat_completion(
        messages, max_tokens=max_tokens, temperature=0.0, repeat_penalty=1.0, stream=True,
        **options)]
    stamps = stamps[:-1]  # the last chunk only carries finish_reason
    return max(len(stamps) - 1, 0), (stamps[-1] - stamps[0]) if len(stamps) > 1 else 0.0


class XgrammarProcessor:
    """xgrammar's next-token mask as a llama-cpp-python logits processor (single use)."""

    def __init__(self, compiled: Any) -> None:
        import xgrammar as xgr

        self._xgr = xgr
        self._matcher = xgr.GrammarMatcher(compiled)
        self._mask = xgr.allocate_token_bitmask(1, compiled.tokenizer_info.vocab_size)
        self._started = False

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        import numpy as np
        import torch

        if self._started:
            self._matcher.accept_token(int(input_ids[-1]))
        self._started = True
        logits = torch.from_numpy(np.array(scores, dtype=np.float32))
        self._matcher.fill_next_token_bitmask(self._mask)
        self._xgr.apply_token_bitmask_inplace(logits, self._mask)
        return logits.numpy()


def xgrammar_compiled(llm: Any, ebnf: str) -> Any:
    """The grammar compiled by xgrammar against the GGUF's own vocabulary (raw bytes)."""
    import xgrammar as xgr

    vocab = [llm.detokenize([i]) for i in range(llm.n_vocab())]
    info = xgr.TokenizerInfo(vocab, vocab_type=xgr.VocabType.RAW,
                             stop_token_ids=[llm.token_eos()])
    return xgr.GrammarCompiler(info, max_threads=2).compile_grammar(ebnf)


def runs(llm: Any, max_tokens: int, fenced: bool = True) -> dict[str, Run]:
    from llama_cpp import LlamaGrammar, LogitsProcessorList

    from agent.backends.constrained import wrap_program_grammar
    from agent.backends.llamacpp import GrammarGuard
    from tools.grammar import for_llama_cpp, load_grammar, to_gbnf

    loaded = wrap_program_grammar(load_grammar(), fenced=fenced)
    shaped = to_gbnf(wrap_program_grammar(for_llama_cpp(load_grammar()), fenced=fenced))
    compiled = xgrammar_compiled(llm, loaded)

    def sampler(gbnf: str | None) -> Run:
        def run(messages: list[dict[str, str]]) -> tuple[int, float]:
            grammar = LlamaGrammar.from_string(gbnf, verbose=False) if gbnf else None
            return _streamed(llm, messages, max_tokens, grammar=grammar)
        return run

    def processor(make: Callable[[], Any]) -> Run:
        def run(messages: list[dict[str, str]]) -> tuple[int, float]:
            made = make()
            try:
                return _streamed(llm, messages, max_tokens,
                                 logits_processor=LogitsProcessorList([made]))
            finally:
                getattr(made, "close", lambda: None)()
        return run

    return {
        "free": sampler(None),
        "llama.cpp sampler, grammar as loaded (before)": sampler(to_gbnf(loaded)),
        "llama.cpp sampler, llama shape (after)": sampler(shaped),
        "llama.cpp sampler, trivial grammar (floor)": sampler(TRIVIAL),
        "check first (llamacpp backend), llama shape": processor(
            lambda: GrammarGuard(llm, shaped, 0.0, None)),
        "xgrammar mask, grammar as loaded": processor(lambda: XgrammarProcessor(compiled)),
    }


def measure(gguf: str, prompts: list[str], max_tokens: int, repeats: int,
            threads: int, fenced: bool = True) -> list[tuple[str, float, int]]:
    """(row, median tokens/s, tokens in the last round) per row, rows alternating."""
    from llama_cpp import Llama

    from agent.prompts import system_message

    llm = Llama(model_path=gguf, n_ctx=4096, n_threads=threads, n_threads_batch=threads,
                verbose=False)
    table = runs(llm, max_tokens, fenced)
    chats = [[system_message(), {"role": "user", "content": p}] for p in prompts]
    rates: dict[str, list[float]] = {row: [] for row in table}
    tokens: dict[str, int] = {}
    for _ in range(repeats):
        for row, run in table.items():
            made, spent = 0, 0.0
            for chat in chats:
                n, seconds = run(chat)
                made, spent = made + n, spent + seconds
            rates[row].append(made / spent if spent else 0.0)
            tokens[row] = made
    return [(row, statistics.median(values), tokens[row]) for row, values in rates.items()]


def report(rows: list[tuple[str, float, int]]) -> str:
    free = next(rate for row, rate, _ in rows if row == "free")
    lines = ["| decoding | tok/s | tokens | cost (free / this) |", "|---|---|---|---|"]
    lines += [f"| {row} | {rate:.2f} | {n} | "
              + (f"{free / rate:.2f}x |" if rate else "- |") for row, rate, n in rows]
    return "\n".join(lines)
