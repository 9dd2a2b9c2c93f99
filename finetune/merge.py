"""Merge a LoRA adapter into its base model and say how to serve the result with vLLM.

    merge_adapter(Path("out/run/final/adapter"), Path("out/run/merged"))

The merged directory is a plain HF model (config, safetensors, tokenizer with the chat
template used in training): the agent's hf backend and `vllm serve` load it directly.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from tools.errors import ScadAgentError, require


class MergeError(ScadAgentError):
    """The adapter cannot be merged (missing files, unknown base)."""


def adapter_base(adapter: Path) -> str:
    """The base model an adapter was trained on (from adapter_config.json)."""
    config = adapter / "adapter_config.json"
    if not config.exists():
        raise MergeError(f"{adapter} is not a LoRA adapter (no adapter_config.json)")
    base = json.loads(config.read_text()).get("base_model_name_or_path")
    if not base:
        raise MergeError(f"{config} names no base model; pass --base")
    return str(base)


def merge_adapter(adapter: str | Path, out: str | Path, *, base: str | None = None,
                  dtype: str = "bfloat16") -> Path:
    """Load base + adapter unquantized, fold the LoRA deltas into the weights, save to `out`.

    Merging always happens on the full-precision base, also for QLoRA adapters: merging into
    4-bit weights would round the deltas away.
    """
    transformers = require("transformers", "hf")
    peft = require("peft", "hf")
    import torch

    adapter, out = Path(adapter), Path(out)
    base = base or adapter_base(adapter)
    model = transformers.AutoModelForCausalLM.from_pretrained(base, dtype=getattr(torch, dtype))
    model = peft.PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    # the adapter dir carries the tokenizer with the training chat template; prefer it
    tok_src = adapter if (adapter / "tokenizer_config.json").exists() else base
    transformers.AutoTokenizer.from_pretrained(str(tok_src)).save_pretrained(out)
    return out


def vllm_commands(adapter: str | Path, merged: str | Path | None = None,
                  base: str | None = None) -> list[str]:
    """Shell commands that serve the adapter (LoRA hot-loaded) and the merged model."""
    adapter = Path(adapter)
    base = base or adapter_base(adapter)
    lines = [
        "# serve the base model with the adapter loaded as 'scad' (OpenAI API on :8000):",
        f"vllm serve {shlex.quote(base)} --enable-lora "
        f"--lora-modules scad={shlex.quote(str(adapter))} --max-lora-rank 64",
    ]
    if merged is not None:
        lines += ["# or serve the merged model:",
                  f"vllm serve {shlex.quote(str(merged))} --served-model-name scad"]
    return lines
