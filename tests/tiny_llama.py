"""A tiny random-weight LLaMA plus a real fast tokenizer, built offline in about a second.

Tests (and the finetune helpers) need a model that loads through the ordinary Hugging Face
path -- `AutoModelForCausalLM.from_pretrained(dir)` / `AutoTokenizer.from_pretrained(dir)` --
without downloading anything. The weights are random (seeded, so every build is identical);
the tokenizer is the project's own (finetune.tokenizer: byte-level BPE, digits split one per
token) trained on OpenSCAD-ish text, with a generic chat template.

    from tiny_llama import make_tiny_llama   # tests/ is on sys.path under pytest
    model_dir = make_tiny_llama(tmp_path / "tiny")
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from pathlib import Path

from finetune.tokenizer import save_portable, train_tokenizer

# A generic chat format, unlike scad-tiny's own (finetune.tokenizer.CHAT_TEMPLATE, which drops
# system messages and line breaks): the backends are tested against a template that renders
# every role, as most chat models' templates do. `{% generation %}` marks the assistant's
# tokens for apply_chat_template(..., return_assistant_tokens_mask=True).
CHAT_TEMPLATE = (
    "{{ bos_token }}"
    "{% for message in messages %}"
    "{{ '<|' + message['role'] + '|>\n' }}"
    "{% if message['role'] == 'assistant' %}"
    "{% generation %}{{ message['content'] + eos_token }}{% endgeneration %}"
    "{% else %}"
    "{{ message['content'] + eos_token }}"
    "{% endif %}"
    "{{ '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% endif %}"
)

DEFAULT_SIZE = {
    "hidden_size": 64,
    "intermediate_size": 128,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "max_position_embeddings": 1024,
}


def openscad_corpus(lines: int = 400, seed: int = 0) -> list[str]:
    """Deterministic OpenSCAD-flavoured lines (programs and descriptions) to train the BPE."""
    rng = random.Random(seed)
    shapes = [
        "cube([{a}, {b}, {c}]);",
        "cube([{a}, {b}, {c}], center=true);",
        "cylinder(h={a}, r={b}, $fn={n});",
        "cylinder(h={a}, d1={b}, d2={c});",
        "sphere(r={a}, $fn={n});",
        "translate([{a}, {b}, {c}]) cube({a});",
        "rotate([0, 0, {a}]) cylinder(h={b}, r={c});",
        "difference() {{ cube([{a}, {b}, {c}]); cylinder(h={c}, r={n}); }}",
        "union() {{ cube({a}); translate([{b}, 0, 0]) sphere({c}); }}",
        "linear_extrude(height={a}) circle(r={b});",
        "for (i = [0:{n}]) translate([i * {a}, 0, 0]) cube({b});",
        "module part(w={a}, h={b}) {{ cube([w, h, {c}]); }}",
        "width = {a}; // [10:1:100]",
        "hull() {{ circle(r={a}); translate([{b}, 0]) circle(r={c}); }}",
    ]
    words = [
        "Make a plate {a} mm wide with {n} holes.",
        "A bracket {a} by {b} mm, {c} mm thick.",
        "Create a cylinder of radius {b} and height {a}.",
        "Add a fillet and make the wall {c} mm thicker.",
        "A gear with {n} teeth and a {b} mm bore.",
    ]
    out: list[str] = []
    for i in range(lines):
        template = rng.choice(words) if i % 4 == 3 else rng.choice(shapes)
        out.append(
            template.format(
                a=rng.randint(1, 120), b=rng.randint(1, 60), c=rng.randint(1, 30),
                n=rng.choice([6, 8, 12, 24, 32, 64]),
            )
        )
    return out


def make_tiny_llama(
    path: str | Path,
    vocab_text: Iterable[str] | None = None,
    *,
    vocab_size: int = 512,
    seed: int = 0,
    **size: int,
) -> Path:
    """Build and save a tiny random LlamaForCausalLM + tokenizer at `path`; return the path.

    vocab_text: lines to train the BPE on (default: `openscad_corpus()`).
    size: overrides of DEFAULT_SIZE (hidden_size, num_hidden_layers, ...).
    """
    import torch
    from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM

    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    dims = {**DEFAULT_SIZE, **size}
    tokenizer = train_tokenizer(vocab_text if vocab_text is not None else openscad_corpus(),
                                vocab_size=vocab_size,
                                model_max_length=dims["max_position_embeddings"])
    tokenizer.chat_template = CHAT_TEMPLATE
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=True,
        **dims,
    )
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config)
    model.generation_config = GenerationConfig(
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    model.save_pretrained(path, safe_serialization=True)
    save_portable(tokenizer, path)
    return path


if __name__ == "__main__":  # handy for benchmarks: python tests/tiny_llama.py OUT_DIR
    import sys

    print(make_tiny_llama(sys.argv[1] if len(sys.argv) > 1 else "tiny-llama"))
