"""Training data built: records read, split by program group, tokenized with loss masks.

The pieces live by concern -- finetune.records (reading), finetune.grouping (split groups),
finetune.chat (template and masks), finetune.examples (flat storage, packing),
finetune.batches (torch Dataset and batches) -- and are importable from here too; this
module builds a dataset from them and keeps its stats.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from finetune.batches import IGNORE_INDEX, ExampleDataset, batch_order, collate
from finetune.chat import (
    PLAIN_CHAT_TEMPLATE,
    ensure_chat_template,
    label_mask,
    render,
    trained_messages,
)
from finetune.examples import TokenizedExamples
from finetune.grouping import final_program, group_key, in_validation, minhash_groups
from finetune.records import (
    DataError,
    expand_paths,
    read_records,
    scrape_to_record,
    to_record,
    trajectory_to_records,
)

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

__all__ = [
    "IGNORE_INDEX", "PLAIN_CHAT_TEMPLATE", "BuiltDataset", "DataError", "DatasetStats",
    "ExampleDataset", "TokenizedExamples", "batch_order", "build_dataset", "collate",
    "ensure_chat_template", "expand_paths", "final_program", "group_key", "in_validation",
    "is_built_dataset", "label_mask", "minhash_groups", "read_records", "render",
    "scrape_to_record", "to_record", "tokenize_records", "trained_messages",
    "trajectory_to_records",
]


@dataclass
class DatasetStats:
    records: int = 0
    examples: dict[str, int] = field(default_factory=dict)     # split -> count
    tokens: dict[str, int] = field(default_factory=dict)       # split -> all tokens
    trained_tokens: dict[str, int] = field(default_factory=dict)  # split -> loss tokens
    dropped_too_long: int = 0
    dropped_unrenderable: int = 0
    groups: int = 0
    sources: dict[str, int] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)
    length_histogram: dict[str, int] = field(default_factory=dict)  # "lo-hi" tokens -> count
    max_length: int = 0

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)


@dataclass
class BuiltDataset:
    train: TokenizedExamples
    validation: TokenizedExamples
    stats: DatasetStats
    validation_records: list[dict[str, Any]]   # for generation-based evals (compile rate)

    def save(self, out_dir: Path) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self.train.save(out_dir / "train.npz")
        self.validation.save(out_dir / "validation.npz")
        with (out_dir / "validation_records.jsonl").open("w", encoding="utf-8") as fh:
            for record in self.validation_records:
                fh.write(json.dumps(record) + "\n")
        (out_dir / "stats.json").write_text(json.dumps(self.stats.to_dict(), indent=2))

    @classmethod
    def load(cls, out_dir: Path) -> BuiltDataset:
        stats = DatasetStats(**json.loads((out_dir / "stats.json").read_text()))
        records_path = out_dir / "validation_records.jsonl"
        records = [json.loads(line) for line in records_path.open()] \
            if records_path.exists() else []
        return cls(TokenizedExamples.load(out_dir / "train.npz"),
                   TokenizedExamples.load(out_dir / "validation.npz"), stats, records)


def is_built_dataset(path: str | Path) -> bool:
    return (Path(path) / "train.npz").exists()


def tokenize_records(
    tokenizer: PreTrainedTokenizerBase, records: Sequence[dict[str, Any]], max_length: int,
    stats: DatasetStats | None = None, chunk: int = 512,
) -> tuple[list[tuple[list[int], np.ndarray]], list[int]]:
    """Render + tokenize (batched through the fast tokenizer); drop too-long examples.

    Returns the examples and, for each, the index of its record.
    """
    ensure_chat_template(tokenizer)
    out: list[tuple[list[int], np.ndarray]] = []
    kept: list[int] = []
    for start in range(0, len(records), chunk):
        texts: list[str] = []
        spans: list[list[tuple[int, int]]] = []
        index: list[int] = []
        for i, record in enumerate(records[start:start + chunk], start):
            try:
                text, sp = render(tokenizer, record["messages"], trained_messages(record))
            except DataError:
                raise
            except Exception:  # a record the template rejects (bad role order, ...)
                if stats is not None:
                    stats.dropped_unrenderable += 1
                continue
            texts.append(text)
            spans.append(sp)
            index.append(i)
        if not texts:
            continue
        enc = tokenizer(texts, add_special_tokens=False, return_offsets_mapping=True)
        for ids, offs, sp, i in zip(enc["input_ids"], enc["offset_mapping"], spans, index,
                                    strict=True):
            if len(ids) > max_length:
                if stats is not None:
                    stats.dropped_too_long += 1
                continue
            out.append((ids, label_mask(offs, sp)))
            kept.append(i)
    return out, kept


def _histogram(lengths: np.ndarray, max_length: int) -> dict[str, int]:
    width = max(32, max_length // 16)
    counts = Counter((int(n) // width) * width for n in lengths)
    return {f"{lo}-{lo + width - 1}": counts[lo] for lo in sorted(counts)}


def build_dataset(
    record_paths: Sequence[str | Path],
    tokenizer: PreTrainedTokenizerBase,
    *,
    max_length: int = 1024,
    validation_fraction: float = 0.02,
    validation_paths: Sequence[str | Path] = (),
    split_by: str = "program",
    max_examples: int = 0,
    seed: int = 0,
) -> BuiltDataset:
    """Read, split (by program group), tokenize and mask the records; return both splits.

    split_by: "program" groups records with the same normalised final program; "minhash"
    also joins near-duplicates (MinHash LSH; slower, for scraped corpora).
    """
    records = list(read_records(record_paths))
    if max_examples and len(records) > max_examples:
        records = random.Random(seed).sample(records, max_examples)
    if not records:
        raise DataError(f"no usable records in {', '.join(map(str, record_paths))}")
    stats = DatasetStats(records=len(records), max_length=max_length)
    stats.sources = dict(Counter(str(r.get("source", "?")) for r in records))
    stats.kinds = dict(Counter(str(r.get("kind", "?")) for r in records))

    if validation_paths:
        train_records = records
        val_records = list(read_records(validation_paths))
        stats.groups = len({group_key(r) for r in records})
    else:
        if split_by == "minhash":
            programs = [final_program(r) for r in records]
            keys = [f"mh{g}" for g in minhash_groups(programs)]
            # a cluster's key must not depend on which member the union kept as root
            root_key = {}
            for key, r in zip(keys, records, strict=True):
                root_key.setdefault(key, group_key(r))
            keys = [root_key[k] for k in keys]
        elif split_by == "program":
            keys = [group_key(r) for r in records]
        else:
            raise DataError(f"unknown split_by {split_by!r} (program, minhash)")
        stats.groups = len(set(keys))
        side = {k: in_validation(k, validation_fraction, seed) for k in set(keys)}
        train_records = [r for r, k in zip(records, keys, strict=True) if not side[k]]
        val_records = [r for r, k in zip(records, keys, strict=True) if side[k]]

    splits: dict[str, TokenizedExamples] = {}
    kept_val: list[int] = []
    for name, subset in (("train", train_records), ("validation", val_records)):
        examples, kept = tokenize_records(tokenizer, subset, max_length, stats)
        if name == "validation":
            kept_val = kept
        splits[name] = TokenizedExamples.from_lists(examples)
        stats.examples[name] = len(examples)
        stats.tokens[name] = int(len(splits[name].ids))
        stats.trained_tokens[name] = int(splits[name].mask.sum())
    if not len(splits["train"]):
        raise DataError("no training example fits max_length "
                        f"({max_length}); {stats.dropped_too_long} were too long")
    stats.length_histogram = _histogram(
        np.concatenate([splits["train"].lengths(), splits["validation"].lengths()]), max_length)
    return BuiltDataset(splits["train"], splits["validation"], stats,
                        [val_records[i] for i in kept_val])
