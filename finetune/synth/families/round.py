"""Round hollow parts: spacer, standoff, washer, hex nut, tube, ring."""

from __future__ import annotations

import math
from random import Random
from typing import ClassVar

from finetune.synth import edits
from finetune.synth.edits import LENGTH_Z, THICKNESS, WIDTH_Z, Dimension
from finetune.synth.families.basic import polygon_area
from finetune.synth.family import Edit, Family, Shape, Values, step
from finetune.synth.hardware import CLEARANCE, HEX_NUT, NOMINAL
from finetune.synth.scad import Param, as_params, hole_param
from finetune.synth.words import Clause, Words, fmt

TUBE_BODY = (
    "difference() {{\n"
    "    cylinder(d = {outer}, h = {h});\n"
    "    translate([0, 0, -1]) cylinder(d = {inner}, h = {h} + 2);\n"
    "}}"
)


def annulus(outer: float, inner: float, n: int) -> float:
    return polygon_area(outer, n) - polygon_area(inner, n)


def od_clause(w: Words, d: float) -> Clause:
    v = w.mm(d)
    return Clause(adj=[f"{v} outer diameter", f"{v} OD", f"OD {v}", f"{v} across",
                       f"{v} wide", f"with an outside diameter of {v}", f"outer diameter {v}"],
                  np=[f"an outer diameter of {v}", f"a {v} outer diameter", f"a {v} OD",
                      f"an outside diameter of {v}", f"{v} OD"],
                  lead=[f"{v} OD", f"{v} diameter", f"{fmt(d)} mm"])


def bore_clause(w: Words, screw: str | None, d: float, *, nominal: bool = False) -> Clause:
    """The central hole, for a screw or in mm."""
    if screw:
        s = screw
        return Clause(adj=[f"for an {s} bolt", f"for {s} screws", f"for an {s} screw",
                           f"that fits an {s} bolt", f"sized for {s}"],
                      np=[f"an {s} hole", f"an {s} clearance hole", f"a hole for an {s} screw",
                          f"a bore for {s} bolts", f"a through bore for {s}"],
                      lead=[s])
    v = w.mm(d, cm=False)
    return Clause(adj=[f"with a {v} hole", f"{v} inner diameter", f"{v} ID", f"ID {v}",
                       f"inner diameter {v}", f"bored {v}"],
                  np=[f"a {v} hole", f"a {v} bore", f"a {v} hole through the middle",
                      f"an inner diameter of {v}", f"a {v} center hole", f"a {v} inner hole",
                      f"a {v} opening"])


def height_clause(w: Words, h: float, adjectives: tuple[str, ...] = ("long", "tall", "high"),
                  noun: str = "length") -> Clause:
    v = w.mm(h)
    adj = w.pick(adjectives)
    return Clause(adj=[f"{v} {adj}", f"{v} {adj}", f"{noun} {v}"],
                  np=[f"a {noun} of {v}", f"a {v} {noun}"], lead=[f"{v} {adj}"])


class _BoredDisc(Family):
    """A cylinder with a hole along its axis (a screw's clearance or a plain bore): the
    program, spec and parameters of a spacer and a washer; `axial` names its height."""

    axial: ClassVar[str]

    def params(self, v: Values) -> list[Param]:
        return [Param("outer_d", v["outer_d"]),
                hole_param(v),
                Param(self.axial, v[self.axial])]

    def body(self, v: Values) -> str:
        return TUBE_BODY.format(outer="outer_d", inner="hole_d", h=self.axial)

    def shape(self, v: Values) -> Shape:
        od, h = v["outer_d"], v[self.axial]
        return Shape.upright(od, h, genus=1, volume=annulus(od, v["hole_d"], self.fn or 48) * h)


class Spacer(_BoredDisc):
    name = "spacer"
    title = "Spacer"
    fn = 48
    groups = {"length": (("length",), 0.1), "od": (("outer_d",), 0.2),
              "hole": (("screw", "hole_d"), 0.05)}
    NOUNS = ("spacer", "spacer", "round spacer", "spacer sleeve", "bushing", "sleeve",
             "distance piece", "spacer tube", "round spacer bushing", "shim spacer")
    LENGTH = Dimension("length", None, "long", "longer", "shorter", "length")
    axial = "length"

    def defaults(self) -> Values:
        return {"length": 12.0, "outer_d": 9.0, "screw": "M3", "hole_d": 3.4}

    def sample(self, rng: Random) -> Values:
        if rng.random() < 0.75:
            screw = rng.choice(["M2", "M2.5", "M3", "M3", "M4", "M5", "M6", "M8"])
            hole = CLEARANCE[screw]
        else:
            screw, hole = None, float(rng.choice([2.5, 3, 3.5, 4, 5, 6, 8, 10]))
        return {"length": step(rng, 2, 40) if rng.random() < 0.8 else step(rng, 20, 80, 5),
                "outer_d": step(rng, math.ceil(hole + 2.5), hole * 2.5 + 6), "screw": screw,
                "hole_d": hole}

    def complete(self, v: Values, said: frozenset[str]) -> Values:
        if "od" not in said:
            v["outer_d"] = float(math.ceil(v["hole_d"] * 2 + 1))
        return v

    def valid(self, v: Values) -> bool:
        return v["outer_d"] >= v["hole_d"] + 2

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        clauses: list[Clause] = []
        if "length" in said:
            clauses.append(height_clause(w, v["length"]))
        if "od" in said:
            clauses.append(od_clause(w, v["outer_d"]))
        clauses.append(bore_clause(w, v["screw"], v["hole_d"]))
        return w.compose(w.pick(self.NOUNS), clauses)

    def edits(self, v: Values, w: Words) -> list[Edit]:
        return [edits.resize(v, self.LENGTH, w, 2, 80),
                *self.valid_edits(edits.bigger_holes(v, w, "hole"))]


class Standoff(Spacer):
    name = "standoff"
    title = "Standoff"
    groups = {"length": (("length",), 0.05), "od": (("outer_d",), 0.25),
              "hole": (("screw", "hole_d"), 0.1)}
    NOUNS = ("standoff", "standoff", "PCB standoff", "stand-off", "mounting post",
             "board standoff", "riser", "mounting standoff", "circuit board standoff")

    def defaults(self) -> Values:
        return {"length": 12.0, "outer_d": 7.0, "screw": "M3", "hole_d": 3.4, "flange_d": 0.0}

    def sample(self, rng: Random) -> Values:
        screw = rng.choice(["M2", "M2.5", "M2.5", "M3", "M3", "M3", "M4"])
        hole = CLEARANCE[screw]
        if rng.random() < 0.15:
            screw, hole = None, float(rng.choice([2.5, 3, 3.2, 3.5]))
        return {"length": step(rng, 3, 30),
                "outer_d": step(rng, math.ceil(hole + 2), math.ceil(hole) + 5, 0.5),
                "screw": screw, "hole_d": hole,
                "flange_d": 0.0 if rng.random() < 0.7 else step(rng, math.ceil(hole) + 8,
                                                                 math.ceil(hole) + 14)}

    def complete(self, v: Values, said: frozenset[str]) -> Values:
        if "od" not in said:
            v["outer_d"] = float(math.ceil(v["hole_d"] + 2.5))
        return v

    def valid(self, v: Values) -> bool:
        return v["outer_d"] >= v["hole_d"] + 2 and (
            not v["flange_d"] or (v["flange_d"] >= v["outer_d"] + 4 and v["length"] > 4))

    def params(self, v: Values) -> list[Param]:
        ps = super().params(v)
        if v["flange_d"]:
            ps += [Param("flange_d", v["flange_d"]), Param("flange_h", 2)]
        return ps

    def body(self, v: Values) -> str:
        if not v["flange_d"]:
            return super().body(v)
        return ("difference() {\n"
                "    union() {\n"
                "        cylinder(d = outer_d, h = length);\n"
                "        cylinder(d = flange_d, h = flange_h);\n"
                "    }\n"
                "    translate([0, 0, -1]) cylinder(d = hole_d, h = length + 2);\n"
                "}")

    def shape(self, v: Values) -> Shape:
        if not v["flange_d"]:
            return super().shape(v)
        n = self.fn or 48
        fd = v["flange_d"]
        vol = annulus(v["outer_d"], v["hole_d"], n) * (v["length"] - 2) + annulus(
            fd, v["hole_d"], n) * 2
        return Shape.upright(fd, v["length"], genus=1, volume=vol)

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        clauses: list[Clause] = []
        if "length" in said:
            clauses.append(height_clause(w, v["length"], ("tall", "high", "long", "tall")))
        if "od" in said:
            clauses.append(od_clause(w, v["outer_d"]))
        clauses.append(bore_clause(w, v["screw"], v["hole_d"]))
        if v["flange_d"]:
            f = w.mm(v["flange_d"])
            clauses.append(Clause(np=[f"a {f} base flange", f"a {f} wide flange at the bottom",
                                      f"a 2 mm thick {f} flange", f"a round {f} foot"],
                                  adj=[f"with a {f} flange at the base"]))
        return w.compose(w.pick(self.NOUNS), clauses)


class Washer(_BoredDisc):
    name = "washer"
    title = "Washer"
    fn = 48
    groups = {"od": (("outer_d",), 0.2), "thickness": (("thickness",), 0.25)}
    NOUNS = ("washer", "washer", "flat washer", "round washer", "plain washer",
             "spacer washer", "shim washer", "fender washer")
    axial = "thickness"

    def defaults(self) -> Values:
        return {"outer_d": 10.0, "hole_d": 4.5, "screw": "M4", "thickness": 1.5}

    def sample(self, rng: Random) -> Values:
        if rng.random() < 0.55:
            screw = rng.choice(list(CLEARANCE))
            hole = CLEARANCE[screw]
        else:
            screw, hole = None, float(rng.choice([3, 4, 5, 6, 6.5, 8, 8.4, 10, 12, 13, 16]))
        return {"outer_d": step(rng, math.ceil(hole + 4), hole * 3 + 6), "hole_d": hole,
                "screw": screw,
                "thickness": step(rng, 1, 4, 0.5)}

    def complete(self, v: Values, said: frozenset[str]) -> Values:
        if "od" not in said:
            v["outer_d"] = float(math.ceil(v["hole_d"] * 2.2))
        return v

    def valid(self, v: Values) -> bool:
        return v["outer_d"] >= v["hole_d"] + 3

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        clauses = []
        screw = v["screw"]
        noun = w.pick(self.NOUNS)
        if screw and w.chance(0.4):
            noun = w.pick([f"{screw} {noun}", f"{noun} for {screw}", f"{noun} for an {screw} bolt"])
        else:
            clauses.append(bore_clause(w, screw, v["hole_d"]))
        if "od" in said:
            clauses.append(od_clause(w, v["outer_d"]))
        if "thickness" in said:
            clauses.append(height_clause(w, v["thickness"], ("thick",), "thickness"))
        return w.compose(noun, clauses)

    def edits(self, v: Values, w: Words) -> list[Edit]:
        return [edits.resize(v, THICKNESS, w, 0.5, 6),
                edits.resize(v, Dimension("outer_d", None, "wide", "wider", "narrower",
                                          "outer diameter"), w, v["hole_d"] + 4, 60)]


class HexNut(Family):
    name = "hex_nut"
    title = "Hex nut"
    fn = 48

    def defaults(self) -> Values:
        return {"screw": "M5", "across_flats": 8.0, "thickness": 4.7, "hole_d": 5.0,
                "named": True}

    def sample(self, rng: Random) -> Values:
        screw = rng.choice(list(HEX_NUT))
        af, t = HEX_NUT[screw]
        if rng.random() < 0.45:
            return {"screw": screw, "across_flats": af, "thickness": t,
                    "hole_d": NOMINAL[screw], "named": True}
        af = step(rng, 5, 30, 0.5 if rng.random() < 0.2 else 1)
        return {"screw": None, "across_flats": af, "thickness": step(rng, 2, af * 0.8, 0.5),
                "hole_d": step(rng, 2, af * 0.6, 0.5), "named": False}

    def valid(self, v: Values) -> bool:
        return v["hole_d"] <= v["across_flats"] - 2.5 and v["thickness"] >= 1.5

    def params(self, v: Values) -> list[Param]:
        return as_params(v, "across_flats", "thickness", "hole_d")

    def body(self, v: Values) -> str:
        return ("difference() {\n"
                "    cylinder(d = across_flats / cos(30), h = thickness, $fn = 6);\n"
                "    translate([0, 0, -1]) cylinder(d = hole_d, h = thickness + 2);\n"
                "}")

    def shape(self, v: Values) -> Shape:
        af, t = v["across_flats"], v["thickness"]
        hexagon = math.sqrt(3) / 2 * af * af
        return Shape((af / math.cos(math.pi / 6), af, t), genus=1,
                     volume=(hexagon - polygon_area(v["hole_d"], self.fn or 48)) * t)

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        noun = w.pick(["hex nut", "hexagonal nut", "hex nut", "nut", "six-sided nut",
                       "hexagon nut"])
        if v["named"]:
            s = v["screw"]
            form = w.pick([f"{s} {noun}", f"{noun} for {s}", f"{noun} for an {s} bolt",
                           f"{s} size {noun}", f"standard {s} {noun}"])
            return w.compose(form, [])
        af = w.mm(v["across_flats"])
        clauses = [
            Clause(adj=[f"{af} across the flats", f"{af} across flats", f"{af} wide across flats",
                        f"{af} AF"], np=[f"{af} across the flats", f"a {af} width across flats",
                                         f"{af} between the flats"]),
            height_clause(w, v["thickness"], ("thick",), "thickness"),
            Clause(np=[f"a {w.mm(v['hole_d'], cm=False)} hole",
                       f"a {w.mm(v['hole_d'], cm=False)} hole through the middle",
                       f"a {w.mm(v['hole_d'], cm=False)} center hole",
                       f"a {w.mm(v['hole_d'], cm=False)} bore"]),
        ]
        return w.compose(noun, clauses, keep_order=w.chance(0.6))

    def edits(self, v: Values, w: Words) -> list[Edit]:
        return [edits.resize(v, THICKNESS, w, 2, v["across_flats"])]


class Tube(Family):
    name = "tube"
    title = "Tube"
    fn = 64
    NOUNS = ("tube", "tube", "pipe", "hollow cylinder", "pipe section", "round tube",
             "hollow tube", "piece of pipe", "tube section", "hollow rod")

    def defaults(self) -> Values:
        return {"length": 60.0, "outer_d": 25.0, "wall": 2.5, "by_wall": True}

    def sample(self, rng: Random) -> Values:
        od = step(rng, 6, 100) if rng.random() < 0.5 else step(rng, 10, 100, 5)
        return {"length": step(rng, 5, 200, 5), "outer_d": od,
                "wall": step(rng, 1, max(1.0, min(10, od / 4)), 0.5),
                "by_wall": rng.random() < 0.6}

    def valid(self, v: Values) -> bool:
        return v["outer_d"] - 2 * v["wall"] >= 2

    def inner(self, v: Values) -> float:
        return v["outer_d"] - 2 * v["wall"]

    def params(self, v: Values) -> list[Param]:
        second = Param("wall", v["wall"]) if v["by_wall"] else Param("inner_d", self.inner(v))
        return [Param("outer_d", v["outer_d"]), second, Param("length", v["length"])]

    def body(self, v: Values) -> str:
        inner = "outer_d - 2 * wall" if v["by_wall"] else "inner_d"
        return TUBE_BODY.format(outer="outer_d", inner=inner, h="length")

    def shape(self, v: Values) -> Shape:
        od = v["outer_d"]
        return Shape.upright(od, v["length"], genus=1,
                             volume=annulus(od, self.inner(v), self.fn or 64) * v["length"])

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        if v["by_wall"]:
            wall = w.mm(v["wall"])
            second = Clause(np=[f"{wall} walls", f"a {wall} wall", f"a wall thickness of {wall}",
                                f"{wall} thick walls"],
                            adj=[f"{wall} wall", f"wall thickness {wall}", f"{wall} thick wall"])
        else:
            second = bore_clause(w, None, self.inner(v))
        clauses = [height_clause(w, v["length"], ("long", "long", "tall")),
                   od_clause(w, v["outer_d"]), second]
        return w.compose(w.pick(self.NOUNS), clauses, keep_order=w.chance(0.5))

    def edits(self, v: Values, w: Words) -> list[Edit]:
        out = [edits.resize(v, LENGTH_Z, w, 5, 250)]
        if v["by_wall"]:
            out += self.valid_edits(edits.walls(v, w, hi=min(10.0, v["outer_d"] / 3)))
        return out


class Ring(Family):
    name = "ring"
    title = "Ring"
    fn = 64
    NOUNS = ("ring", "ring", "ring", "band", "round band", "finger ring", "plain ring",
             "flat ring")

    def defaults(self) -> Values:
        return {"inner_d": 19.0, "band": 2.5, "width": 5.0, "by_band": True}

    def sample(self, rng: Random) -> Values:
        inner = step(rng, 10, 80, 0.5 if rng.random() < 0.3 else 1)
        return {"inner_d": inner, "band": step(rng, 1, 6, 0.5), "width": step(rng, 2, 15, 0.5),
                "by_band": rng.random() < 0.6}

    def outer(self, v: Values) -> float:
        return v["inner_d"] + 2 * v["band"]

    def params(self, v: Values) -> list[Param]:
        if v["by_band"]:
            return [Param("inner_d", v["inner_d"]), Param("band", v["band"], "radial thickness"),
                    Param("width", v["width"])]
        return [Param("outer_d", self.outer(v)), *as_params(v, "inner_d", "width")]

    def body(self, v: Values) -> str:
        outer = "inner_d + 2 * band" if v["by_band"] else "outer_d"
        return TUBE_BODY.format(outer=outer, inner="inner_d", h="width")

    def shape(self, v: Values) -> Shape:
        od = self.outer(v)
        return Shape.upright(od, v["width"], genus=1,
                             volume=annulus(od, v["inner_d"], self.fn or 64) * v["width"])

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        i = w.mm(v["inner_d"], cm=False)
        inner = Clause(adj=[f"{i} inner diameter", f"{i} inside diameter", f"ID {i}",
                            f"{i} on the inside"],
                       np=[f"an {i} inner diameter", f"an inner diameter of {i}",
                           f"a {i} inside diameter", f"a {i} hole"])
        width = Clause(adj=[f"{w.mm(v['width'])} wide", f"{w.mm(v['width'])} tall",
                            f"{w.mm(v['width'])} high"],
                       np=[f"a width of {w.mm(v['width'])}", f"a {w.mm(v['width'])} wide band"])
        if v["by_band"]:
            b = w.mm(v["band"])
            second = Clause(np=[f"a {b} wall", f"a band {b} thick",
                                f"a {b} thick rim", f"{b} walls"],
                            adj=[f"{b} thick", f"band thickness {b}", f"with a {b} band"])
        else:
            second = od_clause(w, self.outer(v))
        return w.compose(w.pick(self.NOUNS), [inner, second, width], keep_order=w.chance(0.5))

    resizable = ((WIDTH_Z, 2, 25),)
