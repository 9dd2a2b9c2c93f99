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
    llama.cpp sampler, FILE        with --llama-before FILE: another llama-shaped grammar
                                   (an earlier openscad.llama.ebnf), for before/after
    llama.cpp sampler, trivial     `root ::= [^\\x00]*`: the sampler's own floor
    check first, llama shape       the llamacpp backend's GrammarGuard (the model's pick is
                                   checked, the vocabulary masked only when it is refused;
                                   what llama.cpp's llama-server does)
    xgrammar mask                  xgrammar's matcher on the same vocabulary, as a logits
                                   processor (the grammar as loaded)

`sampler_cost` (--sampler-cost) leaves the model out: it feeds OpenSCAD's bundled examples
token by token through llama.cpp's grammar sampler over the whole vocabulary and times each
step, so grammars compare on the same text whatever the model would have written.
"""

from __future__ import annotations

import ctypes
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TRIVIAL = "root ::= [^\\x00]*"
NOTHING = 'root ::= "\\x01"'  # refuses every token at its first byte: the sampler's floor
EXAMPLES = Path("/usr/share/openscad/examples/Basics")
FLOOR_STEPS = 20
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


def sampler_grammars(fenced: bool, before: Path | None) -> dict[str, str]:
    """The GBNF texts the llama.cpp sampler rows compare, by row name."""
    from agent.backends.constrained import wrap_program_grammar
    from tools.grammar import for_llama_cpp, load_grammar, to_gbnf, with_identifier_rules

    def reply(ebnf: str) -> str:
        return to_gbnf(wrap_program_grammar(ebnf, fenced=fenced))

    rows = {"llama.cpp sampler, grammar as loaded": reply(load_grammar())}
    if before is not None:
        text = with_identifier_rules(before.read_text(encoding="utf-8"))
        rows[f"llama.cpp sampler, {before.name} (before)"] = reply(text)
    rows["llama.cpp sampler, llama shape (after)"] = reply(for_llama_cpp(load_grammar()))
    rows["llama.cpp sampler, trivial grammar (floor)"] = TRIVIAL
    return rows


def runs(llm: Any, max_tokens: int, fenced: bool = True,
         before: Path | None = None) -> dict[str, Run]:
    from llama_cpp import LlamaGrammar, LogitsProcessorList

    from agent.backends.constrained import wrap_program_grammar
    from agent.backends.llamacpp import GrammarGuard
    from tools.grammar import load_grammar

    grammars = sampler_grammars(fenced, before)
    shaped = grammars["llama.cpp sampler, llama shape (after)"]
    compiled = xgrammar_compiled(llm, wrap_program_grammar(load_grammar(), fenced=fenced))

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
        **{row: sampler(gbnf) for row, gbnf in grammars.items()},
        "check first (llamacpp backend), llama shape": processor(
            lambda: GrammarGuard(llm, shaped, 0.0, None)),
        "xgrammar mask, grammar as loaded": processor(lambda: XgrammarProcessor(compiled)),
    }


def measure(gguf: str, prompts: list[str], max_tokens: int, repeats: int,
            threads: int, fenced: bool = True,
            before: Path | None = None) -> list[tuple[str, float, int]]:
    """(row, median tokens/s, tokens in the last round) per row, rows alternating."""
    from llama_cpp import Llama

    from agent.prompts import system_message

    llm = Llama(model_path=gguf, n_ctx=4096, n_threads=threads, n_threads_batch=threads,
                verbose=False)
    table = runs(llm, max_tokens, fenced, before)
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


def sampler_cost(gguf: str, files: int, repeats: int, fenced: bool = True,
                 before: Path | None = None) -> list[tuple[str, float, int]]:
    """(row, median ms per token, tokens) of llama.cpp's grammar sampler alone: the first
    `files` bundled examples fed token by token, the whole vocabulary checked at each step
    (what llama-cpp-python's sampler does). Rounds alternate rows; no model weights load."""
    import llama_cpp as lib
    import numpy as np

    from agent.backends.constrained import FENCE_CLOSE, FENCE_OPEN

    params = lib.llama_model_default_params()
    params.vocab_only = True
    model = lib.llama_model_load_from_file(gguf.encode(), params)
    if not model:
        raise SystemExit(f"llama.cpp could not load {gguf}")
    vocab = lib.llama_model_get_vocab(model)
    n = lib.llama_vocab_n_tokens(vocab)
    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.scad"))[:files]]
    if fenced:
        texts = [FENCE_OPEN + t + FENCE_CLOSE for t in texts]
    tokenized = [_tokenize(lib, vocab, t) for t in texts]
    data = (lib.llama_token_data * n)()
    view = np.frombuffer(data, dtype=np.dtype(
        [("id", np.int32), ("logit", np.float32), ("p", np.float32)]))

    def step_costs(gbnf: str) -> list[float]:
        costs = []
        for text, tokens in zip(texts, tokenized, strict=True):
            sampler = lib.llama_sampler_init_grammar(vocab, gbnf.encode(), b"root")
            if not sampler:
                raise SystemExit("llama.cpp could not parse a grammar")
            # the floor refuses every token: time its first step, FLOOR_STEPS times over
            for token in [tokens[0]] * FLOOR_STEPS if gbnf == NOTHING else tokens:
                view["id"], view["logit"] = np.arange(n, dtype=np.int32), 0.0
                array = lib.llama_token_data_array(data=data, size=n, selected=-1,
                                                   sorted=False)
                start = time.perf_counter()
                lib.llama_sampler_apply(sampler, ctypes.byref(array))
                costs.append(time.perf_counter() - start)
                if gbnf == NOTHING:
                    continue
                if view["logit"][token] == -np.inf:
                    raise SystemExit(f"the grammar refused a token of {text[:40]!r}")
                lib.llama_sampler_accept(sampler, token)
            lib.llama_sampler_free(sampler)
        return costs

    rows = {"nothing allowed (floor)": NOTHING, **sampler_grammars(fenced, before)}
    per_row: dict[str, list[float]] = {row: [] for row in rows}
    steps: dict[str, int] = {}
    for _ in range(repeats):
        for row, gbnf in rows.items():
            costs = step_costs(gbnf)
            per_row[row].append(1000 * statistics.mean(costs))
            steps[row] = len(costs)
    lib.llama_model_free(model)
    return [(row, statistics.median(ms), steps[row]) for row, ms in per_row.items()]


def _tokenize(lib: Any, vocab: Any, text: str) -> list[int]:
    raw = text.encode("utf-8")
    buffer = (lib.llama_token * (len(raw) + 8))()
    count = lib.llama_tokenize(vocab, raw, len(raw), buffer, len(buffer), False, False)
    return list(buffer[:count])


def sampler_report(rows: list[tuple[str, float, int]]) -> str:
    lines = ["| grammar | ms/token | steps |", "|---|---|---|"]
    lines += [f"| {row} | {ms:.2f} | {steps} |" for row, ms, steps in rows]
    return "\n".join(lines)
