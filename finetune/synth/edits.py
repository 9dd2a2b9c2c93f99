"""Follow-up requests shared by many families: resize one dimension, change the holes.

Each helper returns an Edit with the new design values and, when the request implies a
direction, the spec's `grow` entry (ratio of the extent along one axis, last / first).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from finetune.synth.family import Edit, Values
from finetune.synth.hardware import CLEARANCE, bigger_screw
from finetune.synth.scad import Expr, literal
from finetune.synth.words import Words, fmt


@dataclass(frozen=True)
class Dimension:
    """How people talk about one dimension of a part."""

    key: str  # value key in the design
    axis: str | None  # "x" | "y" | "z" when the value IS the extent along that axis
    adjective: str  # "tall"
    more: str  # "taller"
    less: str  # "shorter"
    noun: str  # "height"


HEIGHT = Dimension("height", "z", "tall", "taller", "shorter", "height")
THICKNESS = Dimension("thickness", "z", "thick", "thicker", "thinner", "thickness")
LENGTH = Dimension("length", "x", "long", "longer", "shorter", "length")
WIDTH = Dimension("width", "y", "wide", "wider", "narrower", "width")


def round_half(value: float) -> float:
    return round(value * 2) / 2


def _grow(dim: Dimension, ratio: float) -> dict | None:
    if dim.axis is None:
        return None
    if ratio >= 1:
        return {"axis": dim.axis, "min_ratio": round(ratio * 0.97 if ratio < 1.3 else
                                                   min(ratio * 0.9, 1.8), 2)}
    return {"axis": dim.axis, "max_ratio": round(ratio * 1.03 if ratio > 0.7 else
                                               max(ratio * 1.1, 0.55), 2)}


def resize(v: Values, dim: Dimension, w: Words, lo: float, hi: float) -> Edit:
    """Change one dimension: relative ('taller'), doubled, halved, or to an exact value.

    Relative changes are written as arithmetic on the old value (`height = 20 * 1.5;`), see
    scad.Expr; an exact value replaces any earlier arithmetic."""
    old = float(v[dim.key])
    was = literal(v[dim.key])  # the old value as the program wrote it, arithmetic included
    kind = w.rng.random()
    if kind < 0.3 and old * 1.5 <= hi:
        new = Expr(old * 1.5, f"{was} * 1.5")
        text = w.pick([f"make it {dim.more}", f"make it a bit {dim.more}", f"{dim.more} please",
                       f"can you make it {dim.more}?", f"increase the {dim.noun}",
                       f"Make it {dim.more}.", f"it should be {dim.more}",
                       f"a little {dim.more}", f"make the {dim.noun} bigger"])
        # a vague request promises only a clear change
        grow = _grow(dim, 1.2)
    elif kind < 0.5 and old * 2 <= hi:
        new = Expr(old * 2, f"{was} * 2")
        text = w.pick([f"make it twice as {dim.adjective}", f"double the {dim.noun}",
                       f"twice as {dim.adjective} please", f"make it 2x {dim.more}",
                       f"Double the {dim.noun}.", f"can it be twice as {dim.adjective}?"])
        grow = _grow(dim, 2.0)
    elif kind < 0.6 and old * 0.5 >= lo:
        new = Expr(old * 0.5, f"{was} / 2")
        text = w.pick([f"make it half as {dim.adjective}", f"halve the {dim.noun}",
                       f"make it {dim.less}, half the {dim.noun}",
                       f"cut the {dim.noun} in half"])
        grow = _grow(dim, new / old)
    else:
        choices = [x for x in range(math.ceil(lo), int(hi) + 1)
                   if abs(x - old) >= max(1, old * 0.15)]
        new = float(w.rng.choice(choices)) if choices else old * 1.5
        n = w.mm(new)
        text = w.pick([f"make it {n} {dim.adjective}", f"change the {dim.noun} to {n}",
                       f"{dim.noun} {n}", f"set the {dim.noun} to {n}",
                       f"I need it {n} {dim.adjective}", f"now make it {n} {dim.adjective}",
                       f"can you make it {n} {dim.adjective} instead?",
                       f"{dim.noun} should be {n}", f"make the {dim.noun} {n}"])
        grow = _grow(dim, new / old)
    out = dict(v)
    out[dim.key] = new
    return Edit(text, out, grow)


def bigger_holes(v: Values, w: Words, noun: str = "holes") -> Edit | None:
    """'make the holes bigger' (next screw up) or 'use M5 holes' / '6 mm holes'."""
    screw = v.get("screw")
    out = dict(v)
    if screw and bigger_screw(screw) and w.chance(0.5):
        new = bigger_screw(screw)
        assert new is not None
        out["screw"] = new
        out["hole_d"] = CLEARANCE[new]
        text = w.pick([f"make the {noun} bigger", f"bigger {noun} please",
                       f"use {new} {noun} instead", f"change the {noun} to {new}",
                       f"make the {noun} fit {new} screws", f"{new} {noun} instead",
                       f"the {noun} should take {new} bolts"])
        return Edit(text, out, None)
    new_d = round_half(float(v["hole_d"]) + w.rng.choice([1, 1.5, 2]))
    out["screw"] = None
    out["hole_d"] = new_d
    text = w.pick([f"make the {noun} {fmt(new_d)} mm", f"enlarge the {noun} to {w.mm(new_d)}",
                   f"change the hole diameter to {w.mm(new_d)}",
                   f"{noun} should be {w.mm(new_d)} across", f"make the {noun} bigger, "
                   f"{w.mm(new_d)}"])
    return Edit(text, out, None)


def singular(noun: str) -> str:
    return noun[:-1] if noun.endswith("s") else noun
