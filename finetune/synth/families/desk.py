"""Desk and workshop storage: a pencil cup (round or hexagonal), a parts tray with
compartments, a wall-mounted spool holder."""

from __future__ import annotations

import math
from random import Random

from finetune.synth import edits
from finetune.synth.edits import HEIGHT, Dimension
from finetune.synth.families.basic import polygon_area
from finetune.synth.families.boxes import wall_clause
from finetune.synth.families.flat import holes_np, sample_hole
from finetune.synth.family import Edit, Family, Shape, Values, step
from finetune.synth.scad import Param, as_params, hole_param
from finetune.synth.words import Clause, Words

COS30 = math.cos(math.radians(30))


class PencilCup(Family):
    """An open cup for pens: round, or a hexagonal prism sized across its flats."""

    name = "pencil_cup"
    title = "Pencil cup"
    fn = 64
    groups = {"wall": (("wall",), 0.4), "bottom": (("bottom",), 0.7)}
    NOUNS = ("pencil cup", "pen cup", "pencil holder", "pen holder", "desk cup",
             "brush holder", "pencil pot")

    def defaults(self) -> Values:
        return {"hex": False, "size": 70.0, "height": 95.0, "wall": 2.0, "bottom": 2.5}

    def sample(self, rng: Random) -> Values:
        return {"hex": rng.random() < 0.45, "size": step(rng, 50, 100, 5),
                "height": step(rng, 60, 130, 5), "wall": rng.choice([1.6, 2.0, 2.0, 2.5, 3.0]),
                "bottom": rng.choice([2.0, 2.5, 3.0])}

    def valid(self, v: Values) -> bool:
        return v["size"] >= 6 * v["wall"] + 20

    def params(self, v: Values) -> list[Param]:
        size = Param("flats", v["size"], "across the flats") if v["hex"] else \
            Param("diameter", v["size"])
        return [size, *as_params(v, "height", "wall"),
                Param("bottom", v["bottom"], "floor thickness")]

    def body(self, v: Values) -> str:
        if v["hex"]:
            return ("// a hexagon's corners lie on a circle of flats / cos(30)\n"
                    "difference() {\n"
                    "    cylinder(d = flats / cos(30), h = height, $fn = 6);\n"
                    "    translate([0, 0, bottom])\n"
                    "        cylinder(d = (flats - 2 * wall) / cos(30), h = height, $fn = 6);\n"
                    "}")
        return ("difference() {\n"
                "    cylinder(d = diameter, h = height);\n"
                "    translate([0, 0, bottom]) cylinder(d = diameter - 2 * wall, h = height);\n"
                "}")

    def shape(self, v: Values) -> Shape:
        S, H, t, b = v["size"], v["height"], v["wall"], v["bottom"]
        if v["hex"]:
            outer, inner = S / COS30, (S - 2 * t) / COS30
            vol = polygon_area(outer, 6) * H - polygon_area(inner, 6) * (H - b)
            return Shape((outer, S, H), genus=0, volume=vol, volume_tol=0.02)
        vol = polygon_area(S, 64) * H - polygon_area(S - 2 * t, 64) * (H - b)
        return Shape.upright(S, H, genus=0, volume=vol, volume_tol=0.02)

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        s = w.mm(v["size"])
        noun = w.pick(self.NOUNS)
        if v["hex"]:
            noun = f"{w.pick(['hexagonal', 'hex', 'six-sided'])} {noun}"
            clauses = [Clause(adj=[f"{s} across the flats", f"{s} across flats"])]
        else:
            clauses = [w.diameter(v["size"])]
        clauses.append(w.measure(v["height"], ("tall", "high"), "height"))
        if "wall" in said:
            clauses.append(wall_clause(w, v["wall"]))
        if "bottom" in said:
            clauses.append(Clause(np=[f"a {w.mm(v['bottom'], cm=False)} thick bottom"]))
        return w.compose(noun, clauses, keep_order=True)

    def edits(self, v: Values, w: Words) -> list[Edit]:
        out = [edits.resize(v, HEIGHT, w, 40, 200)]
        other = "round" if v["hex"] else "hexagonal"
        out.append(Edit(w.pick([f"make it {other}", f"a {other} one instead",
                                f"can it be {other}?"]), dict(v, hex=not v["hex"])))
        return out


class PartsTray(Family):
    """An open tray divided into a grid of compartments."""

    name = "parts_tray"
    title = "Parts tray"
    fn = None
    groups = {"size": (("length", "width", "height"), 0.15), "wall": (("wall",), 0.5)}
    NOUNS = ("parts tray", "sorting tray", "compartment tray", "screw tray", "organizer tray",
             "divided tray", "parts organiser", "small parts tray", "bead tray")

    def defaults(self) -> Values:
        return {"length": 120.0, "width": 80.0, "height": 25.0, "wall": 1.6, "floor": 1.6,
                "cols": 3, "rows": 2}

    def sample(self, rng: Random) -> Values:
        return {"length": step(rng, 60, 200, 5), "width": step(rng, 40, 140, 5),
                "height": step(rng, 15, 50, 5), "wall": rng.choice([1.2, 1.6, 2.0, 2.0]),
                "floor": rng.choice([1.2, 1.6, 2.0]), "cols": rng.randint(1, 5),
                "rows": rng.randint(1, 4)}

    def cell(self, v: Values) -> tuple[float, float]:
        t = v["wall"]
        return ((v["length"] - (v["cols"] + 1) * t) / v["cols"],
                (v["width"] - (v["rows"] + 1) * t) / v["rows"])

    def valid(self, v: Values) -> bool:
        return v["cols"] * v["rows"] >= 2 and min(self.cell(v)) >= 12

    def params(self, v: Values) -> list[Param]:
        return [*as_params(v, "length", "width", "height", "wall", "floor"),
                Param("cols", v["cols"], "compartments along X"),
                Param("rows", v["rows"], "compartments along Y")]

    def body(self, v: Values) -> str:
        return ("cell_x = (length - (cols + 1) * wall) / cols;\n"
                "cell_y = (width - (rows + 1) * wall) / rows;\n"
                "difference() {\n"
                "    cube([length, width, height]);\n"
                "    for (i = [0 : cols - 1], j = [0 : rows - 1])\n"
                "        translate([wall + i * (cell_x + wall), wall + j * (cell_y + wall),"
                " floor])\n"
                "            cube([cell_x, cell_y, height]);\n"
                "}")

    def shape(self, v: Values) -> Shape:
        cx, cy = self.cell(v)
        n = v["cols"] * v["rows"]
        vol = v["length"] * v["width"] * v["height"] - n * cx * cy * (v["height"] - v["floor"])
        return Shape((v["length"], v["width"], v["height"]), genus=0, volume=vol,
                     volume_tol=0.02)

    def spec(self, v: Values, *, xyz: bool = False) -> dict:
        spec = super().spec(v, xyz=xyz)
        spec["openings"] = [{"count": v["cols"] * v["rows"], "min": round(min(self.cell(v)) *
                                                                       0.8, 1),
                             "what": "compartments"}]
        return spec

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        n, cols, rows = v["cols"] * v["rows"], v["cols"], v["rows"]
        grid = [f"{n} compartments ({rows} rows of {cols})",
                f"{w.number(rows)} rows of {w.number(cols)} compartments",
                f"a {cols} x {rows} grid of compartments"]
        if rows == 1 or cols == 1:
            grid = [f"{w.count(n, 'compartment')} in a row", f"{n} equal compartments"]
        clauses = [Clause(np=grid)]
        if "size" in said:
            dims = w.dims([v["length"], v["width"], v["height"]])
            clauses.append(Clause(adj=[dims, f"measuring {dims}"], lead=[dims]))
        if "wall" in said:
            clauses.append(wall_clause(w, v["wall"]))
        return w.compose(w.pick(self.NOUNS), clauses, keep_order=w.chance(0.5))

    def edits(self, v: Values, w: Words) -> list[Edit]:
        return [edits.resize(v, HEIGHT, w, 10, 80), *self.valid_edits(
            edits.hole_count(v, w, "cols", "column of compartments", low=1))]


class SpoolHolder(Family):
    """A wall plate with an arm the spool hangs on and a lip that keeps it there."""

    name = "spool_holder"
    title = "Spool holder"
    fn = 48
    groups = {"arm": (("arm",), 0.3), "hole": (("screw", "hole_d"), 0.4)}
    NOUNS = ("spool holder", "filament spool holder", "wall spool holder",
             "wall-mounted spool holder", "spool hanger", "spool holder arm")

    def defaults(self) -> Values:
        return {"width": 50.0, "height": 90.0, "thickness": 5.0, "arm_d": 30.0, "arm": 75.0,
                "lip": 4.0, "screw": "M4", "hole_d": 4.5}

    def sample(self, rng: Random) -> Values:
        screw, hole = sample_hole(rng, ("M3", "M4", "M4", "M5"))
        arm_d = step(rng, 16, 45)
        return {"width": step(rng, arm_d + 10, arm_d + 30), "height": step(rng, 70, 140, 5),
                "thickness": step(rng, 4, 8), "arm_d": arm_d, "arm": step(rng, 40, 110, 5),
                "lip": step(rng, 2, 6), "screw": screw, "hole_d": hole}

    def valid(self, v: Values) -> bool:
        free = (v["height"] - v["arm_d"]) / 2  # plate above (and below) the arm
        return free >= 2 * v["hole_d"] + 6 and v["width"] >= v["arm_d"] + 2 * v["lip"]

    def params(self, v: Values) -> list[Param]:
        return [Param("width", v["width"]), Param("height", v["height"], "wall plate"),
                *as_params(v, "thickness", "arm_d"),
                Param("arm", v["arm"], "arm length"), Param("lip", v["lip"], "end stop"),
                hole_param(v)]

    def body(self, v: Values) -> str:
        return ("difference() {\n"
                "    union() {\n"
                "        cube([width, thickness, height]);\n"
                "        translate([width / 2, 0, height / 2]) rotate([-90, 0, 0]) {\n"
                "            cylinder(d = arm_d, h = thickness + arm);\n"
                "            // the lip at the end keeps the spool on\n"
                "            translate([0, 0, thickness + arm - 3])"
                " cylinder(d = arm_d + 2 * lip, h = 3);\n"
                "        }\n"
                "    }\n"
                "    for (z = [hole_d + 3, height - hole_d - 3])\n"
                "        translate([width / 2, -1, z]) rotate([-90, 0, 0])"
                " cylinder(d = hole_d, h = thickness + 2);\n"
                "}")

    def shape(self, v: Values) -> Shape:
        return Shape((v["width"], v["thickness"] + v["arm"], v["height"]), genus=2)

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        d = w.mm(v["arm_d"], cm=False)
        clauses = [Clause(np=[f"a {d} arm", f"a {d} diameter rod for the spool",
                              f"an arm {d} thick", f"a {d} round arm to hang the spool on"])]
        if "arm" in said:
            clauses.append(Clause(np=[f"an arm {w.mm(v['arm'])} long",
                                      f"a {w.mm(v['arm'])} long arm"]))
        clauses.append(Clause(np=[holes_np(w, 2, v["screw"], v["hole_d"], "in the wall plate",
                                           "hole" in said)]))
        return w.compose(w.pick(self.NOUNS), clauses, keep_order=w.chance(0.6))

    resizable = ((Dimension("arm", "y", "long", "longer", "shorter", "arm length"), 30, 150),)
