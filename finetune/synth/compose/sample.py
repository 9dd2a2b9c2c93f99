"""Draw a random composition: a base, then operations that fit on it.

Sizes are drawn first, features within what is left; a draw that does not fit (a pattern
wider than its plate, two features on top of each other) is thrown away and drawn again.
Mounting holes go where a maker expects them: the corners of a plate, most often.
"""

from __future__ import annotations

import math
from random import Random

from finetune.synth.compose import numbers
from finetune.synth.compose.bases import Base, BoxBase, DiscBase
from finetune.synth.compose.numbers import Num
from finetune.synth.compose.ops import Boss, CrossHole, Holes, Op, Pocket, Rib, Slot
from finetune.synth.compose.part import Composition
from finetune.synth.compose.solids import LoftBase, ProfileBase, RevolveBase, ShellBase, TorusBase

# base kind -> (weight, nouns, purposes)
NAMES: dict[str, tuple[float, tuple[str, ...], tuple[str, ...]]] = {
    "plate": (0.34, ("mounting plate", "base plate", "adapter plate", "cover plate",
                     "motor mount plate", "sensor plate", "clamp plate", "fixture plate",
                     "plate"),
              ("used to fix a small motor to a frame", "for holding a circuit board",
               "used for workholding on a drill press", "that bolts a sensor to a rail",
               "used as a clamp for workholding", "to join two wooden battens",
               "for mounting a camera", "used to cover an opening in a panel")),
    "block": (0.12, ("mounting block", "clamp block", "bearing block", "jig block",
                     "spacer block", "fixture block", "block"),
              ("used as a clamp for workholding", "that carries a shaft",
               "used as a drill guide", "for holding a linear rod",
               "used to space two panels apart")),
    "disc": (0.18, ("flange", "round flange", "disc", "hub", "end plate", "bearing cap",
                    "round base"),
             ("used to fix a shaft to a panel", "for closing the end of a tube",
              "that centres a bearing", "used as a turntable base", "for a lamp base")),
    "shell": (0.08, ("tray", "box", "bin", "container", "cup", "pot"),
              ("for small screws and parts", "used as a desk tidy", "to keep pens in",
               "for storing drill bits")),
    "profile": (0.1, ("angle", "L profile", "U channel", "channel", "T profile", "T section"),
                ("used as an edge protector", "for routing cables along a desk",
                 "used as a shelf support", "for stiffening a panel")),
    "revolve": (0.1, ("flanged bushing", "flanged sleeve", "top-hat bushing", "stepped shaft",
                      "stepped pin"),
                ("used as a bearing sleeve", "for a wheel axle",
                 "that guides a rod through a panel")),
    "torus": (0.04, ("torus", "ring", "donut", "curved rod", "bent rod", "arc"),
              ("used as a handle", "for a decorative ring", "used as a guard rail")),
    "loft": (0.04, ("transition piece", "square-to-round adapter", "lofted foot", "loft"),
             ("used as a duct transition", "for a lamp base", "used as a foot")),
}


class NoFit(Exception):
    """This draw cannot be made; draw again."""


def _len(rng: Random, lo: float, hi: float, *, fine: bool = True) -> Num:
    if hi < math.ceil(lo):
        raise NoFit
    return numbers.length(rng, lo, hi, fine=fine)


def _pick(rng: Random, options: tuple[float, ...], hi: float) -> Num:
    fit = [x for x in options if x <= hi]
    if not fit:
        raise NoFit
    return Num(float(rng.choice(fit)))


def _holes(rng: Random, base: Base, place: str, height: float, span: tuple[float, float],
           ) -> Holes:
    """A hole pattern of one placement; `span` is the free length and width around it."""
    bore = numbers.bore(rng)
    d = bore.d.mm
    kind = rng.choices(["through", "cbore", "csk", "blind"], [0.55, 0.15, 0.15, 0.15])[0]
    h = Holes(place, bore, kind)
    if kind == "cbore":
        h.cb_d = Num(math.ceil(d * 1.8 * 2) / 2)
        h.cb_depth = _pick(rng, (1.5, 2, 2.5, 3, 4, 5), height - 1.5)
    elif kind == "csk":
        h.csk_d = Num(math.ceil(d * 2 * 2) / 2)
    elif kind == "blind":
        h.depth = _len(rng, 2, height - 1.5)
    outer = h.outer_d()
    L, W = span
    if place in ("corners", "ends"):
        h.inset = _len(rng, outer / 2 + 2, min(L, W) / 4)
        h.count = 4 if place == "corners" else rng.choice([1, 2])
    elif place == "row":
        h.count = rng.randint(2, 6)
        h.pitch_x = _len(rng, outer + 2, (L - outer - 4) / (h.count - 1), fine=False)
    elif place == "grid":
        h.count, h.rows = rng.randint(2, 4), rng.randint(2, 3)
        h.pitch_x = _len(rng, outer + 2, (L - outer - 4) / (h.count - 1), fine=False)
        h.pitch_y = _len(rng, outer + 2, (W - outer - 4) / (h.rows - 1), fine=False)
    elif place == "circle":
        h.count = rng.randint(3, 8)
        inner = getattr(base, "bore", None)
        lo = (inner.d.mm if inner else outer) + outer + 3
        h.pcd = _len(rng, lo, min(L, W) - outer - 3, fine=False)
    return h


def _feature(rng: Random, block: bool, L: float, W: float, H: float) -> Op:
    kind = rng.choice(["pocket", "slot", "boss", "rib"] + (["cross"] * 2 if block else []))
    if kind == "pocket":
        return Pocket(_len(rng, 6, L * 0.6), _len(rng, 5, W * 0.6), _len(rng, 1, H - 1.5))
    if kind == "slot":
        width = _len(rng, 3, min(12, W / 3))
        return Slot(_len(rng, width.mm + 4, L * 0.6), width)
    if kind == "boss":
        d = _len(rng, 8, min(L, W) * 0.5)
        bore = numbers.bore(rng) if rng.random() < 0.6 else None
        return Boss(d, _len(rng, 2, 25), bore)
    if kind == "rib":
        return Rib(_len(rng, 1.5, min(6, W / 4)), _len(rng, 3, 30))
    return CrossHole(numbers.bore(rng, lo=3, hi=min(12, H - 3)))


def box(rng: Random, noun: str, block: bool) -> tuple[Base, list[Op]]:
    L = _len(rng, 30, 150)
    W = _len(rng, 20, min(L.mm, 100))
    H = _len(rng, 12, 40) if block else _len(rng, 3, 12)
    roll = rng.random()
    corner, size = ("square", None)
    if roll > 0.8:
        corner, size = "chamfer", _len(rng, 1, min(L.mm, W.mm) / 6)
    elif roll > 0.5:
        corner, size = "fillet", _len(rng, 1.5, min(L.mm, W.mm) / 4)
    base = BoxBase(noun, L, W, H, "height" if block else "thickness", corner, size)
    ops: list[Op] = []
    if rng.random() < 0.85:
        place = rng.choices(["corners", "ends", "centre", "row", "grid", "circle"],
                            [0.4, 0.12, 0.08, 0.12, 0.16, 0.12])[0]
        holes = _holes(rng, base, place, H.mm, (L.mm, W.mm))
        if place == "corners" and size and holes.inset.mm - holes.outer_d() / 2 < \
                size.mm * 0.3 + 1.2:  # type: ignore[union-attr]
            raise NoFit  # the hole would break into the rounded or cut corner
        ops.append(holes)
    if rng.random() < 0.55:
        ops.append(_feature(rng, block, L.mm, W.mm, H.mm))
    return base, ops


def disc(rng: Random, noun: str) -> tuple[Base, list[Op]]:
    D = _len(rng, 20, 120)
    H = _len(rng, 3, 20)
    chamfer = _pick(rng, (0.5, 1, 1.5, 2), H.mm / 3) if rng.random() < 0.3 else None
    bore = None
    if rng.random() < 0.6:
        bore = numbers.bore(rng, ("M5", "M6", "M8"), lo=3, hi=D.mm / 3)
    base = DiscBase(noun, D, H, "thickness", chamfer, bore)
    ops: list[Op] = []
    if rng.random() < 0.85:
        ops.append(_holes(rng, base, "circle", H.mm, (D.mm, D.mm)))
    if not bore and rng.random() < 0.35:
        d = _len(rng, 6, D.mm * 0.4)
        ops.append(Boss(d, _len(rng, 2, 20), numbers.bore(rng) if rng.random() < 0.5 else None))
    return base, ops


def shell(rng: Random, noun: str) -> Base:
    round_ = noun in ("cup", "pot") or rng.random() < 0.2
    L = _len(rng, 20, 90) if round_ else _len(rng, 30, 150)
    W = L if round_ else _len(rng, 20, L.mm)
    wall = _pick(rng, (1.2, 1.5, 2, 2.5, 3), min(L.mm, W.mm) / 6)
    return ShellBase(noun, round_, L, W, _len(rng, 15, 80), wall,
                     _pick(rng, (1, 1.5, 2, 3), 3))


def profile(rng: Random, noun: str) -> Base:
    shape = "L" if noun in ("angle", "L profile") else "U" if "channel" in noun else "T"
    length = _len(rng, 30, 200)
    if shape == "L":
        a, b = _len(rng, 15, 60), _len(rng, 15, 60)
        t = _len(rng, 2, min(a.mm, b.mm) / 3)
        free = a.mm - t.mm - 3
    elif shape == "U":
        a, b = _len(rng, 15, 60), _len(rng, 10, 50)
        t = _len(rng, 1.5, min(a.mm / 4, b.mm / 3))
        free = a.mm - 2 * t.mm - 3
    else:
        a, b = _len(rng, 20, 60), _len(rng, 15, 60)
        t = _len(rng, 2, min(a.mm, b.mm) / 3)
        free = 0
    base = ProfileBase(noun, shape, length, a, b, t)
    if free > 2 and rng.random() < 0.6:
        base.bore = numbers.bore(rng, ("M3", "M4", "M5"), lo=2, hi=free)
        if base.bore.d.mm > free:
            raise NoFit
        base.hole_count = rng.randint(1, 5)
        if base.hole_count > 1:
            d = base.bore.d.mm
            base.pitch = _len(rng, d + 4, (length.mm - d - 8) / (base.hole_count - 1),
                              fine=False)
    return base


def revolve(rng: Random, noun: str) -> Base:
    d1 = _len(rng, 15, 80)
    d2 = _len(rng, 8, d1.mm - 4)
    bore = None if "shaft" in noun or "pin" in noun else _len(rng, 2, d2.mm - 4)
    angle = 360 if rng.random() < 0.8 else rng.choice([90, 180, 270])
    return RevolveBase(noun, d1, _len(rng, 2, 10), d2, _len(rng, 5, 50), bore, angle)


def torus(rng: Random, noun: str) -> Base:
    tube = _len(rng, 3, 20)
    angle = 360 if noun in ("torus", "ring", "donut") else rng.choice([90, 120, 180, 270])
    return TorusBase(noun, _len(rng, tube.mm * 2 + 4, 120), tube, angle)


def loft(rng: Random, noun: str) -> Base:
    bl = _len(rng, 20, 100)
    bw = _len(rng, 20, bl.mm)
    top = _len(rng, 8, min(bl.mm, bw.mm) * 1.2)
    bore = None
    if rng.random() < 0.4:
        bore = numbers.bore(rng, lo=3, hi=min(top.mm, bw.mm) - 4)
    return LoftBase(noun, bl, bw, top, _len(rng, 10, 80), bore)


def sample(rng: Random) -> Composition:
    """A composition that fits; deterministic in the Random's state."""
    kinds = list(NAMES)
    for _ in range(500):
        kind = rng.choices(kinds, [NAMES[k][0] for k in kinds])[0]
        _, nouns, purposes = NAMES[kind]
        noun = rng.choice(nouns)
        try:
            ops: list[Op] = []
            if kind in ("plate", "block"):
                base, ops = box(rng, noun, kind == "block")
            elif kind == "disc":
                base, ops = disc(rng, noun)
            else:
                base = {"shell": shell, "profile": profile, "revolve": revolve,
                        "torus": torus, "loft": loft}[kind](rng, noun)
        except NoFit:
            continue
        purpose = rng.choice(purposes) if rng.random() < 0.6 else None
        part = Composition(noun[0].upper() + noun[1:], noun, base, ops, purpose)
        if part.fits():
            return part
    raise RuntimeError("compose: could not draw a part that fits")
