"""tools.dedup: the one dedup primitive (exact keys, MinHash near copies, families) that
scrape's dedup stage and finetune's split both use, on real OpenSCAD programs."""

from __future__ import annotations

import numpy as np
import pytest

from finetune.grouping import group_key, minhash_groups
from tools.dedup import (
    MinHashConfig,
    UnionFind,
    cluster,
    exact_clusters,
    shingle_hashes,
    tokens_hash,
)
from tools.scad_text import code_tokens

pytest.importorskip("datasketch")

PLATE = """// plate with four holes
width = 60; depth = 40; thickness = 4;
difference() {
    cube([width, depth, thickness]);
    for (x = [8, width - 8], y = [8, depth - 8])
        translate([x, y, -1]) cylinder(d = 3.4, h = thickness + 2, $fn = 24);
}
"""
RELAID = PLATE.replace("// plate with four holes", "/* the same */").replace("    ", "\t")
NEAR = PLATE.replace("d = 3.4", "d = 3.6")
OTHER = """module knob(d = 20) {
    difference() { cylinder(d = d, h = 12, $fn = 64); cylinder(d = 6, h = 30, center = true); }
    for (a = [0 : 30 : 330]) rotate(a) translate([d / 2, 0, 0]) sphere(r = 1.5, $fn = 12);
}
knob();
"""


def test_exact_keys_ignore_comments_and_layout_only() -> None:
    keys = [tokens_hash(code_tokens(p)) for p in (PLATE, RELAID, NEAR)]
    assert keys[0] == keys[1] != keys[2]
    assert exact_clusters(keys) == [0, 0, 2]


def test_shingles_of_short_and_empty_token_lists() -> None:
    assert len(shingle_hashes([])) == 0
    assert len(shingle_hashes(["a", "b"], size=5)) == 1  # shorter than a shingle: one
    assert len(shingle_hashes(list("abcabc"), size=3)) == 3  # abc, bca, cab
    assert shingle_hashes(list("abcd"), size=2).dtype == np.uint64


def test_near_copies_join_and_strangers_do_not() -> None:
    roots, signatures = cluster([code_tokens(p) for p in (PLATE, RELAID, NEAR, OTHER)])
    assert roots == [0, 0, 0, 3]
    assert signatures[1] is signatures[0]  # an exact copy shares its representative's
    strict = MinHashConfig(threshold=0.95)
    assert cluster([code_tokens(p) for p in (PLATE, NEAR)], strict)[0] == [0, 1]


def test_families_join_at_their_own_threshold() -> None:
    toks = [code_tokens(p) for p in (PLATE, OTHER)]
    assert cluster(toks, families=["f", "f"], family_threshold=0.0)[0] == [0, 0]
    assert cluster(toks, families=["f", "f"], family_threshold=0.9)[0] == [0, 1]
    assert cluster(toks, families=["f", None], family_threshold=0.0)[0] == [0, 1]


def test_union_find_roots_are_smallest_members() -> None:
    uf = UnionFind(5)
    uf.union(4, 2)
    uf.union(2, 3)
    assert [uf.find(i) for i in range(5)] == [0, 1, 2, 2, 2]


def test_finetune_groups_use_it_and_keep_strings_and_case() -> None:
    assert minhash_groups([PLATE, NEAR, OTHER]) == [0, 0, 2]

    def record(program: str) -> dict:
        return {"messages": [{"role": "user", "content": "a sign"},
                             {"role": "assistant", "content": program}]}

    sign = 'label = "EXIT";\ntext(label, size = 10);\n'
    assert group_key(record(sign)) == group_key(record("// sign\n" + sign.replace(" = ", "=")))
    # the old normaliser lowercased code and strings: two different signs were one group
    assert group_key(record(sign)) != group_key(record(sign.replace("EXIT", "exit")))
