"""Deduplicate stage: exact copies, near copies and remix chains -> one record each.

1. exact: same hash of the program without comments and layout (Record.norm_hash);
2. near: MinHash LSH (datasketch) over token 5-gram shingles of the comment-free program;
   LSH candidates are confirmed with the estimated Jaccard similarity >= threshold (0.7);
3. remix: records whose bundles share a remix family (Thingiverse ancestors) are merged at
   a lower similarity (0.3): a remix usually edits the parent's program, sometimes a lot,
   while two unrelated things need the full threshold.
Each cluster keeps a record that makes a part over a module-only library, then the best-
described one (Record.description_score), then the smaller id; the others are listed in
its `duplicates`.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from scrape.schema import Record
from scrape.text import code_tokens, tokens_hash
from tools.errors import require

Reason = Literal["exact", "near", "remix"]
_MASK = np.uint64(0xFFFFFFFF)
_MULT = np.uint64(0x01000193)  # FNV prime: an odd multiplier mixes the 5 token hashes


@dataclass
class DedupConfig:
    threshold: float = 0.7
    remix_threshold: float = 0.3
    num_perm: int = 128
    shingle_size: int = 5
    seed: int = 1


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


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


_token_hashes: dict[str, int] = {}  # crc32 per token, memoised: most tokens repeat a lot
_MAX_MEMO = 1_000_000


def shingle_hashes(toks: Sequence[str], size: int = 5) -> np.ndarray:
    """32-bit hashes of the distinct `size`-token shingles of a token list (code_tokens)."""
    if not toks:
        return np.zeros(0, dtype=np.uint64)
    if len(_token_hashes) > _MAX_MEMO:
        _token_hashes.clear()
    for tok in set(toks).difference(_token_hashes):
        _token_hashes[tok] = zlib.crc32(tok.encode())
    arr = np.fromiter(map(_token_hashes.__getitem__, toks), dtype=np.uint64, count=len(toks))
    width = max(1, len(arr) - size + 1)
    acc = np.zeros(width, dtype=np.uint64)
    for j in range(min(size, len(arr))):
        acc = (acc * _MULT + arr[j : j + width]) & _MASK
    return np.unique(acc)


class MinHasher:
    """MinHash signatures sharing one set of permutations (made once, not per file)."""

    def __init__(self, config: DedupConfig) -> None:
        self.ds = require("datasketch", "scrape")
        self.config = config
        self._template = self.ds.MinHash(num_perm=config.num_perm, seed=config.seed)

    def signature(self, toks: Sequence[str]) -> Any:
        mh = self.ds.MinHash(num_perm=self.config.num_perm, seed=self.config.seed,
                             hashfunc=int, permutations=self._template.permutations,
                             scheme=self._template.scheme)
        mh.update_batch(shingle_hashes(toks, self.config.shingle_size).tolist())
        return mh


def exact_clusters(keys: Sequence[str]) -> list[int]:
    """Cluster id (first index of the group) per item: the exact-hash baseline."""
    first: dict[str, int] = {}
    return [first.setdefault(k, i) for i, k in enumerate(keys)]


def cluster(token_lists: Sequence[Sequence[str]], families: Sequence[str | None] | None = None,
            config: DedupConfig | None = None, progress: bool = False
            ) -> tuple[list[int], list[Any]]:
    """Cluster root per program, given each one's code_tokens (exact, then near, then remix
    edges), and the MinHash signatures. Tokenizing once serves both hashes."""
    from tqdm import tqdm

    config = config or DedupConfig()
    n = len(token_lists)
    uf = _UnionFind(n)
    for i, root in enumerate(exact_clusters([tokens_hash(list(t)) for t in token_lists])):
        uf.union(i, root)
    reps = [i for i in range(n) if uf.find(i) == i]
    hasher = MinHasher(config)
    signatures: list[Any] = [None] * n
    lsh = hasher.ds.MinHashLSH(threshold=config.threshold, num_perm=config.num_perm)
    for i in tqdm(reps, desc="dedup: minhash", unit="file", disable=not progress):
        signatures[i] = hasher.signature(token_lists[i])
        for j in lsh.query(signatures[i]):
            if signatures[i].jaccard(signatures[j]) >= config.threshold:
                uf.union(i, j)
        lsh.insert(i, signatures[i])
    for i in range(n):  # exact copies share their representative's signature
        if signatures[i] is None:
            signatures[i] = signatures[uf.find(i)]
    if families is not None:
        by_family: dict[str, list[int]] = defaultdict(list)
        for i, fam in enumerate(families):
            if fam is not None:
                by_family[fam].append(i)
        for members in by_family.values():
            for a_pos, a in enumerate(members):
                for b in members[a_pos + 1:]:
                    if signatures[a].jaccard(signatures[b]) >= config.remix_threshold:
                        uf.union(a, b)
    return [uf.find(i) for i in range(n)], signatures


def remix_families(records: Sequence[Record]) -> list[str | None]:
    """Family per record: bundles joined through ancestor links; None outside any chain."""
    bundles = sorted({r.bundle for r in records} | {a for r in records for a in r.ancestors})
    index = {b: i for i, b in enumerate(bundles)}
    uf = _UnionFind(len(bundles))
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
