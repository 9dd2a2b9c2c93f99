"""Constrained decoding with the OpenSCAD grammar on a real (tiny, random) transformers model,
and the glue around it (reply wrapping, request payloads).

A random model writes garbage, which is the point: whatever it samples under the grammar
must still be a program OpenSCAD parses. To make it finish inside a small token budget, a
processor that runs BEFORE the grammar's pushes up closing tokens and EOS after a while; the
grammar still decides what is allowed, so this only changes which legal programs come out.
"""

from __future__ import annotations

from typing import Any

import pytest
from tiny_llama import make_tiny_llama  # tests/ is on sys.path under pytest

from agent.backends.common import unfence
from agent.backends.constrained import (
    FENCE_OPEN,
    GrammarLogitsProcessor,
    compiled_grammar,
    hf_logits_processor,
    llamacpp_request_fields,
    vllm_request_fields,
    wrap_program_grammar,
)
from tools.errors import ScadAgentError
from tools.grammar import accepts, load_grammar, to_gbnf
from tools.openscad import Limits, compile_scad

PROMPT = "<|user|>\nA plate 40 mm wide with 4 holes.<|assistant|>\n"
CLOSERS = (";", ")", "]", "}", '"')


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any]:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = make_tiny_llama(tmp_path_factory.mktemp("tiny"))
    return AutoTokenizer.from_pretrained(path), AutoModelForCausalLM.from_pretrained(path)


class FinishSoon:
    """After `after` new tokens, favour closing tokens and EOS (legal ones win only if the
    grammar allows them, since the grammar processor runs after this one). Comment openers
    are made rare: inside a comment a random model wanders until the budget runs out."""

    def __init__(self, tokenizer: Any, prompt_len: int, after: int = 12) -> None:
        vocab = tokenizer.get_vocab()
        self.closers = [vocab[t] for t in CLOSERS if t in vocab]
        self.comments = [i for t, i in vocab.items() if "//" in t or "/*" in t]
        self.eos = tokenizer.eos_token_id
        self.start = prompt_len + after

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        scores[:, self.comments] -= 20.0
        if input_ids.shape[1] >= self.start:
            scores[:, self.closers] += 8.0
            scores[:, self.eos] += 50.0
        else:
            scores[:, self.eos] -= 50.0  # an empty program is legal but proves nothing
        return scores


def sample(tiny: tuple[Any, Any], processors: list[Any], seed: int, n: int,
           max_new_tokens: int = 96) -> list[tuple[str, bool]]:
    """(text, finished with EOS) for n sampled replies."""
    import torch

    tokenizer, model = tiny
    inputs = tokenizer(PROMPT, return_tensors="pt", add_special_tokens=False)
    prompt_len = inputs["input_ids"].shape[1]
    torch.manual_seed(seed)
    with torch.inference_mode():
        out = model.generate(
            **inputs, max_new_tokens=max_new_tokens, do_sample=True, temperature=1.0, top_k=0,
            top_p=1.0, num_return_sequences=n, pad_token_id=tokenizer.pad_token_id,
            eos_token_id=tokenizer.eos_token_id,
            logits_processor=[FinishSoon(tokenizer, prompt_len), *processors],
        )
    replies = []
    for row in out[:, prompt_len:].tolist():
        finished = tokenizer.eos_token_id in row
        if finished:
            row = row[: row.index(tokenizer.eos_token_id)]
        replies.append((tokenizer.decode(row, skip_special_tokens=True), finished))
    return replies


def test_sampled_programs_follow_the_grammar_and_openscad_parses_them(tiny: Any) -> None:
    tokenizer, model = tiny
    ebnf = load_grammar()
    replies = []
    for seed in range(4):
        processor = hf_logits_processor(tokenizer, ebnf, model.config.vocab_size)
        replies += sample(tiny, [processor], seed=seed, n=3)
    finished = [text for text, done in replies if done]
    print(f"{len(finished)}/{len(replies)} replies finished: {finished}")
    assert len(finished) >= len(replies) // 2, replies
    for text, done in replies:
        assert accepts(text, complete=done), text
    for text in finished:
        result = compile_scad(text, formats=("ast",), limits=Limits(timeout_s=30))
        assert result.status != "syntax_error", (text, result.stderr)
    # The control: without the grammar the same model and seeds write non-programs.
    free = [text for seed in range(2) for text, _ in sample(tiny, [], seed=seed, n=2)]
    assert not all(accepts(text, complete=False) for text in free), free


def test_fenced_reply_grammar_forces_the_fence(tiny: Any) -> None:
    tokenizer, model = tiny
    ebnf = wrap_program_grammar(load_grammar(), fenced=True)
    processor = hf_logits_processor(tokenizer, ebnf, model.config.vocab_size)
    replies = sample(tiny, [processor], seed=7, n=2)
    for text, done in replies:
        assert text.startswith(FENCE_OPEN) or FENCE_OPEN.startswith(text), text
        if done:
            assert text.endswith("\n```")
            assert accepts(unfence(text)), text


def test_processor_serves_one_generate_call(tiny: Any) -> None:
    tokenizer, model = tiny
    processor = hf_logits_processor(tokenizer, load_grammar(), model.config.vocab_size)
    sample(tiny, [processor], seed=0, n=1, max_new_tokens=4)
    with pytest.raises(ScadAgentError, match="exactly one generate"):
        sample(tiny, [processor], seed=0, n=1, max_new_tokens=4)


def test_scores_wider_than_the_tokenizer_are_masked(tiny: Any) -> None:
    import torch

    tokenizer, _ = tiny
    processor = hf_logits_processor(tokenizer, load_grammar())  # vocab from the tokenizer
    vocab = len(tokenizer)
    scores = torch.zeros(2, vocab + 8)
    out = processor(torch.tensor([[1, 2], [1, 3]]), scores)
    assert torch.isinf(out[:, vocab:]).all()
    allowed = torch.isfinite(out[0, :vocab])
    ids = tokenizer.get_vocab()
    assert allowed[ids["cube"]] and allowed[ids[";"]]  # `;` alone is a statement
    assert not allowed[ids[")"]] and not allowed[ids["]"]]
    assert allowed[tokenizer.eos_token_id] == accepts("")  # the empty program is legal


def test_compiled_grammars_are_cached_per_tokenizer(tiny: Any) -> None:
    tokenizer, model = tiny
    first = compiled_grammar(tokenizer, load_grammar(), model.config.vocab_size)
    assert compiled_grammar(tokenizer, load_grammar(), model.config.vocab_size) is first
    other = compiled_grammar(tokenizer, 'root ::= "cube(1);"', model.config.vocab_size)
    assert other is not first
    assert isinstance(hf_logits_processor(tokenizer, 'root ::= "x"'), GrammarLogitsProcessor)


# ------------------------------------------------------------------ wrapping and payloads


def test_unfenced_reply_grammar_is_the_program_grammar() -> None:
    assert wrap_program_grammar(load_grammar(), fenced=False) == load_grammar()


def test_fenced_reply_grammar() -> None:
    reply = wrap_program_grammar(load_grammar(), fenced=True)
    assert accepts("```openscad\ncube(1);\n```", reply)
    assert accepts("```openscad\ncube(1); // done\n```", reply)  # the comment ends at \n
    assert not accepts("```openscad\ncube(1);```", reply)
    assert not accepts("Here you go:\n```openscad\ncube(1);\n```", reply)
    assert not accepts("```openscad\ncube(1)\n```", reply)
    assert unfence("```openscad\ncube(1);\n```") == "cube(1);"


def test_wrapping_needs_a_root_rule() -> None:
    with pytest.raises(ScadAgentError, match="root"):
        wrap_program_grammar('program ::= "x"', fenced=True)


def test_request_payloads() -> None:
    import llguidance  # an independent reader of llama.cpp's GBNF

    ebnf = load_grammar()
    assert vllm_request_fields(ebnf) == {"structured_outputs": {"grammar": ebnf}}
    assert llamacpp_request_fields(ebnf) == {"grammar": to_gbnf(ebnf)}
    fenced = llamacpp_request_fields(wrap_program_grammar(ebnf, fenced=True))["grammar"]
    assert fenced.startswith('root ::= "```openscad\\n" scad-program "\\n```"\n')
    grammar = llguidance.grammar_from("gbnf", fenced)
    assert llguidance.LLMatcher.validate_grammar_with_warnings(grammar) == (False, [])
