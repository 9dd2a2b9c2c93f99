"""The tokenizer of models trained from scratch: a small byte-level BPE plus a chat template.

Design choices, each for the small model's sake:
- byte-level BPE: every string (any Unicode, any OpenSCAD) encodes, no <unk>;
- digits split one per token: dimensions are numbers the model must copy and vary, and a
  per-digit vocabulary lets it generalise to values it never saw as a whole token;
- role markers are single special tokens, no newlines around them: prompts stay short;
- the chat template DROPS system messages: the agent always sends its long system prompt,
  which would cost a tiny model with a short context ~80 tokens per call for no gain (it
  was never trained with one). Larger base models keep their own templates.

The template is the single source of truth for the training format: finetune/data.py renders
records with it, and the agent's hf backend renders prompts with
`apply_chat_template(..., add_generation_prompt=True)`, so both see identical tokens.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from tools.errors import require

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerFast

BOS, EOS, PAD = "<|bos|>", "<|eos|>", "<|pad|>"
ROLE_TOKENS = ("<|system|>", "<|user|>", "<|assistant|>")
SPECIAL_TOKENS = [PAD, BOS, EOS, *ROLE_TOKENS]

# `{% generation %}` marks the tokens a model is trained on; transformers can then return
# an assistant mask (return_assistant_tokens_mask=True). Our data code finds assistant spans
# by rendering prefixes instead (works for every template), the marker costs nothing.
# No separators: <|user|> / <|assistant|> / <|eos|> delimit the turns on their own.
CHAT_TEMPLATE = (
    "{{ bos_token }}"
    "{% for message in messages %}"
    "{% if message['role'] == 'user' %}"
    "{{ '<|user|>' + message['content'] }}"
    "{% elif message['role'] == 'assistant' %}"
    "{{ '<|assistant|>' }}{% generation %}{{ message['content'] + eos_token }}{% endgeneration %}"
    "{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>' }}{% endif %}"
)

DEFAULT_VOCAB_SIZE = 1024


def record_texts(records: Iterable[dict]) -> Iterator[str]:
    """Every message text of every record (what the BPE learns its merges from)."""
    for record in records:
        for message in record.get("messages", []):
            if message.get("role") in ("user", "assistant"):
                yield message.get("content", "")


def train_tokenizer(
    texts: Iterable[str], vocab_size: int = DEFAULT_VOCAB_SIZE, model_max_length: int = 1024
) -> PreTrainedTokenizerFast:
    """Train the BPE on `texts`; return it wrapped as a fast HF tokenizer with the template."""
    tokenizers = require("tokenizers", "hf")
    transformers = require("transformers", "hf")
    from tokenizers import decoders, models, pre_tokenizers, trainers

    tok = tokenizers.Tokenizer(models.BPE(unk_token=None))
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
    ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer=trainer)
    fast = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token=BOS,
        eos_token=EOS,
        pad_token=PAD,
        additional_special_tokens=list(ROLE_TOKENS),
        model_max_length=model_max_length,
        # the template writes bos itself; encoding must not add a second one
        add_bos_token=False,
        add_eos_token=False,
    )
    fast.chat_template = CHAT_TEMPLATE
    return fast


def save_portable(tokenizer: PreTrainedTokenizerFast, out_dir: Path) -> None:
    """save_pretrained, then make tokenizer_config.json readable by transformers 4.x too.

    transformers 5 writes tokenizer_class "TokenizersBackend" and a list under
    "extra_special_tokens"; 4.x (which vLLM or another serving stack may pin) knows neither.
    The 4.x spellings below load identically in 5.x.
    """
    import json

    out_dir.mkdir(parents=True, exist_ok=True)
    tokenizer.save_pretrained(out_dir)
    path = out_dir / "tokenizer_config.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    config["tokenizer_class"] = "PreTrainedTokenizerFast"
    extra = config.pop("extra_special_tokens", None)
    if isinstance(extra, list):
        config["additional_special_tokens"] = extra
    elif extra:
        config["extra_special_tokens"] = extra
    if tokenizer.chat_template:
        config["chat_template"] = tokenizer.chat_template   # 4.x before chat_template.jinja
    path.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def build_tokenizer(
    records: Iterable[dict],
    out_dir: Path,
    vocab_size: int = DEFAULT_VOCAB_SIZE,
    model_max_length: int = 1024,
) -> PreTrainedTokenizerFast:
    """Train on the records' texts and save the tokenizer files into `out_dir`."""
    tokenizer = train_tokenizer(record_texts(records), vocab_size, model_max_length)
    save_portable(tokenizer, out_dir)
    return tokenizer


def load_tokenizer(path: str | Path) -> PreTrainedTokenizerFast:
    """Load a saved tokenizer (ours or any HF model's) offline."""
    transformers = require("transformers", "hf")
    return transformers.AutoTokenizer.from_pretrained(str(path))
