"""The operations a machinist names, as pieces of one OpenSCAD program.

An operation contributes parameters, lines to add to the base solid or to cut from it, the
numbers it states, and how to say it: a noun phrase ("four M3 clearance holes, one in each
corner"), a line of a dimension list ("Holes: ..."), and an instruction ("Drill ...").
Operations sit on a base (bases.py) that tells them where its top face is (`top`, the name
of its height parameter) and whether it is centred on the origin (discs) or starts there.
Each one claims a footprint on the top face so that two of them never collide.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from finetune.synth.compose.numbers import Bore, Num, say, say_bore, say_round
from finetune.synth.scad import Param
from finetune.synth.words import NUMBER_WORDS, Words

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 on the top face


@dataclass(frozen=True)
class Frame:
    """What an operation needs to know about the base it sits on."""

    length: float  # x extent (a disc: its diameter)
    width: float  # y extent
    top: str  # name of the height parameter ("thickness", "height")
    height: float
    centred: bool  # a disc around the origin; a block starts at the origin
    noun: str  # what to call the base in an instruction ("the plate")

    def at(self, x: str, y: str) -> str:
        """A position written relative to the base (x, y are offsets from its centre)."""
        if self.centred:
            return f"[{x}, {y}, 0]"
        cx = "length / 2" if x == "0" else f"length / 2 + {x}"
        cy = "width / 2" if y == "0" else f"width / 2 + {y}"
        return f"[{cx}, {cy}, 0]"


@dataclass(frozen=True)
class HoleFact:
    d: float
    count: int
    axis: str
    what: str


class Op:
    label = "Feature"
    verbs: tuple[str, ...] = ("Add",)

    def params(self) -> list[Param]:
        return []

    def solid(self, f: Frame) -> list[str]:
        """Lines that add material to the base (a boss, a rib)."""
        return []

    def cut(self, f: Frame) -> list[str]:
        """Lines that take material away."""
        return []

    def footprint(self, f: Frame) -> list[Rect]:
        return []

    def fits(self, f: Frame) -> bool:
        return True

    def facts(self) -> list[float]:
        return []

    def holes(self) -> list[HoleFact]:
        return []

    def phrase(self, w: Words, f: Frame) -> str:
        raise NotImplementedError

    def item(self, w: Words, f: Frame) -> str:
        return f"{self.label}: {self.phrase(w, f)}"

    def step(self, w: Words, f: Frame) -> str:
        return f"{w.pick(self.verbs)} {self.phrase(w, f)}."


def count_word(w: Words, n: int, *, spell: bool = False) -> str:
    """'four' or '4'; spelled before another number ('four 3 mm holes', not '4 3 mm')."""
    return NUMBER_WORDS[n] if n < len(NUMBER_WORDS) and (spell or w.chance(0.6)) else str(n)


def _box(cx: float, cy: float, hx: float, hy: float) -> Rect:
    return (cx - hx, cy - hy, cx + hx, cy + hy)


@dataclass
class Holes(Op):
    """A pattern of holes along Z: corners, ends, centre, row, grid or bolt circle; through,
    blind, counterbored or countersunk."""

    place: str
    bore: Bore
    kind: str = "through"
    count: int = 1  # ends: 1 or 2; row: columns; circle: holes
    rows: int = 1
    inset: Num | None = None  # corners and ends: centre to edge
    pitch_x: Num | None = None
    pitch_y: Num | None = None
    pcd: Num | None = None  # bolt circle diameter
    depth: Num | None = None  # blind holes
    cb_d: Num | None = None
    cb_depth: Num | None = None
    csk_d: Num | None = None
    label = "Holes"
    verbs = ("Drill", "Drill", "Bore", "Make")

    @property
    def total(self) -> int:
        return {"corners": 4, "centre": 1, "grid": self.count * self.rows}.get(
            self.place, self.count)

    def params(self) -> list[Param]:
        ps = [Param("hole_d", self.bore.d.mm, f"{self.bore.screw} clearance"
                    if self.bore.screw else None)]
        if self.place in ("corners", "ends"):
            assert self.inset
            ps.append(Param("inset", self.inset.mm, "hole centre to the edge"))
        if self.place in ("row", "grid"):
            ps.append(Param("cols", self.count))
            assert self.pitch_x
            ps.append(Param("pitch_x", self.pitch_x.mm))
        if self.place == "grid":
            assert self.pitch_y
            ps += [Param("rows", self.rows), Param("pitch_y", self.pitch_y.mm)]
        if self.place == "circle":
            assert self.pcd
            ps += [Param("holes", self.count), Param("pcd", self.pcd.mm, "bolt circle")]
        if self.kind == "blind":
            assert self.depth
            ps.append(Param("hole_depth", self.depth.mm))
        if self.kind == "cbore":
            assert self.cb_d and self.cb_depth
            ps += [Param("cb_d", self.cb_d.mm, "counterbore"), Param("cb_depth", self.cb_depth.mm)]
        if self.kind == "csk":
            assert self.csk_d
            ps.append(Param("csk_d", self.csk_d.mm, "countersink, 90 degrees"))
        return ps

    def _placement(self, f: Frame) -> list[str]:
        """The loop and translate lines that put the local origin at each hole's centre."""
        if self.place == "corners":
            return ["for (x = [inset, length - inset], y = [inset, width - inset])",
                    "translate([x, y, 0])"]
        if self.place == "ends":
            if self.count == 1:
                return ["translate([inset, width / 2, 0])"]
            return ["for (x = [inset, length - inset])", "translate([x, width / 2, 0])"]
        if self.place == "centre":
            return [f"translate({f.at('0', '0')})"]
        if self.place == "row":
            return ["for (i = [-(cols - 1) / 2 : (cols - 1) / 2])",
                    f"translate({f.at('i * pitch_x', '0')})"]
        if self.place == "grid":
            return ["for (i = [-(cols - 1) / 2 : (cols - 1) / 2],"
                    " j = [-(rows - 1) / 2 : (rows - 1) / 2])",
                    f"translate({f.at('i * pitch_x', 'j * pitch_y')})"]
        centre = [] if f.centred else ["translate([length / 2, width / 2, 0])"]
        return centre + ["for (i = [0 : holes - 1])",
                         "rotate(90 + i * 360 / holes) translate([pcd / 2, 0, 0])"]

    def _cutters(self, top: str) -> list[str]:
        if self.kind == "blind":
            return [f"translate([0, 0, {top} - hole_depth]) cylinder(d = hole_d, h = hole_depth"
                    " + 1);"]
        through = f"translate([0, 0, -1]) cylinder(d = hole_d, h = {top} + 2);"
        if self.kind == "cbore":
            return [through, f"translate([0, 0, {top} - cb_depth]) cylinder(d = cb_d,"
                             " h = cb_depth + 1);"]
        if self.kind == "csk":
            return [through, f"translate([0, 0, {top} - (csk_d - hole_d) / 2])",
                    "    cylinder(d1 = hole_d, d2 = csk_d + 2, h = (csk_d - hole_d) / 2 + 1);"]
        return [through]

    def cut(self, f: Frame) -> list[str]:
        head = self._placement(f)
        out = ["    " * k + line for k, line in enumerate(head)]
        pad = "    " * len(head)
        cut = self._cutters(f.top)
        if len(cut) == 1:
            return out + [pad + cut[0]]
        out[-1] += " {"
        return out + [pad + c for c in cut] + ["    " * (len(head) - 1) + "}"]

    def centres(self, f: Frame) -> list[tuple[float, float]]:
        cx, cy = (0.0, 0.0) if f.centred else (f.length / 2, f.width / 2)
        if self.place == "corners":
            i = self.inset.mm  # type: ignore[union-attr]
            return [(x, y) for x in (i, f.length - i) for y in (i, f.width - i)]
        if self.place == "ends":
            i = self.inset.mm  # type: ignore[union-attr]
            return [(i, cy)] + ([(f.length - i, cy)] if self.count == 2 else [])
        if self.place in ("row", "grid"):
            px = self.pitch_x.mm  # type: ignore[union-attr]
            py = self.pitch_y.mm if self.pitch_y else 0.0
            return [(cx + (i - (self.count - 1) / 2) * px, cy + (j - (self.rows - 1) / 2) * py)
                    for i in range(self.count) for j in range(self.rows)]
        if self.place == "circle":
            r = self.pcd.mm / 2  # type: ignore[union-attr]
            return [(cx + r * math.cos(math.radians(90 + k * 360 / self.count)),
                     cy + r * math.sin(math.radians(90 + k * 360 / self.count)))
                    for k in range(self.count)]
        return [(cx, cy)]

    def outer_d(self) -> float:
        return max(self.bore.d.mm, self.cb_d.mm if self.cb_d else 0,
                   self.csk_d.mm if self.csk_d else 0)

    def footprint(self, f: Frame) -> list[Rect]:
        r = self.outer_d() / 2
        return [_box(x, y, r, r) for x, y in self.centres(f)]

    def fits(self, f: Frame) -> bool:
        depth = {"blind": self.depth, "cbore": self.cb_depth}.get(self.kind)
        if depth and depth.mm > f.height - 1.5:
            return False
        if self.kind == "csk" and self.csk_d and (self.csk_d.mm - self.bore.d.mm) / 2 > \
                f.height - 1.5:
            return False
        # neighbours keep a wall of 1.5 mm between them
        rects = self.footprint(f)
        return all(a[2] + 1.5 <= b[0] or b[2] + 1.5 <= a[0] or a[3] + 1.5 <= b[1]
                   or b[3] + 1.5 <= a[1] for k, a in enumerate(rects) for b in rects[k + 1:])

    def facts(self) -> list[float]:
        out = [self.bore.d.mm]
        for n in (self.inset, self.pitch_x, self.pitch_y, self.pcd, self.depth, self.cb_d,
                  self.cb_depth, self.csk_d):
            if n is not None:
                out.append(n.mm)
        return out

    def holes(self) -> list[HoleFact]:
        what = f"{self.bore.screw} clearance hole" if self.bore.screw else "hole"
        return [HoleFact(self.bore.d.mm, self.total, "z", what)]

    # --- words -------------------------------------------------------------------------
    def _kind_words(self, w: Words) -> str:
        if self.kind == "blind":
            return f", {say(w, self.depth)} deep (not through)"  # type: ignore[arg-type]
        if self.kind == "cbore":
            return (f", counterbored {say_round(w, self.cb_d)}"  # type: ignore[arg-type]
                    f" to {say(w, self.cb_depth)} deep")  # type: ignore[arg-type]
        if self.kind == "csk":
            return f", countersunk to {say_round(w, self.csk_d)} at 90°"  # type: ignore
        return w.pick(["", " all the way through", ", through"])

    def _where(self, w: Words, f: Frame) -> str:
        if self.place == "corners":
            i = say(w, self.inset)  # type: ignore[arg-type]
            return w.pick([f"one in each corner, {i} from both edges",
                           f"in the four corners, {i} in from each side",
                           f"at the corners, centred {i} from the edges"])
        if self.place == "ends":
            i = say(w, self.inset)  # type: ignore[arg-type]
            if self.count == 1:
                return w.pick([f"{i} from the left short side (X = 0), centred across the width",
                               f"centred in Y, {i} from the short end at X = 0"])
            return w.pick([f"{i} from each short side, centred across the width",
                           f"one near each end, {i} from the short edges, on the centre line"])
        if self.place == "centre":
            return w.pick(["in the centre", "at the middle of the part", "on the central axis"])
        if self.place == "row":
            p = say(w, self.pitch_x)  # type: ignore[arg-type]
            return w.pick([f"in a row along X, {p} apart, centred",
                           f"evenly spaced {p} apart along the length (X), on the centre line"])
        if self.place == "grid":
            px, py = say(w, self.pitch_x), say(w, self.pitch_y)  # type: ignore[arg-type]
            rows = count_word(w, self.rows)
            cols = count_word(w, self.count)
            return w.pick([f"in {rows} rows of {cols}, {px} apart in X and {py} apart in Y,"
                           " centred", f"as a grid of {rows} rows by {cols} columns, pitch "
                           f"{px} (X) and {py} (Y), centred on the part"])
        pcd = say_round(w, self.pcd)  # type: ignore[arg-type]
        return w.pick([f"equally spaced on a {pcd} bolt circle, the first at 12 o'clock",
                       f"on a {pcd} pitch circle, evenly spaced, one at 12 o'clock",
                       f"around a {pcd} circle, starting at 12 o'clock"])

    def phrase(self, w: Words, f: Frame) -> str:
        n = self.total
        size = say_bore(w, self.bore)
        counted = "a" if n == 1 else count_word(w, n, spell=size[0].isdigit())
        noun = "hole" if n == 1 else "holes"
        if self.place == "grid" and w.chance(0.5):
            counted, noun = "", "holes"
        head = f"{counted} {size} {noun}".strip()
        return f"{head} {self._where(w, f)}{self._kind_words(w)}"

    def item(self, w: Words, f: Frame) -> str:
        return f"{w.pick(['Holes', 'Mounting holes', 'Hole pattern'])}: {self.total} x " \
               f"{say_bore(w, self.bore)}, {self._where(w, f)}{self._kind_words(w)}"

    def step(self, w: Words, f: Frame) -> str:
        text = self.phrase(w, f)
        return f"{w.pick(self.verbs)} {text}{w.pick(['', f' in {f.noun}'])}."


@dataclass
class Pocket(Op):
    length: Num
    width: Num
    depth: Num
    label = "Pocket"
    verbs = ("Cut", "Mill", "Sink")

    def params(self) -> list[Param]:
        return [Param("pocket_l", self.length.mm), Param("pocket_w", self.width.mm),
                Param("pocket_depth", self.depth.mm)]

    def cut(self, f: Frame) -> list[str]:
        at = "[-pocket_l / 2, -pocket_w / 2" if f.centred else \
            "[(length - pocket_l) / 2, (width - pocket_w) / 2"
        return [f"translate({at}, {f.top} - pocket_depth])",
                "    cube([pocket_l, pocket_w, pocket_depth + 1]);"]

    def footprint(self, f: Frame) -> list[Rect]:
        c = (0.0, 0.0) if f.centred else (f.length / 2, f.width / 2)
        return [_box(*c, self.length.mm / 2, self.width.mm / 2)]

    def fits(self, f: Frame) -> bool:
        return self.depth.mm <= f.height - 1.5

    def facts(self) -> list[float]:
        return [self.length.mm, self.width.mm, self.depth.mm]

    def phrase(self, w: Words, f: Frame) -> str:
        size = f"{say(w, self.length)} x {say(w, self.width)}"
        return w.pick([f"a {size} rectangular pocket, {say(w, self.depth)} deep, centred in "
                       "the top face", f"a pocket {say(w, self.depth)} deep and {size}"
                       " (X by Y) in the middle of the top"])


@dataclass
class Slot(Op):
    length: Num
    width: Num
    label = "Slot"
    verbs = ("Cut", "Mill")

    def params(self) -> list[Param]:
        return [Param("slot_len", self.length.mm, "end to end"), Param("slot_w", self.width.mm)]

    def cut(self, f: Frame) -> list[str]:
        at = f.at("x * (slot_len - slot_w) / 2", "0")
        return [f"hull() for (x = [-1, 1]) translate({at})",
                f"    translate([0, 0, -1]) cylinder(d = slot_w, h = {f.top} + 2);"]

    def footprint(self, f: Frame) -> list[Rect]:
        c = (0.0, 0.0) if f.centred else (f.length / 2, f.width / 2)
        return [_box(*c, self.length.mm / 2, self.width.mm / 2)]

    def fits(self, f: Frame) -> bool:
        return self.length.mm >= self.width.mm + 2

    def facts(self) -> list[float]:
        return [self.length.mm, self.width.mm]

    def phrase(self, w: Words, f: Frame) -> str:
        L, W = say(w, self.length), say(w, self.width)
        return w.pick([f"a {L} long, {W} wide slot right through, along X, centred",
                       f"a through slot {W} wide and {L} long overall with round ends, "
                       "running along the length (X) in the middle",
                       f"a centred {W} slot, {L} end to end, along X"])


@dataclass
class Boss(Op):
    d: Num
    height: Num
    bore: Bore | None = None
    label = "Boss"
    verbs = ("Add", "Raise", "Put")

    def params(self) -> list[Param]:
        ps = [Param("boss_d", self.d.mm), Param("boss_h", self.height.mm, "above the top")]
        if self.bore:
            ps.append(Param("boss_hole", self.bore.d.mm))
        return ps

    def solid(self, f: Frame) -> list[str]:
        at = "[0, 0, " if f.centred else "[length / 2, width / 2, "
        return [f"translate({at}{f.top}]) cylinder(d = boss_d, h = boss_h);"]

    def cut(self, f: Frame) -> list[str]:
        if not self.bore:
            return []
        at = "[0, 0, -1]" if f.centred else "[length / 2, width / 2, -1]"
        return [f"translate({at}) cylinder(d = boss_hole, h = {f.top} + boss_h + 2);"]

    def footprint(self, f: Frame) -> list[Rect]:
        c = (0.0, 0.0) if f.centred else (f.length / 2, f.width / 2)
        return [_box(*c, self.d.mm / 2, self.d.mm / 2)]

    def fits(self, f: Frame) -> bool:
        return not self.bore or self.bore.d.mm <= self.d.mm - 4

    def facts(self) -> list[float]:
        return [self.d.mm, self.height.mm] + ([self.bore.d.mm] if self.bore else [])

    def holes(self) -> list[HoleFact]:
        return [HoleFact(self.bore.d.mm, 1, "z", "boss hole")] if self.bore else []

    def phrase(self, w: Words, f: Frame) -> str:
        d = say_round(w, self.d, pre=False)
        text = w.pick([f"a round boss {d}, {say(w, self.height)} tall, in the middle of the "
                       "top face", f"a {say(w, self.height)} high cylindrical"
                       f" boss ({say_round(w, self.d)}) centred on top"])
        if self.bore:
            text += f", with a {say_bore(w, self.bore)} hole through the boss and the base"
        return text


@dataclass
class Rib(Op):
    thickness: Num
    height: Num
    label = "Rib"
    verbs = ("Add", "Put", "Stand up")

    def params(self) -> list[Param]:
        return [Param("rib_t", self.thickness.mm), Param("rib_h", self.height.mm, "above the top")]

    def solid(self, f: Frame) -> list[str]:
        return [f"translate([0, (width - rib_t) / 2, {f.top}]) cube([length, rib_t, rib_h]);"]

    def footprint(self, f: Frame) -> list[Rect]:
        return [(0.0, (f.width - self.thickness.mm) / 2, f.length,
                 (f.width + self.thickness.mm) / 2)]

    def facts(self) -> list[float]:
        return [self.thickness.mm, self.height.mm]

    def phrase(self, w: Words, f: Frame) -> str:
        t, h = say(w, self.thickness), say(w, self.height)
        return w.pick([f"a stiffening rib {t} thick and {h} tall along the full length (X), "
                       "on the centre line of the top", f"a {t} wide rib standing {h} above "
                       "the top face, running end to end along X down the middle"])


@dataclass
class CrossHole(Op):
    bore: Bore
    label = "Cross hole"
    verbs = ("Drill", "Bore")

    def params(self) -> list[Param]:
        return [Param("cross_d", self.bore.d.mm, "along X")]

    def cut(self, f: Frame) -> list[str]:
        return [f"translate([-1, width / 2, {f.top} / 2]) rotate([0, 90, 0])",
                "    cylinder(d = cross_d, h = length + 2);"]

    def footprint(self, f: Frame) -> list[Rect]:
        r = self.bore.d.mm / 2
        return [(0.0, f.width / 2 - r, f.length, f.width / 2 + r)]

    def fits(self, f: Frame) -> bool:
        return self.bore.d.mm <= f.height - 3

    def facts(self) -> list[float]:
        return [self.bore.d.mm]

    def holes(self) -> list[HoleFact]:
        return [HoleFact(self.bore.d.mm, 1, "x", "cross hole")]

    def phrase(self, w: Words, f: Frame) -> str:
        d = say_bore(w, self.bore)
        return w.pick([f"a {d} hole through the part along X, end face to end face, at mid "
                       "height and centred in Y", f"a {d} cross hole running the full length"
                       " (X), in the middle of the end faces"])
