"""Tokenized examples stored flat (one int32 id array, one uint8 mask array, offsets):
60k examples take a few MB and save/load as one .npz per split; packing cuts them into
fixed-size rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from finetune.records import DataError


@dataclass
class TokenizedExamples:
    """Examples stored flat: ids[offsets[i]:offsets[i+1]] is example i, mask its loss mask."""

    ids: np.ndarray                       # int32
    mask: np.ndarray                      # uint8, 1 = trained on
    offsets: np.ndarray                   # int64, len = examples + 1

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def example(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        a, b = self.offsets[i], self.offsets[i + 1]
        return self.ids[a:b], self.mask[a:b]

    @classmethod
    def from_lists(cls, examples: Sequence[tuple[Sequence[int], np.ndarray]]) -> TokenizedExamples:
        lengths = [len(ids) for ids, _ in examples]
        offsets = np.zeros(len(examples) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        ids = np.concatenate([np.asarray(i, dtype=np.int32) for i, _ in examples]) \
            if examples else np.zeros(0, np.int32)
        mask = np.concatenate([m for _, m in examples]) if examples else np.zeros(0, np.uint8)
        return cls(ids, mask.astype(np.uint8), offsets)

    def save(self, path: Path) -> None:
        np.savez(path, ids=self.ids, mask=self.mask, offsets=self.offsets)

    @classmethod
    def load(cls, path: Path) -> TokenizedExamples:
        with np.load(path) as z:
            return cls(z["ids"], z["mask"], z["offsets"])

    def packed(self, block: int, bos_id: int | None = None) -> TokenizedExamples:
        """Concatenate all examples and cut into `block`-token rows (last partial row dropped).

        Attention crosses example boundaries inside a row (nanoGPT style); each example starts
        with its own bos, which is enough for a model to learn to ignore what came before.
        """
        rows = len(self.ids) // block
        if rows == 0:
            raise DataError(f"not enough tokens ({len(self.ids)}) to fill one {block}-token row")
        offsets = np.arange(rows + 1, dtype=np.int64) * block
        return TokenizedExamples(self.ids[: rows * block], self.mask[: rows * block], offsets)
