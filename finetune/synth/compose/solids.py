"""Bases that stand on their own, without operations on a top face: an open shell, an
extruded profile, a revolved cross-section, a torus or arc, a loft between two profiles."""

from __future__ import annotations

from dataclasses import dataclass

from finetune.synth.compose.bases import Base, dims
from finetune.synth.compose.numbers import Bore, Num, say, say_bore, say_round
from finetune.synth.compose.ops import HoleFact
from finetune.synth.scad import Param
from finetune.synth.words import Words


@dataclass
class ShellBase(Base):
    """An open-top box or cup: a block or cylinder hollowed from the top."""

    noun: str
    round: bool
    length: Num  # the diameter when round
    width: Num
    height: Num
    wall: Num
    floor: Num
    kind = "shell"

    def params(self) -> list[Param]:
        size = [Param("diameter", self.length.mm)] if self.round else [
            Param("length", self.length.mm), Param("width", self.width.mm)]
        return size + [Param("height", self.height.mm), Param("wall", self.wall.mm),
                       Param("floor", self.floor.mm, "bottom thickness")]

    def solid(self) -> list[str]:
        if self.round:
            return ["difference() {", "    cylinder(d = diameter, h = height);",
                    "    // hollow from the top, open",
                    "    translate([0, 0, floor]) cylinder(d = diameter - 2 * wall, h = height);",
                    "}"]
        return ["difference() {", "    cube([length, width, height]);",
                "    // hollow from the top, open",
                "    translate([wall, wall, floor])"
                " cube([length - 2 * wall, width - 2 * wall, height]);", "}"]

    def facts(self) -> list[float]:
        size = [self.length.mm] if self.round else [self.length.mm, self.width.mm]
        return size + [self.height.mm, self.wall.mm, self.floor.mm]

    def _size(self, w: Words) -> str:
        if self.round:
            return f"{say_round(w, self.length, pre=False)}, {say(w, self.height)} tall"
        return f"{dims(w, self.length, self.width, self.height)} outside"

    def head(self, w: Words) -> str:
        return w.pick([f"an open-top {self.noun}, {self._size(w)}",
                       f"a {self.noun} with no lid, {self._size(w)}"])

    def extras(self, w: Words) -> list[str]:
        return [w.pick([f"{say(w, self.wall)} walls and a {say(w, self.floor)} floor",
                        f"walls {say(w, self.wall)} thick and a floor of {say(w, self.floor)}"])]

    def items(self, w: Words) -> list[str]:
        size = ([f"Outside diameter: {say(w, self.length)}"] if self.round else
                [f"Outside: {say(w, self.length)} (X) x {say(w, self.width)} (Y)"])
        return size + [f"Height (Z): {say(w, self.height)}", f"Walls: {say(w, self.wall)}",
                       f"Floor: {say(w, self.floor)}", "Top: open"]

    def steps(self, w: Words) -> list[str]:
        first = (f"Start with a cylinder {say_round(w, self.length, pre=False)}, "
                 f"{say(w, self.height)} tall,"
                  " on the origin." if self.round else
                 f"Start with a block {say(w, self.length)} (X) by {say(w, self.width)} (Y) by "
                 f"{say(w, self.height)} (Z).")
        return [first, f"Shell it from the top face: keep {say(w, self.wall)} walls and a "
                       f"{say(w, self.floor)} floor, and leave the top open."]


PROFILE_POINTS = {
    "L": "[[0, 0], [leg_a, 0], [leg_a, thickness], [thickness, thickness],"
         " [thickness, leg_b], [0, leg_b]]",
    "U": "[[0, 0], [width, 0], [width, height], [width - thickness, height],\n"
         "     [width - thickness, thickness], [thickness, thickness], [thickness, height],"
         " [0, height]]",
    "T": "[[0, 0], [width, 0], [width, thickness], [(width + thickness) / 2, thickness],\n"
         "     [(width + thickness) / 2, height], [(width - thickness) / 2, height],\n"
         "     [(width - thickness) / 2, thickness], [0, thickness]]",
}


@dataclass
class ProfileBase(Base):
    """An L, U or T cross-section (in YZ) extruded along X, with an optional row of holes
    through its bottom flange."""

    noun: str
    shape: str
    length: Num
    a: Num  # L: horizontal leg; U and T: width
    b: Num  # L: vertical leg; U and T: height
    t: Num
    hole_count: int = 0
    bore: Bore | None = None
    pitch: Num | None = None
    kind = "profile"

    def params(self) -> list[Param]:
        names = ("leg_a", "leg_b") if self.shape == "L" else ("width", "height")
        ps = [Param("length", self.length.mm, "along X"), Param(names[0], self.a.mm),
              Param(names[1], self.b.mm), Param("thickness", self.t.mm)]
        if self.hole_count and self.bore:
            ps.append(Param("hole_d", self.bore.d.mm, f"{self.bore.screw} clearance"
                            if self.bore.screw else None))
        if self.hole_count > 1 and self.pitch:
            ps += [Param("holes", self.hole_count), Param("pitch", self.pitch.mm)]
        return ps

    def solid(self) -> list[str]:
        return ["rotate([90, 0, 90]) linear_extrude(height = length)",
                f"    polygon({PROFILE_POINTS[self.shape]});"]

    def cut(self) -> list[str]:
        if not self.hole_count:
            return []
        y = "(leg_a + thickness) / 2" if self.shape == "L" else "width / 2"
        hole = "cylinder(d = hole_d, h = thickness + 2);"
        if self.hole_count == 1:
            return [f"translate([length / 2, {y}, -1]) {hole}"]
        return ["for (i = [-(holes - 1) / 2 : (holes - 1) / 2])",
                f"    translate([length / 2 + i * pitch, {y}, -1]) {hole}"]

    def facts(self) -> list[float]:
        out = [self.length.mm, self.a.mm, self.b.mm, self.t.mm]
        if self.hole_count and self.bore:
            out += [self.bore.d.mm] + ([self.pitch.mm] if self.hole_count > 1 and self.pitch
                                       else [])
        return out

    def holes(self) -> list[HoleFact]:
        if not (self.hole_count and self.bore):
            return []
        return [HoleFact(self.bore.d.mm, self.hole_count, "z", "hole")]

    def _section(self, w: Words) -> str:
        a, b, t = say(w, self.a), say(w, self.b), say(w, self.t)
        if self.shape == "L":
            return f"legs {a} (along Y) and {b} (up Z), {t} thick"
        if self.shape == "U":
            return f"{a} wide and {b} tall outside, walls and base {t} thick, open at the top"
        return f"a {a} wide flange on the bottom, {b} tall overall, {t} thick throughout"

    def _holes(self, w: Words) -> list[str]:
        if not (self.hole_count and self.bore):
            return []
        d = say_bore(w, self.bore)
        if self.hole_count == 1 or not self.pitch:
            return [f"a {d} hole through the bottom, in the middle of the length"]
        return [f"{self.hole_count} {d} holes through the bottom, {say(w, self.pitch)} apart "
                "along X, centred on the length"]

    def head(self, w: Words) -> str:
        return f"{'an' if self.shape == 'L' else 'a'} {self.noun} {say(w, self.length)} long " \
               f"(X): {self._section(w)}"

    def extras(self, w: Words) -> list[str]:
        return self._holes(w)

    def items(self, w: Words) -> list[str]:
        return [f"Profile: {self.shape}, {self._section(w)}",
                f"Length (X): {say(w, self.length)}"] + [f"Holes: {h}" for h in self._holes(w)]

    def steps(self, w: Words) -> list[str]:
        out = [f"Draw the {self.shape} cross-section in the YZ plane: {self._section(w)}.",
               f"Extrude it {say(w, self.length)} along X."]
        return out + [f"Drill {h}." for h in self._holes(w)]


@dataclass
class RevolveBase(Base):
    """A stepped cross-section revolved about Z: a flanged bushing or stepped shaft, a full
    turn or a segment."""

    noun: str
    d1: Num  # the wide step at the bottom
    h1: Num
    d2: Num
    h2: Num
    bore: Num | None = None
    angle: int = 360
    kind = "revolve"

    def params(self) -> list[Param]:
        ps = [Param("flange_d", self.d1.mm), Param("flange_h", self.h1.mm),
              Param("body_d", self.d2.mm), Param("body_h", self.h2.mm)]
        if self.bore:
            ps.append(Param("bore_d", self.bore.mm))
        if self.angle != 360:
            ps.append(Param("angle", self.angle, "degrees of the turn"))
        return ps

    def solid(self) -> list[str]:
        r0 = "bore_d / 2" if self.bore else "0"
        turn = "rotate_extrude(angle = angle)" if self.angle != 360 else "rotate_extrude()"
        return ["// the half cross-section, revolved about Z", turn,
                f"    polygon([[{r0}, 0], [flange_d / 2, 0], [flange_d / 2, flange_h],"
                " [body_d / 2, flange_h],",
                f"             [body_d / 2, flange_h + body_h], [{r0}, flange_h + body_h]]);"]

    def facts(self) -> list[float]:
        out = [self.d1.mm, self.h1.mm, self.d2.mm, self.h2.mm]
        return out + ([self.bore.mm] if self.bore else []) + (
            [float(self.angle)] if self.angle != 360 else [])

    def holes(self) -> list[HoleFact]:
        return [HoleFact(self.bore.mm, 1, "z", "bore")] if self.bore and self.angle == 360 \
            else []

    def _steps(self, w: Words) -> str:
        return (f"a {say_round(w, self.d1)} flange {say(w, self.h1)} thick at the bottom, then "
                f"a {say_round(w, self.d2)} body {say(w, self.h2)} long above it")

    def head(self, w: Words) -> str:
        text = f"a {self.noun}: {self._steps(w)}"
        if self.angle != 360:
            text = f"a {self.angle}° segment of {text[2:]}"
        return text

    def extras(self, w: Words) -> list[str]:
        return [f"a {say_round(w, self.bore)} bore along the axis"] if self.bore else []

    def items(self, w: Words) -> list[str]:
        out = [f"Flange: {say_round(w, self.d1)}, {say(w, self.h1)} thick",
               f"Body: {say_round(w, self.d2)}, {say(w, self.h2)} long"]
        if self.bore:
            out.append(f"Bore: {say_round(w, self.bore)}, through")
        if self.angle != 360:
            out.append(f"Sweep: {self.angle}° about Z (a segment, not a full turn)")
        return out

    def steps(self, w: Words) -> list[str]:
        inner = f"from {say(w, Num(self.bore.mm / 2))} out (the bore radius)" if self.bore \
            else "from the axis out"
        out = [f"Sketch the half cross-section in the XZ plane, {inner}: {self._steps(w)}."]
        if self.angle == 360:
            out.append("Revolve it a full turn about Z.")
        else:
            out.append(f"Revolve it {self.angle}° about Z, starting from the +X side.")
        return out


@dataclass
class TorusBase(Base):
    """A round section swept around Z: a full torus, or an arc (a bent rod) when partial."""

    noun: str
    ring_d: Num  # diameter of the centre line
    tube_d: Num
    angle: int = 360
    kind = "torus"

    def params(self) -> list[Param]:
        ps = [Param("ring_d", self.ring_d.mm, "centre line"), Param("tube_d", self.tube_d.mm)]
        return ps + ([Param("angle", self.angle, "sweep")] if self.angle != 360 else [])

    def solid(self) -> list[str]:
        turn = "rotate_extrude(angle = angle)" if self.angle != 360 else "rotate_extrude()"
        return [turn, "    translate([ring_d / 2, 0]) circle(d = tube_d);"]

    def facts(self) -> list[float]:
        return [self.ring_d.mm, self.tube_d.mm] + ([float(self.angle)] if self.angle != 360
                                                   else [])

    def head(self, w: Words) -> str:
        if self.angle == 360:
            return w.pick([f"a {self.noun} with a {say_round(w, self.ring_d)} centre line and a "
                           f"{say_round(w, self.tube_d)} round section",
                           f"a {self.noun}: a {say_round(w, self.tube_d)} circle swept around a "
                           f"{say(w, self.ring_d)} diameter path"])
        r = say(w, Num(self.ring_d.mm / 2, self.ring_d.unit))
        return w.pick([f"a {self.noun}: a round rod {say_round(w, self.tube_d)} bent through "
                       f"{self.angle}° on a {r} centre-line radius",
                       f"a {self.noun} sweeping a {say_round(w, self.tube_d)} circle along a "
                       f"{self.angle}° arc of radius {r}"])

    def items(self, w: Words) -> list[str]:
        out = [f"Path: {say_round(w, self.ring_d)} (centre line), in the XY plane",
               f"Section: {say_round(w, self.tube_d)} circle"]
        return out + ([f"Sweep angle: {self.angle}°"] if self.angle != 360 else [])

    def steps(self, w: Words) -> list[str]:
        r = say(w, Num(self.ring_d.mm / 2, self.ring_d.unit))
        first = f"Sketch a {say_round(w, self.tube_d)} circle in the XZ plane, its centre {r} " \
                "from the Z axis."
        if self.angle == 360:
            return [first, "Revolve it a full turn about Z."]
        return [first, f"Sweep it {self.angle}° about Z, starting on +X."]


@dataclass
class LoftBase(Base):
    """A hull between a rectangle at the bottom and a circle at the top."""

    noun: str
    bottom_l: Num
    bottom_w: Num
    top_d: Num
    height: Num
    bore: Bore | None = None
    kind = "loft"

    def params(self) -> list[Param]:
        ps = [Param("bottom_l", self.bottom_l.mm), Param("bottom_w", self.bottom_w.mm),
              Param("top_d", self.top_d.mm), Param("height", self.height.mm)]
        return ps + ([Param("bore_d", self.bore.d.mm)] if self.bore else [])

    def solid(self) -> list[str]:
        return ["// loft: the hull of a thin rectangle below and a thin disc above",
                "hull() {",
                "    translate([-bottom_l / 2, -bottom_w / 2, 0]) cube([bottom_l, bottom_w, 1]);",
                "    translate([0, 0, height - 1]) cylinder(d = top_d, h = 1);", "}"]

    def cut(self) -> list[str]:
        return ["translate([0, 0, -1]) cylinder(d = bore_d, h = height + 2);"] if self.bore \
            else []

    def facts(self) -> list[float]:
        out = [self.bottom_l.mm, self.bottom_w.mm, self.top_d.mm, self.height.mm]
        return out + ([self.bore.d.mm] if self.bore else [])

    def holes(self) -> list[HoleFact]:
        return [HoleFact(self.bore.d.mm, 1, "z", "bore")] if self.bore else []

    def head(self, w: Words) -> str:
        return (f"a {self.noun} {say(w, self.height)} tall that blends from a "
                f"{dims(w, self.bottom_l, self.bottom_w)} rectangle at the bottom to a "
                f"{say_round(w, self.top_d)} circle at the top")

    def extras(self, w: Words) -> list[str]:
        return [f"a {say_bore(w, self.bore)} hole straight through on the axis"] if self.bore \
            else []

    def items(self, w: Words) -> list[str]:
        out = [f"Bottom: {dims(w, self.bottom_l, self.bottom_w)} rectangle",
               f"Top: {say_round(w, self.top_d)} circle", f"Height: {say(w, self.height)}"]
        return out + ([f"Bore: {say_bore(w, self.bore)}, through"] if self.bore else [])

    def steps(self, w: Words) -> list[str]:
        out = [f"Sketch a {dims(w, self.bottom_l, self.bottom_w)} rectangle centred on the "
               "origin at Z = 0.",
               f"Sketch a {say_round(w, self.top_d)} circle centred on the Z axis at "
               f"Z = {say(w, self.height)}.", "Loft between the two sketches (a hull)."]
        return out + ([f"Drill a {say_bore(w, self.bore)} hole through along Z."] if self.bore
                      else [])
