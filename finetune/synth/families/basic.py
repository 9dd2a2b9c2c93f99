"""Primitive solids: block/cube, cylinder/disc/rod, sphere."""

from __future__ import annotations

import math
from random import Random

from finetune.synth import edits
from finetune.synth.edits import HEIGHT, LENGTH, WIDTH, Dimension
from finetune.synth.family import Edit, Family, Shape, Values, step
from finetune.synth.scad import Param, as_params
from finetune.synth.words import Clause, Words, fmt


def polygon_area(d: float, n: int) -> float:
    """Area of OpenSCAD's n-gon for a circle of diameter d (vertices on the circle)."""
    r = d / 2
    return n / 2 * r * r * math.sin(2 * math.pi / n)


def rounded_rect_area(length: float, width: float, r: float, n: int) -> float:
    """Hull of four n-gon corners of radius r."""
    if r <= 0:
        return length * width
    return length * width - 4 * r * r + polygon_area(2 * r, n)


def slab_code(rounded: bool, height: str = "height") -> str:
    """A length x width box, or the same with rounded vertical edges (hull of 4 cylinders)."""
    if rounded:
        return (
            "hull()\n"
            "    for (x = [corner_r, length - corner_r], y = [corner_r, width - corner_r])\n"
            f"        translate([x, y, 0]) cylinder(r = corner_r, h = {height});"
        )
    return f"cube([length, width, {height}]);"


def size_clause(w: Words, l_: float, w_: float, h: float, third: str = "tall",
                third_noun: str = "height") -> Clause:
    dims = w.dims([l_, w_, h])
    return Clause(
        adj=[dims, f"{w.mm(l_)} long, {w.mm(w_)} wide and {w.mm(h)} {third}",
             f"measuring {dims}", f"{dims} in size", f"of {dims}",
             f"{fmt(l_)} long by {fmt(w_)} wide by {fmt(h)} {third} (mm)",
             f"{w.mm(l_)} by {w.mm(w_)}, {w.mm(h)} {third}"],
        np=[f"dimensions of {dims}", f"a size of {dims}", f"outer dimensions {dims}",
            f"a {third_noun} of {w.mm(h)}, a length of {w.mm(l_)} and a width of {w.mm(w_)}"],
        lead=[dims, dims, f"{w.mm(h)} {third} {fmt(l_)}x{fmt(w_)}",
              f"{fmt(l_)}x{fmt(w_)}x{fmt(h)}"],
    )


def hollow(v: Values, w: Words) -> Edit:
    """'hollow it out, 2 mm walls': an open-top shell of the same outside (a cup, a tray)."""
    t = w.rng.choice([1.5, 2.0, 2.0, 2.5, 3.0])
    s = w.mm(t, cm=False)
    text = w.pick([f"hollow it out with {s} walls, open at the top",
                   f"make it hollow, {s} thick walls and an open top",
                   f"shell it to {s}, leaving the top open",
                   f"scoop out the inside, keep {s} walls and a {s} floor",
                   f"turn it into an open container with {s} walls"])
    return Edit(text, dict(v, wall=t))


def hole_and_wall_params(v: Values) -> list[Param]:
    """The parameters of a central hole and of the hollowing a follow-up adds, where set."""
    return [Param(key, v[key], note) for key, note in (("hole_d", None),
                                                       ("wall", "open at the top")) if v[key]]


def bigger_hole(family: Family, v: Values, w: Words) -> list[Edit]:
    """'make the hole bigger' for parts with one central hole_d."""
    new = v["hole_d"] + w.rng.choice([1.0, 2.0, 3.0])
    n = dict(v, hole_d=new)
    if not family.valid(n):
        return []
    return [Edit(w.pick(["make the hole bigger", f"make the hole {w.mm(new)}",
                         f"enlarge the hole to {w.mm(new)}", "a bigger hole please",
                         f"widen the bore to {w.mm(new)}"]), n)]


class Block(Family):
    name = "block"
    title = "Block"
    groups = {"size": (("length", "width", "height"), 0.04)}

    def defaults(self) -> Values:
        return {"length": 40.0, "width": 30.0, "height": 20.0, "corner_r": 0.0,
                "hole_d": 0.0, "wall": 0.0}

    def sample(self, rng: Random) -> Values:
        if rng.random() < 0.3:
            s = step(rng, 5, 80, 5) if rng.random() < 0.7 else step(rng, 4, 100)
            v = {"length": s, "width": s, "height": s}
        else:
            v = {"length": step(rng, 10, 150), "width": step(rng, 10, 100),
                 "height": step(rng, 3, 80)}
            if v["width"] > v["length"] and rng.random() < 0.7:
                v["length"], v["width"] = v["width"], v["length"]
        v["corner_r"] = step(rng, 1, 5, 0.5) if rng.random() < 0.15 else 0.0
        v["hole_d"] = 0.0
        v["wall"] = 0.0  # hollowed out by a follow-up only
        return v

    def valid(self, v: Values) -> bool:
        if v["wall"] and (v["hole_d"] or v["corner_r"] or v["height"] < v["wall"] + 3
                          or min(v["length"], v["width"]) < 2 * v["wall"] + 4):
            return False
        return v["corner_r"] * 2 < min(v["length"], v["width"]) - 2 and (
            v["hole_d"] == 0 or v["hole_d"] < min(v["length"], v["width"]) - 4)

    def params(self, v: Values) -> list[Param]:
        ps = as_params(v, "length", "width", "height")
        if v["corner_r"]:
            ps.append(Param("corner_r", v["corner_r"]))
        return ps + hole_and_wall_params(v)

    def body(self, v: Values) -> str:
        if v["wall"]:
            return ("difference() {\n"
                    "    cube([length, width, height]);\n"
                    "    translate([wall, wall, wall])"
                    " cube([length - 2 * wall, width - 2 * wall, height]);\n}")
        slab = slab_code(bool(v["corner_r"]))
        if not v["hole_d"]:
            return slab
        return (
            "difference() {\n"
            + "\n".join("    " + line for line in slab.splitlines())
            + "\n    translate([length / 2, width / 2, -1]) cylinder(d = hole_d, h = height + 2);"
            "\n}"
        )

    def shape(self, v: Values) -> Shape:
        area = rounded_rect_area(v["length"], v["width"], v["corner_r"], self.fn or 48)
        if v["hole_d"]:
            area -= polygon_area(v["hole_d"], self.fn or 48)
        if v["wall"]:
            t = v["wall"]
            area -= (v["length"] - 2 * t) * (v["width"] - 2 * t) * (1 - t / v["height"])
        return Shape((v["length"], v["width"], v["height"]), genus=1 if v["hole_d"] else 0,
                     volume=area * v["height"])

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        l_, w_, h = v["length"], v["width"], v["height"]
        rounded = bool(v["corner_r"])
        extra: list[Clause] = []
        if rounded:
            r = w.mm(v["corner_r"])
            extra.append(Clause(adj=[f"with {r} rounded corners", f"with corners rounded to {r}"],
                                np=[f"{r} rounded corners", f"a {r} corner radius",
                                    f"rounded edges (radius {r})"],
                                lead=["rounded"]))
        if "size" not in said:
            noun = w.pick(["block", "box", "cuboid", "rectangular block", "solid block"])
            return w.compose(noun, extra)
        if l_ == w_ == h:
            s = w.mm(l_)
            noun = w.pick(["cube", "cube", "block", "solid cube"])
            if not extra and w.chance(0.6):
                form = w.pick([f"{s} {noun}", f"{noun} with {s} sides", f"{noun}, side {s}",
                               f"{noun} of {s}", f"{noun} {s} on each side",
                               f"{noun} with a side length of {s}",
                               f"{noun} measuring {w.dims([l_, w_, h])}",
                               f"{fmt(l_)}mm {noun}", f"{s} {noun} (all sides equal)"])
                return w.frame(("a " if w.chance(0.8) else "") + form)
            size = Clause(adj=[f"{s} on each side", f"with {s} sides", f"side {s}"],
                          np=[f"{s} sides", f"a side length of {s}", f"edges of {s}"],
                          lead=[s])
            return w.compose(noun, [size, *extra])
        noun = w.pick(["block", "box", "cuboid", "rectangular block", "solid block", "brick",
                       "rectangular box", "solid box", "rectangular prism", "block of material"])
        if h < min(l_, w_) / 3 and w.chance(0.4):
            noun = w.pick(["slab", "block", "tile"])
        return w.compose(noun, [size_clause(w, l_, w_, h, w.pick(["tall", "high", "thick"])),
                                *extra])

    def edits(self, v: Values, w: Words) -> list[Edit]:
        out = [edits.resize(v, HEIGHT, w, 3, 160), edits.resize(v, LENGTH, w, 10, 200),
               edits.resize(v, WIDTH, w, 10, 150)]
        if not v["corner_r"]:
            r = min(5.0, edits.round_half(min(v["length"], v["width"]) / 8))
            if r >= 1:
                n = dict(v, corner_r=r)
                out.append(Edit(w.pick(["round the corners", "round off the corners",
                                        f"give it {w.mm(r)} rounded corners",
                                        "can you round the vertical edges?",
                                        f"add a {fmt(r)} mm radius to the corners"]), n))
        if not v["hole_d"]:
            d = float(w.rng.choice([3, 4, 5, 6, 8]))
            if d < min(v["length"], v["width"]) - 6:
                n = dict(v, hole_d=d)
                out.append(Edit(w.pick([f"drill a {w.mm(d)} hole straight down the centre",
                                        f"centre hole please, {w.mm(d)}",
                                        f"I need a {fmt(d)} mm hole in the middle, top to bottom",
                                        f"cut a vertical {w.mm(d)} hole at the centre"]), n))
        else:
            out += bigger_hole(self, v, w)
        if not v["wall"] and not v["hole_d"] and not v["corner_r"]:
            out.append(hollow(v, w))
        W, H = v["width"], v["height"]
        out += [Edit(w.pick(["make it a sphere of the same width instead",
                             f"turn it into a ball {w.mm(W)} across",
                             "same width, but a sphere please"]), {"diameter": W},
                     family="sphere"),
                Edit(w.pick(["make it a cylinder instead, same width and height",
                             f"I'd rather have a cylinder, {w.mm(W)} diameter, same height",
                             "change it to a round post of the same width and height"]),
                     {"diameter": W, "height": H, "hole_d": 0.0, "wall": 0.0},
                     family="cylinder")]
        return out


class Cylinder(Family):
    name = "cylinder"
    title = "Cylinder"
    fn = 64
    groups = {"size": (("diameter", "height"), 0.04)}

    def defaults(self) -> Values:
        return {"diameter": 25.0, "height": 15.0, "hole_d": 0.0, "wall": 0.0}

    def sample(self, rng: Random) -> Values:
        kind = rng.random()
        if kind < 0.2:  # disc
            d, h = step(rng, 20, 120, 5), step(rng, 2, 10)
        elif kind < 0.35:  # rod
            d, h = step(rng, 4, 20), step(rng, 40, 200, 5)
        else:
            d, h = step(rng, 5, 100), step(rng, 5, 100)
        hole = 0.0
        if rng.random() < 0.2:
            hole = float(rng.choice([2, 3, 4, 5, 6, 8, 10, 12]))
        return {"diameter": d, "height": h, "hole_d": hole, "wall": 0.0}

    def valid(self, v: Values) -> bool:
        if v["wall"] and (v["hole_d"] or v["diameter"] < 2 * v["wall"] + 4
                          or v["height"] < v["wall"] + 3):
            return False
        return v["hole_d"] == 0 or v["hole_d"] <= v["diameter"] - 3

    def params(self, v: Values) -> list[Param]:
        return [*as_params(v, "diameter", "height"),
                *hole_and_wall_params(v)]

    def body(self, v: Values) -> str:
        if v["wall"]:
            return ("difference() {\n"
                    "    cylinder(d = diameter, h = height);\n"
                    "    translate([0, 0, wall]) cylinder(d = diameter - 2 * wall, h = height);\n"
                    "}")
        if not v["hole_d"]:
            return "cylinder(d = diameter, h = height);"
        return (
            "difference() {\n"
            "    cylinder(d = diameter, h = height);\n"
            "    translate([0, 0, -1]) cylinder(d = hole_d, h = height + 2);\n"
            "}"
        )

    def shape(self, v: Values) -> Shape:
        n = self.fn or 48
        area = polygon_area(v["diameter"], n)
        if v["hole_d"]:
            area -= polygon_area(v["hole_d"], n)
        d = v["diameter"]
        volume = area * v["height"]
        if v["wall"]:
            volume -= polygon_area(d - 2 * v["wall"], n) * (v["height"] - v["wall"])
        return Shape.upright(d, v["height"], genus=1 if v["hole_d"] else 0, volume=volume)

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        d, h = v["diameter"], v["height"]
        if h <= d / 4:
            noun = w.pick(["disc", "disk", "round disc", "cylinder", "puck", "round plate"])
            hword, hnoun = "thick", "thickness"
        elif h >= d * 4:
            noun = w.pick(["rod", "round rod", "cylinder", "dowel", "pin", "round bar"])
            hword, hnoun = w.pick(["long", "long", "tall"]), "length"
        else:
            noun = w.pick(["cylinder", "cylinder", "cylinder", "round block", "post", "puck",
                           "cylindrical block", "column", "round peg"])
            hword, hnoun = w.pick(["tall", "high", "tall"]), "height"
        clauses: list[Clause] = []
        if "size" in said:
            if w.chance(0.1):
                r = w.mm(d / 2)
                clauses.append(Clause(adj=[f"with a radius of {r}", f"radius {r}"],
                                      np=[f"a radius of {r}", f"a {r} radius"]))
            else:
                clauses.append(w.diameter(d))
            clauses.append(w.length_clause(h, [hword], [hnoun]))
        if v["hole_d"]:
            hd = w.mm(v["hole_d"])
            clauses.append(Clause(
                np=[f"a {hd} hole down the middle", f"a {hd} centre bore",
                    f"a central {hd} hole", f"a {hd} bore on the axis",
                    f"a {hd} hole down its centre line", f"a {hd} axial hole"],
                adj=[f"with a {hd} hole through the center", f"bored through with {hd}"]))
        return w.compose(noun, clauses, keep_order=w.chance(0.5))

    def edits(self, v: Values, w: Words) -> list[Edit]:
        out = [edits.resize(v, HEIGHT, w, 2, 200),
               edits.resize(v, Dimension("diameter", "x", "wide", "wider", "narrower",
                                         "diameter"), w, 4, 120)]
        if not v["hole_d"]:
            d = float(w.rng.choice([2, 3, 4, 5, 6, 8, 10]))
            if d <= v["diameter"] - 4:
                out.append(Edit(w.pick([
                    f"bore it out down the centre, {w.mm(d)}",
                    f"run a {w.mm(d)} hole end to end on the axis",
                    f"put a {fmt(d)} mm hole down the centre", f"drill it through, {w.mm(d)}",
                    f"give it a {w.mm(d)} axial bore", f"add a {fmt(d)}mm axial hole"]),
                    dict(v, hole_d=d)))
        else:
            out += bigger_hole(self, v, w)
        if not v["wall"] and not v["hole_d"]:
            out.append(hollow(v, w))
        d = v["diameter"]
        out += [Edit(w.pick(["make it a sphere of the same diameter instead",
                             f"actually I want a ball, {w.mm(d)} across",
                             "swap it for a sphere, same diameter"]), {"diameter": d},
                     family="sphere"),
                Edit(w.pick(["make it a square block instead, same size",
                             f"a {fmt(d)} x {fmt(d)} block of the same height instead",
                             "change it to a box shape, same width and height"]),
                     {"length": d, "width": d, "height": v["height"], "corner_r": 0.0,
                      "hole_d": 0.0, "wall": 0.0}, family="block")]
        return out


class Sphere(Family):
    name = "sphere"
    title = "Sphere"
    fn = 48
    groups = {"size": (("diameter",), 0.03)}

    def defaults(self) -> Values:
        return {"diameter": 20.0}

    def sample(self, rng: Random) -> Values:
        return {"diameter": step(rng, 5, 100) if rng.random() < 0.6 else step(rng, 10, 80, 5)}

    def params(self, v: Values) -> list[Param]:
        return [Param("diameter", v["diameter"])]

    def body(self, v: Values) -> str:
        return "sphere(d = diameter);"

    def shape(self, v: Values) -> Shape:
        d = v["diameter"]
        # the 48-segment sphere is a little smaller than the true one
        return Shape.upright(d, d * 0.998, genus=0, volume=math.pi / 6 * d**3 * 0.985,
                             volume_tol=0.05)

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        noun = w.pick(["sphere", "sphere", "ball", "solid sphere", "round ball", "solid ball"])
        if "size" not in said:
            return w.compose(noun, [])
        d = v["diameter"]
        if w.chance(0.12):
            r = w.mm(d / 2)
            c = Clause(adj=[f"with a radius of {r}", f"radius {r}", f"of radius {r}"],
                       np=[f"a radius of {r}", f"a {r} radius"])
        else:
            c = w.diameter(d)
        return w.compose(noun, [c])

    def edits(self, v: Values, w: Words) -> list[Edit]:
        d = v["diameter"]
        new = float(w.rng.choice([x for x in range(5, 101, 5) if abs(x - d) >= 0.15 * d]))
        n = w.mm(new)
        text = w.pick([f"make it {n} in diameter", f"change the diameter to {n}",
                       f"make it {n} across", f"diameter {n}"])
        ratio = new / d
        grow = {"axis": "z", "min_ratio": round(ratio * 0.97, 2)} if ratio > 1 else {
            "axis": "z", "max_ratio": round(ratio * 1.03, 2)}
        s = w.mm(d)
        return [Edit(text, {"diameter": new}, grow),
                Edit(w.pick(["make it a cube of the same size instead",
                             f"a {s} cube instead", "same size, but a cube"]),
                     {"length": d, "width": d, "height": d, "corner_r": 0.0, "hole_d": 0.0,
                      "wall": 0.0}, family="block"),
                Edit(w.pick(["make it a cylinder of the same diameter and height",
                             f"change it to a {s} cylinder, {s} tall",
                             "turn it into a cylinder, same size"]),
                     {"diameter": d, "height": d, "hole_d": 0.0, "wall": 0.0},
                     family="cylinder")]
