"""Dedup cost per 10,000 files: MinHash LSH near-dedup vs the exact-hash baseline.

Synthetic corpus: families of OpenSCAD programs (random CSG parts of 30-60 lines); each
family has its original, copies that differ only in comments/layout (exact duplicates),
copies with a few numbers edited (near duplicates) and the rest are unrelated originals.
Both methods run on the same files in the same process; the ratio is what to compare
across machines. Also printed: how many duplicates each method finds vs the truth.

    .venv/bin/python benchmarks/dedup.py [--files 10000] [--seed 0]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scrape.dedup import DedupConfig, cluster, exact_clusters  # noqa: E402
from scrape.text import code_tokens, normalised_hash  # noqa: E402

PRIMITIVES = [
    "cube([{a}, {b}, {c}]);", "sphere(r = {a}, $fn = {n});",
    "cylinder(h = {a}, r1 = {b}, r2 = {c}, $fn = {n});",
    "linear_extrude(height = {a}) circle(r = {b}, $fn = {n});",
    "rotate_extrude($fn = {n}) translate([{a}, 0]) square([{b}, {c}]);",
]
OPS = ["union", "difference", "intersection", "hull"]


def original(rng: random.Random) -> str:
    lines = [f"// part {rng.randrange(10**6)}: generated for the dedup benchmark",
             f"module part_{rng.randrange(10**6)}(s = {rng.randint(1, 9)}) {{"]
    for _ in range(rng.randint(6, 12)):
        lines.append(f"    {rng.choice(OPS)}() {{")
        for _ in range(rng.randint(2, 3)):
            prim = rng.choice(PRIMITIVES).format(a=rng.randint(1, 99), b=rng.randint(1, 99),
                                                 c=rng.randint(1, 99), n=rng.choice([16, 32, 64]))
            x, y, z = (rng.randint(-50, 50) for _ in range(3))
            lines.append(f"        translate([{x}, {y}, {z}]) rotate([0, 0, "
                         f"{rng.randint(0, 359)}]) {prim}")
        lines.append("    }")
    lines.append("}")
    lines.append("part();")
    return "\n".join(lines) + "\n"


def exact_copy(program: str, rng: random.Random) -> str:
    body = "\n".join(ln.replace("    ", "\t") for ln in program.split("\n")[1:])
    return f"// copy {rng.randrange(10**6)} -- reformatted\n" + body


def near_copy(program: str, rng: random.Random) -> str:
    lines = program.split("\n")
    for _ in range(2):  # two numbers edited, like a user resizing a part
        i = rng.randrange(2, len(lines) - 3)
        lines[i] = lines[i].replace(str(rng.randint(1, 9)), str(rng.randint(1, 9)), 1)
    return "\n".join(lines)


def corpus(n: int, seed: int) -> tuple[list[str], list[int]]:
    """Programs and their true family ids: 60% originals, 20% exact, 20% near copies."""
    rng = random.Random(seed)
    programs: list[str] = []
    family: list[int] = []
    originals: list[int] = []
    while len(programs) < n:
        roll = rng.random()
        if roll < 0.6 or not originals:
            originals.append(len(programs))
            family.append(len(programs))
            programs.append(original(rng))
        else:
            src = rng.choice(originals)
            make = exact_copy if roll < 0.8 else near_copy
            programs.append(make(programs[src], rng))
            family.append(src)
    return programs, family


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    programs, family = corpus(args.files, args.seed)
    import datasketch  # noqa: F401  (its import, ~1.5 s once per process, is not timed)

    true_dups = len(programs) - len(set(family))

    start = time.perf_counter()
    hashes = [normalised_hash(p) for p in programs]
    exact = exact_clusters(hashes)
    exact_s = time.perf_counter() - start

    start = time.perf_counter()
    roots, _ = cluster([code_tokens(p) for p in programs], None, DedupConfig())
    near_s = time.perf_counter() - start

    exact_found = len(programs) - len(set(exact))
    near_found = len(programs) - len(set(roots))
    wrong = sum(1 for i, r in enumerate(roots) if family[i] != family[r])
    per_10k = 10_000 / len(programs)
    print(f"files: {len(programs)}, true duplicates: {true_dups} "
          f"(exact copies + near copies)")
    print(f"exact-hash baseline: {exact_s * per_10k:7.2f} s per 10k files, "
          f"finds {exact_found} duplicates")
    print(f"MinHash LSH (exact + near): {near_s * per_10k:7.2f} s per 10k files, "
          f"finds {near_found} duplicates, {wrong} merged into a wrong family")
    print(f"ratio near/exact: {near_s / exact_s:.1f}x")


if __name__ == "__main__":
    main()
