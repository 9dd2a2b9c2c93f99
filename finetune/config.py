"""Training recipes: one YAML file per run (litgpt style), parsed into typed dataclasses.

Every key is checked: an unknown key or a missing required one is an error that names the
file and the key, so a typo never silently falls back to a default.

    recipe = load_recipe("finetune/recipes/scad-tiny.yaml", overrides=["train.max_steps=50"])
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tools.errors import ScadAgentError

RECIPES_DIR = Path(__file__).parent / "recipes"


class RecipeError(ScadAgentError):
    """A recipe file is malformed (unknown key, wrong type, missing field, bad value)."""


@dataclass
class ModelConfig:
    """What to train: a fresh LLaMA (`base` empty) or an existing HF causal LM (`base` set)."""

    base: str = ""                     # HF directory or hub id of the base model; "" = scratch
    # architecture of a from-scratch LLaMA (ignored when `base` is set)
    hidden_size: int = 256
    intermediate_size: int = 768
    num_hidden_layers: int = 6
    num_attention_heads: int = 8
    num_key_value_heads: int = 8
    max_position_embeddings: int = 1024
    rope_theta: float = 10000.0
    tie_word_embeddings: bool = True
    dropout: float = 0.0
    init_std: float = 0.02
    # loading a base model
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = "auto"
    quantization: Literal["none", "4bit", "8bit"] = "none"
    gradient_checkpointing: bool = False
    trust_remote_code: bool = False


@dataclass
class TokenizerConfig:
    path: str = ""                     # existing tokenizer dir; "" = base model's, or train one
    train: bool = False                # train a new BPE on the training records (scratch)
    vocab_size: int = 1024


@dataclass
class DataConfig:
    train: list[str] = field(default_factory=list)   # records JSONL files / dirs / globs
    validation: list[str] = field(default_factory=list)  # optional; else split from train
    validation_fraction: float = 0.02  # share of program groups held out when no file given
    max_length: int = 1024             # examples longer than this (in tokens) are dropped
    packing: bool = False              # concatenate examples into max_length blocks
    group_by_length: bool = True       # batch similar lengths together: less padding
    max_examples: int = 0              # 0 = all; else a deterministic sample (quick runs)
    seed: int = 0


@dataclass
class LoraSettings:
    enabled: bool = False
    r: int = 16
    alpha: int = 32
    dropout: float = 0.05
    target_modules: list[str] = field(
        default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj",
                                 "gate_proj", "up_proj", "down_proj"]
    )


@dataclass
class TrainConfig:
    batch_size: int = 16               # examples per micro-batch
    grad_accum: int = 1                # micro-batches per optimizer step
    lr: float = 1e-3
    min_lr_ratio: float = 0.1          # cosine decays to lr * min_lr_ratio
    warmup_steps: int = 50
    weight_decay: float = 0.1
    betas: list[float] = field(default_factory=lambda: [0.9, 0.95])
    grad_clip: float = 1.0             # max grad norm; 0 = off
    max_steps: int = 1000
    max_minutes: float = 0.0           # training-time budget (evals/saves excluded), 0 = none
    eval_every: int = 100
    eval_batches: int = 20             # validation batches per evaluation (0 = whole split)
    compile_eval_prompts: int = 0      # held-out prompts generated + compiled per eval; 0 = off
    save_every: int = 200
    keep_checkpoints: int = 2
    log_every: int = 10
    threads: int = 0                   # torch.set_num_threads; 0 = leave torch's default
    seed: int = 1337
    precision: Literal["float32", "bfloat16", "float16"] = "float32"  # autocast on GPU
    tensorboard: bool = False
    device: Literal["auto", "cpu", "cuda"] = "auto"


@dataclass
class ExportConfig:
    dtype: Literal["float32", "bfloat16", "float16"] = "float16"   # dtype of saved weights
    merge_lora: bool = False           # also write a merged full model next to the adapter
    dir: str = ""                      # where the final model goes; "" = OUTPUT_DIR/final


@dataclass
class Recipe:
    name: str
    output_dir: str
    model: ModelConfig = field(default_factory=ModelConfig)
    tokenizer: TokenizerConfig = field(default_factory=TokenizerConfig)
    data: DataConfig = field(default_factory=DataConfig)
    lora: LoraSettings = field(default_factory=LoraSettings)
    train: TrainConfig = field(default_factory=TrainConfig)
    export: ExportConfig = field(default_factory=ExportConfig)
    description: str = ""

    @property
    def from_scratch(self) -> bool:
        return not self.model.base

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _convert(value: Any, hint: Any, where: str) -> Any:
    """Check/convert one YAML value against a type hint (the few shapes recipes use)."""
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            raise RecipeError(f"{where}: expected a mapping, got {type(value).__name__}")
        return _build(hint, value, where)
    if origin is Literal:
        if value not in typing.get_args(hint):
            choices = ", ".join(map(str, typing.get_args(hint)))
            raise RecipeError(f"{where}: {value!r} is not one of {choices}")
        return value
    if origin is list:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise RecipeError(f"{where}: expected a list")
        (item,) = typing.get_args(hint)
        return [_convert(v, item, f"{where}[{i}]") for i, v in enumerate(value)]
    if origin in (typing.Union, types.UnionType):
        raise RecipeError(f"{where}: unsupported type")  # recipes keep types simple
    if hint is bool:
        if not isinstance(value, bool):
            raise RecipeError(f"{where}: expected true/false, got {value!r}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise RecipeError(f"{where}: expected a number, got {value!r}")
        return float(value)
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise RecipeError(f"{where}: expected an integer, got {value!r}")
        return value
    if hint is str:
        if value is None:
            return ""
        if not isinstance(value, str | int | float):
            raise RecipeError(f"{where}: expected a string, got {value!r}")
        return str(value)
    return value


def _build(cls: type, raw: dict[str, Any], where: str) -> Any:
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(raw) - set(fields))
    if unknown:
        raise RecipeError(
            f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(fields)}"
        )
    kwargs: dict[str, Any] = {}
    for name, f in fields.items():
        if name in raw:
            kwargs[name] = _convert(raw[name], hints[name], f"{where}.{name}")
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise RecipeError(f"{where}: missing required key '{name}'")
    return cls(**kwargs)


def _apply_override(raw: dict[str, Any], override: str) -> None:
    """`section.key=value` with value parsed as YAML (so numbers, lists, booleans work)."""
    import yaml

    key, sep, value = override.partition("=")
    if not sep:
        raise RecipeError(f"override {override!r}: expected section.key=value")
    node = raw
    parts = key.strip().split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise RecipeError(f"override {override!r}: {part} is not a section")
    node[parts[-1]] = yaml.safe_load(value)


def parse_recipe(raw: dict[str, Any], source: str = "<recipe>",
                 overrides: list[str] | None = None) -> Recipe:
    if not isinstance(raw, dict):
        raise RecipeError(f"{source}: a recipe is a YAML mapping")
    for override in overrides or []:
        _apply_override(raw, override)
    recipe: Recipe = _build(Recipe, raw, source)
    _validate(recipe, source)
    return recipe


def _validate(recipe: Recipe, source: str) -> None:
    """Cross-field rules that types alone cannot say."""
    m, t, d = recipe.model, recipe.train, recipe.data
    if recipe.from_scratch:
        if recipe.lora.enabled:
            raise RecipeError(f"{source}: LoRA needs a base model (model.base)")
        if not recipe.tokenizer.path and not recipe.tokenizer.train:
            raise RecipeError(f"{source}: a from-scratch model needs tokenizer.path or "
                              "tokenizer.train: true")
        if m.hidden_size % m.num_attention_heads:
            raise RecipeError(f"{source}: hidden_size must divide by num_attention_heads")
        if m.num_attention_heads % m.num_key_value_heads:
            raise RecipeError(f"{source}: num_attention_heads must divide by "
                              "num_key_value_heads")
        if d.max_length > m.max_position_embeddings:
            raise RecipeError(f"{source}: data.max_length exceeds max_position_embeddings")
    if m.quantization != "none" and not recipe.lora.enabled:
        raise RecipeError(f"{source}: a quantized base can only be trained with LoRA")
    if not d.train:
        raise RecipeError(f"{source}: data.train lists no records")
    if t.max_steps <= 0 and t.max_minutes <= 0:
        raise RecipeError(f"{source}: set train.max_steps or train.max_minutes")
    if t.batch_size < 1 or t.grad_accum < 1:
        raise RecipeError(f"{source}: batch_size and grad_accum must be >= 1")
    if not 0.0 <= d.validation_fraction < 1.0:
        raise RecipeError(f"{source}: validation_fraction must be in [0, 1)")
    if len(t.betas) != 2:
        raise RecipeError(f"{source}: train.betas needs two numbers")


def resolve_recipe_path(name_or_path: str | Path) -> Path:
    """A path, or the name of a bundled recipe ("scad-tiny" -> finetune/recipes/scad-tiny.yaml)."""
    path = Path(name_or_path)
    if path.exists():
        return path
    bundled = RECIPES_DIR / f"{path.stem}.yaml"
    if bundled.exists() and path.suffix in ("", ".yaml"):
        return bundled
    raise RecipeError(f"recipe not found: {name_or_path}")


def load_recipe(path: str | Path, overrides: list[str] | None = None) -> Recipe:
    import yaml

    path = resolve_recipe_path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RecipeError(f"{path}: not valid YAML: {exc}") from exc
    return parse_recipe(raw, str(path), overrides)
