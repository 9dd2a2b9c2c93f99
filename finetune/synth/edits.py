"""Follow-up requests shared by many families: resize or scale one dimension, thicker or
thinner walls, bigger or smaller holes, more or fewer holes, put a value back.

Each helper returns an Edit with the new design values and, when the request implies a
direction, the spec's `grow` entry (ratio of the extent along one axis, last / first).
Whether the reply is a parameter patch or a whole program is decided later, from the two
programs (finetune/synth/patches.py).

Edit and Values live here, not in family.py, so that the family contract can offer
`resize` as its default follow-up without the two modules importing each other.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from finetune.synth.hardware import CLEARANCE, bigger_screw, smaller_screw
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
    part: str | None = None  # "plate" in "make the plate thicker"


Values = dict[str, Any]


@dataclass
class Edit:
    """A follow-up request and the design it leads to."""

    request: str
    values: Values
    grow: dict | None = None  # spec "grow" entry, when the request implies one
    # the dimension a resize changed (edits.Dimension): a later turn may put it back
    dim: Dimension | None = None
    family: str | None = None  # the kind of part the edit turns it into, when not the same


HEIGHT = Dimension("height", "z", "tall", "taller", "shorter", "height")
THICKNESS = Dimension("thickness", "z", "thick", "thicker", "thinner", "thickness")
PLATE_THICKNESS = Dimension("thickness", "z", "thick", "thicker", "thinner", "thickness",
                            "plate")
ORDINALS = ("zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
            "twelfth").split()
LENGTH = Dimension("length", "x", "long", "longer", "shorter", "length")
WIDTH = Dimension("width", "y", "wide", "wider", "narrower", "width")
# round parts lying flat (pulley, spool, ring) and parts standing up (standoff, hex prism)
WIDTH_Z = Dimension("width", "z", "wide", "wider", "narrower", "width")
LENGTH_Z = Dimension("length", "z", "long", "longer", "shorter", "length")


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
    """Change one dimension: relative ('taller'), doubled, halved, scaled by a percentage, or
    to an exact value (named by its axis or its parameter, sometimes).

    Relative changes are written as arithmetic on the old value (`height = 20 * 1.5;`), see
    scad.Expr; an exact value replaces any earlier arithmetic."""
    old = float(v[dim.key])
    was = literal(v[dim.key])  # the old value as the program wrote it, arithmetic included
    kind = w.rng.random()
    part = dim.part or "part"
    if kind < 0.25 and old * 1.5 <= hi:
        new = Expr(old * 1.5, f"{was} * 1.5")
        text = w.pick([f"make it {dim.more}", f"make it a bit {dim.more}", f"{dim.more} please",
                       f"can you make it {dim.more}?", f"increase the {dim.noun}",
                       f"Make it {dim.more}.", f"it should be {dim.more}",
                       f"a little {dim.more}", f"make the {dim.noun} bigger",
                       f"make the {part} {dim.more}", f"I'd like it {dim.more}"])
        # a vague request promises only a clear change
        grow = _grow(dim, 1.2)
    elif kind < 0.4 and old * 2 <= hi:
        new = Expr(old * 2, f"{was} * 2")
        text = w.pick([f"make it twice as {dim.adjective}", f"double the {dim.noun}",
                       f"twice as {dim.adjective} please", f"make it 2x {dim.more}",
                       f"Double the {dim.noun}.", f"can it be twice as {dim.adjective}?",
                       f"the {dim.noun} times two"])
        grow = _grow(dim, 2.0)
    elif kind < 0.5 and old * 0.5 >= lo:
        new = Expr(old * 0.5, f"{was} / 2")
        text = w.pick([f"make it half as {dim.adjective}", f"halve the {dim.noun}",
                       f"make it {dim.less}, half the {dim.noun}",
                       f"cut the {dim.noun} in half"])
        grow = _grow(dim, new / old)
    elif kind < 0.62 and (scaled := _scale(old, lo, hi, w)):
        factor, percent = scaled
        new = Expr(old * factor, f"{was} * {fmt(factor)}")
        text = _scale_text(dim, factor, percent, w)
        grow = _grow(dim, factor)
    else:
        choices = [x for x in range(math.ceil(lo), int(hi) + 1)
                   if abs(x - old) >= max(1, old * 0.15)]
        new = float(w.rng.choice(choices)) if choices else old * 1.5
        text = _exact_text(dim, new, w)
        grow = _grow(dim, new / old)
    out = dict(v)
    out[dim.key] = new
    return Edit(text, out, grow, dim=dim)


def _scale(old: float, lo: float, hi: float, w: Words) -> tuple[float, int] | None:
    """A factor like 1.25 or 0.8 (and its percentage) that keeps the value in range."""
    options = [(f, p) for f, p in ((1.1, 10), (1.2, 20), (1.25, 25), (1.5, 50), (0.9, -10),
                                   (0.8, -20), (0.75, -25)) if lo <= old * f <= hi]
    return w.rng.choice(options) if options else None


def _scale_text(dim: Dimension, factor: float, percent: int, w: Words) -> str:
    p = abs(percent)
    word = dim.more if percent > 0 else dim.less
    texts = [f"make it {p}% {word}", f"{p} percent {word} please",
             f"scale the {dim.noun} by {fmt(factor)}", f"{word} by {p}%"]
    if dim.axis:
        axis = dim.axis.upper()
        texts += [f"scale it by {fmt(factor)} in {axis}", f"scale {axis} by {fmt(factor)}",
                  f"stretch it {p}% along {axis}" if percent > 0 else
                  f"shrink it {p}% along {axis}"]
    return w.pick(texts)


def _exact_text(dim: Dimension, new: float, w: Words) -> str:
    n = w.mm(new)
    texts = [f"make it {n} {dim.adjective}", f"change the {dim.noun} to {n}",
             f"{dim.noun} {n}", f"set the {dim.noun} to {n}",
             f"I need it {n} {dim.adjective}", f"now make it {n} {dim.adjective}",
             f"can you make it {n} {dim.adjective} instead?",
             f"{dim.noun} should be {n}", f"make the {dim.noun} {n}",
             f"set {dim.key} to {fmt(new)}", f"{dim.key} = {fmt(new)}"]
    if dim.axis:
        axis = dim.axis.upper()
        texts += [f"make it {n} along {axis}", f"{axis} size {n}",
                  f"set the {axis} dimension to {n}", f"make it {n} in {axis}",
                  f"the {dim.noun} ({axis}) should be {n}", f"{n} in the {axis} direction"]
    if dim.part:
        texts += [f"make the {dim.part} {n} {dim.adjective}", f"a {n} {dim.part} instead"]
    return w.pick(texts)


def walls(v: Values, w: Words, key: str = "wall", noun: str = "walls", lo: float = 0.8,
          hi: float = 8.0) -> Edit | None:
    """Thicker or thinner walls (a floor, a base): relative as arithmetic, or exact."""
    old = float(v[key])
    was = literal(v[key])
    kind = w.rng.random()
    if kind < 0.3 and old + 1 <= hi:
        new: float = Expr(old + 1, f"{was} + 1")
        text = w.pick([f"thicker {noun}", f"make the {noun} thicker",
                       f"make the {noun} 1 mm thicker", f"beef up the {noun} a bit",
                       f"the {noun} {'are' if noun.endswith('s') else 'is'} too thin"])
    elif kind < 0.5 and old - 0.5 >= lo:
        new = Expr(old - 0.5, f"{was} - 0.5")
        text = w.pick([f"thinner {noun}", f"make the {noun} thinner",
                       f"make the {noun} half a millimetre thinner", f"slim down the {noun}"])
    else:
        options = [x for x in (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0)
                   if lo <= x <= hi and abs(x - old) >= 0.2]
        if not options:
            return None
        new = w.rng.choice(options)
        t = w.mm(new, cm=False)
        text = w.pick([f"{noun} {t}", f"make the {noun} {t} thick", f"{t} {noun} please",
                       f"change the {noun} to {t}", f"set {key} to {fmt(new)}",
                       f"I want {t} thick {noun}"])
    return Edit(text, dict(v, **{key: new}), None,
                dim=Dimension(key, None, "thick", "thicker", "thinner", noun))


def hole_count(v: Values, w: Words, key: str = "holes", noun: str = "hole",
               low: int = 1) -> Edit:
    """One, two more or one fewer hole (slot, ...), or an exact count: 'add a third hole'."""
    n = int(v[key])
    plural = noun + "s"
    kind = w.rng.random()
    if kind < 0.4 and n + 1 < len(ORDINALS):
        new = n + 1
        text = w.pick([f"add a {ORDINALS[new]} {noun}", f"add one more {noun}",
                       f"add another {noun}", f"one more {noun} please",
                       f"I need a {ORDINALS[new]} {noun}"])
    elif kind < 0.6:
        new = n + 2
        text = w.pick([f"add two more {plural}", f"add 2 more {plural}",
                       f"two extra {plural} please", f"put in another two {plural}"])
    elif kind < 0.8 and n - 1 >= low:
        new = n - 1
        text = w.pick([f"remove one {noun}", f"one {noun} fewer", f"drop a {noun}",
                       f"take away one of the {plural}", f"only {w.number(new)} {plural}"
                       if new > 1 else f"just one {noun}"])
    else:
        new = n + w.rng.choice([-2, 2, 3]) if n > 2 + low else n + w.rng.choice([2, 3])
        text = w.pick([f"make it {w.number(new)} {plural}", f"use {new} {plural}",
                       f"I want {w.number(new)} {plural} instead", f"set {key} to {new}",
                       f"{new} {plural} please"])
    return Edit(text, dict(v, **{key: new}), None)


def restore(v: Values, dim: Dimension, earlier: float, w: Words, *, original: bool,
            just_changed: bool) -> Edit:
    """Put a value an earlier turn changed back: 'back to 40 mm' (naming the dimension
    unless the previous turn changed it)."""
    value = float(earlier)
    n = w.mm(value, cm=False)
    texts = [f"put the {dim.noun} back to {n}", f"return the {dim.noun} to {n}",
             f"revert the {dim.noun} to {n}", f"{dim.noun} back to {n} please"]
    if just_changed:
        texts += [f"back to {n}", f"undo that, {n} again", f"hmm, {n} was better"]
    if original:
        texts += [f"actually, go back to the original {dim.noun}",
                  f"put the {dim.noun} back to what it was at first"]
    text = w.pick(texts)
    old = float(v[dim.key])
    return Edit(text, dict(v, **{dim.key: value}), _grow(dim, value / old) if old else None,
                dim=dim)


def bigger_holes(v: Values, w: Words, noun: str = "holes") -> Edit | None:
    """'make the holes bigger' (next screw up) or 'use M5 holes' / '6 mm holes'."""
    return _other_holes(
        v, w, bigger_screw,
        lambda new: [f"make the {noun} bigger", f"bigger {noun} please",
                     f"use {new} {noun} instead", f"change the {noun} to {new}",
                     f"make the {noun} fit {new} screws", f"{new} {noun} instead",
                     f"the {noun} should take {new} bolts"],
        (1, 1.5, 2),
        lambda d: [f"make the {noun} {fmt(d)} mm", f"enlarge the {noun} to {w.mm(d)}",
                   f"change the hole diameter to {w.mm(d)}",
                   f"{noun} should be {w.mm(d)} across", f"make the {noun} bigger, {w.mm(d)}"])


def smaller_holes(v: Values, w: Words, noun: str = "holes") -> Edit | None:
    """'smaller holes' (next screw down) or an exact smaller diameter."""
    return _other_holes(
        v, w, smaller_screw,
        lambda new: [f"make the {noun} smaller", f"smaller {noun} please",
                     f"use {new} {noun} instead", f"the {noun} should fit {new} screws",
                     f"switch the {noun} to {new}"],
        (-0.5, -1, -1.5),
        lambda d: [f"make the {noun} {fmt(d)} mm", f"shrink the {noun} to {w.mm(d)}",
                   f"{noun} a bit smaller, {w.mm(d)}", f"set hole_d to {fmt(d)}",
                   f"reduce the hole diameter to {w.mm(d)}"])


def _other_holes(v: Values, w: Words, next_screw: Callable[[str], str | None],
                 for_screw: Callable[[str], list[str]], steps: Sequence[float],
                 for_diameter: Callable[[float], list[str]]) -> Edit | None:
    """Holes for the screw size `next_screw` gives (half the time, where there is one) or an
    exact diameter one of `steps` away; None where that would be under 1.5 mm. The requests
    are worded only once the new size is drawn: the wording draws from `w` too."""
    screw = v.get("screw") and next_screw(v["screw"])
    out = dict(v)
    if screw and w.chance(0.5):
        out["screw"], out["hole_d"] = screw, CLEARANCE[screw]
        return Edit(w.pick(for_screw(screw)), out, None)
    new_d = round_half(float(v["hole_d"]) + w.rng.choice(steps))
    if new_d < 1.5:
        return None
    out["screw"], out["hole_d"] = None, new_d
    return Edit(w.pick(for_diameter(new_d)), out, None)


def singular(noun: str) -> str:
    return noun[:-1] if noun.endswith("s") else noun
