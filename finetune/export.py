"""The trained model written as a standard HF directory, and a greedy reply from it (the
compile-rate evaluation and the tests use it as the hf backend would)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

EXPORT_FLOAT_DTYPE = "float32"   # exported configs ask loaders for float32 (CPU inference)


def generate_program(model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase,
                     messages: list[dict[str, str]], device: str,
                     max_new_tokens: int = 512) -> str:
    """Greedy reply to `messages` through the chat template (as the hf backend does)."""
    import torch

    prompt = tokenizer.apply_chat_template(messages, add_generation_prompt=True,
                                           return_tensors="pt", return_dict=True)
    input_ids = prompt["input_ids"].to(device)
    context = getattr(model.config, "max_position_embeddings", None)
    if context:   # never generate past the positions the model was built for
        max_new_tokens = max(1, min(max_new_tokens, context - input_ids.shape[1]))
    with torch.no_grad():
        out = model.generate(input_ids, attention_mask=torch.ones_like(input_ids),
                             max_new_tokens=max_new_tokens, do_sample=False,
                             eos_token_id=tokenizer.eos_token_id,
                             pad_token_id=tokenizer.pad_token_id)
    return tokenizer.decode(out[0, input_ids.shape[1]:], skip_special_tokens=True)


def export_model(model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, out: Path,
                 dtype: str = "float16") -> Path:
    """Save `model` as a standard HF directory with weights stored in `dtype`.

    The config says float32, so `from_pretrained` (dtype "auto") upcasts the halved weights
    on load: small on disk, full precision in CPU matmuls.
    """
    import torch
    from transformers import GenerationConfig

    out.mkdir(parents=True, exist_ok=True)
    original = next(model.parameters()).dtype
    model.to(getattr(torch, dtype))
    try:
        model.save_pretrained(out, safe_serialization=True)
    finally:
        model.to(original)
    config_path = out / "config.json"
    config = json.loads(config_path.read_text())
    config["dtype"] = EXPORT_FLOAT_DTYPE
    config_path.write_text(json.dumps(config, indent=2) + "\n")
    GenerationConfig(
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id, do_sample=False, max_new_tokens=1024,
    ).save_pretrained(out)
    from finetune.tokenizer import save_portable

    save_portable(tokenizer, out)
    return out


