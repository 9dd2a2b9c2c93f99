"""What a training run is built from: the tokenizer, the tokenized data, the model (from
scratch, or a base with LoRA, quantized if asked) and its optimizer."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from finetune.config import Recipe
from finetune.data import (
    BuiltDataset,
    build_dataset,
    ensure_chat_template,
    is_built_dataset,
    read_records,
)
from finetune.environment import TrainingError, fsdp_enabled
from tools.errors import require

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedModel, PreTrainedTokenizerBase


# ---------------------------------------------------------------- building blocks


def prepare_tokenizer(recipe: Recipe, out_dir: Path,
                      log: Callable[[str], None]) -> PreTrainedTokenizerBase:
    """Load the tokenizer the recipe names, or train one (scratch) and keep it in out_dir."""
    from finetune.tokenizer import build_tokenizer, load_tokenizer

    tok_cfg = recipe.tokenizer
    own = out_dir / "tokenizer"
    if tok_cfg.train:
        if (own / "tokenizer.json").exists():
            return load_tokenizer(own)   # resumed (or re-run): reuse, ids must not change
        if any(is_built_dataset(p) for p in recipe.data.train):
            raise TrainingError("tokenizer.train needs records, not a pre-built dataset")
        log(f"training a {tok_cfg.vocab_size}-token BPE on {', '.join(recipe.data.train)}")
        return build_tokenizer(read_records(recipe.data.train), own, tok_cfg.vocab_size,
                               recipe.data.max_length)
    path = tok_cfg.path or recipe.model.base
    tokenizer = load_tokenizer(path)
    ensure_chat_template(tokenizer)
    return tokenizer


def prepare_data(recipe: Recipe, tokenizer: PreTrainedTokenizerBase, out_dir: Path,
                 log: Callable[[str], None]) -> BuiltDataset:
    """Tokenized splits: a pre-built dataset dir, the cached build in out_dir, or built now."""
    d = recipe.data
    cache = out_dir / "data"
    if len(d.train) == 1 and is_built_dataset(d.train[0]):
        return BuiltDataset.load(Path(d.train[0]))
    # the cache is valid only for the data settings and tokenizer that built it
    key = json.dumps({**asdict(d), "vocab": len(tokenizer),
                      "template": tokenizer.chat_template}, sort_keys=True)
    if is_built_dataset(cache) and (cache / "source.json").exists() \
            and (cache / "source.json").read_text() == key:
        return BuiltDataset.load(cache)
    t0 = time.perf_counter()
    log(f"building the dataset from {', '.join(d.train)} into {cache}")
    built = build_dataset(
        d.train, tokenizer, max_length=d.max_length,
        validation_fraction=d.validation_fraction, validation_paths=d.validation,
        max_examples=d.max_examples, seed=d.seed,
    )
    built.save(cache)
    (cache / "source.json").write_text(key)
    s = built.stats
    log(f"data: {s.examples.get('train', 0)} train / {s.examples.get('validation', 0)} "
        f"validation examples, {s.tokens.get('train', 0)} train tokens "
        f"({s.dropped_too_long} too long) in {time.perf_counter() - t0:.1f}s")
    return built


# the recipe's model settings that LlamaConfig takes under the same name
LLAMA_NAMED = ("hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
               "num_key_value_heads", "max_position_embeddings", "rope_theta",
               "tie_word_embeddings")


def scratch_model(recipe: Recipe, tokenizer: PreTrainedTokenizerBase) -> PreTrainedModel:
    """A fresh LlamaForCausalLM sized by the recipe, vocabulary taken from the tokenizer."""
    transformers = require("transformers", "hf")
    import torch

    m = recipe.model
    config = transformers.LlamaConfig(
        vocab_size=len(tokenizer),
        **{name: getattr(m, name) for name in LLAMA_NAMED},
        attention_dropout=m.dropout, initializer_range=m.init_std,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(recipe.train.seed)   # the initial weights depend only on the recipe
    return transformers.LlamaForCausalLM(config)


def base_model(recipe: Recipe, device: str) -> torch.nn.Module:
    """The recipe's base model, quantized if asked, with LoRA adapters attached."""
    transformers = require("transformers", "hf")
    peft = require("peft", "hf")
    import torch

    m, lcfg = recipe.model, recipe.lora
    kwargs: dict[str, Any] = {"trust_remote_code": m.trust_remote_code}
    if m.quantization == "4bit":
        require("bitsandbytes", "train")
        compute = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        kwargs["quantization_config"] = transformers.BitsAndBytesConfig(
            load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=compute,
            # FSDP shards tensors of one dtype: store the 4-bit blocks as the compute dtype
            bnb_4bit_quant_storage=compute,
        )
        kwargs["dtype"] = compute
    elif m.quantization == "8bit":
        require("bitsandbytes", "train")
        kwargs["quantization_config"] = transformers.BitsAndBytesConfig(load_in_8bit=True)
        kwargs["dtype"] = torch.float16
    else:
        kwargs["dtype"] = _dtype(m.dtype, device)
    if m.quantization != "none" and not fsdp_enabled():
        # one full model per process: each DDP rank places its copy on its own GPU (FSDP
        # loads on CPU and shards onto the GPUs itself)
        kwargs["device_map"] = {"": int(os.environ.get("LOCAL_RANK", 0))}
    model = transformers.AutoModelForCausalLM.from_pretrained(m.base, **kwargs)
    if m.quantization != "none":
        model = peft.prepare_model_for_kbit_training(
            model, use_gradient_checkpointing=m.gradient_checkpointing)
    elif m.gradient_checkpointing:
        model.gradient_checkpointing_enable()
        model.enable_input_require_grads()
    if lcfg.enabled:
        model = peft.get_peft_model(model, peft.LoraConfig(
            r=lcfg.r, lora_alpha=lcfg.alpha, lora_dropout=lcfg.dropout,
            target_modules=lcfg.target_modules, task_type="CAUSAL_LM",
        ))
    return model


def _dtype(name: str, device: str) -> torch.dtype:
    import torch

    if name == "auto":
        # bf16 halves memory on GPUs that support it; CPUs train in float32
        if device == "cuda" and torch.cuda.is_bf16_supported():
            return torch.bfloat16
        return torch.float32
    return getattr(torch, name)


def make_optimizer(recipe: Recipe, model: torch.nn.Module) -> torch.optim.Optimizer:
    """AdamW; no weight decay on biases, norms (1-D tensors)."""
    import torch

    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    t = recipe.train
    groups = [{"params": decay, "weight_decay": t.weight_decay},
              {"params": no_decay, "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=t.lr, betas=tuple(t.betas))


def trainable_state(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """Only what training changes: all weights from scratch, the adapters with LoRA."""
    names = {n for n, p in model.named_parameters() if p.requires_grad}
    return {k: v.detach().cpu().clone() for k, v in model.state_dict().items() if k in names}


