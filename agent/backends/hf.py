"""Local models through Hugging Face transformers: a model directory (or a hub id already in
the local cache), an optional peft LoRA adapter, optional 4/8-bit loading on CUDA, and
grammar-constrained decoding through xgrammar.

Chat formatting uses the tokenizer's chat template. A tokenizer without one gets the plain
FALLBACK_TEMPLATE below (documented so that a model fine-tuned on it can be served):

    ### System
    <content>

    ### User
    <content>

    ### Assistant
    <reply></s>

Loading is slow, so loaded models are cached per (model, adapter, quantize, device, dtype)
for the life of the process; backends built with the same settings share one model.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.backends.base import (
    LENGTH,
    STOP,
    TIME,
    BackendError,
    ContextOverflow,
    Message,
    OutOfTime,
    Reply,
    empty_usage,
    usage_of,
)
from agent.backends.common import config_from, program_grammar, sampling_plan, unfence
from tools.errors import ScadAgentError, require

log = logging.getLogger(__name__)

FALLBACK_ROLE_HEADER = "### {role}\n"
FALLBACK_TURN_END = "\n\n"


@dataclass
class HFConfig:
    model: str = ""                   # local directory or hub id (offline: must be cached)
    adapter: str | None = None        # peft LoRA adapter directory
    quantize: str | None = None       # None, "4bit" or "8bit" (bitsandbytes, CUDA only)
    device: str = "auto"              # "auto" (cuda if available), "cpu", "cuda", "cuda:1"
    dtype: str = "auto"               # "auto" (bf16 on CUDA, fp32 on CPU) or a torch dtype
    fenced_grammar: bool = False      # the model replies in a ``` fence (see common.py)
    max_parallel: int = 0             # 0: 4 on CPU, 16 on CUDA
    seed: int | None = None           # seeds torch once, for reproducible sampling
    threads: int = 0                  # CPU threads for torch; 0: 1 for small models, else torch's


# Below this size a CPU matmul is too small to share among threads: one thread is as fast,
# and with any other busy process on the machine, OpenMP's spin-waiting made 2 threads ~40x
# slower than 1 for the 5M-parameter scad-tiny (measured: 8 vs 300 tokens/s on 2 cores).
SMALL_MODEL_PARAMS = 50_000_000


@dataclass
class _Loaded:
    model: Any
    tokenizer: Any
    device: str
    lock: threading.Lock              # one generate at a time per model: CPU cores are few


_CACHE: dict[tuple[str, str | None, str | None, str, str], _Loaded] = {}
_CACHE_LOCK = threading.Lock()


def clear_model_cache() -> None:
    """Forget every loaded model (frees memory once no backend holds one)."""
    with _CACHE_LOCK:
        _CACHE.clear()


def resolve_device(device: str) -> str:
    torch = require("torch", "hf")
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ScadAgentError(f"device {device!r} asked for, but CUDA is not available here")
    return device


def resolve_dtype(dtype: str, device: str) -> str:
    if dtype != "auto":
        return dtype
    return "bfloat16" if device.startswith("cuda") else "float32"


def check_quantize(quantize: str | None, device: str) -> None:
    """Refuse quantized loading before anything is loaded: bitsandbytes k-bit needs CUDA."""
    if quantize is None:
        return
    if quantize not in ("4bit", "8bit"):
        raise ScadAgentError(f"quantize must be '4bit' or '8bit', not {quantize!r}")
    if not device.startswith("cuda"):
        raise ScadAgentError(
            f"quantize={quantize!r} needs a CUDA GPU (bitsandbytes k-bit loading does not run "
            f"on {device!r}); drop --quantize to run the model in full precision"
        )


def _quantization_config(quantize: str) -> Any:
    torch = require("torch", "hf")
    require("bitsandbytes", "train")
    from transformers import BitsAndBytesConfig

    if quantize == "4bit":
        return BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=torch.bfloat16,
        )
    return BitsAndBytesConfig(load_in_8bit=True)


def _looks_like_path(model: str) -> bool:
    """Hub ids are 'name' or 'owner/name'; anything else is meant as a directory."""
    return model.startswith(("/", ".", "~")) or model.count("/") > 1 or "\\" in model


def _has_tokenizer(directory: Path) -> bool:
    return (directory / "tokenizer_config.json").is_file()


def load_model(cfg: HFConfig) -> _Loaded:
    """Load (or fetch from the process cache) the model, adapter and tokenizer for cfg."""
    if not cfg.model:
        raise BackendError("the hf backend needs model= (a model directory or hub id)")
    device = resolve_device(cfg.device)
    check_quantize(cfg.quantize, device)
    dtype = resolve_dtype(cfg.dtype, device)
    adapter = str(Path(cfg.adapter).resolve()) if cfg.adapter else None
    if adapter and not (Path(adapter) / "adapter_config.json").is_file():
        raise BackendError(f"no LoRA adapter at {cfg.adapter} (adapter_config.json missing)")
    if Path(cfg.model).exists():
        model_id = str(Path(cfg.model).resolve())
    elif _looks_like_path(cfg.model):
        raise BackendError(f"no model directory at {cfg.model}")
    else:
        model_id = cfg.model  # a hub id: loads only if already in the local HF cache
    key = (model_id, adapter, cfg.quantize, device, dtype)
    with _CACHE_LOCK:
        if key not in _CACHE:
            _CACHE[key] = _load_uncached(model_id, adapter, cfg.quantize, device, dtype,
                                         cfg.threads)
        return _CACHE[key]


def _set_cpu_threads(torch: Any, model: Any, threads: int) -> None:
    if threads <= 0:
        small = sum(p.numel() for p in model.parameters()) < SMALL_MODEL_PARAMS
        threads = 1 if small else torch.get_num_threads()
    torch.set_num_threads(threads)


def _load_uncached(
    model_id: str, adapter: str | None, quantize: str | None, device: str, dtype: str,
    threads: int = 0,
) -> _Loaded:
    torch = require("torch", "hf")
    transformers = require("transformers", "hf")
    # An adapter trained with added tokens or a new chat template saves its own tokenizer.
    tokenizer_source = adapter if adapter and _has_tokenizer(Path(adapter)) else model_id
    # a "Loading weights" bar per load lands in the middle of the agent's own output
    transformers.utils.logging.disable_progress_bar()
    kwargs: dict[str, Any] = {"dtype": getattr(torch, dtype)}
    if quantize:
        kwargs["quantization_config"] = _quantization_config(quantize)
        kwargs["device_map"] = {"": torch.device(device).index or 0}
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(tokenizer_source)
        model = transformers.AutoModelForCausalLM.from_pretrained(model_id, **kwargs)
    except (OSError, ValueError) as exc:
        raise BackendError(
            f"cannot load model {model_id!r} ({exc}); give a local model directory: a hub id "
            "works only if it is already in the Hugging Face cache (no downloads here)"
        ) from exc
    if not quantize:
        model.to(device)
    if adapter:
        peft = require("peft", "hf")
        if len(tokenizer) > model.get_input_embeddings().num_embeddings:
            model.resize_token_embeddings(len(tokenizer))
        try:
            model = peft.PeftModel.from_pretrained(model, adapter)
        except (OSError, ValueError, RuntimeError) as exc:
            raise BackendError(f"cannot load LoRA adapter {adapter!r}: {exc}") from exc
    model.eval()
    if device == "cpu":
        _set_cpu_threads(torch, model, threads)
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    return _Loaded(model=model, tokenizer=tokenizer, device=device, lock=threading.Lock())


def render_prompt(tokenizer: Any, messages: list[Message]) -> tuple[str, bool]:
    """The prompt text for messages, and whether it already carries the special tokens."""
    if getattr(tokenizer, "chat_template", None):
        text = tokenizer.apply_chat_template(
            messages, tokenize=False, add_generation_prompt=True
        )
        return text, True
    parts = [
        FALLBACK_ROLE_HEADER.format(role=m["role"].capitalize()) + m["content"] + FALLBACK_TURN_END
        for m in messages
    ]
    parts.append(FALLBACK_ROLE_HEADER.format(role="Assistant"))
    return "".join(parts), False


def stop_token_ids(model: Any, tokenizer: Any) -> list[int]:
    """Every id that ends a reply: the tokenizer's EOS plus the generation config's (chat
    models often end a turn with their own token, e.g. <|eot_id|>)."""
    ids: set[int] = set()
    configured = getattr(getattr(model, "generation_config", None), "eos_token_id", None)
    if isinstance(configured, int):
        ids.add(configured)
    elif configured:
        ids.update(configured)
    if tokenizer.eos_token_id is not None:
        ids.add(tokenizer.eos_token_id)
    return sorted(ids)


MODEL_CARD = "scad-agent.json"  # beside a model's config.json: what the agent should know


def model_languages(model: str | None) -> tuple[str, ...] | None:
    """The languages a model directory's scad-agent.json declares ({"languages": [...]})."""
    if not model:
        return None
    card = Path(model) / MODEL_CARD
    try:
        data = json.loads(card.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    languages = data.get("languages") if isinstance(data, dict) else None
    return tuple(str(x) for x in languages) if isinstance(languages, list) else None


class HFBackend:
    """A transformers model on this machine. Config keys: see HFConfig."""

    name = "hf"

    def __init__(self, **config: Any) -> None:
        self.config = config_from(HFConfig, config, self.name)
        self._loaded = load_model(self.config)
        if self.config.seed is not None:
            require("torch", "hf").manual_seed(self.config.seed)
        on_cuda = self._loaded.device.startswith("cuda")
        self.max_parallel = self.config.max_parallel or (16 if on_cuda else 4)
        # whether grammars can be applied here (xgrammar and the glue are installed)
        self.constrains = _grammar_glue_available()
        self.last_usage: dict[str, int] = empty_usage()  # for benchmarks/ scripts
        # what the model card says it understands (None: not stated, any language)
        self.languages = model_languages(self.config.model)

    @property
    def model(self) -> Any:
        return self._loaded.model

    @property
    def tokenizer(self) -> Any:
        return self._loaded.tokenizer

    @property
    def context_tokens(self) -> int | None:
        """Prompt plus reply tokens the model can attend to (max_position_embeddings)."""
        config = self.model.config.get_text_config()
        value = getattr(config, "max_position_embeddings", None)
        return value if isinstance(value, int) and value > 0 else None

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
        torch = require("torch", "hf")
        from transformers import LogitsProcessorList

        loaded = self._loaded
        tokenizer, model = loaded.tokenizer, loaded.model
        plan = sampling_plan(n, temperature)
        prompt, templated = render_prompt(tokenizer, messages)
        inputs = tokenizer(prompt, return_tensors="pt", add_special_tokens=not templated)
        prompt_len = int(inputs["input_ids"].shape[1])
        max_tokens = self._room(prompt_len, max_tokens)
        if timeout_s is not None and timeout_s <= 0:
            raise OutOfTime("the turn's time ran out before the model was asked")
        inputs = {k: v.to(loaded.device) for k, v in inputs.items()}

        processors = LogitsProcessorList()
        stops = stop_token_ids(model, tokenizer)
        processor = self._grammar_processor(grammar, stops) if grammar is not None else None
        if processor is not None:
            processors.append(processor)
        sampling: dict[str, Any] = (
            {"do_sample": True, "temperature": plan.temperature, "top_k": 0, "top_p": 1.0}
            if plan.do_sample
            else {"do_sample": False, "temperature": None, "top_k": None, "top_p": None}
        )
        with loaded.lock, torch.inference_mode():
            try:
                output = model.generate(
                    **inputs,
                    max_new_tokens=max_tokens,
                    max_time=timeout_s,  # transformers stops decoding once this has passed
                    num_return_sequences=plan.draws,
                    logits_processor=processors,
                    eos_token_id=stops,
                    pad_token_id=tokenizer.pad_token_id,
                    **sampling,
                )
            except RuntimeError as exc:  # out of memory, grammar matcher rejections, ...
                raise BackendError(f"generation failed in {self.config.model}: {exc}") from exc

        replies: list[Reply] = []
        for index, row in enumerate(output[:, prompt_len:].tolist()):
            new = _cut_at_stop(row, set(stops))
            reason = STOP if new and new[-1] in stops else (
                LENGTH if len(new) >= max_tokens else TIME)
            text = tokenizer.decode(new, skip_special_tokens=True)
            if processor is not None and self.config.fenced_grammar:
                text = unfence(text)
            replies.append(Reply(text, reason, processor is not None,
                                 prompt_tokens=prompt_len if index == 0 else 0,
                                 completion_tokens=len(new)))
        self.last_usage = usage_of(replies)
        return plan.fill(replies, n)

    def _room(self, prompt_len: int, max_tokens: int) -> int:
        """max_tokens cut to what the context leaves after the prompt; ContextOverflow when
        the prompt leaves nothing (a model fed past its positions writes noise)."""
        context = self.context_tokens
        if context is None:
            return max_tokens
        if prompt_len >= context:
            raise ContextOverflow(
                f"the prompt is {prompt_len} tokens; {Path(self.config.model).name} reads at "
                f"most {context} (prompt and reply together): shorten the request")
        return min(max_tokens, context - prompt_len)

    def _grammar_processor(self, grammar: str, stops: list[int]) -> Any | None:
        """xgrammar's logits processor for this call (they are single-use), or None with a
        warning when the grammar glue is not installed."""
        try:
            from agent.backends.constrained import hf_logits_processor

            ebnf = program_grammar(grammar, fenced=self.config.fenced_grammar)
        except ImportError as exc:
            log.warning("grammar not applied (constrained decoding unavailable: %s)", exc)
            return None
        try:
            return hf_logits_processor(
                self.tokenizer, ebnf, self.model.config.get_text_config().vocab_size,
                stop_token_ids=stops,
            )
        except ScadAgentError:
            raise
        except (RuntimeError, ValueError) as exc:
            raise BackendError(f"the grammar could not be compiled: {exc}") from exc


def _cut_at_stop(tokens: list[int], stops: set[int]) -> list[int]:
    """Tokens up to and including the first stop token (the rest is padding)."""
    for i, token in enumerate(tokens):
        if token in stops:
            return tokens[: i + 1]
    return tokens


def _grammar_glue_available() -> bool:
    try:
        import xgrammar  # noqa: F401

        import agent.backends.constrained  # noqa: F401
    except ImportError:
        return False
    return True
