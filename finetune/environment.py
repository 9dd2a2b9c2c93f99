"""Where and how a training run runs: device, hardware checks, FSDP, seeds and RNG state,
the learning-rate schedule."""

from __future__ import annotations

import math
import os
import random
from typing import TYPE_CHECKING, Any

import numpy as np

from finetune.config import Recipe
from tools.errors import ScadAgentError

if TYPE_CHECKING:
    pass


class TrainingError(ScadAgentError):
    """A recipe cannot run here (no CUDA for 4-bit, missing checkpoint to resume, ...)."""


# ---------------------------------------------------------------- environment


def pick_device(recipe: Recipe) -> str:
    import torch

    wanted = recipe.train.device
    if wanted == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if wanted == "cuda" and not torch.cuda.is_available():
        raise TrainingError("recipe asks for train.device: cuda but no CUDA GPU is visible")
    return wanted


def check_hardware(recipe: Recipe) -> None:
    """Fail before loading anything when the recipe cannot run on this machine."""
    import torch

    if recipe.model.quantization != "none" and not torch.cuda.is_available():
        raise TrainingError(
            f"recipe '{recipe.name}' loads the base model in {recipe.model.quantization} "
            "(bitsandbytes), which needs a CUDA GPU; none is visible here. Use a LoRA recipe "
            "without quantization (e.g. tiny-cpu-lora) on CPU, or run this on a GPU machine."
        )
    if recipe.train.precision == "float16" and not torch.cuda.is_available():
        raise TrainingError("train.precision float16 needs a CUDA GPU; use float32 on CPU")


def fsdp_enabled() -> bool:
    """True inside `accelerate launch` with an FSDP config (accelerate sets this variable)."""
    return os.environ.get("ACCELERATE_USE_FSDP", "false").lower() in ("1", "true")


def seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def rng_state() -> dict[str, Any]:
    import torch

    state = {"python": random.getstate(), "numpy": np.random.get_state(),
             "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    import torch

    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def lr_at(recipe: Recipe, progress: float, step: int) -> float:
    """Linear warmup over warmup_steps, then cosine from lr to lr*min_lr_ratio.

    `progress` in [0, 1] is the share of the run done: steps/max_steps, or the share of the
    time budget, whichever is further along, so a time-boxed run still ends its cosine.
    """
    t = recipe.train
    if step < t.warmup_steps:
        return t.lr * (step + 1) / t.warmup_steps
    floor = t.lr * t.min_lr_ratio
    return floor + 0.5 * (t.lr - floor) * (1.0 + math.cos(math.pi * min(1.0, progress)))


