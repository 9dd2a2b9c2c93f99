"""The base solid a part starts from, and the bases that carry operations: a plate or block
and a disc. The others (shell, profile, revolve, torus, loft) are in solids.py.

A base writes its own parameters and geometry, the frame its operations sit on (ops.Frame),
and how it is said: the head of a sentence ("a 60 x 40 x 5 mm mounting plate"), extra
phrases for what it carries itself (rounded corners, a centre bore), lines of a dimension
list, and the first instructions of a step-by-step description.
"""

from __future__ import annotations

from dataclasses import dataclass

from finetune.synth.compose.numbers import Bore, Num, say, say_bore, say_round
from finetune.synth.compose.ops import Frame, HoleFact, Rect
from finetune.synth.scad import Param
from finetune.synth.words import Words


class Base:
    kind = "base"
    noun: str
    takes_ops = False  # plates, blocks and discs carry holes, pockets, bosses ...

    def frame(self) -> Frame:
        return Frame(0, 0, "height", 0, True, f"the {self.noun}")

    def params(self) -> list[Param]:
        raise NotImplementedError

    def solid(self) -> list[str]:
        raise NotImplementedError

    def cut(self) -> list[str]:
        return []

    def occupied(self) -> list[Rect]:
        """Places on the top face its own cuts take (a disc's centre bore)."""
        return []

    def inside(self, rect: Rect) -> bool:
        return True

    def facts(self) -> list[float]:
        raise NotImplementedError

    def holes(self) -> list[HoleFact]:
        return []

    def head(self, w: Words) -> str:
        raise NotImplementedError

    def extras(self, w: Words) -> list[str]:
        return []

    def items(self, w: Words) -> list[str]:
        raise NotImplementedError

    def steps(self, w: Words) -> list[str]:
        raise NotImplementedError


def dims(w: Words, *values: Num) -> str:
    """'60 x 40 x 5 mm' when all are millimetres (sometimes), else each with its unit."""
    if all(v.unit == "mm" for v in values) and w.chance(0.6):
        return w.dims([v.mm for v in values])
    return w.pick([" x ", " by ", " × "]).join(say(w, v) for v in values)


@dataclass
class BoxBase(Base):
    """A plate (its height is a thickness) or a block, corner at the origin."""

    noun: str
    length: Num
    width: Num
    height: Num
    top: str = "thickness"
    corner: str = "square"  # "fillet" | "chamfer"
    corner_size: Num | None = None
    kind = "box"
    takes_ops = True

    def frame(self) -> Frame:
        return Frame(self.length.mm, self.width.mm, self.top, self.height.mm, False,
                     f"the {self.noun}")

    def params(self) -> list[Param]:
        ps = [Param("length", self.length.mm), Param("width", self.width.mm),
              Param(self.top, self.height.mm)]
        if self.corner_size:
            name = "corner_r" if self.corner == "fillet" else "chamfer"
            ps.append(Param(name, self.corner_size.mm, "vertical edges"))
        return ps

    def solid(self) -> list[str]:
        if self.corner == "fillet":
            return [f"linear_extrude(height = {self.top})",
                    "    offset(r = corner_r) offset(delta = -corner_r) square([length, width]);"]
        if self.corner == "chamfer":
            return [f"linear_extrude(height = {self.top}) polygon([",
                    "    [chamfer, 0], [length - chamfer, 0], [length, chamfer],"
                    " [length, width - chamfer],",
                    "    [length - chamfer, width], [chamfer, width], [0, width - chamfer],"
                    " [0, chamfer]]);"]
        return [f"cube([length, width, {self.top}]);"]

    def inside(self, rect: Rect) -> bool:
        m = 1.2
        return (rect[0] >= m and rect[1] >= m and rect[2] <= self.length.mm - m
                and rect[3] <= self.width.mm - m)

    def facts(self) -> list[float]:
        return [self.length.mm, self.width.mm, self.height.mm] + (
            [self.corner_size.mm] if self.corner_size else [])

    def _thick(self) -> str:
        return "thick" if self.top == "thickness" else "tall"

    def head(self, w: Words) -> str:
        L, W, H = self.length, self.width, self.height
        return w.pick([f"a {dims(w, L, W, H)} {self.noun}",
                       f"a {self.noun} {say(w, L)} long, {say(w, W)} wide and {say(w, H)} "
                       f"{self._thick()}",
                       f"a {self.noun} measuring {dims(w, L, W)}, {say(w, H)} {self._thick()}"])

    def extras(self, w: Words) -> list[str]:
        if self.corner == "fillet":
            r = say(w, self.corner_size)  # type: ignore[arg-type]
            return [w.pick([f"{r} rounded corners", f"corners rounded to a {r} radius",
                            f"the four vertical edges filleted at {r}"])]
        if self.corner == "chamfer":
            c = say(w, self.corner_size)  # type: ignore[arg-type]
            return [w.pick([f"{c} chamfers on the four vertical edges",
                            f"45° corner chamfers of {c}"])]
        return []

    def items(self, w: Words) -> list[str]:
        L, W, H = (say(w, n) for n in (self.length, self.width, self.height))
        out = (w.pick([[f"Length (X): {L}", f"Width (Y): {W}",
                        f"{'Thickness' if self.top == 'thickness' else 'Height'} (Z): {H}"],
                       [f"Size: {L} (X) x {W} (Y) x {H} (Z)"],
                       [f"Overall: {L} long, {W} wide, {H} {self._thick()}"]]))
        return list(out) + [f"Corners: {e}" for e in self.extras(w)]

    def steps(self, w: Words) -> list[str]:
        L, W, H = (say(w, n) for n in (self.length, self.width, self.height))
        out = [w.pick([f"Start with a {self.noun} {L} long (X), {W} wide (Y) and {H} "
                       f"{self._thick()} (Z).", f"Make a rectangular {self.noun}: {L} along X,"
                       f" {W} along Y, {H} along Z, one corner at the origin."])]
        if self.corner == "fillet":
            out.append(f"Round the four vertical edges with a {say(w, self.corner_size)} "  # type: ignore
                       "radius.")
        elif self.corner == "chamfer":
            out.append(f"Chamfer the four vertical edges {say(w, self.corner_size)} at 45°.")  # type: ignore
        return out


@dataclass
class DiscBase(Base):
    """A disc or short cylinder on the origin, axis along Z."""

    noun: str
    d: Num
    height: Num
    top: str = "thickness"
    chamfer: Num | None = None
    bore: Bore | None = None
    kind = "disc"
    takes_ops = True

    def frame(self) -> Frame:
        return Frame(self.d.mm, self.d.mm, self.top, self.height.mm, True, f"the {self.noun}")

    def params(self) -> list[Param]:
        ps = [Param("diameter", self.d.mm), Param(self.top, self.height.mm)]
        if self.chamfer:
            ps.append(Param("chamfer", self.chamfer.mm, "top edge"))
        if self.bore:
            ps.append(Param("bore_d", self.bore.d.mm, "centre hole"))
        return ps

    def solid(self) -> list[str]:
        t = self.top
        if not self.chamfer:
            return [f"cylinder(d = diameter, h = {t});"]
        return ["union() {", f"    cylinder(d = diameter, h = {t} - chamfer);",
                f"    translate([0, 0, {t} - chamfer])",
                "        cylinder(d1 = diameter, d2 = diameter - 2 * chamfer, h = chamfer);",
                "}"]

    def cut(self) -> list[str]:
        if not self.bore:
            return []
        return [f"translate([0, 0, -1]) cylinder(d = bore_d, h = {self.top} + 2);"]

    def occupied(self) -> list[Rect]:
        if not self.bore:
            return []
        r = self.bore.d.mm / 2
        return [(-r, -r, r, r)]

    def inside(self, rect: Rect) -> bool:
        limit = self.d.mm / 2 - 1.2 - (self.chamfer.mm if self.chamfer else 0)
        return all((x * x + y * y) ** 0.5 <= limit for x in (rect[0], rect[2])
                   for y in (rect[1], rect[3]))

    def facts(self) -> list[float]:
        out = [self.d.mm, self.height.mm]
        return out + [n.mm for n in (self.chamfer, self.bore and self.bore.d) if n]

    def holes(self) -> list[HoleFact]:
        return [HoleFact(self.bore.d.mm, 1, "z", "centre hole")] if self.bore else []

    def head(self, w: Words) -> str:
        d, h = say_round(w, self.d, pre=False), say(w, self.height)
        thick = "thick" if self.top == "thickness" else "tall"
        return w.pick([f"a {self.noun} {d}, {h} {thick}", f"a round {self.noun}, {d} and {h} "
                       f"{thick}"])

    def extras(self, w: Words) -> list[str]:
        out = []
        if self.bore:
            out.append(w.pick([f"a {say_bore(w, self.bore)} hole through the centre",
                               f"a centre bore of {say_bore(w, self.bore)}"]))
        if self.chamfer:
            out.append(f"a {say(w, self.chamfer)} chamfer around the top edge")
        return out

    def items(self, w: Words) -> list[str]:
        out = [f"Diameter: {say(w, self.d)}",
               f"{'Thickness' if self.top == 'thickness' else 'Height'} (Z): "
               f"{say(w, self.height)}"]
        if self.bore:
            out.append(f"Centre hole: {say_bore(w, self.bore)}, through")
        if self.chamfer:
            out.append(f"Top edge: {say(w, self.chamfer)} x 45° chamfer")
        return out

    def steps(self, w: Words) -> list[str]:
        d = say_round(w, self.d, pre=False)
        out = [f"Start with a {self.noun} {d} and {say(w, self.height)} thick, its axis on Z "
               "and its bottom face on the XY plane."]
        if self.chamfer:
            out.append(f"Chamfer the top outer edge {say(w, self.chamfer)} at 45°.")
        if self.bore:
            out.append(f"Bore a {say_bore(w, self.bore)} hole through the centre.")
        return out
