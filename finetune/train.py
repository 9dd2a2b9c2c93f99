"""Training: `setup` builds everything from a recipe, `fit` runs a plain PyTorch loop.

One loop serves both paths: a LLaMA trained from scratch with its own tokenizer (the bundled
scad-tiny) and LoRA / QLoRA / 8-bit LoRA on an existing HF causal LM. No Trainer framework:
AdamW, gradient accumulation, clipping and a cosine schedule fit on one screen (nanoGPT).

Output directory layout:
    tokenizer/            trained tokenizer (scratch recipes)
    data/                 the tokenized splits (train.npz, validation.npz, stats.json)
    checkpoints/step-N/   checkpoint.pt: trainable weights, optimizer, RNG, step, data position
    metrics.jsonl         one line per log / eval event
    final/                HF model directory (all weights trained) or adapter/ (+ merged/) for LoRA

Multi-GPU: launched through `accelerate launch` (see finetune/README.md) each process trains
on its own share of every step's batches; gradients are averaged by DDP / FSDP.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from finetune.building import (
    base_model,
    make_optimizer,
    prepare_data,
    prepare_tokenizer,
    scratch_model,
    trainable_state,
)
from finetune.config import Recipe
from finetune.data import (
    ExampleDataset,
    TokenizedExamples,
    batch_order,
    collate,
)
from finetune.environment import (
    TrainingError,
    check_hardware,
    fsdp_enabled,
    lr_at,
    pick_device,
    rng_state,
    seed_everything,
    set_rng_state,
)
from finetune.export import export_model, generate_program
from tools.errors import require

if TYPE_CHECKING:
    import torch

CHECKPOINT_FILE = "checkpoint.pt"
COMPILE_EVAL_TIMEOUT_S = 10.0


@dataclass
class TrainState:
    """Everything besides tensors that a resumed run needs to continue exactly."""

    step: int = 0                 # optimizer steps done
    epoch: int = 0                # data position: epoch ...
    batch_in_epoch: int = 0       # ... and next batch of that epoch's order
    tokens_seen: int = 0
    elapsed_s: float = 0.0        # training wall time over all runs (time budgets)
    last_loss: float = float("nan")
    last_val_loss: float = float("nan")


def log_print(message: str) -> None:
    print(message, flush=True)


def quiet(_: str) -> None:
    """The log of ranks other than 0."""


# ---------------------------------------------------------------- the trainer


class Trainer:
    """setup() -> fit(). Stateless between runs except what checkpoints carry."""

    def __init__(self, recipe: Recipe, *, resume: bool = False,
                 log: Callable[[str], None] = log_print) -> None:
        self.recipe = recipe
        self.resume = resume
        self.log = log
        self.out_dir = Path(recipe.output_dir)
        self.state = TrainState()
        self.rank = int(os.environ.get("RANK", 0))
        self.world = int(os.environ.get("WORLD_SIZE", 1))
        self.accelerator = None
        self.writer = None

    # -- setup

    def setup(self) -> Trainer:
        import torch

        r = self.recipe
        check_hardware(r)
        if r.train.threads > 0:
            torch.set_num_threads(r.train.threads)
        self.device = pick_device(r)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        checkpoint = self._latest_checkpoint() if self.resume else None
        if self.resume and checkpoint is None:
            raise TrainingError(f"--resume: no checkpoint under {self.out_dir / 'checkpoints'}")
        if not self.resume and (self.out_dir / "checkpoints").exists():
            raise TrainingError(f"{self.out_dir} already holds checkpoints: pass --resume to "
                                "continue, or choose another output_dir")
        if self.rank == 0:
            (self.out_dir / "recipe.json").write_text(json.dumps(r.to_dict(), indent=2))
        first = contextlib.nullcontext()
        if self.world > 1:   # started by `accelerate launch` / torchrun
            accelerate = require("accelerate", "train")
            self.accelerator = accelerate.Accelerator(cpu=self.device == "cpu")
            self.device = str(self.accelerator.device)
            first = self.accelerator.main_process_first()   # rank 0 writes the caches

        with first:
            self.tokenizer = prepare_tokenizer(r, self.out_dir, self.log)
            self.data = prepare_data(r, self.tokenizer, self.out_dir,
                                     self.log if self.rank == 0 else quiet)
        self.train_examples = self._maybe_pack(self.data.train)
        self.val_examples = self._maybe_pack(self.data.validation, allow_empty=True)
        seed_everything(r.train.seed)
        self.model = scratch_model(r, self.tokenizer) if r.from_scratch \
            else base_model(r, self.device)
        if r.model.quantization == "none" and not fsdp_enabled():
            self.model.to(self.device)
        if self.accelerator is not None:
            if fsdp_enabled() and r.lora.enabled:
                # frozen base and trainable adapters must sit in separate FSDP units
                from peft.utils.other import fsdp_auto_wrap_policy

                plugin = self.accelerator.state.fsdp_plugin
                plugin.auto_wrap_policy = fsdp_auto_wrap_policy(self.model)
            # FSDP shards parameters: the optimizer must be built on the wrapped model
            self.model = self.accelerator.prepare(self.model)
        self.optimizer = make_optimizer(r, self.model)
        if self.accelerator is not None:
            self.optimizer = self.accelerator.prepare(self.optimizer)
        n_params = sum(p.numel() for p in self.model.parameters())
        n_train = sum(p.numel() for p in self.model.parameters() if p.requires_grad)
        if self.rank == 0:
            where = f"{self.world} processes ({self.accelerator.distributed_type})" \
                if self.accelerator else f"{torch.get_num_threads()} threads"
            self.log(f"model: {n_params / 1e6:.2f}M parameters, {n_train / 1e6:.3f}M trained, "
                     f"device {self.device}, {where}")
        if checkpoint is not None:
            self._load_checkpoint(checkpoint)
        if r.train.tensorboard and self.rank == 0:
            try:
                from torch.utils.tensorboard import SummaryWriter
                self.writer = SummaryWriter(str(self.out_dir / "tensorboard"))
            except ImportError:
                self.log("tensorboard is not installed; metrics go to metrics.jsonl only")
        return self

    def _maybe_pack(self, examples: TokenizedExamples,
                    allow_empty: bool = False) -> TokenizedExamples:
        d = self.recipe.data
        if not d.packing or (allow_empty and len(examples.ids) < d.max_length):
            return examples
        return examples.packed(d.max_length)

    # -- checkpoints

    def _checkpoint_dirs(self) -> list[Path]:
        root = self.out_dir / "checkpoints"
        return sorted(root.glob("step-*"), key=lambda p: int(p.name.split("-")[1])) \
            if root.exists() else []

    def _latest_checkpoint(self) -> Path | None:
        dirs = [d for d in self._checkpoint_dirs() if (d / CHECKPOINT_FILE).exists()]
        return dirs[-1] if dirs else None

    def save_checkpoint(self) -> Path:
        """Trainable weights + optimizer + RNG + step + data position, written atomically.

        Single process and DDP (identical replicas): one file from rank 0. FSDP (sharded
        weights and optimizer): accelerate's save_state, which every rank takes part in.
        """
        import torch

        final = self.out_dir / "checkpoints" / f"step-{self.state.step:06d}"
        tmp = final.with_name(final.name + ".tmp")
        if self.rank == 0:
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
        self._barrier()
        blob: dict[str, Any] = {"rng": rng_state(), "state": asdict(self.state),
                                "recipe": self.recipe.to_dict()}
        if fsdp_enabled():
            self.accelerator.save_state(str(tmp / "accelerate"))
        else:
            blob["trainable"] = trainable_state(self._unwrapped())
            blob["optimizer"] = self.optimizer.state_dict()
        if self.rank == 0:
            torch.save(blob, tmp / CHECKPOINT_FILE)
            shutil.rmtree(final, ignore_errors=True)
            tmp.rename(final)   # a crash mid-save leaves the previous checkpoint intact
            for old in self._checkpoint_dirs()[: -self.recipe.train.keep_checkpoints]:
                shutil.rmtree(old, ignore_errors=True)
        self._barrier()
        return final

    def _load_checkpoint(self, path: Path) -> None:
        import torch

        blob = torch.load(path / CHECKPOINT_FILE, map_location="cpu", weights_only=False)
        if "trainable" in blob:
            missing = self._unwrapped().load_state_dict(blob["trainable"], strict=False)
            if missing.unexpected_keys:
                raise TrainingError(f"checkpoint {path} does not match the recipe's model "
                                    f"(unexpected {missing.unexpected_keys[:3]})")
            self.optimizer.load_state_dict(blob["optimizer"])
        elif self.accelerator is not None:
            self.accelerator.load_state(str(path / "accelerate"))
        else:
            raise TrainingError(f"{path} was saved by a sharded (FSDP) run: resume it with "
                                "the same `accelerate launch` command")
        set_rng_state(blob["rng"])
        self.state = TrainState(**blob["state"])
        self.log(f"resumed from {path} at step {self.state.step}")

    def _barrier(self) -> None:
        if self.accelerator is not None:
            self.accelerator.wait_for_everyone()

    def _unwrapped(self) -> torch.nn.Module:
        return self.accelerator.unwrap_model(self.model) if self.accelerator else self.model

    # -- batches

    def batches(self) -> Iterator[list[int]]:
        """Endless batch stream from the saved data position; advances self.state."""
        t, d = self.recipe.train, self.recipe.data
        lengths = self.train_examples.lengths()
        while True:
            order = batch_order(lengths, t.batch_size, d.seed, self.state.epoch,
                                d.group_by_length and not d.packing)
            # each rank takes its share of every step's micro-batches
            while self.state.batch_in_epoch < len(order):
                idx = order[self.state.batch_in_epoch]
                self.state.batch_in_epoch += 1
                if (self.state.batch_in_epoch - 1) % self.world == self.rank:
                    yield list(idx)
            self.state.epoch += 1
            self.state.batch_in_epoch = 0

    def _tensors(self, examples: TokenizedExamples, idx: list[int]) -> dict[str, torch.Tensor]:
        ds = ExampleDataset(examples)
        batch = collate([ds[i] for i in idx], self.tokenizer.pad_token_id)
        return {k: v.to(self.device) for k, v in batch.items()}

    # -- loop

    def _progress(self) -> float:
        t = self.recipe.train
        parts = []
        if t.max_steps > 0:
            parts.append(self.state.step / t.max_steps)
        if t.max_minutes > 0:
            parts.append(self.state.elapsed_s / (60 * t.max_minutes))
        return max(parts)

    def _autocast(self) -> contextlib.AbstractContextManager[object]:
        import torch

        p = self.recipe.train.precision
        if p == "float32" or self.device == "cpu":
            return contextlib.nullcontext()
        return torch.autocast("cuda", dtype=getattr(torch, p))

    def fit(self) -> Path:
        """Train until max_steps / max_minutes; checkpoint, evaluate, export. Returns export."""
        import torch

        r, t = self.recipe, self.recipe.train
        model = self.model
        model.train()
        stream = self.batches()
        metrics = (self.out_dir / "metrics.jsonl").open("a", encoding="utf-8")
        window_tokens, window_t0 = 0, time.perf_counter()
        try:
            while self._progress() < 1.0:
                step_t0 = time.perf_counter()
                lr = lr_at(r, self._progress(), self.state.step)
                for group in self.optimizer.param_groups:
                    group["lr"] = lr
                micro = [self._tensors(self.train_examples, next(stream))
                         for _ in range(t.grad_accum)]
                # normalise by the loss tokens of the whole step, not per micro-batch
                n_items = sum(int((b["labels"][:, 1:] != -100).sum()) for b in micro)
                if n_items == 0:
                    continue
                loss_sum = 0.0
                for batch in micro:
                    with self._autocast():
                        out = model(**batch, num_items_in_batch=n_items)
                    if self.accelerator:
                        self.accelerator.backward(out.loss)
                    else:
                        out.loss.backward()
                    loss_sum += float(out.loss.detach())
                    window_tokens += int(batch["attention_mask"].sum())
                if t.grad_clip > 0 and self.accelerator is not None:
                    self.accelerator.clip_grad_norm_(model.parameters(), t.grad_clip)
                elif t.grad_clip > 0:
                    torch.nn.utils.clip_grad_norm_(model.parameters(), t.grad_clip)
                self.optimizer.step()
                self.optimizer.zero_grad(set_to_none=True)
                self.state.step += 1
                self.state.last_loss = loss_sum
                self.state.tokens_seen += sum(int(b["attention_mask"].sum()) for b in micro)
                self.state.elapsed_s += time.perf_counter() - step_t0
                if self.state.step % t.log_every == 0 or self.state.step == 1:
                    dt = time.perf_counter() - window_t0
                    self._emit(metrics, {"step": self.state.step, "loss": round(loss_sum, 5),
                                         "lr": lr, "tokens_per_s": round(window_tokens / dt, 1),
                                         "elapsed_s": round(self.state.elapsed_s, 1)})
                    window_tokens, window_t0 = 0, time.perf_counter()
                if t.eval_every and self.state.step % t.eval_every == 0:
                    self._emit(metrics, self.evaluate())
                    model.train()
                if t.save_every and self.state.step % t.save_every == 0:
                    self.save_checkpoint()
                    window_t0 = time.perf_counter()   # keep saves out of tokens/s
            if not (t.eval_every and self.state.step % t.eval_every == 0):
                self._emit(metrics, self.evaluate(compile_eval=True))
            self.save_checkpoint()
            return self.export()
        finally:
            metrics.close()
            if self.writer:
                self.writer.close()

    def _emit(self, fh: TextIO, record: dict[str, Any]) -> None:
        if self.rank != 0 or not record:
            return
        fh.write(json.dumps(record) + "\n")
        fh.flush()
        self.log("  ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}"
                           for k, v in record.items()))
        if self.writer:
            for k, v in record.items():
                if k != "step" and isinstance(v, int | float):
                    self.writer.add_scalar(k, v, record["step"])

    # -- evaluation

    def validation_loss(self) -> float | None:
        """Mean loss per trained token over (the first eval_batches batches of) validation."""
        import torch

        if not len(self.val_examples):
            return None
        t = self.recipe.train
        order = batch_order(self.val_examples.lengths(), t.batch_size, 0, 0, False)
        if t.eval_batches:
            order = order[: t.eval_batches]
        self.model.eval()
        total, count = 0.0, 0
        with torch.no_grad():
            for idx in order:
                batch = self._tensors(self.val_examples, list(idx))
                n = int((batch["labels"][:, 1:] != -100).sum())
                if n == 0:
                    continue
                with self._autocast():
                    out = self.model(**batch, num_items_in_batch=n)
                total += float(out.loss) * n
                count += n
        return total / count if count else None

    def evaluate(self, compile_eval: bool = False) -> dict[str, Any]:
        record: dict[str, Any] = {"step": self.state.step}
        val = self.validation_loss()
        if val is not None:
            record["val_loss"] = round(val, 5)
            self.state.last_val_loss = val
        k = self.recipe.train.compile_eval_prompts
        # generation on rank 0 alone would hang FSDP, whose every forward needs all ranks
        if k and (compile_eval or self.recipe.train.eval_every) and self.rank == 0 \
                and not fsdp_enabled():
            record.update(self.compile_rate(k))
        return record if len(record) > 1 else {}

    def compile_rate(self, k: int) -> dict[str, Any]:
        """Greedy-generate K held-out prompts; share whose program compiles (status ok)."""
        try:
            from tools.openscad import Limits, compile_scad
        except ImportError:
            return {}
        # an early model's program can be a denial of service (huge loops): cap each compile
        limits = Limits(timeout_s=COMPILE_EVAL_TIMEOUT_S, cpu_s=int(COMPILE_EVAL_TIMEOUT_S))
        records = self.data.validation_records[:k]
        if not records:
            return {}
        model = self._unwrapped()
        model.eval()
        ok = 0
        for record in records:
            messages = record["messages"]
            last_user = max(i for i, m in enumerate(messages) if m["role"] == "user")
            program = generate_program(model, self.tokenizer, messages[: last_user + 1],
                                       self.device)
            ok += compile_scad(program, limits=limits).ok
        return {"compile_rate": ok / len(records), "compile_prompts": len(records)}

    # -- export

    def export(self) -> Path:
        """Write the final model: a full HF dir (all weights trained) or the adapter (LoRA)."""
        final = Path(self.recipe.export.dir) if self.recipe.export.dir else self.out_dir / "final"
        model = self._unwrapped()
        # under FSDP the full weights exist only once gathered: every rank must take part
        state = self.accelerator.get_state_dict(self.model) if fsdp_enabled() else None
        if self.rank != 0:
            self._barrier()
            return final
        model.eval()
        if not self.recipe.lora.enabled:
            # from scratch or every weight of a base trained further: a whole model either way
            export_model(model, self.tokenizer, final, self.recipe.export.dtype)
        else:
            adapter = final / "adapter"
            model.save_pretrained(adapter, state_dict=state)
            self.tokenizer.save_pretrained(adapter)
            if self.recipe.export.merge_lora:
                from finetune.merge import merge_adapter

                merge_adapter(adapter, final / "merged", base=self.recipe.model.base,
                              dtype=self.recipe.export.dtype)
        summary = {"recipe": self.recipe.name, **asdict(self.state),
                   "stats": self.data.stats.to_dict()}
        (final / "training.json").write_text(json.dumps(summary, indent=2))
        self.log(f"exported to {final}")
        self._barrier()
        return final


def train(recipe: Recipe, *, resume: bool = False,
          log: Callable[[str], None] = log_print) -> Path:
    """Run a recipe end to end; return the export directory."""
    return Trainer(recipe, resume=resume, log=log).setup().fit()


__all__ = ["Trainer", "TrainingError", "export_model", "generate_program", "lr_at", "train"]
