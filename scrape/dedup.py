"""Deduplicate stage: exact copies, near copies and remix chains -> one record each.

1. exact: same hash of the program without comments and layout (Record.norm_hash);
2. near: MinHash LSH (datasketch) over token 5-gram shingles of the comment-free program;
   LSH candidates are confirmed with the estimated Jaccard similarity >= threshold (0.7)
   (tools.dedup, which finetune's split uses too);
3. remix: records whose bundles share a remix family (Thingiverse ancestors) are merged at
   a lower similarity (0.3): a remix usually edits the parent's program, sometimes a lot,
   while two unrelated things need the full threshold.
Each cluster keeps a record that makes a part over a module-only library, then the best-
described one (Record.description_score), then the smaller id; the others are listed in
its `duplicates`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from scrape.schema import Record
from scrape.text import code_tokens
from tools import dedup
from tools.dedup import MinHashConfig, UnionFind, exact_clusters, shingle_hashes

__all__ = ["DedupConfig", "DedupResult", "Duplicate", "cluster", "deduplicate",
           "exact_clusters", "remix_families", "shingle_hashes"]

Reason = Literal["exact", "near", "remix"]


@dataclass
class DedupConfig(MinHashConfig):
    remix_threshold: float = 0.3  # remixes of one thing join at this similarity


@dataclass
class Duplicate:
    removed: str
    kept: str
    reason: Reason


@dataclass
class DedupResult:
    kept: list[Record]
    duplicates: list[Duplicate] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = {"exact": 0, "near": 0, "remix": 0}
        for dup in self.duplicates:
            out[dup.reason] += 1
        return out


def cluster(token_lists: Sequence[Sequence[str]], families: Sequence[str | None] | None = None,
            config: DedupConfig | None = None, progress: bool = False
            ) -> tuple[list[int], list[Any]]:
    """Cluster root per program, given each one's code_tokens (exact, then near, then remix
    edges), and the MinHash signatures. Tokenizing once serves both hashes."""
    config = config or DedupConfig()
    return dedup.cluster(token_lists, config, families=families,
                         family_threshold=config.remix_threshold, progress=progress)


def remix_families(records: Sequence[Record]) -> list[str | None]:
    """Family per record: bundles joined through ancestor links; None outside any chain."""
    bundles = sorted({r.bundle for r in records} | {a for r in records for a in r.ancestors})
    index = {b: i for i, b in enumerate(bundles)}
    uf = UnionFind(len(bundles))
    for r in records:
        for a in r.ancestors:
            uf.union(index[r.bundle], index[a])
    in_chain = {uf.find(index[b]) for r in records for b in [r.bundle, *r.ancestors]
                if r.ancestors}
    out: list[str | None] = []
    for r in records:
        root = uf.find(index[r.bundle])
        out.append(bundles[root] if root in in_chain else None)
    return out


def deduplicate(records: Sequence[Record], config: DedupConfig | None = None,
                progress: bool = False) -> DedupResult:
    config = config or DedupConfig()
    if not records:
        return DedupResult([])
    families = remix_families(records)
    roots, signatures = cluster([code_tokens(r.program) for r in records], families, config,
                                progress)
    members: dict[int, list[int]] = defaultdict(list)
    for i, root in enumerate(roots):
        members[root].append(i)
    result = DedupResult([])
    for group in members.values():
        best = min(group, key=lambda i: _preference(records[i]))
        kept = records[best]
        removed = sorted((i for i in group if i != best), key=lambda i: records[i].id)
        kept.duplicates = [records[i].id for i in removed]
        for i in removed:
            result.duplicates.append(Duplicate(records[i].id, kept.id,
                                               _reason(i, best, records, families, signatures,
                                                       config)))
        result.kept.append(kept)
    result.kept.sort(key=lambda r: r.id)
    return result


def _preference(record: Record) -> tuple[bool, int, str]:
    """Sort key: smallest is kept."""
    makes_part = record.compile is None or record.compile.get("status") == "ok"
    return (not makes_part, -record.description_score(), record.id)


def _reason(i: int, best: int, records: Sequence[Record], families: Sequence[str | None],
            signatures: Sequence[Any], config: DedupConfig) -> Reason:
    if records[i].norm_hash == records[best].norm_hash:
        return "exact"
    similar = signatures[i].jaccard(signatures[best]) >= config.threshold
    if not similar and families[i] is not None and families[i] == families[best]:
        return "remix"
    return "near"
