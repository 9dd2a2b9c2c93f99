"""Duplicate programs: exact-hash clusters and MinHash near-duplicate clusters.

The one dedup primitive of the project: scrape (corpus dedup) and finetune (keeping near
copies on one side of the train/validation split) both cluster token lists with it. Items
are token lists (tools.scad_text.code_tokens), compared as sets of `shingle_size`-token
shingles; a MinHash LSH proposes candidate pairs and the estimated Jaccard similarity
confirms them. datasketch (the `scrape` extra) is imported only when near clusters are made.
"""

from __future__ import annotations

import hashlib
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tools.errors import require

_MASK = np.uint64(0xFFFFFFFF)
_MULT = np.uint64(0x01000193)  # FNV prime: an odd multiplier mixes the shingle's token hashes


@dataclass
class MinHashConfig:
    threshold: float = 0.7  # estimated Jaccard similarity that makes two items one cluster
    num_perm: int = 128
    shingle_size: int = 5
    seed: int = 1


class UnionFind:
    """Disjoint sets over 0..n-1; a set's root is its smallest member."""

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


def tokens_hash(toks: Sequence[str]) -> str:
    """The exact-duplicate key of a token list."""
    return hashlib.sha256(" ".join(toks).encode()).hexdigest()


def exact_clusters(keys: Sequence[str]) -> list[int]:
    """Cluster id (first index of the group) per item: the exact-hash baseline."""
    first: dict[str, int] = {}
    return [first.setdefault(k, i) for i, k in enumerate(keys)]


_token_hashes: dict[str, int] = {}  # crc32 per token, memoised: most tokens repeat a lot
_MAX_MEMO = 1_000_000


def shingle_hashes(toks: Sequence[str], size: int = 5) -> np.ndarray:
    """32-bit hashes of the distinct `size`-token shingles of a token list (a list shorter
    than `size` is one shingle)."""
    if not toks:
        return np.zeros(0, dtype=np.uint64)
    if len(_token_hashes) > _MAX_MEMO:
        _token_hashes.clear()
    for tok in set(toks).difference(_token_hashes):
        _token_hashes[tok] = zlib.crc32(tok.encode("utf-8", "surrogatepass"))
    arr = np.fromiter(map(_token_hashes.__getitem__, toks), dtype=np.uint64, count=len(toks))
    width = max(1, len(arr) - size + 1)
    acc = np.zeros(width, dtype=np.uint64)
    for j in range(min(size, len(arr))):
        acc = (acc * _MULT + arr[j : j + width]) & _MASK
    return np.unique(acc)


class MinHasher:
    """MinHash signatures sharing one set of permutations (made once, not per item)."""

    def __init__(self, config: MinHashConfig) -> None:
        self.ds = require("datasketch", "scrape")
        self.config = config
        self._template = self.ds.MinHash(num_perm=config.num_perm, seed=config.seed)

    def signature(self, toks: Sequence[str]) -> Any:
        mh = self.ds.MinHash(num_perm=self.config.num_perm, seed=self.config.seed,
                             hashfunc=int, permutations=self._template.permutations,
                             scheme=self._template.scheme)
        mh.update_batch(shingle_hashes(toks, self.config.shingle_size).tolist())
        return mh


def cluster(token_lists: Sequence[Sequence[str]], config: MinHashConfig | None = None, *,
            families: Sequence[str | None] | None = None, family_threshold: float = 0.0,
            progress: bool = False) -> tuple[list[int], list[Any]]:
    """Cluster root per item (exact copies, then near copies, then members of one family
    at least `family_threshold` alike), and each item's MinHash signature.

    families: a label per item (None: none) for items known to be related, e.g. remixes of
    one thing, which join at a lower similarity than strangers."""
    config = config or MinHashConfig()
    n = len(token_lists)
    uf = UnionFind(n)
    for i, root in enumerate(exact_clusters([tokens_hash(t) for t in token_lists])):
        uf.union(i, root)
    reps: Iterable[int] = [i for i in range(n) if uf.find(i) == i]
    hasher = MinHasher(config)
    signatures: list[Any] = [None] * n
    lsh = hasher.ds.MinHashLSH(threshold=config.threshold, num_perm=config.num_perm)
    if progress:
        reps = require("tqdm", "scrape").tqdm(reps, desc="dedup: minhash", unit="file")
    for i in reps:
        signatures[i] = hasher.signature(token_lists[i])
        for j in lsh.query(signatures[i]):
            if signatures[i].jaccard(signatures[j]) >= config.threshold:
                uf.union(i, j)
        lsh.insert(i, signatures[i])
    for i in range(n):  # exact copies share their representative's signature
        if signatures[i] is None:
            signatures[i] = signatures[uf.find(i)]
    by_family: dict[str, list[int]] = defaultdict(list)
    for i, family in enumerate(families or ()):
        if family is not None:
            by_family[family].append(i)
    for members in by_family.values():
        for a_pos, a in enumerate(members):
            for b in members[a_pos + 1:]:
                if signatures[a].jaccard(signatures[b]) >= family_threshold:
                    uf.union(a, b)
    return [uf.find(i) for i in range(n)], signatures
