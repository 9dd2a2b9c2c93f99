"""vLLM's offline engine in this process: fast batched sampling on a GPU, LoRA adapters per
request, grammar-constrained decoding through structured outputs.

vLLM needs CUDA and cannot be installed on CPU-only machines, so it is imported only when a
VLLMBackend is built (MissingDependency otherwise). Everything that shapes a request --
engine arguments, prompts, sampling arguments, the LoRA request, reading the outputs -- is
a pure function below, testable without vLLM.

API as of vLLM 0.11+ (checked against docs.vllm.ai, "Structured Outputs" and "LoRA"):
  LLM(model, enable_lora=True, max_lora_rank=R, quantization=Q, ...)
  llm.generate([{"prompt_token_ids": ids}], SamplingParams(n=..., temperature=...,
      max_tokens=..., structured_outputs=StructuredOutputsParams(grammar=EBNF)),
      lora_request=LoRARequest(name, int_id, path))
Older releases (<= 0.10) spelt the grammar GuidedDecodingParams / guided_decoding=; that
spelling is used when StructuredOutputsParams does not exist (the guided_* request fields
were removed in 0.12).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.backends.base import BackendError, Message, Reply, empty_usage, usage_of
from agent.backends.common import (
    SamplingPlan,
    config_from,
    program_grammar,
    sampling_plan,
    unfence,
)
from agent.backends.hf import render_prompt
from tools.errors import require

ADAPTER_NAME = "adapter"
ADAPTER_ID = 1  # vLLM keys loaded adapters by this integer: one adapter per backend


@dataclass
class VLLMConfig:
    model: str = ""                   # local model directory (or cached hub id)
    adapter: str | None = None        # peft LoRA adapter directory, applied to every request
    max_lora_rank: int = 64           # must be >= the adapter's r
    quantize: str | None = None       # "4bit" (bitsandbytes), "8bit" (fp8), or a vLLM name
    dtype: str = "auto"
    max_model_len: int | None = None  # None: the model's own
    gpu_memory_utilization: float = 0.85
    tensor_parallel_size: int = 1
    seed: int = 0
    fenced_grammar: bool = False      # the model replies in a ``` fence (see common.py)
    max_parallel: int = 256           # conversations one generate_batch call handles well


def quantization_name(quantize: str | None) -> str | None:
    """Our quantize names -> vLLM's `quantization`: in-flight bitsandbytes for 4-bit, fp8 for
    8-bit (vLLM has no in-flight 8-bit bitsandbytes); other names pass through (awq, gptq)."""
    return {"4bit": "bitsandbytes", "8bit": "fp8"}.get(quantize or "", quantize)


def engine_kwargs(cfg: VLLMConfig) -> dict[str, Any]:
    """Keyword arguments for vllm.LLM(...)."""
    if not cfg.model:
        raise BackendError("the vllm backend needs model= (a model directory)")
    model = str(Path(cfg.model).resolve()) if Path(cfg.model).exists() else cfg.model
    kwargs: dict[str, Any] = {
        "model": model,
        "dtype": cfg.dtype,
        "gpu_memory_utilization": cfg.gpu_memory_utilization,
        "tensor_parallel_size": cfg.tensor_parallel_size,
        "seed": cfg.seed,
        "enable_lora": bool(cfg.adapter),
    }
    if cfg.adapter:
        kwargs["max_lora_rank"] = cfg.max_lora_rank
    if (quantization := quantization_name(cfg.quantize)) is not None:
        kwargs["quantization"] = quantization
    if cfg.max_model_len is not None:
        kwargs["max_model_len"] = cfg.max_model_len
    return kwargs


def lora_request_args(adapter: str | None) -> tuple[str, int, str] | None:
    """(name, id, path) for vllm.lora.request.LoRARequest, or None without an adapter."""
    if not adapter:
        return None
    path = Path(adapter).resolve()
    if not (path / "adapter_config.json").is_file():
        raise BackendError(f"no LoRA adapter at {adapter} (adapter_config.json missing)")
    return ADAPTER_NAME, ADAPTER_ID, str(path)


def build_prompts(tokenizer: Any, conversations: Sequence[list[Message]]) -> list[dict]:
    """Token-id prompts (vLLM TokensPrompt dicts). We tokenize ourselves so that the chat
    template's BOS is not doubled by vLLM adding special tokens to a text prompt."""
    prompts = []
    for messages in conversations:
        text, templated = render_prompt(tokenizer, messages)
        ids = tokenizer(text, add_special_tokens=not templated)["input_ids"]
        prompts.append({"prompt_token_ids": list(ids)})
    return prompts


def sampling_kwargs(plan: SamplingPlan, max_tokens: int) -> dict[str, Any]:
    """Keyword arguments for vllm.SamplingParams (the grammar is added separately)."""
    return {"n": plan.draws, "temperature": plan.temperature, "max_tokens": max_tokens}


def make_sampling_params(kwargs: dict[str, Any], grammar_ebnf: str | None) -> Any:
    """vllm.SamplingParams with the grammar in whichever spelling this vLLM has."""
    sampling = require("vllm.sampling_params", "vllm")
    if grammar_ebnf is None:
        return sampling.SamplingParams(**kwargs)
    if hasattr(sampling, "StructuredOutputsParams"):
        from agent.backends.constrained import vllm_structured_outputs

        constraint = vllm_structured_outputs(grammar_ebnf)
        return sampling.SamplingParams(**kwargs, structured_outputs=constraint)
    constraint = sampling.GuidedDecodingParams(grammar=grammar_ebnf)  # vLLM <= 0.10
    return sampling.SamplingParams(**kwargs, guided_decoding=constraint)


def collect(outputs: Sequence[Any], *, constrained: bool, unfenced: bool) -> list[list[Reply]]:
    """Replies per conversation from vLLM RequestOutputs (prompt_token_ids,
    outputs[i].text/.token_ids/.finish_reason); each request's prompt is charged to its
    first reply."""
    replies: list[list[Reply]] = []
    for request in outputs:
        prompt_tokens = len(request.prompt_token_ids or [])
        replies.append([
            Reply(unfence(c.text) if unfenced else c.text, str(c.finish_reason or "stop"),
                  constrained, prompt_tokens=prompt_tokens if i == 0 else 0,
                  completion_tokens=len(c.token_ids))
            for i, c in enumerate(request.outputs)])
    return replies


_ENGINES: dict[tuple, Any] = {}
_ENGINES_LOCK = threading.Lock()


def _engine(kwargs: dict[str, Any]) -> Any:
    """One vllm.LLM per engine configuration per process: building one takes minutes."""
    key = tuple(sorted(kwargs.items()))
    with _ENGINES_LOCK:
        if key not in _ENGINES:
            vllm = require("vllm", "vllm")
            try:
                _ENGINES[key] = vllm.LLM(**kwargs)
            except (OSError, ValueError, RuntimeError) as exc:
                raise BackendError(f"vLLM could not start {kwargs['model']!r}: {exc}") from exc
        return _ENGINES[key]


class VLLMBackend:
    """vLLM offline engine. Config keys: see VLLMConfig."""

    name = "vllm"
    constrains = True  # structured outputs are always available in vLLM

    def __init__(self, **config: Any) -> None:
        self.config = config_from(VLLMConfig, config, self.name)
        kwargs = engine_kwargs(self.config)
        self._lora_args = lora_request_args(self.config.adapter)
        require("vllm", "vllm")  # fail with the install hint before anything else
        self._llm = _engine(kwargs)
        self.tokenizer = self._llm.get_tokenizer()
        self.max_parallel = self.config.max_parallel
        self.last_usage: dict[str, int] = empty_usage()  # for benchmarks/ scripts

    def _lora_request(self) -> Any:
        if self._lora_args is None:
            return None
        from vllm.lora.request import LoRARequest

        return LoRARequest(*self._lora_args)

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
        # vLLM's offline engine cannot be interrupted mid-batch: timeout_s is not enforced
        # here (a GPU batch of scad-sized replies takes seconds)
        return self.generate_batch(
            [messages], n=n, temperature=temperature, grammar=grammar, max_tokens=max_tokens
        )[0]

    def generate_batch(
        self,
        conversations: Sequence[list[Message]],
        *,
        n: int = 1,
        temperature: float = 0.0,
        grammar: str | None = None,
        max_tokens: int = 1024,
    ) -> list[list[Reply]]:
        """n replies for each conversation, all scheduled by vLLM together (for evals)."""
        plan = sampling_plan(n, temperature)
        ebnf = program_grammar(grammar, fenced=self.config.fenced_grammar) if grammar else None
        params = make_sampling_params(sampling_kwargs(plan, max_tokens), ebnf)
        prompts = build_prompts(self.tokenizer, conversations)
        try:
            outputs = self._llm.generate(
                prompts, params, lora_request=self._lora_request(), use_tqdm=False
            )
        except (ValueError, RuntimeError) as exc:
            raise BackendError(f"vLLM generation failed: {exc}") from exc
        got = collect(outputs, constrained=ebnf is not None,
                      unfenced=ebnf is not None and self.config.fenced_grammar)
        # every conversation's draws, before plan.fill copies a greedy reply n times
        self.last_usage = usage_of([reply for replies in got for reply in replies])
        return [plan.fill(replies, n) for replies in got]
