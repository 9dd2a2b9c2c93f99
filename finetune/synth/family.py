"""The Family contract: sample a design, write its program, its spec and a description.

A design is a dict of values (numbers, counts, screw names). Values come in groups that a
description may leave unsaid; an unsaid group is reset to the family's defaults, so a prompt
without dimensions ("a hook with three M4 holes") still maps to one sensible, learnable part.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from random import Random
from typing import Any, ClassVar

from finetune.synth import scad
from finetune.synth.edits import Edit, Values, resize
from finetune.synth.words import Words

__all__ = ["Edit", "Family", "Part", "Shape", "Values", "spec_for", "step"]


@dataclass(frozen=True)
class Shape:
    """What the part should measure, computed from the design (not from a compile)."""

    extents: tuple[float, float, float]  # nominal x, y, z in mm
    genus: int
    bodies: int = 1
    volume: float | None = None  # None where a closed form would be guesswork
    volume_tol: float = 0.04  # relative
    # explicit [lo, hi] per axis where the extent is not one number (gear tips, clip gaps)
    ranges: tuple[tuple[float, float], tuple[float, float], tuple[float, float]] | None = None

    @classmethod
    def upright(cls, across: float, height: float, **kw: Any) -> Shape:
        """A part as wide as it is deep (round, hexagonal or square in plan): `across` along
        x and y, `height` along z."""
        return cls((across, across, height), **kw)


@dataclass
class Part:
    family: str
    values: Values
    prompt: str
    program: str
    spec: dict
    said: frozenset[str] = field(default_factory=frozenset)


def size_tolerance(extent: float) -> float:
    return max(0.4, round(0.015 * extent, 2))


def spec_for(shape: Shape, *, xyz: bool = False) -> dict:
    """Eval-format spec (see shared/evals/README.md) for a shape."""
    spec: dict[str, Any] = {"watertight": True, "bodies": shape.bodies, "genus": shape.genus}
    if shape.ranges:
        ranges = [[round(lo, 2), round(hi, 2)] for lo, hi in shape.ranges]
    else:
        ranges = [[round(e - size_tolerance(e), 2), round(e + size_tolerance(e), 2)]
                  for e in shape.extents]
    if xyz:
        spec["size_xyz"] = ranges
    else:
        spec["size"] = merge_overlaps(sorted(ranges, key=lambda r: -(r[0] + r[1])))
    if shape.volume is not None:
        v, t = shape.volume, shape.volume_tol
        spec["volume"] = [round(v * (1 - t), 1), round(v * (1 + t), 1)]
    return spec


def merge_overlaps(ranges: list[list[float]]) -> list[list[float]]:
    """Overlapping ranges become their union.

    A sorted size check pairs the largest extent with the range of the largest midpoint; a
    30 mm tall knob 30 mm across (x in 27-31, z in 29.7-30.3) could then be paired wrongly.
    Equal ranges for dimensions that may swap places make the pairing irrelevant."""
    out = [list(r) for r in ranges]
    changed = True
    while changed:
        changed = False
        for i in range(len(out)):
            for j in range(i + 1, len(out)):
                a, b = out[i], out[j]
                if a != b and a[0] <= b[1] and b[0] <= a[1]:
                    union = [min(a[0], b[0]), max(a[1], b[1])]
                    out[i], out[j] = union, list(union)
                    changed = True
    return out


def step(rng: Random, lo: float, hi: float, by: float = 1.0) -> float:
    """A value from lo..hi on a grid of `by` (people ask for round numbers)."""
    n = max(0, int(round((hi - lo) / by)))  # an empty range gives lo; valid() judges it
    value = lo + by * rng.randint(0, n)
    return round(value, 3)


class Family:
    """Base class; subclasses fill in the class attributes and the five methods."""

    name: ClassVar[str]
    title: ClassVar[str]
    fn: ClassVar[int | None] = 48
    # group -> (value keys, probability that a description leaves the group unsaid)
    groups: ClassVar[dict[str, tuple[tuple[str, ...], float]]] = {}
    # families whose orientation is fixed can give size_xyz in edit specs
    fixed_orientation: ClassVar[bool] = True
    # (dimension, lowest, highest) the default edits() may resize
    resizable: ClassVar[tuple[tuple[Any, float, float], ...]] = ()

    def defaults(self) -> Values:
        raise NotImplementedError

    def sample(self, rng: Random) -> Values:
        raise NotImplementedError

    def valid(self, v: Values) -> bool:
        return True

    def complete(self, v: Values, said: frozenset[str]) -> Values:
        """Fill values whose sensible default depends on other values (e.g. a washer's outer
        diameter from its screw) when the description leaves them unsaid."""
        return v

    def params(self, v: Values) -> list[scad.Param]:
        raise NotImplementedError

    def body(self, v: Values) -> str:
        raise NotImplementedError

    def shape(self, v: Values) -> Shape:
        raise NotImplementedError

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        raise NotImplementedError

    def edits(self, v: Values, w: Words) -> Sequence[Edit]:
        """Follow-ups that make sense for this design (may be empty)."""
        return [resize(v, dim, w, lo, hi) for dim, lo, hi in self.resizable]

    def valid_edits(self, *candidates: Edit | None) -> list[Edit]:
        """The candidate follow-ups that apply (not None) and give a valid design."""
        return [e for e in candidates if e is not None and self.valid(e.values)]

    # --- shared machinery ----------------------------------------------------------------
    def program(self, v: Values) -> str:
        body = self.body(v)
        # $fn only where something is round: a plain cube needs no facet count
        round_ = any(k in body for k in ("cylinder", "sphere", "circle", "rotate_extrude"))
        return scad.render(self.title, self.params(v), body, self.fn if round_ else None)

    def spec(self, v: Values, *, xyz: bool = False) -> dict:
        return spec_for(self.shape(v), xyz=xyz and self.fixed_orientation)

    def design(self, rng: Random) -> tuple[Values, frozenset[str]]:
        """Sample values and which groups the description states (the rest are defaults)."""
        for _ in range(200):
            v = self.sample(rng)
            said = frozenset(g for g, (_, p_omit) in self.groups.items() if rng.random() >= p_omit)
            base = self.defaults()
            for group, (keys, _) in self.groups.items():
                if group not in said:
                    for key in keys:
                        v[key] = base[key]
            v = self.complete(v, said)
            if self.valid(v):
                return v, said
        raise RuntimeError(f"{self.name}: could not sample a valid design")

    def part(self, rng: Random) -> Part:
        v, said = self.design(rng)
        prompt = self.describe(v, said, Words(rng))
        return Part(self.name, v, prompt, self.program(v), self.spec(v), said)
