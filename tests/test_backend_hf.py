"""The transformers backend on a real tiny random LLaMA (built offline by tests/tiny_llama.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from tiny_llama import make_tiny_llama  # noqa: E402

from agent.backends import get_backend  # noqa: E402
from agent.backends.base import (  # noqa: E402
    Backend,
    BackendError,
    ContextOverflow,
    OutOfTime,
    usage_of,
)
from agent.backends.hf import HFBackend, render_prompt  # noqa: E402
from tools.errors import ScadAgentError  # noqa: E402

# one xdist worker builds the module's tiny model once
pytestmark = [pytest.mark.xdist_group("hf-tiny"), pytest.mark.usefixtures("torch_one_thread")]

MESSAGES = [
    {"role": "system", "content": "You write OpenSCAD."},
    {"role": "user", "content": "a plate 40 mm wide with 4 holes"},
]


def _cuda() -> bool:
    import torch

    return torch.cuda.is_available()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_llama(tmp_path_factory.mktemp("tiny") / "model")


@pytest.fixture(scope="module")
def lora(tiny: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real peft LoRA adapter on the tiny model, with non-zero weights on both factors."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    torch.manual_seed(1)
    base = AutoModelForCausalLM.from_pretrained(tiny)
    config = LoraConfig(r=8, lora_alpha=32, target_modules="all-linear",
                        init_lora_weights=False, task_type="CAUSAL_LM")
    peft_model = get_peft_model(base, config)
    lora_b = [p for n, p in peft_model.named_parameters() if "lora_B" in n]
    assert lora_b and all(p.abs().sum() > 0 for p in lora_b)
    out = tmp_path_factory.mktemp("lora") / "adapter"
    peft_model.save_pretrained(out)
    return out


def test_generates_text_and_counts_tokens(tiny: Path) -> None:
    backend = get_backend("hf", model=str(tiny), device="cpu")
    assert isinstance(backend, Backend) and backend.name == "hf"
    first = backend.generate(MESSAGES, max_tokens=12)
    assert len(first) == 1 and isinstance(first[0].text, str)
    usage = usage_of(first)
    prompt, _ = render_prompt(backend.tokenizer, MESSAGES)
    assert usage["prompt_tokens"] == len(backend.tokenizer(prompt, add_special_tokens=False)
                                         ["input_ids"])
    assert 1 <= usage["completion_tokens"] <= 12
    assert first[0].finish_reason == ("length" if usage["completion_tokens"] == 12
                                      else "stop")
    assert first[0].truncated == (first[0].finish_reason == "length")
    assert not first[0].constrained
    assert backend.generate(MESSAGES, max_tokens=12) == first  # greedy is deterministic


def test_n_samples_with_temperature(tiny: Path) -> None:
    backend = HFBackend(model=str(tiny), seed=0)
    replies = backend.generate(MESSAGES, n=4, temperature=1.0, max_tokens=8)
    assert len(replies) == 4
    assert len({r.text for r in replies}) > 1  # sampling a random model: the samples differ
    assert usage_of(replies)["completion_tokens"] > 8  # four draws were decoded
    greedy = backend.generate(MESSAGES, n=3, temperature=0.0, max_tokens=8)
    assert len(greedy) == 3 and len({r.text for r in greedy}) == 1
    assert usage_of(greedy)["completion_tokens"] <= 8  # ... and greedy decoded once


def test_models_are_cached_per_process(tiny: Path) -> None:
    assert HFBackend(model=str(tiny)).model is HFBackend(model=str(tiny)).model


def test_lora_adapter_changes_the_output(tiny: Path, lora: Path) -> None:
    base = HFBackend(model=str(tiny))
    tuned = HFBackend(model=str(tiny), adapter=str(lora))
    assert type(tuned.model).__name__ == "PeftModelForCausalLM"
    assert tuned.model is not base.model
    assert tuned.generate(MESSAGES, max_tokens=16)[0].text != \
        base.generate(MESSAGES, max_tokens=16)[0].text


def test_missing_adapter_and_model_are_clear_errors(tiny: Path, tmp_path: Path) -> None:
    with pytest.raises(BackendError, match="no LoRA adapter"):
        HFBackend(model=str(tiny), adapter=str(tmp_path))
    with pytest.raises(BackendError, match="no model directory"):
        HFBackend(model=str(tmp_path / "nowhere"))
    with pytest.raises(BackendError, match="needs model="):
        HFBackend()


@pytest.mark.skipif(importlib.util.find_spec("torch") is None or _cuda(), reason="CPU only")
@pytest.mark.parametrize("bits", ["4bit", "8bit"])
def test_quantize_without_cuda_fails_before_loading(bits: str, tmp_path: Path) -> None:
    # The model path does not exist: the CUDA check must come first, before any loading.
    with pytest.raises(ScadAgentError, match=f"quantize='{bits}' needs a CUDA GPU"):
        HFBackend(model=str(tmp_path / "not-loaded"), quantize=bits)


def test_fallback_template_without_a_chat_template(tiny: Path) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny)
    tokenizer.chat_template = None
    text, templated = render_prompt(tokenizer, MESSAGES)
    assert not templated
    assert text == (
        "### System\nYou write OpenSCAD.\n\n"
        "### User\na plate 40 mm wide with 4 holes\n\n"
        "### Assistant\n"
    )


needs_glue = pytest.mark.skipif(
    importlib.util.find_spec("agent.backends.constrained") is None
    or importlib.util.find_spec("xgrammar") is None,
    reason="agent/backends/constrained.py (grammar helper) or xgrammar missing",
)


@needs_glue
def test_grammar_constrains_and_stops_at_eos(tiny: Path) -> None:
    import re

    backend = HFBackend(model=str(tiny))
    grammar = 'root ::= "cube(" [1-9] [0-9]? ");"'
    for temperature in (0.0, 1.0):
        replies = backend.generate(MESSAGES, n=2, temperature=temperature, grammar=grammar,
                                   max_tokens=40)
        assert all(r.constrained for r in replies)
        assert all(re.fullmatch(r"cube\([1-9][0-9]?\);", r.text) for r in replies), replies
        # the grammar ends after ");" so only EOS was allowed: far fewer than 40 tokens
        assert usage_of(replies)["completion_tokens"] < 2 * 12
        assert [r.finish_reason for r in replies] == ["stop", "stop"]
    # a chat model that fences its code: the grammar forces the fence, the reply is bare
    fenced = HFBackend(model=str(tiny), fenced_grammar=True)
    replies = fenced.generate(MESSAGES, n=2, temperature=1.0, grammar=grammar, max_tokens=40)
    assert all(re.fullmatch(r"cube\([1-9][0-9]?\);", r.text) for r in replies), replies


@needs_glue
def test_openscad_grammar_keeps_every_reply_on_the_grammar(tiny: Path) -> None:
    import torch
    import xgrammar as xgr

    grammar_pkg = pytest.importorskip("tools.grammar")
    ebnf = grammar_pkg.load_grammar("openscad")
    compiled = xgr.GrammarCompiler(xgr.TokenizerInfo([])).compile_grammar(
        xgr.Grammar.from_ebnf(ebnf))

    def on_grammar(text: str) -> bool:  # a prefix of some OpenSCAD program
        return bool(xgr.GrammarMatcher(compiled).accept_string(text))

    backend = HFBackend(model=str(tiny))
    torch.manual_seed(5)
    free = backend.generate(MESSAGES, n=3, temperature=1.0, max_tokens=48)
    assert not all(on_grammar(r.text) for r in free), free  # the control: random text is not
    torch.manual_seed(5)
    replies = backend.generate(MESSAGES, n=3, temperature=1.0, grammar=ebnf, max_tokens=48)
    assert all(r.constrained for r in replies)
    assert all(on_grammar(r.text) for r in replies), replies
    # A random model rarely finishes a program within 48 tokens; those that did are whole.
    for reply in replies:
        if reply.finish_reason == "stop":
            assert grammar_pkg.accepts(reply.text), reply


@pytest.mark.parametrize(("threads", "expected"), [(0, 1), (2, 2)])
def test_cpu_threads_small_model_defaults_to_one(tiny: Path, threads: int,
                                                 expected: int) -> None:
    """A small model on CPU runs on one thread unless told otherwise: with other processes
    busy, OpenMP spin-waits made two threads ~40x slower for scad-tiny."""
    import torch

    from agent.backends.hf import clear_model_cache

    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        clear_model_cache()
        get_backend("hf", model=str(tiny), threads=threads)
        assert torch.get_num_threads() == expected
    finally:
        clear_model_cache()
        torch.set_num_threads(before)


def test_a_prompt_over_the_context_is_refused_before_decoding(tiny: Path) -> None:
    backend = HFBackend(model=str(tiny))
    assert backend.context_tokens == 1024  # tiny_llama's max_position_embeddings
    long = [{"role": "user", "content": "cube(1); " * 1500}]
    with pytest.raises(ContextOverflow, match=r"the prompt is \d+ tokens; model reads at most "
                                              r"1024"):
        backend.generate(long, max_tokens=8)


def test_the_reply_is_cut_to_the_room_the_context_leaves(tiny: Path) -> None:
    backend = HFBackend(model=str(tiny))
    prompt, templated = render_prompt(backend.tokenizer, MESSAGES)
    prompt_len = len(backend.tokenizer(prompt, add_special_tokens=not templated)["input_ids"])
    assert backend._room(prompt_len, 4000) == 1024 - prompt_len
    assert backend._room(prompt_len, 8) == 8


def test_the_callers_time_bounds_decoding(tiny: Path) -> None:
    backend = HFBackend(model=str(tiny))
    with pytest.raises(OutOfTime):
        backend.generate(MESSAGES, max_tokens=8, timeout_s=0.0)
    # a time limit that passes during decoding: the reply is cut and says why
    replies = backend.generate(MESSAGES, max_tokens=900, timeout_s=1e-9)
    assert replies[0].finish_reason == "time" and replies[0].truncated
    assert replies[0].completion_tokens < 900
