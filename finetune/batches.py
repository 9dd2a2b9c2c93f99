"""Tokenized examples as torch data: a Dataset view, padding collate, epoch batch order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from finetune.examples import TokenizedExamples

if TYPE_CHECKING:
    import torch

IGNORE_INDEX = -100  # label value that cross-entropy skips


class ExampleDataset:
    """torch-style Dataset view: item i -> {"input_ids", "labels"} LongTensors."""

    def __init__(self, examples: TokenizedExamples) -> None:
        self.examples = examples

    def __len__(self) -> int:
        return len(self.examples)

    def __getitem__(self, i: int) -> dict[str, torch.Tensor]:
        import torch

        ids, mask = self.examples.example(i)
        input_ids = torch.from_numpy(ids.astype(np.int64))
        labels = torch.where(torch.from_numpy(mask.astype(bool)), input_ids, IGNORE_INDEX)
        return {"input_ids": input_ids, "labels": labels}


def collate(batch: Sequence[dict[str, torch.Tensor]], pad_id: int) -> dict[str, torch.Tensor]:
    """Right-pad to the longest example: pad ids, attention_mask 0 and labels -100 there."""
    import torch

    width = max(len(item["input_ids"]) for item in batch)
    input_ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    labels = torch.full((len(batch), width), IGNORE_INDEX, dtype=torch.long)
    attention = torch.zeros((len(batch), width), dtype=torch.long)
    for row, item in enumerate(batch):
        n = len(item["input_ids"])
        input_ids[row, :n] = item["input_ids"]
        labels[row, :n] = item["labels"]
        attention[row, :n] = 1
    return {"input_ids": input_ids, "attention_mask": attention, "labels": labels}


def batch_order(lengths: np.ndarray, batch_size: int, seed: int, epoch: int,
                group_by_length: bool = True) -> list[np.ndarray]:
    """The batches of one epoch, a pure function of (seed, epoch): resuming replays it.

    group_by_length sorts within mega-batches of 64 batches, then shuffles the batches:
    little padding, yet every step still sees a random slice of the data.
    """
    rng = np.random.default_rng([seed, epoch])
    order = rng.permutation(len(lengths))
    if group_by_length:
        mega = batch_size * 64
        chunks = [order[i:i + mega] for i in range(0, len(order), mega)]
        order = np.concatenate([c[np.argsort(-lengths[c], kind="stable")] for c in chunks])
    batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    if group_by_length:
        batches = [batches[i] for i in rng.permutation(len(batches))]
    return batches
