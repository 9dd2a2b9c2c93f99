"""Which records belong together: one group is one side of the train/validation split.

Records group by their final program in normal form (tools.scad_text: comments and layout
ignored, strings and case kept); `minhash_groups` also joins near copies (tools.dedup).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from tools.dedup import MinHashConfig, cluster
from tools.scad_text import code_tokens, normal_form


def final_program(record: dict[str, Any]) -> str:
    """The record's last whole program. An edit record whose last reply is a parameter patch
    names it in `program` (finetune/synth/records.py): the patch alone ("height = 40;")
    would group unrelated parts together."""
    program = record.get("program")
    if isinstance(program, str) and program:
        return program
    return [m["content"] for m in record["messages"] if m["role"] == "assistant"][-1]


def group_key(record: dict[str, Any]) -> str:
    """Records sharing their final program (normalised) are one group: one side of a split."""
    return hashlib.sha1(normal_form(final_program(record)).encode()).hexdigest()


def in_validation(key: str, fraction: float, seed: int = 0) -> bool:
    """Deterministic per-group draw: the same group lands on the same side in every run."""
    digest = hashlib.sha1(f"{seed}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < fraction


def minhash_groups(programs: Sequence[str], threshold: float = 0.7) -> list[int]:
    """Near-duplicate clusters (MinHash LSH on 5-token shingles) -> a group id per program."""
    config = MinHashConfig(threshold=threshold, num_perm=64)
    return cluster([code_tokens(p) for p in programs], config)[0]
