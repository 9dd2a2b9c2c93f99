"""The vLLM backend: request construction always (pure functions, no vLLM needed); the real
engine only where CUDA and vLLM are installed."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest

from agent.backends.base import BackendError, usage_of
from agent.backends.common import sampling_plan
from agent.backends.vllm import (
    VLLMBackend,
    VLLMConfig,
    build_prompts,
    collect,
    engine_kwargs,
    lora_request_args,
    quantization_name,
    sampling_kwargs,
)
from tools.errors import MissingDependency

# one xdist worker builds the module's tiny model once
pytestmark = pytest.mark.xdist_group("vllm-tiny")

MESSAGES = [
    {"role": "system", "content": "You write OpenSCAD."},
    {"role": "user", "content": "a 20 mm cube"},
]
HAVE_VLLM = importlib.util.find_spec("vllm") is not None


def _cuda() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("transformers")
    from tiny_llama import make_tiny_llama

    # head_dim 64: the size vLLM's attention kernels support everywhere
    return make_tiny_llama(tmp_path_factory.mktemp("tiny") / "model", hidden_size=256,
                           intermediate_size=512, num_attention_heads=4, num_key_value_heads=2)


def _adapter_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "adapter_config.json").write_text('{"r": 8, "peft_type": "LORA"}')
    return path


def test_engine_kwargs_without_adapter(tmp_path: Path) -> None:
    kwargs = engine_kwargs(VLLMConfig(model=str(tmp_path), max_model_len=2048))
    assert kwargs["model"] == str(tmp_path.resolve())
    assert kwargs["enable_lora"] is False and "max_lora_rank" not in kwargs
    assert "quantization" not in kwargs and kwargs["max_model_len"] == 2048


def test_engine_kwargs_with_adapter_and_quantization(tmp_path: Path) -> None:
    cfg = VLLMConfig(model="org/model", adapter=str(tmp_path), max_lora_rank=16, quantize="4bit")
    kwargs = engine_kwargs(cfg)
    assert kwargs["model"] == "org/model"
    assert kwargs["enable_lora"] is True and kwargs["max_lora_rank"] == 16
    assert kwargs["quantization"] == "bitsandbytes"
    with pytest.raises(BackendError, match="needs model="):
        engine_kwargs(VLLMConfig())


def test_quantization_names() -> None:
    assert quantization_name(None) is None
    assert quantization_name("4bit") == "bitsandbytes"
    assert quantization_name("8bit") == "fp8"
    assert quantization_name("awq") == "awq"


def test_lora_request_args(tmp_path: Path) -> None:
    assert lora_request_args(None) is None
    name, number, path = lora_request_args(str(_adapter_dir(tmp_path / "a")))
    assert (name, number, path) == ("adapter", 1, str((tmp_path / "a").resolve()))
    with pytest.raises(BackendError, match="no LoRA adapter"):
        lora_request_args(str(tmp_path / "missing"))


def test_sampling_kwargs_follow_the_plan() -> None:
    assert sampling_kwargs(sampling_plan(4, 0.7), 256) == {
        "n": 4, "temperature": 0.7, "max_tokens": 256}
    # greedy: one draw whatever n is (the backend repeats it)
    assert sampling_kwargs(sampling_plan(4, 0.0), 64) == {
        "n": 1, "temperature": 0.0, "max_tokens": 64}


def test_prompts_are_token_ids_with_one_bos(tiny: Path) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny)
    prompts = build_prompts(tokenizer, [MESSAGES, MESSAGES[1:]])
    assert len(prompts) == 2
    first = prompts[0]["prompt_token_ids"]
    assert first.count(tokenizer.bos_token_id) == 1 and first[0] == tokenizer.bos_token_id
    text = tokenizer.decode(first)
    assert text.endswith("<|assistant|>\n") and "a 20 mm cube" in text
    assert len(prompts[1]["prompt_token_ids"]) < len(first)


def test_collect_reads_request_outputs() -> None:
    # Plain records with RequestOutput's fields: vLLM itself cannot run on this machine.
    def completion(text: str, tokens: int, why: str) -> SimpleNamespace:
        return SimpleNamespace(text=text, token_ids=list(range(tokens)), finish_reason=why)

    outputs = [
        SimpleNamespace(prompt_token_ids=[1, 2, 3],
                        outputs=[completion("```openscad\ncube(1);\n```", 9, "stop"),
                                 completion("cube(2);", 4, "length")]),
        SimpleNamespace(prompt_token_ids=[1, 2], outputs=[completion("sphere(3);", 5, "stop")]),
    ]
    got = collect(outputs, constrained=True, unfenced=True)
    assert [[r.text for r in replies] for replies in got] == [["cube(1);", "cube(2);"],
                                                              ["sphere(3);"]]
    assert [[r.finish_reason for r in replies] for replies in got] == [["stop", "length"],
                                                                        ["stop"]]
    assert [r.truncated for r in got[0]] == [False, True]
    assert usage_of([r for replies in got for r in replies]) == {"prompt_tokens": 5,
                                                                 "completion_tokens": 18}
    assert all(r.constrained for replies in got for r in replies)
    plain = collect(outputs, constrained=False, unfenced=False)
    assert plain[0][0].text.startswith("```openscad") and not plain[0][0].constrained


@pytest.mark.skipif(HAVE_VLLM, reason="vLLM is installed here")
def test_without_vllm_the_error_says_how_to_install(tmp_path: Path) -> None:
    with pytest.raises(MissingDependency, match=r"scad-agent\[vllm\]"):
        VLLMBackend(model=str(tmp_path))


@pytest.mark.gpu
@pytest.mark.skipif(not (HAVE_VLLM and _cuda()), reason="needs CUDA and vLLM")
def test_real_engine_generates_with_grammar_and_adapter(
    tiny: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import re

    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    backend = VLLMBackend(model=str(tiny), max_model_len=512, gpu_memory_utilization=0.3)
    replies = backend.generate(MESSAGES, n=3, temperature=1.0, max_tokens=16)
    assert len(replies) == 3 and usage_of(replies)["completion_tokens"] > 0
    batch = backend.generate_batch([MESSAGES, MESSAGES], n=2, temperature=1.0, max_tokens=8)
    assert [len(b) for b in batch] == [2, 2]
    assert backend.last_usage == usage_of([r for b in batch for r in b])  # the whole batch
    constrained = backend.generate(MESSAGES, n=2, temperature=1.0, max_tokens=40,
                                   grammar='root ::= "cube(" [1-9] [0-9]? ");"')
    assert all(re.fullmatch(r"cube\([1-9][0-9]?\);", r.text) for r in constrained), constrained
    assert all(r.constrained for r in constrained)

    torch.manual_seed(1)
    peft_model = get_peft_model(
        AutoModelForCausalLM.from_pretrained(tiny),
        LoraConfig(r=8, lora_alpha=32, target_modules=["q_proj", "v_proj"],
                   init_lora_weights=False, task_type="CAUSAL_LM"),
    )
    adapter = tmp_path_factory.mktemp("lora") / "adapter"
    peft_model.save_pretrained(adapter)
    tuned = VLLMBackend(model=str(tiny), adapter=str(adapter), max_lora_rank=8,
                        max_model_len=512, gpu_memory_utilization=0.3)
    base = backend.generate(MESSAGES, max_tokens=16)[0].text
    assert tuned.generate(MESSAGES, max_tokens=16)[0].text != base
