"""More solids: triangular prism, wedge, cone, funnel, dome, cup/planter."""

from __future__ import annotations

import math
from random import Random

from finetune.synth import edits
from finetune.synth.edits import HEIGHT, LENGTH, LENGTH_Z, Dimension
from finetune.synth.families.basic import polygon_area
from finetune.synth.families.boxes import shell_wall_clause
from finetune.synth.family import Edit, Family, Shape, Values, step
from finetune.synth.hardware import CLEARANCE
from finetune.synth.scad import Param, as_params, hole_param, revolve
from finetune.synth.words import Clause, Words, fmt

# a 2D profile in the XY plane turned so that it extrudes along +X, profile X -> Y, Y -> Z
ALONG_X = "rotate([90, 0, 90]) linear_extrude(height = length)"


class Prism(Family):
    name = "prism"
    title = "Triangular prism"
    fn = None
    NOUNS = ("triangular prism", "triangular prism", "prism", "triangle prism",
             "equilateral prism", "triangular bar", "three-sided prism")

    def defaults(self) -> Values:
        return {"side": 25.0, "length": 60.0}

    def sample(self, rng: Random) -> Values:
        return {"side": step(rng, 5, 60), "length": step(rng, 10, 150, 5)}

    def params(self, v: Values) -> list[Param]:
        return [Param("side", v["side"], "equilateral triangle"), Param("length", v["length"])]

    def body(self, v: Values) -> str:
        return (f"{ALONG_X}\n"
                "    polygon([[0, 0], [side, 0], [side / 2, side * sqrt(3) / 2]]);")

    def shape(self, v: Values) -> Shape:
        s, L = v["side"], v["length"]
        h = s * math.sqrt(3) / 2
        return Shape((L, s, h), genus=0, volume=s * h / 2 * L, volume_tol=0.02)

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        s, L = w.mm(v["side"]), w.mm(v["length"])
        side = Clause(
            adj=[f"with an equal-sided triangular profile, {s} a side",
                 f"with an equilateral triangle cross-section of {s} per side",
                 f"with {s} triangle sides", f"{s} on each side of the triangle"],
            np=[f"{s} sides", f"an equilateral {s} triangle profile",
                f"a triangular cross-section with {s} sides", f"a side length of {s}"])
        length = Clause(adj=[f"{L} long", f"{L} in length", f"length {L}"],
                        np=[f"a length of {L}", f"a {L} length"], lead=[f"{L} long"])
        return w.compose(w.pick(self.NOUNS), [length, side], keep_order=w.chance(0.6))

    def edits(self, v: Values, w: Words) -> list[Edit]:
        return [edits.resize(v, LENGTH, w, 10, 200)]


class Wedge(Family):
    name = "wedge"
    title = "Wedge"
    fn = None
    groups = {"size": (("run", "rise", "length"), 0.1)}
    NOUNS = ("wedge", "wedge", "door wedge", "door stop", "ramp", "right-angle wedge",
             "doorstop wedge", "shim wedge", "right triangular prism")

    def defaults(self) -> Values:
        return {"run": 80.0, "rise": 20.0, "length": 40.0}

    def sample(self, rng: Random) -> Values:
        return {"run": step(rng, 20, 150, 5), "rise": step(rng, 5, 60),
                "length": step(rng, 10, 80, 5)}

    def params(self, v: Values) -> list[Param]:
        return [Param("run", v["run"], "sloped length"), Param("rise", v["rise"], "tall end"),
                Param("length", v["length"], "width of the wedge")]

    def body(self, v: Values) -> str:
        return f"{ALONG_X}\n    polygon([[0, 0], [run, 0], [0, rise]]);"

    def shape(self, v: Values) -> Shape:
        return Shape((v["length"], v["run"], v["rise"]), genus=0,
                     volume=v["run"] * v["rise"] / 2 * v["length"], volume_tol=0.02)

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        if "size" not in said:
            return w.compose(w.pick(self.NOUNS), [])
        run, rise, wid = w.mm(v["run"]), w.mm(v["rise"]), w.mm(v["length"])
        clauses = [
            Clause(adj=[f"{run} long", f"with a {run} long slope"], np=[f"a {run} long base",
                                                                       f"a length of {run}"]),
            Clause(adj=[f"{rise} tall at the thick end", f"rising to {rise}", f"{rise} high"],
                   np=[f"a height of {rise}", f"a {rise} tall back"]),
            Clause(adj=[f"{wid} wide"], np=[f"a width of {wid}"]),
        ]
        return w.compose(w.pick(self.NOUNS), clauses, keep_order=w.chance(0.6))

    resizable = ((Dimension("rise", "z", "tall", "taller", "lower", "height"), 5, 80),
                 (Dimension("length", "x", "wide", "wider", "narrower", "width"), 10, 100))


class Cone(Family):
    name = "cone"
    title = "Cone"
    fn = 64
    NOUNS = ("cone", "cone", "solid cone")
    FRUSTUM = ("truncated cone", "frustum", "tapered cylinder", "cone frustum", "conical block")

    def defaults(self) -> Values:
        return {"base_d": 30.0, "top_d": 0.0, "height": 30.0}

    def sample(self, rng: Random) -> Values:
        base = step(rng, 10, 100)
        top = 0.0 if rng.random() < 0.5 else step(rng, 2, base - 4)
        return {"base_d": base, "top_d": top, "height": step(rng, 5, 100)}

    def params(self, v: Values) -> list[Param]:
        return as_params(v, "base_d", "top_d", "height")

    def body(self, v: Values) -> str:
        return "cylinder(d1 = base_d, d2 = top_d, h = height);"

    def shape(self, v: Values) -> Shape:
        D, d, h = v["base_d"], v["top_d"], v["height"]
        k = polygon_area(1, self.fn or 64) / (math.pi / 4)
        vol = math.pi * h / 12 * (D * D + D * d + d * d) * k
        return Shape.upright(D, h, genus=0, volume=vol, volume_tol=0.02)

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        base = w.diameter(v["base_d"])
        if v["top_d"]:
            noun = w.pick(self.FRUSTUM)
            t = w.mm(v["top_d"])
            base = Clause(adj=[f"{w.mm(v['base_d'])} across at the bottom",
                               f"{w.mm(v['base_d'])} at the base"],
                          np=[f"a {w.mm(v['base_d'])} base diameter",
                              f"a {w.mm(v['base_d'])} bottom diameter"])
            extra = [Clause(adj=[f"tapering to {t} at the top", f"{t} across at the top"],
                            np=[f"a {t} top diameter", f"a {t} top"])]
        else:
            noun = w.pick(self.NOUNS)
            base.adj.append(f"with a {w.mm(v['base_d'])} base")
            extra = []
        h = w.measure(v["height"], ("tall", "high"), "height", lead=True)
        return w.compose(noun, [base, *extra, h], keep_order=w.chance(0.6))

    def edits(self, v: Values, w: Words) -> list[Edit]:
        return [edits.resize(v, HEIGHT, w, 5, 150)]


class Funnel(Family):
    name = "funnel"
    title = "Funnel"
    fn = 64
    groups = {"wall": (("wall",), 0.4), "spout": (("spout_h",), 0.5)}

    def defaults(self) -> Values:
        return {"top_d": 80.0, "spout_d": 12.0, "cone_h": 50.0, "spout_h": 30.0, "wall": 2.0}

    def sample(self, rng: Random) -> Values:
        top = step(rng, 30, 150, 5)
        return {"top_d": top, "spout_d": step(rng, 6, max(8, top / 4)),
                "cone_h": step(rng, 15, top, 5), "spout_h": step(rng, 10, 60, 5),
                "wall": rng.choice([1.2, 1.5, 2.0, 2.0, 2.5])}

    def valid(self, v: Values) -> bool:
        return v["spout_d"] >= 2 * v["wall"] + 3 and v["top_d"] >= v["spout_d"] + 10

    def params(self, v: Values) -> list[Param]:
        return as_params(v, "top_d", "spout_d", "cone_h", "spout_h", "wall")

    def body(self, v: Values) -> str:
        return revolve("[spout_d / 2 - wall, 0], [spout_d / 2, 0], [spout_d / 2, spout_h]",
                       "[top_d / 2, spout_h + cone_h], [top_d / 2 - wall, spout_h + cone_h]",
                       "[spout_d / 2 - wall, spout_h]")

    def shape(self, v: Values) -> Shape:
        return Shape.upright(v["top_d"], v["spout_h"] + v["cone_h"], genus=1)

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        top, spout = w.mm(v["top_d"]), w.mm(v["spout_d"])
        clauses = [
            Clause(adj=[f"{top} across the top", f"{top} wide at the top", f"{top} top diameter"],
                   np=[f"a {top} wide mouth", f"a {top} top opening", f"a {top} opening"],
                   lead=[f"{top}"]),
            Clause(np=[f"a {spout} spout", f"a {spout} outlet", f"a {spout} diameter spout"],
                   adj=[f"narrowing to a {spout} spout"]),
            Clause(adj=[f"cone {w.mm(v['cone_h'])} tall", f"with a {w.mm(v['cone_h'])} tall cone"],
                   np=[f"a {w.mm(v['cone_h'])} tall cone", f"a cone height of "
                       f"{w.mm(v['cone_h'])}"]),
        ]
        if "spout" in said:
            clauses.append(Clause(np=[f"a {w.mm(v['spout_h'])} long spout tube",
                                      f"a spout {w.mm(v['spout_h'])} long"]))
        if "wall" in said:
            clauses.append(shell_wall_clause(w, v["wall"]))
        return w.compose(w.pick(["funnel", "funnel", "kitchen funnel", "small funnel",
                                 "filling funnel"]), clauses, keep_order=w.chance(0.6))

    resizable = ((Dimension("spout_h", None, "long", "longer", "shorter", "spout length"),
                  10, 80),)


class Dome(Family):
    name = "dome"
    title = "Dome"
    fn = 48
    NOUNS = ("hemisphere", "half sphere", "dome", "half-sphere", "solid dome", "half ball")

    def defaults(self) -> Values:
        return {"diameter": 40.0}

    def sample(self, rng: Random) -> Values:
        return {"diameter": step(rng, 10, 120)}

    def params(self, v: Values) -> list[Param]:
        return [Param("diameter", v["diameter"])]

    def body(self, v: Values) -> str:
        # a quarter disc turned about Z: one 2D step, no slow 3D boolean
        return ("rotate_extrude()\n"
                "    intersection() {\n"
                "        circle(d = diameter);\n"
                "        square(diameter / 2);\n"
                "    }")

    def shape(self, v: Values) -> Shape:
        d = v["diameter"]
        return Shape.upright(d, d / 2, genus=0, volume=math.pi / 12 * d**3 * 0.985,
                             volume_tol=0.05,
                             ranges=((d * 0.99 - 0.3, d + 0.4), (d * 0.99 - 0.3, d + 0.4),
                                     (d / 2 * 0.99 - 0.3, d / 2 + 0.3)))

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        d = v["diameter"]
        c = w.diameter(d)
        if w.chance(0.15):
            c = Clause(adj=[f"radius {w.mm(d / 2)}", f"with a radius of {w.mm(d / 2)}"],
                       np=[f"a {w.mm(d / 2)} radius"])
        extra = [Clause(adj=["flat side down", "sitting on its flat face"])] if w.chance(
            0.2) else []
        return w.compose(w.pick(self.NOUNS), [c, *extra])

    resizable = ((Dimension("diameter", "x", "wide", "wider", "smaller", "diameter"), 10, 150),)


class Cup(Family):
    name = "cup"
    title = "Cup"
    fn = 64
    groups = {"wall": (("wall",), 0.25), "bottom": (("bottom",), 0.7)}
    NOUNS = ("cup", "round container", "pot", "pen holder", "round box without a lid",
             "cylindrical container", "tumbler", "round bin", "jar", "beaker")
    PLANTER = ("planter", "plant pot", "flower pot", "planter pot")

    def defaults(self) -> Values:
        return {"outer_d": 60.0, "height": 70.0, "wall": 2.0, "bottom": None, "drain_d": 0.0}

    def sample(self, rng: Random) -> Values:
        return {"outer_d": step(rng, 20, 120, 5) if rng.random() < 0.6 else step(rng, 20, 120),
                "height": step(rng, 15, 150, 5), "wall": rng.choice([1.2, 1.6, 2.0, 2.0, 3.0]),
                "bottom": rng.choice([1.5, 2.0, 3.0]),
                "drain_d": 0.0 if rng.random() < 0.75 else float(rng.choice([5, 6, 8, 10]))}

    def complete(self, v: Values, said: frozenset[str]) -> Values:
        if v["bottom"] is None:
            v["bottom"] = v["wall"]
        return v

    def valid(self, v: Values) -> bool:
        return v["outer_d"] >= 4 * v["wall"] + 8 and v["height"] > v["bottom"] + 5 and (
            v["drain_d"] <= v["outer_d"] / 3)

    def params(self, v: Values) -> list[Param]:
        ps = [*as_params(v, "outer_d", "height", "wall"),
              Param("bottom", v["bottom"], "floor thickness")]
        if v["drain_d"]:
            ps.append(Param("drain_d", v["drain_d"], "drainage hole"))
        return ps

    def body(self, v: Values) -> str:
        lines = ["difference() {",
                 "    cylinder(d = outer_d, h = height);",
                 "    translate([0, 0, bottom]) cylinder(d = outer_d - 2 * wall, h = height);"]
        if v["drain_d"]:
            lines.append("    translate([0, 0, -1]) cylinder(d = drain_d, h = bottom + 2);")
        return "\n".join(lines + ["}"])

    def shape(self, v: Values) -> Shape:
        D, H, t, b = v["outer_d"], v["height"], v["wall"], v["bottom"]
        n = self.fn or 64
        vol = polygon_area(D, n) * H - polygon_area(D - 2 * t, n) * (H - b)
        vol -= polygon_area(v["drain_d"], n) * b if v["drain_d"] else 0
        return Shape.upright(D, H, genus=1 if v["drain_d"] else 0, volume=vol, volume_tol=0.02)

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        noun = w.pick(self.PLANTER if v["drain_d"] and w.chance(0.7) else self.NOUNS)
        clauses = [w.diameter(v["outer_d"]),
                   w.measure(v["height"], ("tall", "high", "deep"), "height")]
        if "wall" in said:
            t = w.mm(v["wall"])
            clauses.append(Clause(np=[f"{t} walls", f"a {t} wall", f"{t} thick walls"],
                                  adj=[f"wall thickness {t}"]))
        if "bottom" in said:
            clauses.append(Clause(np=[f"a {w.mm(v['bottom'])} floor",
                                      f"a {w.mm(v['bottom'])} thick bottom"]))
        if v["drain_d"]:
            dd = w.mm(v["drain_d"])
            clauses.append(Clause(np=[f"a {dd} drainage hole in the bottom",
                                      f"a {dd} drain hole", f"a {dd} hole in the base"]))
        return w.compose(noun, clauses, keep_order=w.chance(0.6))

    def edits(self, v: Values, w: Words) -> list[Edit]:
        out = [edits.resize(v, HEIGHT, w, 15, 200), *self.valid_edits(
            edits.walls(v, w, lo=1.2, hi=6))]
        if not v["drain_d"]:
            d = float(w.rng.choice([5, 6, 8]))
            out.append(Edit(w.pick([f"add a {w.mm(d)} drainage hole in the bottom",
                                    f"put a {fmt(d)} mm hole in the floor",
                                    f"add a {w.mm(d)} drain hole"]), dict(v, drain_d=d)))
        return out


class Torus(Family):
    name = "torus"
    title = "Torus"
    fn = 48
    NOUNS = ("torus", "torus", "donut", "doughnut", "ring torus", "round ring", "o-ring shape")

    def defaults(self) -> Values:
        return {"outer_d": 40.0, "tube_d": 8.0}

    def sample(self, rng: Random) -> Values:
        od = step(rng, 15, 120)
        return {"outer_d": od, "tube_d": step(rng, 2, od / 3)}

    def valid(self, v: Values) -> bool:
        return v["outer_d"] - 2 * v["tube_d"] >= 3

    def params(self, v: Values) -> list[Param]:
        return [Param("outer_d", v["outer_d"]),
                Param("tube_d", v["tube_d"], "thickness of the ring")]

    def body(self, v: Values) -> str:
        return "rotate_extrude()\n    translate([(outer_d - tube_d) / 2, 0]) circle(d = tube_d);"

    def shape(self, v: Values) -> Shape:
        od, td = v["outer_d"], v["tube_d"]
        vol = 2 * math.pi**2 * ((od - td) / 2) * (td / 2) ** 2 * 0.995
        return Shape.upright(od, td, genus=1, volume=vol, volume_tol=0.04)

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        od, td = w.mm(v["outer_d"]), w.mm(v["tube_d"])
        inner = w.mm(v["outer_d"] - 2 * v["tube_d"])
        size = w.pick([
            Clause(adj=[f"{od} across", f"{od} outer diameter", f"{od} in diameter"],
                   np=[f"an outer diameter of {od}", f"a {od} outside diameter"], lead=[od]),
            Clause(np=[f"an inner diameter of {inner} and an outer diameter of {od}",
                       f"a {inner} hole in the middle and a {od} outside diameter"],
                   adj=[f"{od} outside, {inner} inside"]),
        ])
        tube = Clause(adj=[f"{td} thick", f"with a {td} thick tube"],
                      np=[f"a {td} tube", f"a {td} cross-section", f"a tube diameter of {td}"])
        return w.compose(w.pick(self.NOUNS), [size, tube], keep_order=w.chance(0.6))

    resizable = ((Dimension("tube_d", "z", "thick", "thicker", "thinner", "thickness"), 2, 30),)


class Pyramid(Family):
    name = "pyramid"
    title = "Pyramid"
    fn = None
    NOUNS = ("pyramid", "square pyramid", "square-based pyramid", "pyramid",
             "four-sided pyramid")

    def defaults(self) -> Values:
        return {"base": 40.0, "height": 30.0}

    def sample(self, rng: Random) -> Values:
        return {"base": step(rng, 10, 120), "height": step(rng, 5, 120)}

    def params(self, v: Values) -> list[Param]:
        return [Param("base", v["base"], "side of the square base"),
                Param("height", v["height"])]

    def body(self, v: Values) -> str:
        return "linear_extrude(height = height, scale = 0)\n    square(base, center = true);"

    def shape(self, v: Values) -> Shape:
        b, h = v["base"], v["height"]
        return Shape.upright(b, h, genus=0, volume=b * b * h / 3, volume_tol=0.02)

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        b, h = w.mm(v["base"]), w.mm(v["height"])
        base = Clause(adj=[f"with a {b} square base", f"{b} square at the base",
                           f"{b} on each side of the base"],
                      np=[f"a {b} square base", f"a base of {b} x {b}", f"{b} base sides"],
                      lead=[f"{b} base"])
        height = Clause(adj=[f"{h} tall", f"{h} high"], np=[f"a height of {h}"],
                        lead=[f"{h} tall"])
        return w.compose(w.pick(self.NOUNS), [base, height], keep_order=w.chance(0.6))

    resizable = ((HEIGHT, 5, 150),)


class HexPrism(Family):
    name = "hex_prism"
    title = "Hexagonal prism"
    fn = 48
    NOUNS = ("hexagonal prism", "hex prism", "hex bar", "hexagonal rod", "hexagonal block",
             "six-sided prism", "hex column")
    HOLLOW = ("hex standoff", "hexagonal spacer", "hex spacer", "hexagonal standoff",
              "hex prism with a hole")

    def defaults(self) -> Values:
        return {"across_flats": 10.0, "length": 30.0, "hole_d": 0.0, "screw": None}

    def sample(self, rng: Random) -> Values:
        af = step(rng, 5, 40)
        v: Values = {"across_flats": af, "length": step(rng, 5, 120, 5), "hole_d": 0.0,
                     "screw": None}
        if rng.random() < 0.35:
            screw = rng.choice(["M2.5", "M3", "M3", "M4", "M5"])
            v["screw"], v["hole_d"] = screw, CLEARANCE[screw]
        return v

    def valid(self, v: Values) -> bool:
        return not v["hole_d"] or v["hole_d"] <= v["across_flats"] - 2.5

    def params(self, v: Values) -> list[Param]:
        ps = as_params(v, "across_flats", "length")
        if v["hole_d"]:
            ps.append(hole_param(v))
        return ps

    def body(self, v: Values) -> str:
        hexagon = "cylinder(d = across_flats / cos(30), h = length, $fn = 6);"
        if not v["hole_d"]:
            return hexagon
        return ("difference() {\n    " + hexagon + "\n"
                "    translate([0, 0, -1]) cylinder(d = hole_d, h = length + 2);\n}")

    def shape(self, v: Values) -> Shape:
        af, L = v["across_flats"], v["length"]
        area = math.sqrt(3) / 2 * af * af
        if v["hole_d"]:
            area -= polygon_area(v["hole_d"], self.fn or 48)
        return Shape((af / math.cos(math.pi / 6), af, L), genus=1 if v["hole_d"] else 0,
                     volume=area * L, volume_tol=0.02)

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        af = w.mm(v["across_flats"])
        clauses = [Clause(adj=[f"{af} across the flats", f"{af} across flats", f"{af} AF"],
                          np=[f"{af} across the flats", f"a {af} width across flats"]),
                   w.measure(v["length"], ("long", "tall"), "length", lead=True)]
        if v["hole_d"]:
            noun = w.pick(self.HOLLOW)
            s = v["screw"]
            clauses.append(Clause(np=[f"a through bore for {s}", f"a hole for {s} screws",
                                      f"an {s} clearance hole"], adj=[f"for {s} screws"]))
        else:
            noun = w.pick(self.NOUNS)
        return w.compose(noun, clauses, keep_order=w.chance(0.6))

    resizable = ((LENGTH_Z, 5, 150),)
